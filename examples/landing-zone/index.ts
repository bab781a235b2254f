/**
 * The cloud side of an edge site in an enterprise landing zone. What the platform team's review asks for, and the
 * `ContainerRegistry` argument that answers it (docs/components.md, "In a landing zone" and the PSRule table):
 *
 *   public access only from the sites' egress addresses      -> networkRules (defaultAction Deny)
 *   private connectivity from the hub network                -> privateEndpoints (+ the privatelink.azurecr.io zone)
 *   login and repository events kept                         -> diagnostics (Log Analytics)
 *   nobody deletes the registry by accident                  -> lock (CanNotDelete)
 *
 * The hub network, the private DNS zone and the workspace are created here so the program runs on its own; in a real
 * landing zone they already exist: pass their ARM ids instead (`subnetId`, `privateDnsZoneId`, `workspaceId`).
 * The edge site syncs over the internet from one of `siteEgressAddresses`, or through the private endpoint when it is
 * connected to the hub (ExpressRoute/VPN) and resolves both the login server and the data endpoint privately.
 *
 *   pulumi config set --path 'siteEgressAddresses[0]' <your site's public egress address>
 *   pulumi up
 *
 * `pulumi destroy`: the lock stops every delete under the registry (connected registry, tokens). Remove `lock` and
 * run `pulumi up` first.
 */
import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as resources from "@pulumi/azure-native/resources";
import {
  ConnectedRegistry,
  ConnectedRegistryMode,
  ContainerRegistry,
  NetworkDefaultAction,
  NetworkRuleBypass,
  RegistryLockLevel,
} from "edge-registry";

const config = new pulumi.Config();
const location = config.get("location") ?? "eastus";

const group = new resources.ResourceGroup("landing-zone", { location });

// The hub's pieces a landing zone normally provides.
const hub = new network.VirtualNetwork("hub", {
  resourceGroupName: group.name,
  location,
  addressSpace: { addressPrefixes: [config.get("hubAddressSpace") ?? "10.40.0.0/22"] },
});
const endpoints = new network.Subnet("private-endpoints", {
  resourceGroupName: group.name,
  virtualNetworkName: hub.name,
  addressPrefix: config.get("privateEndpointSubnet") ?? "10.40.1.0/26",
  privateEndpointNetworkPolicies: "Disabled",
});
const zone = new privatedns.PrivateZone("acr-zone", {
  resourceGroupName: group.name,
  location: "global",
  privateZoneName: "privatelink.azurecr.io",
});
new privatedns.VirtualNetworkLink("acr-zone-hub", {
  resourceGroupName: group.name,
  location: "global",
  privateZoneName: zone.name,
  virtualNetwork: { id: hub.id },
  registrationEnabled: false,
});
const workspace = new operationalinsights.Workspace("logs", {
  resourceGroupName: group.name,
  location,
  sku: { name: "PerGB2018" },
  retentionInDays: 30,
});

const registry = new ContainerRegistry("registry", {
  resourceGroupName: group.name,
  location,
  // Registry names are global: set your own with `pulumi config set registryName <name>`.
  registryName: config.get("registryName") ?? "mylzacrregistry",
  // One rule set for the login server and the data endpoint: each site's public egress address.
  networkRules: {
    defaultAction: NetworkDefaultAction.Deny,
    ipRules: config.getObject<string[]>("siteEgressAddresses") ?? ["203.0.113.0/28"],
  },
  networkRuleBypassOptions: NetworkRuleBypass.AzureServices,
  // Addresses for myregistry.azurecr.io and myregistry.<region>.data.azurecr.io in the hub, records in the zone.
  privateEndpoints: [{ subnetId: endpoints.id, privateDnsZoneId: zone.id, label: "hub" }],
  diagnostics: { workspaceId: workspace.id },
  lock: { level: RegistryLockLevel.CanNotDelete },
  imports: [{ source: "mcr.microsoft.com/mcr/hello-world:latest", targetTags: ["hello-world:v1"] }],
});

const site = new ConnectedRegistry(
  "site",
  {
    resourceGroupName: group.name,
    registryName: registry.registryName,
    connectedRegistryName: config.get("connectedRegistryName") ?? "myedgesite01",
    mode: ConnectedRegistryMode.ReadOnly,
    repositories: ["hello-world"],
  },
  { dependsOn: [registry] },
);

export const loginServer = registry.loginServer;
export const dataEndpoints = registry.dataEndpointHostNames;
/** What the hub's DNS answers for the registry: the login server and the data endpoint, at private addresses. */
export const privateDnsRecords = registry.privateEndpointDnsRecords;
export const gatewayEndpoint = site.gatewayEndpoint;
/** Secret: pass it to the Arc extension's protected `connectionString` setting (ConnectedRegistryExtension). */
export const connectionString = site.connectionString;
