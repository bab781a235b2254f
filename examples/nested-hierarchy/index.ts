/**
 * Nested connected registries (az `acr connected-registry create --parent`), for the layered networks of a
 * factory (ISA-95 levels): the cloud registry, an on-premises ReadWrite connected registry that may reach the
 * cloud, and two ReadOnly floor registries that may only reach the on-premises layer.
 *
 *   cloud registry (factoryacr)
 *   └── onprem (ReadWrite, cluster onprem-cluster, 10.1.0.50)
 *       ├── floor1 (ReadOnly, cluster floor1-cluster)
 *       └── floor2 (ReadOnly, cluster floor2-cluster)
 *
 * `ConnectedRegistryTree` declares the cloud side of the whole tree: each sync scope map holds its own actions
 * and its descendants' (what az's incremental updates end up with), each floor's `parent.id` is onprem's ARM id
 * and its connection string points at onprem (`ParentGatewayEndpoint=10.1.0.50;ParentEndpointProtocol=https`).
 * Each level's Arc extension runs on its own cluster (one Kubernetes provider per cluster); onprem serves a
 * certificate from its own CA, which the floor clusters' nodes trust (`NodeRegistryTrust`).
 *
 *   npm run plan -- examples/nested-hierarchy
 */
import * as pulumi from "@pulumi/pulumi";
import * as resources from "@pulumi/azure-native/resources";
import { Provider } from "@pulumi/kubernetes/provider";
import {
  CertificateKeyAlgorithm,
  ConnectedRegistryExtension,
  ConnectedRegistryMode,
  ConnectedRegistryTree,
  ContainerRegistry,
  NodeRegistryTrust,
  RegistryCertificate,
  TlsMode,
} from "edge-registry";

const config = new pulumi.Config();
const location = config.get("location") ?? "eastus";
const registryName = config.get("registryName") ?? "factoryacr";
const onpremGateway = config.get("onpremGatewayEndpoint") ?? "10.1.0.50";

const group = new resources.ResourceGroup("factory", {
  resourceGroupName: config.get("resourceGroupName") ?? "factory-rg",
  location,
});

const registry = new ContainerRegistry("registry", {
  resourceGroupName: group.name,
  location,
  registryName,
  imports: [{ source: "mcr.microsoft.com/mcr/hello-world:latest", targetTags: ["hello-world:v1"] }],
});

const tree = new ConnectedRegistryTree("factory", {
  resourceGroupName: group.name,
  registryName: registry.registryName,
  nodes: [
    {
      name: "onprem",
      mode: (config.get("onpremMode") ?? ConnectedRegistryMode.ReadWrite) as ConnectedRegistryMode,
      repositories: ["hello-world"],
      gatewayEndpoint: onpremGateway,
    },
    { name: "floor1", parentName: "onprem", repositories: ["hello-world"], clientTokens: [{ name: "floor1-pull" }] },
    { name: "floor2", parentName: "onprem", repositories: ["hello-world"], clientTokens: [{ name: "floor2-pull" }] },
  ],
});

// onprem's serving certificate, from a CA the floors trust: its SANs hold the addresses clients use.
const onpremIP = config.get("onpremClusterIP") ?? "10.1.0.50";
const onpremCertificate = new RegistryCertificate("onprem-tls", {
  ipAddresses: [...new Set([onpremIP, onpremGateway])],
  algorithm: CertificateKeyAlgorithm.ECDSA,
});

interface Level {
  name: "onprem" | "floor1" | "floor2";
  cluster: string;
  clusterIP: string;
  serviceCidr?: string;
}
const levels: Level[] = [
  {
    name: "onprem",
    cluster: config.get("onpremCluster") ?? "onprem-cluster",
    clusterIP: onpremIP,
    serviceCidr: config.get("onpremServiceCidr") ?? "10.1.0.0/16",
  },
  {
    name: "floor1",
    cluster: config.get("floor1Cluster") ?? "floor1-cluster",
    clusterIP: config.get("floor1ClusterIP") ?? "10.2.0.50",
  },
  {
    name: "floor2",
    cluster: config.get("floor2Cluster") ?? "floor2-cluster",
    clusterIP: config.get("floor2ClusterIP") ?? "10.3.0.50",
  },
];

export const registryEndpoints: { [level: string]: pulumi.Output<string> } = {};
for (const level of levels) {
  // One Kubernetes provider per cluster: the kube context named after the cluster.
  const k8s = new Provider(`${level.name}-k8s`, { context: level.cluster });
  const extension = new ConnectedRegistryExtension(
    `${level.name}-extension`,
    {
      resourceGroupName: group.name,
      clusterName: level.cluster,
      extensionName: level.name,
      connectionString: tree.connectionStrings.apply((strings) => strings[level.name]),
      serviceClusterIP: level.clusterIP,
      serviceCidr: level.serviceCidr,
      ...(level.name === "onprem"
        ? {
            tlsMode: TlsMode.Certificate,
            certificate: {
              certificatePem: onpremCertificate.certificatePem,
              privateKeyPem: onpremCertificate.privateKeyPem,
              caCertificatePem: onpremCertificate.caCertificatePem,
            },
          }
        : {}),
      connectedRegistry: {
        resourceGroupName: group.name,
        registryName: registry.registryName,
        connectedRegistryName: level.name,
      },
    },
    // The image must be in the cloud registry before the first sync.
    { providers: { kubernetes: k8s }, dependsOn: [registry] },
  );
  registryEndpoints[level.name] = extension.registryEndpoint;
  if (level.name !== "onprem") {
    // The floor's nodes (and the pods pulling through them) trust onprem's CA for onprem's address.
    new NodeRegistryTrust(
      `${level.name}-onprem-trust`,
      { registryHost: onpremGateway, caCertificatePem: onpremCertificate.caCertificatePem },
      { provider: k8s },
    );
  }
}

/** Each node's sync scope map (onprem's holds both floors' gateway actions). */
export const syncActions = tree.syncActions;
/** Where each connection string points: the cloud data endpoint for onprem, onprem's address for the floors. */
export const parentGatewayEndpoints = tree.parentGatewayEndpoints;
export const connectedRegistryIds = tree.connectedRegistryIds;
/** Secret. */
export const connectionStrings = tree.connectionStrings;
/** Secret: the floors' pull credentials. */
export const clientCredentials = tree.clientCredentials;
