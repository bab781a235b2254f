/**
 * How the planner's process loads modules: the same modules as before, minus two costs that buy nothing in a
 * plan (together about a quarter of a run's CPU). `bin/plan.ts` imports this module first, so it applies
 * before `@pulumi/pulumi` loads; nothing else imports it (a test runner's process keeps its own loading).
 *
 * - `@npmcli/arborist` (with pacote, sigstore, cacache, ... about 300 modules) is loaded by the SDK's
 *   `runtime/closure/codePaths.js` at start-up, for `computeCodePaths`, which only a program packaging its own
 *   code calls (e.g. an AWS Lambda callback). Here it loads on first use instead.
 * - `bin/register.js` turns source maps on, so that a program's stack trace names its `.ts` lines. That also
 *   read and parsed the `.js.map` of every module of `node_modules`, and mapped their frames in every stack
 *   trace the SDK captures (one per resource and per pending promise). The SDK's and the providers' maps point
 *   at TypeScript files they do not ship, so a frame in `node_modules` now prints as its `.js` file, which
 *   exists; the program's and this repository's `.ts` frames are mapped as before.
 */
import * as path from "node:path";
import NodeModule from "node:module";

interface LoadableModule {
  filename?: string;
}
/** The parts of Node's CommonJS loader this module wraps (`node:module` internals, stable since Node 0.x). */
interface Loader {
  _load(request: string, parent: LoadableModule | undefined, isMain: boolean): unknown;
  _extensions: { [extension: string]: (module: LoadableModule, filename: string) => void };
}
const loader = NodeModule as unknown as Loader;

/**
 * A stand-in for a module namespace that loads the module when a property is first read. It answers
 * `__esModule` itself, so TypeScript's `__importStar` keeps it as the namespace instead of copying every key.
 */
function deferred(load: () => object): object {
  let loaded: object | undefined;
  const target = (): object => (loaded ??= load());
  return new Proxy(
    {},
    {
      get: (_, key) => (key === "__esModule" ? true : Reflect.get(target(), key)),
      has: (_, key) => Reflect.has(target(), key),
      ownKeys: () => Reflect.ownKeys(target()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
        return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
      },
    },
  );
}

const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const codePaths = path.join(sdk, "runtime", "closure", "codePaths.js");
const load = loader._load;
loader._load = function loadModule(request, parent, isMain) {
  if (request === "@npmcli/arborist" && parent?.filename === codePaths) {
    return deferred(() => load.call(loader, request, parent, isMain) as object);
  }
  return load.call(loader, request, parent, isMain);
};

if (process.sourceMapsEnabled) {
  const compileJs = loader._extensions[".js"];
  const installed = `${path.sep}node_modules${path.sep}`;
  loader._extensions[".js"] = function compileWithoutSourceMap(module, filename) {
    if (!filename.includes(installed)) {
      return compileJs.call(this, module, filename);
    }
    // Off while Node compiles it (that is when Node reads its map); on again for anything loaded afterwards,
    // including the `.ts` files a package's module might require while it runs.
    process.setSourceMapsEnabled(false);
    try {
      return compileJs.call(this, module, filename);
    } finally {
      process.setSourceMapsEnabled(true);
    }
  };
}
