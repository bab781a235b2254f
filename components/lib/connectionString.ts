/** The connected registry connection string (platform-facts §2). */
import { inputError } from "./validation";

/** Connection string as `az acr connected-registry get-settings` prints it (no trailing `;`). */
export function formatConnectionString(
  name: string,
  tokenName: string,
  password: string,
  gateway: string | undefined,
  protocol: string,
): string {
  if (!gateway) {
    // Never `ParentGatewayEndpoint=undefined`: the extension would fail much later, far from the cause.
    throw inputError(
      "registryName",
      `the cloud registry reports no gateway endpoint for connected registry ${name}; enable its dedicated data endpoint (dataEndpointEnabled: true, Premium), which connected registries sync through.`,
    );
  }
  return [
    `ConnectedRegistryName=${name}`,
    `SyncTokenName=${tokenName}`,
    `SyncTokenPassword=${password}`,
    `ParentGatewayEndpoint=${gateway}`,
    `ParentEndpointProtocol=${protocol}`,
  ].join(";");
}
