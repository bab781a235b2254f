/**
 * Every deploy-time operation, and the one entry point the hosts load them through.
 *
 * - The dynamic resources' loader (loader.ts) `require`s this module **from the installed package or the
 *   program's checkout** in the dynamic-provider process and calls {@link providerOf}: the code that runs
 *   create/read/update/delete is always the installed version's, never text stored in the state.
 * - The provider plugin (provider/) serves {@link operations} as custom resources.
 */
import type * as pulumi from "@pulumi/pulumi";
import { deactivation } from "./deactivation";
import { dynamicProviderFor } from "./dynamic";
import { imageImportOperation } from "./imageImport";
import type { AnyOperation } from "./operation";
import { tokenPassword } from "./tokenPassword";

/** The operations, each once. */
export const operations: readonly AnyOperation[] = [tokenPassword, imageImportOperation, deactivation];

const providers = new Map<string, pulumi.dynamic.ResourceProvider>();

/**
 * The dynamic provider (dynamic.ts's adapter) of the operation named `name` (`Operation.name`, the last part of
 * the dynamic type `pulumi-nodejs:dynamic/edge-registry:<name>`), one per name and process.
 */
export function providerOf(name: string): pulumi.dynamic.ResourceProvider {
  let provider = providers.get(name);
  if (provider === undefined) {
    const operation = operations.find((candidate) => candidate.name === name);
    if (operation === undefined) {
      throw new Error(
        `edge-registry has no deploy-time operation "${name}" (it has ${operations.map((o) => o.name).join(", ")}): ` +
          "the state was written by a version that had it; install that version of edge-registry to delete it",
      );
    }
    provider = dynamicProviderFor(operation);
    providers.set(name, provider);
  }
  return provider;
}
