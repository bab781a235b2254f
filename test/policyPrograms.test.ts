/**
 * The policy pack over whole programs: `evaluateWithPolicies` under the mocks, and registries a larger program
 * builds itself with azure-native (issue 27).
 */
import { cloud } from "./harness/mocks";
import * as pulumi from "@pulumi/pulumi";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as kubernetesconfiguration from "@pulumi/azure-native/kubernetesconfiguration";
import * as monitor from "@pulumi/azure-native/monitor";
import * as appsv1 from "@pulumi/kubernetes/apps/v1";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import { policies } from "../policy/policies";
import { RawResource, evaluateWithPolicies, mandatory, runPolicies } from "./harness/policyHarness";
import {
  EDGE,
  REGISTRY_ID,
  UNKNOWN,
  WORKSPACE_ID,
  auditLogs,
  deploymentProps,
  dockerConfig,
  names,
  registryProps,
} from "./harness/policyStack";

describe("evaluateWithPolicies", () => {
  /** A hand-written program with raw resources that mimic the components' secure defaults. */
  function secureProgram(adminUserEnabled = false) {
    const acr = new containerregistry.Registry("acr", { ...registryProps(), adminUserEnabled });
    new monitor.DiagnosticSetting("acr-logs", { resourceUri: acr.id, workspaceId: WORKSPACE_ID, logs: auditLogs });
    new containerregistry.ConnectedRegistry("site1", {
      resourceGroupName: "rg",
      registryName: "edgeacr",
      connectedRegistryName: "site1",
      mode: "ReadOnly",
      parent: { syncProperties: { tokenId: "token-id", messageTtl: "P2D" } },
    });
    new kubernetesconfiguration.Extension("site1-ext", {
      resourceGroupName: "rg",
      clusterRp: "Microsoft.Kubernetes",
      clusterResourceName: "connectedClusters",
      clusterName: "edge-cluster",
      extensionType: "Microsoft.ContainerRegistry.ConnectedRegistry",
      configurationSettings: { "service.clusterIP": EDGE, "trustDistribution.enabled": "true" },
      configurationProtectedSettings: pulumi.secret({ connectionString: "ConnectedRegistryName=site1;..." }),
    });
    new corev1.Secret("edge-pull", {
      metadata: { name: "edge-pull", namespace: "apps" },
      type: "kubernetes.io/dockerconfigjson",
      stringData: { ".dockerconfigjson": pulumi.secret(dockerConfig(EDGE)) },
    });
    new appsv1.Deployment("hello", deploymentProps(`${EDGE}/hello-world:1.0`));
  }

  it("evaluates a program under the mocks and runs every policy over what it registered", async () => {
    const { resources, violations } = await evaluateWithPolicies(() => secureProgram());
    expect(resources.map((r) => r.type).sort()).toEqual([
      "azure-native:containerregistry:ConnectedRegistry",
      "azure-native:containerregistry:Registry",
      "azure-native:kubernetesconfiguration:Extension",
      "azure-native:monitor:DiagnosticSetting",
      "kubernetes:apps/v1:Deployment",
      "kubernetes:core/v1:Secret",
    ]);
    expect(cloud.resources).toHaveLength(6);
    expect(mandatory(violations)).toEqual([]);
    expect(names(violations)).toEqual(["k8s-image-digest"]); // the tag is pinned, the digest is only advised
  });

  it("catches an insecure override in such a program", async () => {
    const { violations } = await evaluateWithPolicies(() => secureProgram(true));
    expect(names(mandatory(violations))).toEqual(["acr-admin-user-disabled"]);
  });
});

describe("registries a larger program builds itself, in any azure-native version (issue 27)", () => {
  const versioned = (type: string, props: Record<string, any>): RawResource => ({ type, name: "acr", props });
  const types = [
    "azure-native:containerregistry:Registry",
    "azure-native:containerregistry/v20250401:Registry",
    "azure-native:containerregistry/v20231101preview:Registry",
  ];

  it.each(types)("%s: admin user and anonymous pull are mandatory, the rest advisory", async (type) => {
    const open = { ...registryProps(), adminUserEnabled: true, anonymousPullEnabled: true };
    delete (open as any).networkRuleSet;
    const violations = await runPolicies([versioned(type, open)]);
    expect(names(mandatory(violations))).toEqual(["acr-admin-user-disabled", "acr-anonymous-pull-disabled"]);
    expect(names(violations.filter((v) => v.enforcementLevel === "advisory"))).toEqual([
      "acr-audit-logs",
      "acr-public-network-restricted",
    ]);
  });

  it("a bare azure-native registry (ARM defaults) gets every advisory: data endpoint, retention, ARM tokens, network, logs", async () => {
    const violations = await runPolicies([
      versioned("azure-native:containerregistry/v20250401:Registry", {
        resourceGroupName: "rg",
        registryName: "bareacr",
        sku: { name: "Premium" },
      }),
    ]);
    expect(mandatory(violations)).toEqual([]);
    expect(names(violations)).toEqual([
      "acr-arm-audience-token-disabled",
      "acr-audit-logs",
      "acr-data-endpoint-enabled",
      "acr-public-network-restricted",
      "acr-retention-policy-enabled",
    ]);
  });

  it("counts versioned connected registries for the mandatory data endpoint rule", async () => {
    const stack = [
      versioned("azure-native:containerregistry/v20250401:Registry", {
        ...registryProps(),
        dataEndpointEnabled: false,
      }),
      {
        type: "azure-native:containerregistry/v20250401:ConnectedRegistry",
        name: "site1",
        props: { resourceGroupName: "rg", registryName: "edgeacr", mode: "ReadOnly" },
      },
    ];
    const violations = await runPolicies(stack);
    expect(names(mandatory(violations))).toEqual(["acr-data-endpoint-for-connected-registries"]);
  });

  it("acr-public-network-restricted: Deny rules or disabled public access pass; Allow, or no rule set, does not; non-Premium is not judged", async () => {
    const policy = policies.filter((p) => p.name === "acr-public-network-restricted");
    const run = (props: Record<string, any>) =>
      runPolicies([versioned(types[0], { ...registryProps(), ...props })], { policies: policy });
    expect(await run({})).toEqual([]);
    expect(await run({ networkRuleSet: undefined, publicNetworkAccess: "Disabled" })).toEqual([]);
    expect(await run({ networkRuleSet: { defaultAction: "Allow" } })).toHaveLength(1);
    expect(await run({ networkRuleSet: undefined })).toHaveLength(1);
    expect(await run({ networkRuleSet: undefined, sku: { name: "Standard" } })).toEqual([]);
    expect(await run({ networkRuleSet: { defaultAction: UNKNOWN } })).toEqual([]);
    const [violation] = await run({ networkRuleSet: undefined });
    expect(violation.message).toContain("PSRule Azure.ACR.Firewall");
  });

  it("acr-audit-logs: a setting on another registry, a missing category, or disabled logs do not count; audit groups do", async () => {
    const policy = policies.filter((p) => p.name === "acr-audit-logs");
    const registry = versioned(types[0], registryProps());
    const setting = (props: Record<string, any>): RawResource => ({
      type: "azure-native:monitor:DiagnosticSetting",
      name: "logs",
      props: { resourceUri: REGISTRY_ID, workspaceId: WORKSPACE_ID, logs: auditLogs, ...props },
    });
    const run = (...resources: RawResource[]) => runPolicies([registry, ...resources], { policies: policy });
    expect(await run(setting({}))).toEqual([]);
    expect(await run(setting({ resourceUri: REGISTRY_ID.toUpperCase() }))).toEqual([]);
    expect(await run(setting({ logs: [{ categoryGroup: "audit", enabled: true }] }))).toEqual([]);
    expect(await run({ ...setting({}), type: "azure-native:insights/v20210501preview:DiagnosticSetting" })).toEqual([]);
    expect(await run(setting({ resourceUri: REGISTRY_ID.replace("edgeacr", "otheracr") }))).toHaveLength(1);
    expect(await run(setting({ logs: [auditLogs[0]] }))).toHaveLength(1);
    expect(await run(setting({ logs: auditLogs.map((l) => ({ ...l, enabled: false })) }))).toHaveLength(1);
    expect(await run()).toHaveLength(1);
    expect(await run(setting({ resourceUri: UNKNOWN }))).toEqual([]);
  });
});
