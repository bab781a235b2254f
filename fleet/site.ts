/**
 * The site program's fleet mode (`hubStack` set): the site's cloud side (connected registry, tokens, connection
 * string) belongs to the hub stack (fleet/hub); this stack reads it through a `StackReference` and deploys only
 * the cluster side: the Arc extension, the parent's trust (nested sites), the pull secret and the workload.
 */
import * as pulumi from "@pulumi/pulumi";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import type { Provider } from "@pulumi/kubernetes/provider";
import {
  ClusterType,
  ConnectedRegistryExtension,
  ContainerdDistribution,
  NodeRegistryTrust,
  RegistryPullSecret,
  RegistryWorkload,
  TlsMode,
} from "../components";
import { subscriptionOf } from "../components/lib/armId";
import { registryEndpointOf } from "../components/lib/network";
import type { HubSite, HubSiteSecrets } from "./hub/hub";
import { checkUnknownKeys, cloudSideConfigKeys, getEnum, readCertificateConfig } from "../program/siteConfig";

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

/** Deploys the cluster side of site `siteName` (default: this stack's name) of the hub stack `hubStack`. */
export function deployHubSite(config: pulumi.Config, hubStack: string, kubernetes?: Provider): HubSiteOutputs {
  const components: pulumi.ComponentResourceOptions = kubernetes ? { providers: [kubernetes] } : {};
  checkUnknownKeys(config);
  const all = pulumi.runtime.allConfig();
  const owned = hubOwnedKeys.filter((key) => `${config.name}:${key}` in all);
  if (owned.length > 0) {
    throw new Error(
      `Configuration ${owned.map((k) => `'${config.name}:${k}'`).join(", ")} is set, but with hubStack the hub's inventory owns the site's cloud side: set it on the site's entry in ${hubStack} (or remove hubStack).`,
    );
  }
  const siteName = config.get("siteName") ?? pulumi.getStack();
  const certificate = readCertificateConfig(config);

  const hub = new pulumi.StackReference("hub", { name: hubStack });
  const pick = <T>(output: pulumi.Output<unknown>, what: string): pulumi.Output<T> =>
    output.apply((value) => siteOf<T>(value, siteName, hubStack, what));
  const site = pick<HubSite>(hub.requireOutput("sites"), "sites");
  const secrets = pulumi.secret(pick<HubSiteSecrets>(hub.requireOutput("siteSecrets"), "siteSecrets"));

  const serviceClusterIP = config.require("serviceClusterIP");
  const registryHost = registryEndpointOf(serviceClusterIP);
  const extension = new ConnectedRegistryExtension(
    "site-extension",
    {
      resourceGroupName: config.get("clusterResourceGroupName") ?? site.clusterResourceGroupName,
      clusterName: config.get("clusterName") ?? site.clusterName,
      // Known at preview (it decides the resources): from this stack's config, default ConnectedClusters.
      clusterType: getEnum(config, "clusterType", ClusterType),
      extensionName: site.connectedRegistryName,
      connectionString: secrets.connectionString,
      serviceClusterIP,
      serviceCidr: config.get("serviceCidr"),
      tlsMode: getEnum(config, "tlsMode", TlsMode),
      certificate,
      tlsSecretName: config.get("tlsSecretName"),
      trustDistribution: config.getBoolean("trustDistribution"),
      pvcStorageClassName: config.get("pvcStorageClassName"),
      pvcStorageRequest: config.get("pvcStorageRequest"),
      releaseTrain: config.get("releaseTrain"),
      customTimeouts: config.getObject("extensionCustomTimeouts"),
      connectedRegistry: {
        resourceGroupName: site.resourceGroupName,
        registryName: site.registryName,
        connectedRegistryName: site.connectedRegistryName,
        subscriptionId: config.get("subscriptionId") ?? site.apply((s) => subscriptionOf(s.connectedRegistryId)!),
      },
    },
    components,
  );

  const nodeTrustHostsDir = config.get("nodeTrustHostsDir");
  if (config.getBoolean("nodeTrust") ?? config.getBoolean("trustDistribution") === false) {
    new NodeRegistryTrust(
      "site-node-trust",
      {
        registryHost,
        caCertificatePem: extension.caCertificatePem.apply((pem) => {
          if (!pem) {
            throw new Error(
              `Configuration '${config.name}:nodeTrust': the registry's CA is not known in this TLS mode; use tlsMode Certificate or KubernetesSecret, or leave trustDistribution on.`,
            );
          }
          return pem;
        }),
        hostsDir: nodeTrustHostsDir,
        distribution: getEnum(config, "nodeTrustDistribution", ContainerdDistribution),
      },
      components,
    );
  }
  const parentCaCertificatePem = config.get("parentCaCertificatePem");
  if (parentCaCertificatePem !== undefined) {
    // A nested site's cluster trusts its parent's serving certificate at the address the hub pointed it at.
    new NodeRegistryTrust(
      "site-parent-trust",
      {
        registryHost: site.apply((s) => {
          if (s.parentGatewayEndpoint === undefined) {
            throw new Error(
              `Configuration '${config.name}:parentCaCertificatePem' is set, but site "${siteName}" has no parent in ${hubStack}.`,
            );
          }
          return s.parentGatewayEndpoint;
        }),
        caCertificatePem: parentCaCertificatePem,
        hostsDir: nodeTrustHostsDir,
      },
      components,
    );
  }

  const namespaceName = config.get("workloadNamespace") ?? "edge-apps";
  const namespace =
    config.getBoolean("createWorkloadNamespace") === false
      ? undefined
      : new corev1.Namespace("site-namespace", { metadata: { name: namespaceName } }, { provider: kubernetes });
  const credential = pulumi.all([site, secrets]).apply(([s, secret]) => secret.clientCredentials[s.clientTokenName]);
  const pullSecret = new RegistryPullSecret(
    "site-pull",
    {
      server: registryHost,
      username: credential.apply((c) => c.username),
      password: pulumi.secret(credential.apply((c) => c.password)),
      namespace: namespace ? namespace.metadata.name : namespaceName,
    },
    components,
  );

  let workloadImage: pulumi.Output<string | undefined> = pulumi.output(undefined);
  if (config.getBoolean("deployWorkload") !== false) {
    const workloadDigest = config.get("workloadDigest");
    const workload = new RegistryWorkload(
      "site-workload",
      {
        namespace: pullSecret.namespace,
        registryServer: registryHost,
        repository: config.get("workloadRepository") ?? site.apply((s) => s.repositories[0]),
        tag: workloadDigest === undefined ? (config.get("workloadTag") ?? "latest") : undefined,
        digest: workloadDigest,
        imagePullSecretNames: [pullSecret.secretName],
        replicas: config.getNumber("workloadReplicas"),
        tolerations: config.getObject("workloadTolerations"),
        nodeSelector: config.getObject("workloadNodeSelector"),
        affinity: config.getObject("workloadAffinity"),
        topologySpreadConstraints: config.getObject("workloadTopologySpreadConstraints"),
        priorityClassName: config.get("workloadPriorityClassName"),
        podAnnotations: config.getObject("workloadPodAnnotations"),
      },
      // The pods can only pull once the extension serves the registry.
      { ...components, dependsOn: [extension] },
    );
    workloadImage = workload.image;
  }

  return {
    registryLoginServer: site.registryLoginServer,
    connectedRegistryName: site.connectedRegistryName,
    extensionProvisioningState: extension.provisioningState,
    registryEndpoint: extension.registryEndpoint,
    caCertificatePem: extension.caCertificatePem,
    workloadImage,
  };
}
