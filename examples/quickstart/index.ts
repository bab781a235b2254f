/**
 * Quickstart (seed 001): deploy the connected registry Arc extension with the secure defaults, declaratively.
 *
 *   az acr import --name myacrregistry --source mcr.microsoft.com/mcr/hello-world:latest   -> ContainerRegistry.imports
 *   az acr connected-registry create --repository hello-world                              -> ConnectedRegistry
 *   az acr connected-registry get-settings --generate-password 1                           -> ConnectedRegistry.connectionString
 *   az k8s-extension create --config service.clusterIP=192.100.100.1 ...                   -> ConnectedRegistryExtension
 *   kubectl create secret docker-registry regcred --docker-server=192.100.100.1 ...        -> RegistryPullSecret
 *   kubectl apply -f hello-world-deployment.yaml                                           -> RegistryWorkload
 *
 * The Kubernetes objects go to the cluster of the ambient kubeconfig; the Azure resources to the azure-native
 * provider's subscription. `pulumi destroy` deactivates the connected registry before it removes the extension.
 */
import * as pulumi from "@pulumi/pulumi";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import {
  ConnectedRegistry,
  ConnectedRegistryExtension,
  ConnectedRegistryMode,
  ContainerRegistry,
  RegistryPullSecret,
  RegistryWorkload,
} from "edge-registry";

const config = new pulumi.Config();
const resourceGroupName = config.get("resourceGroupName") ?? "myresourcegroup";
const serviceClusterIP = config.get("serviceClusterIP") ?? "192.100.100.1";

// Prerequisites: a Premium registry with a dedicated data endpoint, and the repository to sync.
const registry = new ContainerRegistry("registry", {
  resourceGroupName,
  location: config.get("location") ?? "eastus",
  registryName: config.get("registryName") ?? "myacrregistry",
  imports: [{ source: "mcr.microsoft.com/mcr/hello-world:latest" }],
});

// 1. The connected registry, ReadOnly, syncing hello-world; a client token for the cluster's pods.
const connected = new ConnectedRegistry(
  "connected",
  {
    resourceGroupName,
    registryName: registry.registryName,
    connectedRegistryName: config.get("connectedRegistryName") ?? "myconnectedregistry",
    mode: ConnectedRegistryMode.ReadOnly,
    repositories: ["hello-world"],
    clientTokens: [{ name: "mytoken" }],
  },
  // The sync needs the repository to exist in the cloud registry.
  { dependsOn: [registry] },
);

// 2. The Arc extension with the secure defaults: HTTPS, trust distribution, cert-manager installed by the extension.
const extension = new ConnectedRegistryExtension("extension", {
  resourceGroupName,
  clusterName: config.get("clusterName") ?? "myarck8scluster",
  extensionName: connected.connectedRegistryName,
  connectionString: connected.connectionString,
  serviceClusterIP,
  serviceCidr: config.get("serviceCidr") ?? "192.100.0.0/16",
  connectedRegistry: {
    resourceGroupName,
    registryName: registry.registryName,
    connectedRegistryName: connected.connectedRegistryName,
  },
});

// 4. A pod from the connected registry: pull secret with the client token, and the hello-world Deployment.
const namespace = new corev1.Namespace("apps", { metadata: { name: "hello-world" } });
const clientCredential = connected.clientCredentials.apply((credentials) => credentials["mytoken"]);
const pullSecret = new RegistryPullSecret("regcred", {
  server: serviceClusterIP,
  username: clientCredential.apply((credential) => credential.username),
  password: pulumi.secret(clientCredential.apply((credential) => credential.password)),
  namespace: namespace.metadata.name,
  secretName: "regcred",
});
const workload = new RegistryWorkload(
  "hello-world",
  {
    namespace: namespace.metadata.name,
    registryServer: extension.registryEndpoint,
    repository: "hello-world",
    tag: "latest",
    imagePullSecretNames: [pullSecret.secretName],
  },
  // Pods can only pull once the extension serves the registry.
  { dependsOn: [extension] },
);

// 3. What `az k8s-extension show` and `az acr connected-registry show` report.
export const loginServer = registry.loginServer;
export const connectedRegistryName = connected.connectedRegistryName;
export const connectionState = connected.connectionState;
export const activationStatus = connected.activationStatus;
export const extensionProvisioningState = extension.provisioningState;
export const registryEndpoint = extension.registryEndpoint;
export const image = workload.image;
export const connectionString = connected.connectionString;
