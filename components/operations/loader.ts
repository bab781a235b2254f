/**
 * The dynamic provider a TypeScript program stores in the state for each deploy-time operation: a loader of a
 * few hundred bytes that names the operation and where the package is, never the operation's code.
 *
 * The SDK serializes the provider object into the resource's `__provider` input (and the dynamic-provider host
 * returns it with the outputs), and `@pulumi/pulumi/cmd/dynamic-provider` runs that text for every
 * check/diff/create/read/update/delete, in a fresh process whose cwd is the program's folder. So the text is
 * kept to: the operation's name, and a {@link HostLocator} resolved in that process at the first call. What
 * runs is then the installed version's catalog.ts (`providerOf(name)`): `pulumi refresh` and `pulumi destroy`
 * run the code installed now, errors keep their classes (and so their messages), and the state holds data.
 *
 * How the program's package is found again (docs/operations.md):
 * - installed (`node_modules/edge-registry`, from npm or git): the package specifier
 *   `edge-registry/dist/components/operations/catalog.js` (package.json `exports` allows it), resolved from the
 *   program's folder as the program itself resolved `edge-registry`;
 * - a checkout (this repository's `program/`, the examples, a monorepo that imports `components/`): the
 *   TypeScript sources, by their path relative to the program's folder, loaded through the same swc hook as
 *   `bin/register.js` (`@swc/core` is a dependency of the checkout). Never `dist/`, which a checkout may not
 *   have built or may have built from older sources.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- the loader requires what it loads at run time */
import * as fs from "node:fs";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";

/** Where the dynamic-provider process finds catalog.ts: one of `module` or `path`. */
export interface HostLocator {
  /** Package specifier of the catalog module, resolved from the program's folder (installed package). */
  readonly module?: string;
  /** Path of the catalog module relative to the program's folder (a checkout's sources). */
  readonly path?: string;
  /** Path of the TypeScript hook to load first, relative to the program's folder (with `path` to a `.ts`). */
  readonly hook?: string;
}

/** The package root: the nearest folder above `dir` whose package.json is named `edge-registry`. */
function packageRoot(dir: string): string | undefined {
  for (let current = dir; ; current = path.dirname(current)) {
    const manifest = path.join(current, "package.json");
    if (
      fs.existsSync(manifest) &&
      (JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string }).name === "edge-registry"
    ) {
      return current;
    }
    if (path.dirname(current) === current) {
      return undefined;
    }
  }
}

/** Forward slashes, so a state written on Windows loads on Linux and back. */
const portable = (p: string): string => p.split(path.sep).join("/");

/**
 * Where this package's catalog is, as seen from `cwd` (the program's folder: the program's process and the
 * engine's dynamic-provider process both run there). `moduleDir` is this module's folder.
 */
export function hostLocator(cwd: string = process.cwd(), moduleDir: string = __dirname): HostLocator {
  const root = packageRoot(moduleDir);
  const built = path.join(moduleDir, `catalog${path.extname(__filename) === ".ts" ? ".ts" : ".js"}`);
  if (root === undefined) {
    return { path: portable(path.relative(cwd, built)) };
  }
  if (root.split(path.sep).includes("node_modules")) {
    return { module: `edge-registry/${portable(path.relative(root, built))}` };
  }
  const sources = path.join(root, "components", "operations", "catalog.ts");
  const hook = path.join(root, "bin", "register.js");
  if (fs.existsSync(sources) && fs.existsSync(hook)) {
    return { path: portable(path.relative(cwd, sources)), hook: portable(path.relative(cwd, hook)) };
  }
  return { path: portable(path.relative(cwd, built)) };
}

/**
 * The loader of operation `name`: a provider object with only `configure`, which the dynamic-provider host
 * always calls first, once per process and provider text, before any other method (`getProvider`,
 * @pulumi/pulumi/cmd/dynamic-provider, which then looks the other methods up on the same object). It loads
 * `providerOf(name)` from `locator`, copies that provider's methods onto itself and forwards the config. So
 * the text holds one small function, `name` and `locator`; keep it free of imports (the serializer would
 * capture them) and of comments inside the function (they would be serialized too).
 */
export function loaderFor(name: string, locator: HostLocator): pulumi.dynamic.ResourceProvider {
  return {
    async configure(this: Record<string, unknown>, req: pulumi.dynamic.ConfigureRequest): Promise<void> {
      const { resolve, join } = require("node:path") as typeof import("node:path");
      const cwd = process.cwd();
      const where = locator.module ?? resolve(cwd, locator.path!);
      let provider: pulumi.dynamic.ResourceProvider;
      try {
        if (locator.hook !== undefined) require(resolve(cwd, locator.hook));
        const file = locator.module
          ? (require("node:module") as typeof import("node:module")).createRequire(join(cwd, "_.js")).resolve(where)
          : where;
        provider = require(file).providerOf(name);
      } catch (error) {
        throw new Error(`edge-registry: cannot load ${name} from ${where} in ${cwd} (run npm install there): ${error}`);
      }
      Object.assign(this, provider);
      await provider.configure!(req);
    },
  } as pulumi.dynamic.ResourceProvider;
}
