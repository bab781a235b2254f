/**
 * Seed 000, "Kubernetes secret": the extension reads its certificate from a `kubernetes.io/tls` Secret
 * (`ca.crt`, `tls.crt`, `tls.key`) named in the protected `tls.secret` setting
 * (`cert-manager.enabled=false`, `cert-manager.install=false`).
 *
 * By default the component makes a certificate for the cluster IP and creates the Secret in the
 * extension's namespace `connected-registry`, through the kubernetes provider passed in `providers`
 * (`pulumi config set --secret kubeconfig -- "$(cat ~/.kube/config)"`, else the ambient kubeconfig).
 * To use a Secret you created yourself: `pulumi config set tlsSecretName k8secret`.
 */
import * as pulumi from "@pulumi/pulumi";
import { Provider } from "@pulumi/kubernetes/provider";
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

const cluster = new Provider("cluster", { kubeconfig: config.getSecret("kubeconfig") });

const extension = new ConnectedRegistryExtension(
  "connected-registry",
  {
    resourceGroupName,
    clusterName: config.get("clusterName") ?? "myarck8scluster",
    connectionString: connected.connectionString,
    serviceClusterIP: config.get("serviceClusterIP") ?? "192.100.100.1",
    serviceCidr: config.get("serviceCidr") ?? "192.100.0.0/16",
    tlsMode: TlsMode.KubernetesSecret,
    tlsSecretName: config.get("tlsSecretName"),
    connectedRegistry: {
      resourceGroupName,
      registryName: registry.registryName,
      connectedRegistryName: connected.connectedRegistryName,
    },
  },
  { providers: [cluster] },
);

export const extensionId = extension.extensionId;
export const registryEndpoint = extension.registryEndpoint;
/** The CA the nodes trust (undefined when you name your own Secret). */
export const caCertificatePem = extension.caCertificatePem;
