/**
 * Fixtures of the policy pack's tests (test/policy*.test.ts): a stack shaped like the components' secure defaults
 * (registry, connected registry, extension, pull secret, workload) and variants of it with one resource changed.
 */
import { hardenedContainer } from "./policyCorpus";
import { RawResource, Violation } from "./policyHarness";

export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"; // the engine's unknown string during preview
export const DIGEST = "sha256:" + "a".repeat(64);
export const EDGE = "10.0.0.100"; // the connected registry's service IP

export const dockerConfig = (server: string) =>
  JSON.stringify({ auths: { [server]: { username: "client", password: "pw", auth: "Y2xpZW50OnB3" } } });

export const registryProps = () => ({
  resourceGroupName: "rg",
  registryName: "edgeacr",
  sku: { name: "Premium" },
  adminUserEnabled: false,
  anonymousPullEnabled: false,
  dataEndpointEnabled: true,
  networkRuleSet: { defaultAction: "Deny", ipRules: [{ action: "Allow", iPAddressOrRange: "203.0.113.0/24" }] },
  policies: {
    retentionPolicy: { days: 7, status: "enabled" },
    azureADAuthenticationAsArmPolicy: { status: "disabled" },
  },
});

export const REGISTRY_ID =
  "/subscriptions/8f2b1d6e-3c4a-4e5f-9a7b-1c2d3e4f5a6b/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/edgeacr";
export const WORKSPACE_ID =
  "/subscriptions/8f2b1d6e-3c4a-4e5f-9a7b-1c2d3e4f5a6b/resourceGroups/ops/providers/Microsoft.OperationalInsights/workspaces/law";
export const auditLogs = [
  { category: "ContainerRegistryLoginEvents", enabled: true },
  { category: "ContainerRegistryRepositoryEvents", enabled: true },
];

export const podSpec = (image: string) => ({
  automountServiceAccountToken: false,
  imagePullSecrets: [{ name: "edge-pull" }],
  containers: [hardenedContainer("app", image)],
});

export const deploymentProps = (image = `${EDGE}/hello-world@${DIGEST}`) => ({
  metadata: { name: "hello", namespace: "apps" },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: "hello" } },
    template: { metadata: { labels: { app: "hello" } }, spec: podSpec(image) },
  },
});

/** A stack shaped like our secure defaults: registry, connected registry, extension, pull secret, workload. */
export function secureStack(): RawResource[] {
  return [
    { type: "azure-native:containerregistry:Registry", name: "acr", props: registryProps() },
    {
      type: "azure-native:monitor:DiagnosticSetting",
      name: "acr-logs",
      props: { resourceUri: REGISTRY_ID, workspaceId: WORKSPACE_ID, logs: auditLogs },
    },
    {
      type: "azure-native:containerregistry:ConnectedRegistry",
      name: "site1",
      props: { resourceGroupName: "rg", registryName: "edgeacr", connectedRegistryName: "site1", mode: "ReadOnly" },
    },
    {
      type: "azure-native:kubernetesconfiguration:Extension",
      name: "site1-ext",
      props: {
        extensionType: "Microsoft.ContainerRegistry.ConnectedRegistry",
        configurationSettings: { "service.clusterIP": EDGE, "trustDistribution.enabled": "true" },
        configurationProtectedSettings: { connectionString: "ConnectedRegistryName=site1;..." },
      },
    },
    {
      type: "kubernetes:core/v1:Secret",
      name: "edge-pull",
      props: {
        metadata: { name: "edge-pull", namespace: "apps" },
        type: "kubernetes.io/dockerconfigjson",
        stringData: { ".dockerconfigjson": dockerConfig(EDGE) },
      },
    },
    { type: "kubernetes:apps/v1:Deployment", name: "hello", props: deploymentProps() },
  ];
}

/** The secure stack with one resource changed. */
export function variant(name: string, change: (props: any) => void): RawResource[] {
  return secureStack().map((r) => {
    if (r.name !== name) {
      return r;
    }
    const props = structuredClone(r.props);
    change(props);
    return { ...r, props };
  });
}

export const container = (props: any) => props.spec.template.spec.containers[0];
export const names = (violations: Violation[]) => [...new Set(violations.map((v) => v.policy))].sort();
