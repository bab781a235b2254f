/**
 * Seed 002 (pull from Azure Container Registry into any Kubernetes cluster with a pull secret), declaratively:
 *
 *   az ad sp create-for-rbac --scopes $ACR_REGISTRY_ID --role acrpull   -> RegistryServicePrincipal
 *   kubectl create secret docker-registry acr-secret --namespace awesomeapps \
 *     --docker-server=<registry>.azurecr.io --docker-username=<appId> --docker-password=<password>
 *                                                                      -> RegistryPullSecret
 *   a pod with image <registry>.azurecr.io/my-awesome-app:v1 and imagePullSecrets: [acr-secret]
 *                                                                      -> RegistryWorkload (hardened)
 *
 * The Kubernetes objects go to the cluster of the ambient kubeconfig (minikube, kind, AKS, ...).
 *
 *   pulumi up
 *   pulumi stack output clientId; pulumi stack output password --show-secrets
 */
import * as pulumi from "@pulumi/pulumi";
import * as resources from "@pulumi/azure-native/resources";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import {
  AcrRole,
  ContainerRegistry,
  RegistryPullSecret,
  RegistryServicePrincipal,
  RegistryWorkload,
} from "edge-registry";

const config = new pulumi.Config();
const location = config.get("location") ?? "eastus";
const digest = config.get("digest");

const group = new resources.ResourceGroup("service-principal-pull", { location });

const registry = new ContainerRegistry("registry", {
  resourceGroupName: group.name,
  location,
  registryName: config.get("registryName") ?? "myregistry",
});

// Pull only, scoped to this registry; the password expires after a year (rotate with rotationTrigger).
const principal = new RegistryServicePrincipal("acr-pull", {
  registryId: registry.registryId,
  role: AcrRole.AcrPull,
});

const namespace = new corev1.Namespace("apps", { metadata: { name: config.get("namespace") ?? "awesomeapps" } });

// The server must be exactly the host of the image references: <registry>.azurecr.io.
const pullSecret = new RegistryPullSecret("acr-secret", {
  server: registry.loginServer,
  username: principal.clientId,
  password: principal.password,
  namespace: namespace.metadata.name,
  secretName: "acr-secret",
});

const workload = new RegistryWorkload("my-awesome-app", {
  namespace: namespace.metadata.name,
  registryServer: registry.loginServer,
  repository: config.get("repository") ?? "my-awesome-app",
  tag: digest ? undefined : (config.get("tag") ?? "v1"),
  digest,
  imagePullSecretNames: [pullSecret.secretName],
});

export const loginServer = registry.loginServer;
/** The service principal's application id: the `--docker-username`. */
export const clientId = principal.clientId;
/** Secret: the `--docker-password`. */
export const password = principal.password;
export const pullSecretName = pullSecret.secretName;
export const image = workload.image;
export const deploymentName = workload.deploymentName;
