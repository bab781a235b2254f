/**
 * Seed 000, "bring your own certificate": the extension serves TLS with your certificate and key
 * (protected `tls.crt`, `tls.key`, `tls.cacrt`, base64 of the PEMs; `cert-manager.enabled=false`,
 * `cert-manager.install=false`). The certificate is checked at preview: its IP SANs must contain the
 * cluster IP, the key must match, it must not be expired, and the CA must have issued it.
 *
 * Your own PEMs:   pulumi config set certificatePem -- "$(cat mycert.crt)"
 *                  pulumi config set --secret privateKeyPem -- "$(cat mycert.key)"
 *                  pulumi config set caCertificatePem -- "$(cat ca.crt)"   # omit for a self-signed certificate
 * Without them a private CA and a certificate for the cluster IP are made with RegistryCertificate
 * (what the seed's `openssl req -x509 ... -addext "subjectAltName = IP:<service IP>"` does by hand).
 */
import * as pulumi from "@pulumi/pulumi";
import {
  ConnectedRegistry,
  ConnectedRegistryExtension,
  ContainerRegistry,
  RegistryCertificate,
  TlsCertificate,
  TlsMode,
} from "edge-registry";

const config = new pulumi.Config();
const resourceGroupName = config.get("resourceGroupName") ?? "myresourcegroup";
const serviceClusterIP = config.get("serviceClusterIP") ?? "192.100.100.1";

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

function ownCertificate(): TlsCertificate {
  const certificatePem = config.get("certificatePem");
  if (certificatePem !== undefined) {
    return {
      certificatePem,
      privateKeyPem: config.requireSecret("privateKeyPem"),
      caCertificatePem: config.get("caCertificatePem"),
    };
  }
  const generated = new RegistryCertificate("connected-registry-tls", { ipAddresses: [serviceClusterIP] });
  return {
    certificatePem: generated.certificatePem,
    privateKeyPem: generated.privateKeyPem,
    caCertificatePem: generated.caCertificatePem,
  };
}

const extension = new ConnectedRegistryExtension("connected-registry", {
  resourceGroupName,
  clusterName: config.get("clusterName") ?? "myarck8scluster",
  connectionString: connected.connectionString,
  serviceClusterIP,
  serviceCidr: config.get("serviceCidr") ?? "192.100.0.0/16",
  tlsMode: TlsMode.Certificate,
  certificate: ownCertificate(),
  connectedRegistry: {
    resourceGroupName,
    registryName: registry.registryName,
    connectedRegistryName: connected.connectedRegistryName,
  },
});

export const extensionId = extension.extensionId;
export const registryEndpoint = extension.registryEndpoint;
/** The CA the nodes trust (the extension's trust distribution installs it). */
export const caCertificatePem = extension.caCertificatePem;
