/**
 * What a landing zone asks of a registry, as plain checks and derived inputs for `ContainerRegistry`: private
 * endpoints (and the DNS zone their records land in), IP rules an edge site can actually match, diagnostic settings,
 * management locks, customer-managed keys and soft delete. Each check returns the reason a value is wrong (a
 * {@link Check}), so the component reports it under the argument's name.
 */
import * as net from "node:net";
import { parseCidr } from "./network";
import { resourceIdProblem } from "./armId";
import type { Check } from "./validation";

/** The private DNS zone of registry private endpoints per cloud (login server and data endpoints alike). */
export const REGISTRY_PRIVATE_DNS_ZONES = [
  "privatelink.azurecr.io",
  "privatelink.azurecr.cn",
  "privatelink.azurecr.us",
];

/** The private link sub-resource (group id) of a registry: covers the login server and every data endpoint. */
export const REGISTRY_PRIVATE_LINK_GROUP = "registry";

/** The registry's resource log categories (Microsoft.ContainerRegistry/registries). */
export const REGISTRY_LOG_CATEGORIES = ["ContainerRegistryLoginEvents", "ContainerRegistryRepositoryEvents"];

export const subnetIdProblem: Check<string> = (id) =>
  resourceIdProblem(
    id,
    "Microsoft.Network/virtualNetworks/subnets",
    "/subscriptions/<guid>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>",
  );

export const privateDnsZoneIdProblem: Check<string> = (id) => {
  const shape = resourceIdProblem(
    id,
    "Microsoft.Network/privateDnsZones",
    "/subscriptions/<guid>/resourceGroups/<group>/providers/Microsoft.Network/privateDnsZones/privatelink.azurecr.io",
  );
  if (shape !== undefined) {
    return shape;
  }
  const zone = id.split("/").pop()!.toLowerCase();
  return REGISTRY_PRIVATE_DNS_ZONES.includes(zone)
    ? undefined
    : `the zone "${zone}" cannot hold a registry's private endpoint records; use the zone privatelink.azurecr.io ` +
        "(privatelink.azurecr.cn in Azure China, privatelink.azurecr.us in Azure Government), which holds both the " +
        "login server's and the data endpoints' records.";
};

export const workspaceIdProblem: Check<string> = (id) =>
  resourceIdProblem(
    id,
    "Microsoft.OperationalInsights/workspaces",
    "/subscriptions/<guid>/resourceGroups/<group>/providers/Microsoft.OperationalInsights/workspaces/<name>",
  );

export const storageAccountIdProblem: Check<string> = (id) =>
  resourceIdProblem(
    id,
    "Microsoft.Storage/storageAccounts",
    "/subscriptions/<guid>/resourceGroups/<group>/providers/Microsoft.Storage/storageAccounts/<name>",
  );

export const eventHubRuleIdProblem: Check<string> = (id) =>
  resourceIdProblem(
    id,
    "Microsoft.EventHub/namespaces/authorizationRules",
    "/subscriptions/<guid>/resourceGroups/<group>/providers/Microsoft.EventHub/namespaces/<namespace>/authorizationRules/RootManageSharedAccessKey",
  );

export const userAssignedIdentityIdProblem: Check<string> = (id) =>
  resourceIdProblem(
    id,
    "Microsoft.ManagedIdentity/userAssignedIdentities",
    "/subscriptions/<guid>/resourceGroups/<group>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>",
  );

const guidPattern = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const clientIdProblem: Check<string> = (id) =>
  guidPattern.test(id) ? undefined : `"${id}" is not a client id (a GUID: the identity's clientId output).`;

const keyUriPattern =
  /^https:\/\/[a-zA-Z0-9-]{3,24}\.(?:vault\.azure\.net|vault\.azure\.cn|vault\.usgovcloudapi\.net|managedhsm\.azure\.net)\/keys\/([a-zA-Z0-9-]{1,127})(?:\/([0-9a-fA-F]{32}))?\/?$/;

/** A Key Vault key URI: its key name and version (undefined for a versionless URI, which ACR rotates itself). */
export function parseKeyUri(uri: string): { keyName: string; version?: string } | undefined {
  const match = keyUriPattern.exec(uri);
  return match ? { keyName: match[1], version: match[2] } : undefined;
}

export const keyUriProblem: Check<string> = (uri) =>
  parseKeyUri(uri)
    ? undefined
    : `"${uri}" is not a Key Vault key URI; expected https://<vault>.vault.azure.net/keys/<key> (versionless: ` +
      "ACR picks up new key versions itself) or .../keys/<key>/<32-hex version> (pinned: rotate by changing the URI).";

/** IPv4 ranges a registry's public IP rules can never match (the traffic does not come from there on the internet). */
const nonPublicRanges: [string, number][] = [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
];
/** True when the whole block `address/prefix` lies inside one of {@link nonPublicRanges}. */
function insideNonPublicRange(address: string, prefix: number): boolean {
  return nonPublicRanges.some(([base, basePrefix]) => {
    const range = new net.BlockList();
    range.addSubnet(base, basePrefix, "ipv4");
    return basePrefix <= prefix && range.check(address, "ipv4");
  });
}

/**
 * The reason an IP rule cannot let an edge site in: the registry's IP rules filter public traffic only, for the login
 * server and the dedicated data endpoints alike, so an edge site matches them with the public (NAT) address it leaves
 * its network through. A private, loopback, link-local, CGNAT or multicast range never matches anything.
 */
export const publicIpRuleProblem: Check<string> = (value) => {
  const cidr = value.includes("/") ? parseCidr(value) : { address: value, prefix: 32, family: "ipv4" as const };
  if (cidr === undefined || cidr.family !== "ipv4" || net.isIP(cidr.address) !== 4) {
    return `"${value}" is not an IPv4 address or CIDR range (e.g. 203.0.113.0/24).`;
  }
  return insideNonPublicRange(cidr.address, cidr.prefix)
    ? `"${value}" is not a public address range: IP rules filter traffic from the internet, so an edge site matches ` +
        "them with its public egress (NAT) address, for the login server and the data endpoint alike. Private networks " +
        "reach the registry through privateEndpoints instead."
    : undefined;
};

/** Soft delete keeps deleted artifacts 1-90 days (ACR's range). */
export const softDeleteDaysProblem: Check<number> = (days) =>
  Number.isInteger(days) && days >= 1 && days <= 90 ? undefined : `${days} is out of range; use 1-90 days.`;
