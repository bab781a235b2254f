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
 *   pulumi up
 */
import * as pulumi from "@pulumi/pulumi";
import { Provider } from "@pulumi/kubernetes/provider";
import { TanzuRegistryTrust, TkgCni } from "edge-registry";

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

// Step 2 (pull secret and workload in the Tanzu Kubernetes cluster) uses RegistryPullSecret and
// RegistryWorkload with a provider for the cluster's context; it is added when those components land on main.

/** Names of the CAs new Tanzu Kubernetes clusters trust. */
export const trustedCaNames = trust.trustedCaNames;
/** The Supervisor object that holds them. */
export const tkgServiceConfiguration = trust.configurationName;
