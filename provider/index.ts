/**
 * The plugin entry (package.json `main`): what `@pulumi/pulumi/cmd/run-plugin` `require`s when the engine
 * starts the `edge-registry` provider for a program in any language (`pulumi package add`).
 *
 * It exports no component class (run-plugin would then start the components-only host) and serves the
 * package's own provider instead: components and the deploy-time operations' custom resources. Programs
 * that `import "edge-registry"` get the library entry (package.json `exports`), never this module.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import * as components from "../components";
import { registerOperationsAsPluginResources } from "../components/operations/register";
import { operations } from "./operations";
import { EdgeRegistryProvider } from "./provider";
import type { PackageSchema } from "./schema";

/** The package directory: the nearest folder above this module with a package.json (source or dist). */
function packageDir(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) {
      return dir;
    }
    if (path.dirname(dir) === dir) {
      throw new Error(`no package.json above ${from}`);
    }
  }
}

const dirname = packageDir(__dirname);
const schema = JSON.parse(fs.readFileSync(path.join(dirname, "schema.json"), "utf8")) as PackageSchema;
const provider = new EdgeRegistryProvider({
  dirname,
  components: getPulumiComponents(components),
  operations,
  schema,
});
registerOperationsAsPluginResources();
void pulumi.provider.main(provider, process.argv.slice(2));
