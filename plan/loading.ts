/**
 * How the planner's process loads modules: the same modules, minus costs that buy nothing in a plan.
 * `bin/plan.ts` imports this module first, so it applies before `@pulumi/pulumi` loads; so do the test mocks outside
 * jest (test/harness/lazyArborist.ts). jest defers the same modules its own way (jest.config.js).
 *
 * `@npmcli/arborist` (with pacote, sigstore, cacache, ... about 300 modules, ~0.3 s of CPU) is loaded by the
 * SDK's `runtime/closure/codePaths.js` at start-up, for `computeCodePaths`, which only a program packaging its
 * own code calls (e.g. an AWS Lambda callback). Here it loads on first use instead (plan/deferredModule.js).
 *
 * (Source maps: `bin/register.js` maps only the `.ts` files it compiles, so `node_modules`' maps are never read.)
 */
import { deferSdkRequires } from "./deferredModule";

deferSdkRequires(["@npmcli/arborist"]);
