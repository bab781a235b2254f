/**
 * vSphere with Tanzu and an external private registry with a self-signed certificate (seed 003).
 *
 * 1. On the **Supervisor**, the `TkgServiceConfiguration` singleton gets the registry's CA in
 *    `spec.trust.additionalTrustedCAs` (base64 of the PEM). New Tanzu Kubernetes clusters trust it; existing
 *    clusters need a rolling update. Rotate by changing the PEM; remove by dropping the entry.
 * 2. In the Tanzu Kubernetes cluster, workloads pull `<Registry-IP>/<namespace>/<image>:<version>` with an
 *    image pull secret.
 *
 * Without the CA, pods fail with `ErrImagePull` / `x509: certificate signed by unknown authority`.
 *
 *   pulumi config set caCertificatePem -- "$(cat ca.crt)"
 *   pulumi config set supervisorContext 10.0.0.10     # from kubectl vsphere login
 *   pulumi config set clusterContext tkg-cluster-1    # the Tanzu Kubernetes cluster
 *   pulumi config set registryServer 10.10.10.10      # <Registry-IP-Address>, or host:port
 *   pulumi config set registryUsername robot-pull
 *   pulumi config set --secret registryPassword
 *   pulumi up
 */
import * as pulumi from "@pulumi/pulumi";
import { Provider } from "@pulumi/kubernetes/provider";
import { RegistryPullSecret, RegistryWorkload, TanzuRegistryTrust, TkgCni } from "edge-registry";

const config = new pulumi.Config();
const caCertificatePem = config.require("caCertificatePem");
const caName = config.get("caName") ?? "private-registry-ca";
const supervisorContext = config.get("supervisorContext");

// The Supervisor cluster (where the TKG service runs), not the workload cluster.
const supervisor = supervisorContext ? new Provider("supervisor", { context: supervisorContext }) : undefined;

const trust = new TanzuRegistryTrust(
  "registry-trust",
  {
    certificates: [{ name: caName, certificatePem: caCertificatePem }],
    defaultCNI: TkgCni.Antrea,
  },
  { provider: supervisor },
);

// Step 2, in the Tanzu Kubernetes cluster: a pull secret for the registry and a workload pulling
// <Registry-IP-Address>/<vsphere-namespace>/<image-name>:<version> with it.
const clusterContext = config.get("clusterContext");
const cluster = clusterContext ? new Provider("tkg-cluster", { context: clusterContext }) : undefined;
const namespace = config.get("namespace") ?? "private-registry-apps";

const pullSecret = new RegistryPullSecret(
  "registry-secret",
  {
    server: config.require("registryServer"),
    username: config.require("registryUsername"),
    password: config.requireSecret("registryPassword"),
    namespace,
    secretName: "registry-secret",
  },
  { provider: cluster },
);

const workload = new RegistryWorkload(
  "private-reg-workload",
  {
    namespace,
    registryServer: config.require("registryServer"),
    repository: config.require("repository"),
    tag: config.get("version"),
    digest: config.get("digest"),
    imagePullSecretNames: [pullSecret.secretName],
  },
  // The nodes of clusters created after the trust update can pull; existing ones need a rolling update first.
  { provider: cluster, dependsOn: [trust] },
);

/** Names of the CAs new Tanzu Kubernetes clusters trust. */
export const trustedCaNames = trust.trustedCaNames;
/** The Supervisor object that holds them. */
export const tkgServiceConfiguration = trust.configurationName;
/** The image the workload pulls from the private registry. */
export const image = workload.image;
