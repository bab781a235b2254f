/**
 * The root program: one whole edge site from stack config. See the README's "Root program" section and
 * `Pulumi.example.yaml` for every key.
 */
import * as pulumi from "@pulumi/pulumi";
import { Provider } from "@pulumi/kubernetes/provider";
import { EdgeRegistrySite } from "../components";
import { asConfigError, readSiteConfig } from "./siteConfig";
import { deployHubSite } from "../fleet/site";

const config = new pulumi.Config();
// In a fleet (`hubStack` set), the hub stack owns the cloud side; this stack deploys the cluster side only.
const hubStack = config.get("hubStack");

// The cluster's kubeconfig (secret) when given; otherwise the ambient one (KUBECONFIG / ~/.kube/config).
const kubeconfig = config.getSecret("kubeconfig");
const kubernetes = kubeconfig ? new Provider("cluster", { kubeconfig }) : undefined;

// One logical name for every stack (URNs already carry the stack), so plans of two stacks compare resource by
// resource. Stacks sharing a registry still get distinct connected registries: the default name comes from the stack.
const stackName = `edge${pulumi.getStack().replace(/[^a-zA-Z0-9]/g, "")}`.slice(0, 40);
function standalone(): EdgeRegistrySite {
  if (config.get("siteName") !== undefined) {
    throw new pulumi.RunError(
      `Configuration '${config.name}:siteName' names a site of a hub: set hubStack too, or remove siteName.`,
    );
  }
  const args = readSiteConfig(config);
  try {
    return new EdgeRegistrySite(
      "site",
      { ...args, connectedRegistryName: args.connectedRegistryName ?? stackName },
      kubernetes ? { providers: [kubernetes] } : undefined,
    );
  } catch (error) {
    throw asConfigError(config, error); // the argument is the config key of the same name: one error line, no stack
  }
}
const site = hubStack === undefined ? standalone() : undefined;
const fleetSite = hubStack === undefined ? undefined : deployHubSite(config, hubStack, kubernetes);
const deployed = site ?? fleetSite!;

export const registryLoginServer = deployed.registryLoginServer;
export const connectedRegistryName = deployed.connectedRegistryName;
export const connectionState = site?.connectionState;
export const activationStatus = site?.activationStatus;
export const extensionProvisioningState = deployed.extensionProvisioningState;
export const registryEndpoint = deployed.registryEndpoint;
export const workloadImage = deployed.workloadImage;
export const caCertificatePem = deployed.caCertificatePem;
export const connectionString = site?.connectionString;
