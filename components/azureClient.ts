/**
 * The Azure SDK client used by the dynamic providers (image import, token passwords, deactivation).
 *
 * azure-native has no resource for these operations (platform-facts §2), so the providers call the
 * official `@azure/arm-containerregistry` SDK with `DefaultAzureCredential` from `@azure/identity`
 * (environment, workload identity, managed identity or `az login`, in that order). The SDK is required
 * lazily, inside the provider at deployment time, so programs that only preview never load it.
 */
import type { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";

/** The operations the providers use. Unit tests pass fakes of this shape. */
export type RegistryClient = Pick<ContainerRegistryManagementClient, "registries" | "connectedRegistries" | "tokens">;

/** Creates a management client for `subscriptionId`, authenticated like the Azure CLI and azure-native. */
export function createRegistryClient(subscriptionId: string): RegistryClient {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require("@azure/arm-containerregistry") as typeof import("@azure/arm-containerregistry");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const identity = require("@azure/identity") as typeof import("@azure/identity");
  return new sdk.ContainerRegistryManagementClient(new identity.DefaultAzureCredential(), subscriptionId);
}
