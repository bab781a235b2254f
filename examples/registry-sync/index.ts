/**
 * The quickstart's cloud side: a Premium registry (data endpoint on) with `hello-world` imported from
 * MCR, and a ReadOnly connected registry that syncs `hello-world`, with one client token for pulls.
 * The connection string (secret) goes to the Arc extension (`ConnectedRegistryExtension`).
 *
 *   pulumi up
 *   pulumi stack output connectionString --show-secrets
 */
import * as pulumi from "@pulumi/pulumi";
import * as resources from "@pulumi/azure-native/resources";
import { ConnectedRegistry, ConnectedRegistryMode, ContainerRegistry } from "edge-registry";

const config = new pulumi.Config();
const location = config.get("location") ?? "eastus";

const group = new resources.ResourceGroup("registry-sync", { location });

const registry = new ContainerRegistry("registry", {
  resourceGroupName: group.name,
  location,
  // Registry names are global: set your own with `pulumi config set registryName <name>`.
  registryName: config.get("registryName") ?? "myacrregistry",
  imports: [{ source: "mcr.microsoft.com/mcr/hello-world:latest", targetTags: ["hello-world:latest"] }],
});

const connected = new ConnectedRegistry("edge", {
  resourceGroupName: group.name,
  registryName: registry.registryName,
  connectedRegistryName: config.get("connectedRegistryName") ?? "myconnectedregistry",
  mode: ConnectedRegistryMode.ReadOnly,
  repositories: ["hello-world"],
  clientTokens: [{ name: config.get("clientTokenName") ?? "myclienttoken" }],
});

export const loginServer = registry.loginServer;
export const gatewayEndpoint = connected.gatewayEndpoint;
export const syncTokenName = connected.syncTokenName;
/** Secret: pass it to the Arc extension's protected `connectionString` setting. */
export const connectionString = connected.connectionString;
/** Secret: `{myclienttoken: {username, password}}` for image pull secrets on the edge. */
export const clientCredentials = connected.clientCredentials;
