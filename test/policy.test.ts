import { cloud } from "./harness/mocks";
import * as pulumi from "@pulumi/pulumi";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as kubernetesconfiguration from "@pulumi/azure-native/kubernetesconfiguration";
import * as monitor from "@pulumi/azure-native/monitor";
import * as appsv1 from "@pulumi/kubernetes/apps/v1";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { policies } from "../policy/policies";
import { isPrivateHost, normaliseHost, parseImage } from "../policy/rules/images";
import { dockerConfigServers } from "../policy/rules/pullSecrets";
import { RawResource, Violation, evaluateWithPolicies, mandatory, runPolicies, urnOf } from "./harness/policyHarness";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"; // the engine's unknown string during preview
const DIGEST = "sha256:" + "a".repeat(64);
const EDGE = "10.0.0.100"; // the connected registry's service IP

const dockerConfig = (server: string) =>
  JSON.stringify({ auths: { [server]: { username: "client", password: "pw", auth: "Y2xpZW50OnB3" } } });

const registryProps = () => ({
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

const REGISTRY_ID =
  "/subscriptions/8f2b1d6e-3c4a-4e5f-9a7b-1c2d3e4f5a6b/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/edgeacr";
const WORKSPACE_ID =
  "/subscriptions/8f2b1d6e-3c4a-4e5f-9a7b-1c2d3e4f5a6b/resourceGroups/ops/providers/Microsoft.OperationalInsights/workspaces/law";
const auditLogs = [
  { category: "ContainerRegistryLoginEvents", enabled: true },
  { category: "ContainerRegistryRepositoryEvents", enabled: true },
];

const hardenedContainer = (image: string) => ({
  name: "app",
  image,
  resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
  securityContext: {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: 10001,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  },
});

const podSpec = (image: string) => ({
  automountServiceAccountToken: false,
  imagePullSecrets: [{ name: "edge-pull" }],
  containers: [hardenedContainer(image)],
});

const deploymentProps = (image = `${EDGE}/hello-world@${DIGEST}`) => ({
  metadata: { name: "hello", namespace: "apps" },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: "hello" } },
    template: { metadata: { labels: { app: "hello" } }, spec: podSpec(image) },
  },
});

/** A stack shaped like our secure defaults: registry, connected registry, extension, pull secret, workload. */
function secureStack(): RawResource[] {
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
function variant(name: string, change: (props: any) => void): RawResource[] {
  return secureStack().map((r) => {
    if (r.name !== name) {
      return r;
    }
    const props = structuredClone(r.props);
    change(props);
    return { ...r, props };
  });
}

const container = (props: any) => props.spec.template.spec.containers[0];
const names = (violations: Violation[]) => [...new Set(violations.map((v) => v.policy))].sort();

describe("policy pack definition", () => {
  it("has unique names, and every description names its baseline (Checkov, Trivy, Azure Policy or platform-facts)", () => {
    expect(new Set(policies.map((p) => p.name)).size).toBe(policies.length);
    for (const policy of policies) {
      expect(`${policy.name}: ${policy.description}`).toMatch(
        /CKV_|KSV\d|Azure Policy [0-9a-f]{8}|PSRule Azure\.[A-Za-z]+\.[A-Za-z]+|platform-facts §\d/,
      );
    }
  });

  it("marks exactly the intended policies advisory", () => {
    expect(policies.filter((p) => p.enforcementLevel === "advisory").map((p) => p.name)).toEqual([
      "acr-retention-policy-enabled",
      "acr-arm-audience-token-disabled",
      "acr-data-endpoint-enabled",
      "acr-public-network-restricted",
      "acr-audit-logs",
      "connected-registry-read-only",
      "extension-node-trust-when-distribution-off",
      "k8s-image-digest",
      "k8s-pull-secret-server-matches-image",
    ]);
    expect(policies.every((p) => p.enforcementLevel === "advisory" || p.enforcementLevel === "mandatory")).toBe(true);
  });
});

describe("secure resources", () => {
  it("produce no violation at all", async () => {
    expect(await runPolicies(secureStack())).toEqual([]);
  });

  it("with a version tag instead of a digest produce only the advisory digest hint", async () => {
    const violations = await runPolicies(variant("hello", (p) => (container(p).image = `${EDGE}/hello-world:1.0`)));
    expect(violations).toEqual([
      {
        policy: "k8s-image-digest",
        enforcementLevel: "advisory",
        message: `container "app": image ${EDGE}/hello-world:1.0 has no digest: pin it by digest (@sha256:...) (CKV_K8S_43).`,
        urn: urnOf({ type: "kubernetes:apps/v1:Deployment", name: "hello" }),
      },
    ]);
  });
});

describe("each insecure resource is flagged by the right rule", () => {
  const cases: [string, string, (props: any) => void, string[]][] = [
    ["admin user", "acr", (p) => (p.adminUserEnabled = true), ["acr-admin-user-disabled"]],
    ["anonymous pull", "acr", (p) => (p.anonymousPullEnabled = true), ["acr-anonymous-pull-disabled"]],
    [
      "data endpoint off",
      "acr",
      (p) => (p.dataEndpointEnabled = false),
      ["acr-data-endpoint-for-connected-registries", "acr-data-endpoint-enabled"],
    ],
    ["no retention (ARM default)", "acr", (p) => delete p.policies.retentionPolicy, ["acr-retention-policy-enabled"]],
    [
      "retention disabled",
      "acr",
      (p) => (p.policies.retentionPolicy.status = "disabled"),
      ["acr-retention-policy-enabled"],
    ],
    [
      "ARM-audience tokens (ARM default)",
      "acr",
      (p) => delete p.policies,
      ["acr-arm-audience-token-disabled", "acr-retention-policy-enabled"],
    ],
    ["ReadWrite connected registry", "site1", (p) => (p.mode = "ReadWrite"), ["connected-registry-read-only"]],
    [
      "connection string in plain settings",
      "site1-ext",
      (p) => (p.configurationSettings.connectionString = "ConnectedRegistryName=site1;SyncTokenPassword=x"),
      ["extension-no-secrets-in-plain-settings"],
    ],
    [
      "TLS key in plain settings",
      "site1-ext",
      (p) => (p.configurationSettings["tls.key"] = "LS0t"),
      ["extension-no-secrets-in-plain-settings"],
    ],
    [
      "TLS secret name in plain settings",
      "site1-ext",
      (p) => (p.configurationSettings["TLS.Secret"] = "k8secret"),
      ["extension-no-secrets-in-plain-settings"],
    ],
    [
      "HTTP mode (documented key)",
      "site1-ext",
      (p) => (p.configurationSettings.HttpsEnabled = "false"),
      ["extension-no-http-mode"],
    ],
    [
      "HTTP mode (inverse key)",
      "site1-ext",
      (p) => (p.configurationSettings.httpEnabled = "True"),
      ["extension-no-http-mode"],
    ],
    [
      "trust distribution off, no node trust",
      "site1-ext",
      (p) => (p.configurationSettings["trustDistribution.enabled"] = "false"),
      ["extension-node-trust-when-distribution-off"],
    ],
    [
      "latest tag",
      "hello",
      (p) => (container(p).image = `${EDGE}/hello-world:latest`),
      ["k8s-image-digest", "k8s-image-pinned"],
    ],
    ["no tag", "hello", (p) => (container(p).image = `${EDGE}/hello-world`), ["k8s-image-digest", "k8s-image-pinned"]],
    ["privileged", "hello", (p) => (container(p).securityContext.privileged = true), ["k8s-no-privileged"]],
    [
      "privilege escalation unset",
      "hello",
      (p) => delete container(p).securityContext.allowPrivilegeEscalation,
      ["k8s-no-privilege-escalation"],
    ],
    [
      "writable root fs",
      "hello",
      (p) => (container(p).securityContext.readOnlyRootFilesystem = false),
      ["k8s-read-only-root-filesystem"],
    ],
    [
      "may run as root",
      "hello",
      (p) => {
        delete container(p).securityContext.runAsNonRoot;
        delete container(p).securityContext.runAsUser;
      },
      ["k8s-run-as-non-root"],
    ],
    ["runs as uid 0", "hello", (p) => (container(p).securityContext.runAsUser = 0), ["k8s-run-as-non-root"]],
    [
      "capabilities kept",
      "hello",
      (p) => (container(p).securityContext.capabilities = { drop: ["NET_RAW"] }),
      ["k8s-drop-all-capabilities"],
    ],
    [
      "seccomp unconfined",
      "hello",
      (p) => (container(p).securityContext.seccompProfile.type = "Unconfined"),
      ["k8s-seccomp-runtime-default"],
    ],
    ["no memory limit", "hello", (p) => delete container(p).resources.limits.memory, ["k8s-resource-requests-limits"]],
    [
      "service account token mounted",
      "hello",
      (p) => delete p.spec.template.spec.automountServiceAccountToken,
      ["k8s-no-service-account-token"],
    ],
    ["default namespace", "hello", (p) => (p.metadata.namespace = "default"), ["k8s-not-default-namespace"]],
    ["no namespace", "hello", (p) => delete p.metadata.namespace, ["k8s-not-default-namespace"]],
    [
      "private image without pull secret",
      "hello",
      (p) => delete p.spec.template.spec.imagePullSecrets,
      ["k8s-private-registry-pull-secret"],
    ],
    [
      "pull secret for the wrong port",
      "edge-pull",
      (p) => (p.stringData[".dockerconfigjson"] = dockerConfig(`${EDGE}:5000`)),
      ["k8s-pull-secret-server-matches-image"],
    ],
  ];

  it.each(cases)("%s", async (_title, resource, change, expected) => {
    const violations = await runPolicies(variant(resource, change));
    expect(names(violations)).toEqual([...expected].sort());
    const type = secureStack().find((r) => r.name === resource)!.type;
    expect(violations.every((v) => v.urn === urnOf({ type, name: resource }))).toBe(true);
  });

  it("says what is wrong and how to fix it", async () => {
    const violations = await runPolicies(variant("hello", (p) => delete container(p).resources.requests));
    expect(violations.map((v) => v.message)).toEqual([
      'container "app": missing resources.requests.cpu, resources.requests.memory (CKV_K8S_10, CKV_K8S_12).',
    ]);
  });

  it("checks init containers, pod-level security contexts, Pods, StatefulSets, DaemonSets and CronJobs", async () => {
    const insecure = { ...hardenedContainer(`${EDGE}/tool@${DIGEST}`), name: "init", securityContext: {} };
    const spec = { ...podSpec(`${EDGE}/app@${DIGEST}`), initContainers: [insecure] };
    const pod = { metadata: { namespace: "apps" }, spec };
    const template = { spec };
    const resources: RawResource[] = [
      { type: "kubernetes:core/v1:Pod", name: "pod", props: pod },
      {
        type: "kubernetes:apps/v1:StatefulSet",
        name: "sts",
        props: { metadata: { namespace: "apps" }, spec: { template } },
      },
      {
        type: "kubernetes:apps/v1:DaemonSet",
        name: "ds",
        props: { metadata: { namespace: "apps" }, spec: { template } },
      },
      {
        type: "kubernetes:batch/v1:CronJob",
        name: "cron",
        props: { metadata: { namespace: "apps" }, spec: { jobTemplate: { spec: { template } } } },
      },
    ];
    const violations = await runPolicies(resources);
    const expected = [
      "k8s-drop-all-capabilities",
      "k8s-no-privilege-escalation",
      "k8s-read-only-root-filesystem",
      "k8s-run-as-non-root",
      "k8s-seccomp-runtime-default",
    ];
    for (const r of resources) {
      expect(names(violations.filter((v) => v.urn === urnOf(r)))).toEqual(expected);
    }
    expect(violations.every((v) => v.message.startsWith('container "init"'))).toBe(true);

    // Pod-level runAsNonRoot and seccomp cover containers that set none.
    const podLevel: any = structuredClone(pod);
    podLevel.spec.securityContext = { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } };
    podLevel.spec.initContainers = [];
    delete podLevel.spec.containers[0].securityContext.runAsNonRoot;
    delete podLevel.spec.containers[0].securityContext.runAsUser;
    delete podLevel.spec.containers[0].securityContext.seccompProfile;
    expect(await runPolicies([{ type: "kubernetes:core/v1:Pod", name: "p", props: podLevel }])).toEqual([]);
  });
});

describe("stack context", () => {
  it("accepts node trust from a NodeRegistryTrust DaemonSet or a Tanzu TkgServiceConfiguration", async () => {
    const policy = policies.filter((p) => p.name === "extension-node-trust-when-distribution-off");
    const stack = variant("site1-ext", (p) => (p.configurationSettings["trustDistribution.enabled"] = false));
    const daemonSet: RawResource = {
      type: "kubernetes:apps/v1:DaemonSet",
      name: "trust",
      props: {
        metadata: { namespace: "kube-system", labels: { "app.kubernetes.io/component": "node-registry-trust" } },
      },
    };
    const tanzu: RawResource = {
      type: "kubernetes:run.tanzu.vmware.com/v1alpha1:TkgServiceConfiguration",
      name: "tkg",
      props: { spec: { trust: { additionalTrustedCAs: [{ name: "edge", data: "LS0t" }] } } },
    };
    expect(await runPolicies(stack, { policies: policy })).toHaveLength(1);
    expect(await runPolicies([...stack, daemonSet], { policies: policy })).toEqual([]);
    expect(await runPolicies([...stack, tanzu], { policies: policy })).toEqual([]);
    const unlabelled = { ...daemonSet, props: { metadata: { namespace: "kube-system" } } };
    expect(await runPolicies([...stack, unlabelled], { policies: policy })).toHaveLength(1);
  });

  it("checks the data endpoint only of registries that connected registries sync from", async () => {
    const other: RawResource = {
      type: "azure-native:containerregistry:Registry",
      name: "other",
      props: { ...registryProps(), registryName: "otheracr", dataEndpointEnabled: false },
    };
    const policy = policies.filter((p) => p.name === "acr-data-endpoint-for-connected-registries");
    expect(await runPolicies([...secureStack(), other], { policies: policy })).toEqual([]);
    const withoutConnected = variant("acr", (p) => (p.dataEndpointEnabled = false)).filter((r) => r.name !== "site1");
    expect(await runPolicies(withoutConnected, { policies: policy })).toEqual([]);
  });

  it("accepts pull secrets on the pod's service account (ServiceAccount or ServiceAccountPatch in the stack)", async () => {
    const policy = policies.filter((p) => p.name === "k8s-private-registry-pull-secret");
    const stack = variant("hello", (p) => {
      delete p.spec.template.spec.imagePullSecrets;
      p.spec.template.spec.serviceAccountName = "puller";
    });
    const patch = (namespace: string): RawResource => ({
      type: "kubernetes:core/v1:ServiceAccountPatch",
      name: "puller",
      props: { metadata: { name: "puller", namespace }, imagePullSecrets: [{ name: "edge-pull" }] },
    });
    expect(await runPolicies([...stack, patch("apps")], { policies: policy })).toEqual([]);
    const [violation] = await runPolicies([...stack, patch("other")], { policies: policy });
    expect(violation.message).toBe(
      `hello: images ${EDGE}/hello-world@${DIGEST} come from a private registry but the pod has no imagePullSecrets and ` +
        'service account "puller" gets none in this stack: add a kubernetes.io/dockerconfigjson Secret for the registry to imagePullSecrets.',
    );
  });

  it("does not require pull secrets for public registries", async () => {
    const stack = variant("hello", (p) => {
      delete p.spec.template.spec.imagePullSecrets;
      container(p).image = `mcr.microsoft.com/mcr/hello-world@${DIGEST}`;
    }).filter((r) => r.name !== "edge-pull");
    expect(await runPolicies(stack)).toEqual([]);
  });

  it("reads base64 .dockerconfigjson data and normalises kubectl-style servers", async () => {
    const stack = variant("edge-pull", (p) => {
      delete p.stringData;
      p.data = { ".dockerconfigjson": Buffer.from(dockerConfig(`https://${EDGE}/v1/`)).toString("base64") };
    });
    expect(await runPolicies(stack)).toEqual([]);
  });
});

describe("unknown values during preview", () => {
  it("never abort a rule or produce a violation", async () => {
    const stack = secureStack().map((r) => {
      const props = structuredClone(r.props);
      if (r.name === "acr") {
        props.dataEndpointEnabled = UNKNOWN;
        props.adminUserEnabled = UNKNOWN;
      } else if (r.name === "site1") {
        props.registryName = UNKNOWN;
      } else if (r.name === "site1-ext") {
        props.configurationSettings["trustDistribution.enabled"] = UNKNOWN;
      } else if (r.name === "edge-pull") {
        props.stringData[".dockerconfigjson"] = UNKNOWN;
      } else if (r.name === "hello") {
        container(props).image = UNKNOWN;
        container(props).securityContext.readOnlyRootFilesystem = UNKNOWN;
      }
      return { ...r, props };
    });
    expect(await runPolicies(stack)).toEqual([]);
  });

  it("leave unreadable pull secret data unjudged", () => {
    expect(dockerConfigServers({ stringData: { ".dockerconfigjson": "not json" } })).toBeUndefined();
    expect(dockerConfigServers({ data: { ".dockerconfigjson": UNKNOWN } })).toBeUndefined();
    expect(dockerConfigServers({ stringData: { ".dockerconfigjson": dockerConfig("HTTPS://X.azurecr.io") } })).toEqual([
      "x.azurecr.io",
    ]);
  });
});

describe("configuration", () => {
  it("treats hosts from privateRegistryHosts as private", async () => {
    const stack = variant("hello", (p) => {
      delete p.spec.template.spec.imagePullSecrets;
      container(p).image = `registry.edge.local:5000/app@${DIGEST}`;
    }).filter((r) => r.name !== "edge-pull");
    expect(await runPolicies(stack)).toEqual([]);
    const config = { "k8s-private-registry-pull-secret": { privateRegistryHosts: ["registry.edge.local:5000"] } };
    expect(names(await runPolicies(stack, { config }))).toEqual(["k8s-private-registry-pull-secret"]);
  });

  it("allows listed images to be unpinned", async () => {
    const stack = variant("hello", (p) => (container(p).image = `${EDGE}/dev/app:latest`));
    const config = { "k8s-image-pinned": { allowUnpinnedImages: [`${EDGE}/dev/*`] } };
    expect(names(await runPolicies(stack, { config }))).toEqual(["k8s-image-digest"]);
  });

  it("ignores checkov.io/skip annotations on the workload: exemptions come from the pack's configuration only", async () => {
    const stack = variant("hello", (p) => {
      container(p).securityContext.runAsUser = 0;
      p.metadata.annotations = { "checkov.io/skip1": "CKV_K8S_23=writes containerd config on the host" };
    });
    expect(names(await runPolicies(stack))).toEqual(["k8s-run-as-non-root"]);
    const config = { "k8s-run-as-non-root": { exemptions: [{ name: "hello", namespace: "apps" }] } };
    expect(await runPolicies(stack, { config })).toEqual([]);
  });

  it("takes the namespace from the Kubernetes provider when the object names none", async () => {
    const [deployment] = variant("hello", (p) => delete p.metadata.namespace).filter((r) => r.name === "hello");
    expect(await runPolicies([{ ...deployment, providerProps: { namespace: "apps" } }])).toEqual([]);
  });

  it("lets config override the enforcement level", async () => {
    const stack = variant("site1-ext", (p) => (p.configurationSettings.httpsEnabled = false));
    const config = { "extension-no-http-mode": { enforcementLevel: "advisory" } };
    expect(mandatory(await runPolicies(stack, { config }))).toEqual([]);
  });
});

describe("policy wrappers called with the runtime's argument shapes", () => {
  it("report through reportViolation, for resource and stack policies", async () => {
    const admin = policies.find((p) => p.name === "acr-admin-user-disabled") as ResourceValidationPolicy;
    const reported: string[] = [];
    const validate = admin.validateResource as (args: any, report: (m: string) => void) => void;
    const args = {
      type: "azure-native:containerregistry:Registry",
      name: "acr",
      urn: "urn:pulumi:dev::p::azure-native:containerregistry:Registry::acr",
      props: { ...registryProps(), adminUserEnabled: true },
      opts: { protect: false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [] },
      stackTags: new Map(),
      getConfig: () => ({}),
      notApplicable: () => {
        throw new Error("not applicable");
      },
    };
    validate(args, (m) => reported.push(m));
    validate({ ...args, type: "azure-native:containerregistry:ScopeMap" }, (m) => reported.push(m));
    expect(reported).toEqual([
      "adminUserEnabled is true: disable the admin user and use tokens, service principals or managed identities (CKV_AZURE_137, Azure Policy dc921057).",
    ]);

    const trust = policies.find(
      (p) => p.name === "extension-node-trust-when-distribution-off",
    ) as StackValidationPolicy;
    const stackReports: [string, string | undefined][] = [];
    await trust.validateStack(
      {
        resources: variant("site1-ext", (p) => (p.configurationSettings["trustDistribution.enabled"] = "False")).map(
          (r) =>
            ({ ...r, urn: `urn:${r.name}`, opts: args.opts as any, dependencies: [], propertyDependencies: {} }) as any,
        ),
        stackTags: new Map(),
        getConfig: () => ({}) as any,
        notApplicable: args.notApplicable as any,
      },
      (message, urn) => stackReports.push([message, urn]),
    );
    expect(stackReports).toHaveLength(1);
    expect(stackReports[0][1]).toBe("urn:site1-ext");
  });
});

describe("image and host helpers", () => {
  it("parse references like container runtimes", () => {
    expect(parseImage("nginx")).toEqual({ host: "docker.io", repository: "nginx", tag: undefined, digest: undefined });
    expect(parseImage("library/nginx:1.27")).toMatchObject({
      host: "docker.io",
      repository: "library/nginx",
      tag: "1.27",
    });
    expect(parseImage(`10.0.0.1:5000/a/b:v1@${DIGEST}`)).toEqual({
      host: "10.0.0.1:5000",
      repository: "a/b",
      tag: "v1",
      digest: DIGEST,
    });
    expect(parseImage("localhost/app")).toMatchObject({ host: "localhost", repository: "app", tag: undefined });
    expect(parseImage("[fd00::1]:5000/app:2")).toMatchObject({ host: "[fd00::1]:5000", repository: "app", tag: "2" });
  });

  it("define private registries as IP hosts, ACR login servers and configured hosts", () => {
    expect(isPrivateHost("10.0.0.1")).toBe(true);
    expect(isPrivateHost("10.0.0.1:5000")).toBe(true);
    expect(isPrivateHost("[fd00::1]:5000")).toBe(true);
    expect(isPrivateHost("myacr.azurecr.io")).toBe(true);
    expect(isPrivateHost("docker.io")).toBe(false);
    expect(isPrivateHost("mcr.microsoft.com")).toBe(false);
    expect(isPrivateHost("ghcr.io")).toBe(false);
    expect(isPrivateHost("harbor.corp:8443", ["harbor.corp"])).toBe(true);
    expect(normaliseHost("https://index.docker.io/v1/")).toBe("docker.io");
  });
});

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
