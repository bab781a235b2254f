/**
 * How the planner's process loads modules: the same modules, minus one cost that buys nothing in a plan.
 * `bin/plan.ts` imports this module first, so it applies before `@pulumi/pulumi` loads; nothing else imports it
 * (jest defers the same module its own way: jest.config.js).
 *
 * `@npmcli/arborist` (with pacote, sigstore, cacache, ... about 300 modules, ~0.3 s of CPU) is loaded by the
 * SDK's `runtime/closure/codePaths.js` at start-up, for `computeCodePaths`, which only a program packaging its
 * own code calls (e.g. an AWS Lambda callback). Here it loads on first use instead.
 *
 * (Source maps: `bin/register.js` maps only the `.ts` files it compiles, so `node_modules`' maps are never read.)
 */
import * as path from "node:path";
import NodeModule from "node:module";
import { deferredModule } from "./deferredModule";

interface LoadableModule {
  filename?: string;
}
/** The parts of Node's CommonJS loader this module wraps (`node:module` internals, stable since Node 0.x). */
interface Loader {
  _load(request: string, parent: LoadableModule | undefined, isMain: boolean): unknown;
}
const loader = NodeModule as unknown as Loader;

const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const codePaths = path.join(sdk, "runtime", "closure", "codePaths.js");
const load = loader._load;
loader._load = function loadModule(request, parent, isMain) {
  if (request === "@npmcli/arborist" && parent?.filename === codePaths) {
    return deferredModule(() => load.call(loader, request, parent, isMain) as object, { esModule: true });
  }
  return load.call(loader, request, parent, isMain);
};
