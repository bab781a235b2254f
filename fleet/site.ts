/**
 * The site program's fleet mode (`hubStack` set): the site's cloud side (connected registry, tokens, connection
 * string) belongs to the hub stack (fleet/hub); this stack reads it through a `StackReference` and deploys only
 * the cluster side with `EdgeRegistrySite`'s cluster-only form (the same component a single site uses): the Arc
 * extension on the inventory's cluster type, the parent's trust (nested sites), the pull secret and the workload.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Provider } from "@pulumi/kubernetes/provider";
import { ClusterType, EdgeRegistrySite } from "../components";
import { subscriptionOf } from "../components/lib/armId";
import type { HubSite, HubSiteSecrets } from "./hub/hub";
import { checkUnknownKeys, cloudSideConfigKeys, getEnum, readClusterSideConfig } from "../program/siteConfig";

/** Keys of the cloud side: with `hubStack` they belong to the hub's inventory, so setting them here is a mistake. */
export const hubOwnedKeys = cloudSideConfigKeys;

/** What the site stack exports in fleet mode. */
export interface HubSiteOutputs {
  registryLoginServer: pulumi.Output<string>;
  connectedRegistryName: pulumi.Output<string>;
  extensionProvisioningState: pulumi.Output<string>;
  registryEndpoint: pulumi.Output<string>;
  caCertificatePem: pulumi.Output<string | undefined>;
  workloadImage: pulumi.Output<string | undefined>;
}

/** The entry of site `siteName` in the hub output `what`; fails naming the hub's sites when it has none. */
export function siteOf<T>(value: unknown, siteName: string, hubStack: string, what: string): T {
  const sites = (value ?? {}) as { [name: string]: T };
  const site = sites[siteName];
  if (site === undefined) {
    throw new Error(
      `the hub stack ${hubStack} has no site "${siteName}" in its ${what} (its sites: ${Object.keys(sites).join(", ") || "none"}); set siteName or add the site to the hub's inventory.`,
    );
  }
  return site;
}

/**
 * The cluster type of a site: the inventory's (default ConnectedClusters); the site stack's `clusterType` may
 * repeat it, and fails naming both when it contradicts it.
 */
export function inventoryClusterType(
  inventory: string | undefined,
  configured: ClusterType | undefined,
  key: string,
  siteName: string,
  hubStack: string,
): ClusterType {
  const wanted = (inventory ?? ClusterType.ConnectedClusters) as ClusterType;
  if (configured !== undefined && configured !== wanted) {
    throw new Error(
      `Configuration '${key}' is ${configured}, but site "${siteName}" is ${wanted} in ${hubStack}: set clusterType on the site's entry in the hub's inventory (or remove it here).`,
    );
  }
  return wanted;
}

/**
 * Deploys the cluster side of site `siteName` (default: this stack's name) of the hub stack `hubStack`: an
 * {@link EdgeRegistrySite} in its cluster-only form, fed by this stack's config and the hub's outputs.
 */
export function deployHubSite(config: pulumi.Config, hubStack: string, kubernetes?: Provider): HubSiteOutputs {
  checkUnknownKeys(config);
  const all = pulumi.runtime.allConfig();
  const owned = hubOwnedKeys.filter((key) => `${config.name}:${key}` in all);
  if (owned.length > 0) {
    throw new Error(
      `Configuration ${owned.map((k) => `'${config.name}:${k}'`).join(", ")} is set, but with hubStack the hub's inventory owns the site's cloud side: set it on the site's entry in ${hubStack} (or remove hubStack).`,
    );
  }
  const siteName = config.get("siteName") ?? pulumi.getStack();
  const hub = new pulumi.StackReference("hub", { name: hubStack });
  const pick = <T>(output: pulumi.Output<unknown>, what: string): pulumi.Output<T> =>
    output.apply((value) => siteOf<T>(value, siteName, hubStack, what));
  const site = pick<HubSite>(hub.requireOutput("sites"), "sites");
  const secrets = pulumi.secret(pick<HubSiteSecrets>(hub.requireOutput("siteSecrets"), "siteSecrets"));
  const field = <K extends keyof HubSite>(key: K) => site.apply((s) => s[key]);

  // The inventory's clusterType decides the extension's cluster provider; this stack may repeat it, not change it.
  const configuredClusterType = getEnum(config, "clusterType", ClusterType);
  const clusterType = site.apply((s) =>
    inventoryClusterType(s.clusterType, configuredClusterType, `${config.name}:clusterType`, siteName, hubStack),
  );
  const parentCaCertificatePem = config.get("parentCaCertificatePem");
  // Known while the program runs (it names resources): the site's name is its connected registry's name.
  const connectedRegistryName = siteName;

  const edge = new EdgeRegistrySite(
    "site",
    {
      resourceGroupName: field("resourceGroupName"),
      existingRegistryName: field("registryName"),
      connectedRegistryName,
      connectionString: secrets.connectionString,
      clientCredential: pulumi
        .all([site, secrets])
        .apply(([s, secret]) => pulumi.secret(secret.clientCredentials[s.clientTokenName])),
      subscriptionId: config.get("subscriptionId") ?? site.apply((s) => subscriptionOf(s.connectedRegistryId)!),
      clusterName: config.get("clusterName") ?? field("clusterName"),
      clusterResourceGroupName: config.get("clusterResourceGroupName") ?? field("clusterResourceGroupName"),
      clusterType,
      ...readClusterSideConfig(config),
      // The release train and version the hub wants (fleet status checks the same).
      releaseTrain: config.get("releaseTrain") ?? field("releaseTrain").apply((t) => t ?? "preview"),
      // Undefined when the hub pins none (then minor versions upgrade automatically).
      extensionVersion: field("extensionVersion") as pulumi.Output<string>,
      // A nested site's cluster trusts its parent's serving certificate at the address the hub pointed it at.
      ...(parentCaCertificatePem === undefined
        ? {}
        : {
            parentCaCertificatePem,
            parentGatewayEndpoint: site.apply((s) => {
              if (s.parentGatewayEndpoint === undefined) {
                throw new Error(
                  `Configuration '${config.name}:parentCaCertificatePem' is set, but site "${siteName}" has no parent in ${hubStack}.`,
                );
              }
              return s.parentGatewayEndpoint;
            }),
          }),
      workloadRepository: config.get("workloadRepository") ?? site.apply((s) => s.repositories[0]),
      workloadTag: config.get("workloadDigest") === undefined ? (config.get("workloadTag") ?? "latest") : undefined,
      workloadDigest: config.get("workloadDigest"),
    },
    kubernetes ? { providers: [kubernetes] } : undefined,
  );

  return {
    registryLoginServer: field("registryLoginServer"),
    connectedRegistryName: edge.connectedRegistryName,
    extensionProvisioningState: edge.extensionProvisioningState,
    registryEndpoint: edge.registryEndpoint,
    caCertificatePem: edge.caCertificatePem,
    workloadImage: edge.workloadImage,
  };
}
