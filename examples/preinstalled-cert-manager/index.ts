/**
 * Seed 000, "pre-installed cert-manager": the connected registry extension uses the cert-manager the
 * cluster already runs (`cert-manager.install=false`) instead of installing its own.
 *
 * The cloud side is the quickstart's: a registry with hello-world imported and a ReadOnly connected
 * registry syncing it; its connection string goes to the extension's protected settings.
 *
 *   pulumi config set clusterName <your Arc cluster> && pulumi config set serviceClusterIP <free IP in serviceCidr>
 *   pulumi up
 */
import * as pulumi from "@pulumi/pulumi";
import { ConnectedRegistry, ConnectedRegistryExtension, ContainerRegistry, TlsMode } from "edge-registry";

const config = new pulumi.Config();
const resourceGroupName = config.get("resourceGroupName") ?? "myresourcegroup";

const registry = new ContainerRegistry("registry", {
  resourceGroupName,
  registryName: config.get("registryName") ?? "myacrregistry",
  imports: [{ source: "mcr.microsoft.com/mcr/hello-world:latest", targetTags: ["hello-world:latest"] }],
});
const connected = new ConnectedRegistry("edge", {
  resourceGroupName,
  registryName: registry.registryName,
  connectedRegistryName: config.get("connectedRegistryName") ?? "myconnectedregistry",
  repositories: ["hello-world"],
});

const extension = new ConnectedRegistryExtension("connected-registry", {
  resourceGroupName,
  clusterName: config.get("clusterName") ?? "myarck8scluster",
  connectionString: connected.connectionString,
  serviceClusterIP: config.get("serviceClusterIP") ?? "192.100.100.1",
  serviceCidr: config.get("serviceCidr") ?? "192.100.0.0/16",
  tlsMode: TlsMode.PreinstalledCertManager,
  // Deleting or replacing the extension deactivates the connected registry (no ALREADY_ACTIVATED next time).
  connectedRegistry: {
    resourceGroupName,
    registryName: registry.registryName,
    connectedRegistryName: connected.connectedRegistryName,
  },
});

export const extensionId = extension.extensionId;
export const provisioningState = extension.provisioningState;
/** Pull from `<registryEndpoint>/hello-world:latest`. */
export const registryEndpoint = extension.registryEndpoint;
