/**
 * Seed 000, "own trust distribution": the extension's trust distribution is off
 * (`trustDistribution.enabled=false`, with `cert-manager.enabled=false`, `cert-manager.install=false`
 * for your own certificate), and the cluster trusts the registry's CA another way — here through
 * containerd's hosts directory on every node (`NodeRegistryTrust`: `hosts.toml` + `ca.crt`).
 * (On Tanzu, use `TanzuRegistryTrust` with the same CA instead.)
 */
import * as pulumi from "@pulumi/pulumi";
import {
  ConnectedRegistry,
  ConnectedRegistryExtension,
  ContainerRegistry,
  NodeRegistryTrust,
  RegistryCertificate,
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

const certificate = new RegistryCertificate("connected-registry-tls", { ipAddresses: [serviceClusterIP] });

const extension = new ConnectedRegistryExtension("connected-registry", {
  resourceGroupName,
  clusterName: config.get("clusterName") ?? "myarck8scluster",
  connectionString: connected.connectionString,
  serviceClusterIP,
  serviceCidr: config.get("serviceCidr") ?? "192.100.0.0/16",
  tlsMode: TlsMode.Certificate,
  certificate: {
    certificatePem: certificate.certificatePem,
    privateKeyPem: certificate.privateKeyPem,
    caCertificatePem: certificate.caCertificatePem,
  },
  trustDistribution: false,
  connectedRegistry: {
    resourceGroupName,
    registryName: registry.registryName,
    connectedRegistryName: connected.connectedRegistryName,
  },
});

const trust = new NodeRegistryTrust("connected-registry-trust", {
  registryHost: extension.registryEndpoint,
  caCertificatePem: certificate.caCertificatePem,
});

export const extensionId = extension.extensionId;
export const registryEndpoint = extension.registryEndpoint;
export const hostsToml = trust.hostsToml;
