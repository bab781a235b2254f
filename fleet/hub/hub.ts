/**
 * The hub program's body: every cloud registry (with the fleet's imports) and, per registry, one
 * `ConnectedRegistryTree` holding its sites (nested sites under their parent). Each site's resources are named
 * after the registry and the site (`sites-<registry>-<site>…`), so adding or removing a site adds or deletes only
 * that site's resources (a nested site also changes its ancestors' sync scope maps, as az does).
 */
import * as pulumi from "@pulumi/pulumi";
import { ContainerRegistry } from "../../components/containerRegistry";
import { ConnectedRegistryTree } from "../../components/connectedRegistryTree";
import { ClientCredential } from "../../components/connectedRegistry";
import { FleetInventory, FleetSite, InventoryError, parseInventory, suggestion } from "./inventory";

/** Every key the hub program reads; anything else in its namespace is refused. */
export const hubConfigKeys = [
  "resourceGroupName",
  "location",
  "registries",
  "imports",
  "sites",
  "passwordExpiry",
  "passwordRotationTrigger",
  "subscriptionId",
] as const;

/** What a site stack reads from the hub (`sites.<name>`), non-secret. */
export interface HubSite {
  readonly registryName: string;
  readonly registryLoginServer: string;
  readonly resourceGroupName: string;
  readonly connectedRegistryName: string;
  readonly connectedRegistryId: string;
  /** The parent site of a nested site. */
  readonly parent?: string;
  /** The parent's address the site syncs from (nested sites only): the site's cluster must reach and trust it. */
  readonly parentGatewayEndpoint?: string;
  readonly mode: string;
  /** The repositories it syncs (the site's workload defaults to the first). */
  readonly repositories: string[];
  readonly clusterName: string;
  readonly clusterResourceGroupName: string;
  readonly clusterType: string;
  readonly wave: string;
  /** The client token the site's pull secret uses (the site's first client). */
  readonly clientTokenName: string;
  /** The extension's release train the hub wants (the site stack installs it; `fleet status` checks it). */
  readonly releaseTrain: string;
  /** The extension version the hub pins, if any (a site running another one is outdated). */
  readonly extensionVersion?: string;
}

/** The secret half of a site (`siteSecrets.<name>`). */
export interface HubSiteSecrets {
  readonly connectionString: string;
  readonly clientCredentials: { [tokenName: string]: ClientCredential };
}

/** The hub's stack outputs. */
export interface HubOutputs {
  /** Per site, by site name: where it is and what it syncs from (not secret; `fleet status` reads it). */
  sites: pulumi.Output<{ [site: string]: HubSite }>;
  /** Per site, by site name: connection string and client credentials (secret). */
  siteSecrets: pulumi.Output<{ [site: string]: HubSiteSecrets }>;
  /** Login server of every registry, by registry name. */
  registryLoginServers: pulumi.Output<{ [registry: string]: string }>;
}

/** Reads and checks the hub's config; errors name the key (`edge-registry-hub:sites[3].repositries: ...`). */
export function readHubConfig(config: pulumi.Config): { inventory: FleetInventory; imports: string[] } {
  const prefix = `${config.name}:`;
  for (const key of Object.keys(pulumi.runtime.allConfig())) {
    const local = key.slice(prefix.length);
    if (key.startsWith(prefix) && !(hubConfigKeys as readonly string[]).includes(local)) {
      const near = suggestion(local, hubConfigKeys);
      // A RunError: the Node language host prints its message alone, without a stack trace
      // (pulumi/pulumi sdk/nodejs/cmd/run/run.ts, the uncaught-exception handler).
      throw new pulumi.RunError(
        `Configuration '${key}' is not a key of the hub; ${near ? `did you mean '${near}'?` : `the keys are ${hubConfigKeys.join(", ")}.`}`,
      );
    }
  }
  try {
    const inventory = parseInventory(config.getObject<unknown>("registries"), config.getObject<unknown>("sites"));
    const imports = config.getObject<unknown>("imports") ?? [];
    if (!Array.isArray(imports) || !imports.every((i) => typeof i === "string")) {
      throw new InventoryError(
        "imports",
        'must be a list of image references, e.g. ["mcr.microsoft.com/hello-world:latest"].',
      );
    }
    return { inventory, imports };
  } catch (error) {
    if (error instanceof InventoryError) {
      throw new pulumi.RunError(`Configuration '${config.name}:${error.path}': ${error.reason}`);
    }
    throw error;
  }
}

/** Declares the hub's resources from its stack config and returns its outputs. */
export function deployHub(config: pulumi.Config): HubOutputs {
  const { inventory, imports } = readHubConfig(config);
  const resourceGroupName = config.require("resourceGroupName");
  const location = config.get("location");
  const subscriptionId = config.get("subscriptionId");

  const sitePublic: pulumi.Output<[string, HubSite]>[] = [];
  const siteSecret: pulumi.Output<[string, HubSiteSecrets]>[] = [];
  const loginServers: pulumi.Output<[string, string]>[] = [];
  for (const registryName of inventory.registries) {
    const registry = new ContainerRegistry(`registry-${registryName}`, {
      resourceGroupName,
      location,
      registryName,
      imports: imports.map((source) => ({ source })),
    });
    loginServers.push(registry.loginServer.apply((server) => [registryName, server] as [string, string]));
    const sites = inventory.sites.filter((s) => s.registry.toLowerCase() === registryName.toLowerCase());
    if (sites.length === 0) {
      continue;
    }
    const tree = new ConnectedRegistryTree(
      `sites-${registryName}`,
      {
        resourceGroupName,
        registryName: registry.registryName,
        nodes: sites.map((site) => ({
          name: site.name,
          parentName: site.parent,
          mode: site.mode,
          repositories: site.repositories,
          gatewayEndpoint: site.gatewayEndpoint,
          endpointProtocol: site.endpointProtocol,
          clientTokens: site.clients.map((name) => ({ name })),
          syncSchedule: site.syncSchedule,
          syncWindow: site.syncWindow,
          messageTtl: site.messageTtl,
          logLevel: site.logLevel,
        })),
        passwordExpiry: config.get("passwordExpiry"),
        passwordRotationTrigger: config.get("passwordRotationTrigger"),
        subscriptionId,
      },
      // The images are in the registry before any site's first sync.
      { dependsOn: [registry] },
    );
    for (const site of sites) {
      const { pub, secret } = siteOutput(site, resourceGroupName, registry, tree);
      sitePublic.push(pub.apply((p): [string, HubSite] => [site.name, p]));
      siteSecret.push(secret.apply((s): [string, HubSiteSecrets] => [site.name, s]));
    }
  }

  return {
    sites: pulumi.all(sitePublic).apply((entries) => Object.fromEntries(entries)),
    siteSecrets: pulumi.secret(pulumi.all(siteSecret).apply((entries) => Object.fromEntries(entries))),
    registryLoginServers: pulumi.all(loginServers).apply((entries) => Object.fromEntries(entries)),
  };
}

function siteOutput(
  site: FleetSite,
  resourceGroupName: string,
  registry: ContainerRegistry,
  tree: ConnectedRegistryTree,
): { pub: pulumi.Output<HubSite>; secret: pulumi.Output<HubSiteSecrets> } {
  // Built apart so that the public half does not inherit the secrecy of the connection strings.
  const pub = pulumi
    .all([registry.registryName, registry.loginServer, tree.connectedRegistryIds, tree.parentGatewayEndpoints])
    .apply(([registryName, loginServer, ids, parents]): HubSite => ({
      registryName,
      registryLoginServer: loginServer,
      resourceGroupName,
      connectedRegistryName: site.name,
      connectedRegistryId: ids[site.name],
      ...(site.parent === undefined ? {} : { parent: site.parent, parentGatewayEndpoint: parents[site.name] }),
      mode: site.mode,
      repositories: site.repositories,
      clusterName: site.clusterName,
      clusterResourceGroupName: site.clusterResourceGroupName ?? resourceGroupName,
      clusterType: site.clusterType,
      wave: site.wave,
      clientTokenName: site.clients[0],
      releaseTrain: site.releaseTrain,
      ...(site.extensionVersion === undefined ? {} : { extensionVersion: site.extensionVersion }),
    }));
  const secret = pulumi
    .all([tree.connectionStrings, tree.clientCredentials])
    .apply(([connectionStrings, credentials]): HubSiteSecrets => ({
      connectionString: connectionStrings[site.name],
      clientCredentials: credentials[site.name],
    }));
  return { pub, secret };
}
