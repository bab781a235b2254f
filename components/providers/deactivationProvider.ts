/**
 * Provider logic of `ConnectedRegistryDeactivation`: a resource whose only job is its delete, which
 * deactivates a connected registry (`POST .../connectedRegistries/{name}/deactivate`) so that the next
 * extension installed for it does not fail with `ALREADY_ACTIVATED` (platform-facts §2).
 *
 * - create: no-op (the extension activates the connected registry when it first connects);
 * - diff: any change of an input replaces it, deleting the old one first — so the old connected
 *   registry is deactivated before anything new is created;
 * - delete: deactivates; a connected registry (or registry) that no longer exists needs no deactivation.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { RegistryClient } from "../azureClient";

/** Inputs (and state) of the deactivation resource. */
export interface DeactivationInputs {
  subscriptionId: string;
  resourceGroupName: string;
  registryName: string;
  connectedRegistryName: string;
  /**
   * The identity of the extension running the connected registry: every property whose change
   * replaces the extension, so that replacing the extension replaces (deactivates) this resource too.
   */
  extension: { [key: string]: string };
}

/** Input names compared by diff; a change to any of them replaces the resource. */
const replaceKeys: (keyof DeactivationInputs)[] = [
  "subscriptionId",
  "resourceGroupName",
  "registryName",
  "connectedRegistryName",
  "extension",
];

/** JSON with object keys sorted, so state read back in another key order compares equal. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

const connectedRegistryArmId = (p: DeactivationInputs) =>
  `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroupName}/providers/Microsoft.ContainerRegistry/registries/${p.registryName}/connectedRegistries/${p.connectedRegistryName}`;

/** The provider of `ConnectedRegistryDeactivation`, calling Azure through `clientFor(subscriptionId)`. */
export function makeDeactivationProvider(
  clientFor: (subscriptionId: string) => RegistryClient,
): pulumi.dynamic.ResourceProvider {
  return {
    async create(inputs: DeactivationInputs) {
      return { id: `${connectedRegistryArmId(inputs)}/deactivation`, outs: inputs };
    },

    async diff(_id: string, olds: DeactivationInputs, news: DeactivationInputs) {
      const replaces = replaceKeys.filter((key) => canonical(olds[key]) !== canonical(news[key]));
      return { changes: replaces.length > 0, replaces, deleteBeforeReplace: true };
    },

    async delete(_id: string, props: DeactivationInputs) {
      const client = clientFor(props.subscriptionId);
      try {
        await client.connectedRegistries.deactivate(
          props.resourceGroupName,
          props.registryName,
          props.connectedRegistryName,
        );
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode !== 404) {
          throw error;
        }
      }
    },
  };
}
