/**
 * The root program: one whole edge site from stack config. See the README's "Root program" section and
 * `Pulumi.example.yaml` for every key.
 */
import * as pulumi from "@pulumi/pulumi";
import { Provider } from "@pulumi/kubernetes/provider";
import { EdgeRegistrySite } from "../components";
import { readSiteConfig } from "./siteConfig";

const config = new pulumi.Config();
const args = readSiteConfig(config);

// The cluster's kubeconfig (secret) when given; otherwise the ambient one (KUBECONFIG / ~/.kube/config).
const kubeconfig = config.getSecret("kubeconfig");
const kubernetes = kubeconfig ? new Provider("cluster", { kubeconfig }) : undefined;

// One logical name for every stack (URNs already carry the stack), so plans of two stacks compare resource by
// resource. Stacks sharing a registry still get distinct connected registries: the default name comes from the stack.
const stackName = `edge${pulumi.getStack().replace(/[^a-zA-Z0-9]/g, "")}`.slice(0, 40);
const site = new EdgeRegistrySite(
  "site",
  { ...args, connectedRegistryName: args.connectedRegistryName ?? stackName },
  kubernetes ? { providers: [kubernetes] } : undefined,
);

export const registryLoginServer = site.registryLoginServer;
export const connectedRegistryName = site.connectedRegistryName;
export const connectionState = site.connectionState;
export const activationStatus = site.activationStatus;
export const extensionProvisioningState = site.extensionProvisioningState;
export const registryEndpoint = site.registryEndpoint;
export const workloadImage = site.workloadImage;
export const caCertificatePem = site.caCertificatePem;
export const connectionString = site.connectionString;
