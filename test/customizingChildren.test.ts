/**
 * What users reach for after the defaults: the workload's escape hatches (typed with @pulumi/kubernetes' own
 * input types, merged over the hardened defaults), resource options that reach the stateful children, the
 * component's own options (protect, transforms) and the typed child resources.
 *
 * Resource options are read from the RegisterResource requests the engine receives (registrationOptions.ts),
 * because Pulumi mocks pass only type, name, inputs and provider to `newResource`.
 */
import { cloud, constructionError, resetCloud, settle, unwrap } from "./harness/mocks";
import { recordRegistrations } from "./harness/registrationOptions";
import { kubernetesObjects, validateKubernetesObject } from "./harness/kubernetesSchemas";
import { runPolicies } from "./harness/policyHarness";
import * as pulumi from "@pulumi/pulumi";
import {
  ConnectedRegistry,
  ConnectedRegistryExtension,
  ContainerRegistry,
  EdgeRegistrySite,
  RegistryPullSecret,
  RegistryWorkload,
  RegistryWorkloadArgs,
} from "../components";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const REGISTRY = "azure-native:containerregistry:Registry";
const SCOPE_MAP = "azure-native:containerregistry:ScopeMap";
const TOKEN = "azure-native:containerregistry:Token";
const CONNECTED = "azure-native:containerregistry:ConnectedRegistry";
const EXTENSION = "azure-native:kubernetesconfiguration:Extension";
const DIGEST = "sha256:" + "0123456789abcdef".repeat(4);
const workloadBase: RegistryWorkloadArgs = {
  namespace: "apps",
  registryServer: "192.100.100.1",
  repository: "hello-world",
  digest: DIGEST,
  imagePullSecretNames: ["regcred"],
  containerPort: 8080,
};
const connectionString = pulumi.secret(
  "ConnectedRegistryName=edge;SyncTokenName=edge;SyncTokenPassword=p;ParentGatewayEndpoint=acr.eastus.data.azurecr.io;ParentEndpointProtocol=https",
);

const registrations = recordRegistrations();
beforeEach(() => {
  resetCloud();
  registrations.clear();
});

/** Every escape hatch of RegistryWorkload, set. */
const escapeHatches: Partial<RegistryWorkloadArgs> = {
  tolerations: [{ key: "edge", operator: "Equal", value: "true", effect: "NoSchedule" }],
  nodeSelector: { "kubernetes.io/os": "linux" },
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: "node-role/edge", operator: "Exists" }] }],
      },
    },
  },
  topologySpreadConstraints: [
    {
      maxSkew: 1,
      topologyKey: "kubernetes.io/hostname",
      whenUnsatisfiable: "ScheduleAnyway",
      labelSelector: { matchLabels: { "app.kubernetes.io/name": "web" } },
    },
  ],
  priorityClassName: "edge-critical",
  livenessProbe: { httpGet: { path: "/healthz", port: 8080 }, periodSeconds: 20 },
  readinessProbe: { tcpSocket: { port: 8080 }, initialDelaySeconds: 2 },
  startupProbe: { exec: { command: ["/bin/check"] }, failureThreshold: 30 },
  env: { MODE: "edge" },
  extraEnv: [{ name: "TOKEN", valueFrom: { secretKeyRef: { name: "app-secret", key: "token" } } }],
  volumes: [{ name: "config", configMap: { name: "app-config" } }],
  volumeMounts: [{ name: "config", mountPath: "/etc/app", readOnly: true }],
  podAnnotations: { "prometheus.io/scrape": "true" },
};

describe("RegistryWorkload escape hatches", () => {
  let pod: any;
  let defaults: any;
  let deployment: any;
  beforeAll(async () => {
    resetCloud();
    new RegistryWorkload("plain", workloadBase);
    new RegistryWorkload("web", { ...workloadBase, ...escapeHatches });
    await settle();
    defaults = cloud.get(DEPLOYMENT, "plain").inputs.spec.template.spec;
    deployment = cloud.get(DEPLOYMENT, "web");
    pod = deployment.inputs.spec.template.spec;
  });

  it("each reaches the pod spec under its Kubernetes name", () => {
    expect(pod.tolerations).toEqual(escapeHatches.tolerations);
    expect(pod.nodeSelector).toEqual(escapeHatches.nodeSelector);
    expect(pod.affinity).toEqual(escapeHatches.affinity);
    expect(pod.topologySpreadConstraints).toEqual(escapeHatches.topologySpreadConstraints);
    expect(pod.priorityClassName).toBe("edge-critical");
    expect(deployment.inputs.spec.template.metadata.annotations).toEqual({ "prometheus.io/scrape": "true" });
    const [container] = pod.containers;
    expect(container.livenessProbe).toEqual(escapeHatches.livenessProbe);
    expect(container.readinessProbe).toEqual(escapeHatches.readinessProbe);
    expect(container.startupProbe).toEqual(escapeHatches.startupProbe);
  });

  it("appends env, volumes and mounts after the defaults", () => {
    const [container] = pod.containers;
    expect(container.env).toEqual([
      { name: "MODE", value: "edge" },
      { name: "TOKEN", valueFrom: { secretKeyRef: { name: "app-secret", key: "token" } } },
    ]);
    expect(pod.volumes).toEqual([...defaults.volumes, { name: "config", configMap: { name: "app-config" } }]);
    expect(container.volumeMounts).toEqual([
      ...defaults.containers[0].volumeMounts,
      { name: "config", mountPath: "/etc/app", readOnly: true },
    ]);
  });

  it("keeps every hardened default: security contexts, token, resources", () => {
    expect(pod.securityContext).toEqual(defaults.securityContext);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.containers[0].securityContext).toEqual(defaults.containers[0].securityContext);
    expect(pod.containers[0].resources).toEqual(defaults.containers[0].resources);
  });

  it("passes the policy pack and the upstream Kubernetes schema", async () => {
    expect(await runPolicies([{ type: DEPLOYMENT, name: "web", props: deployment.inputs }])).toEqual([]);
    for (const object of kubernetesObjects(cloud.resources)) validateKubernetesObject(object);
  });

  it("renders the same Deployment when the escape hatches are known only at deploy time", async () => {
    resetCloud();
    const deferred = Object.fromEntries(
      Object.entries(escapeHatches).map(([key, value]) => [key, pulumi.output(value)]),
    ) as Partial<RegistryWorkloadArgs>;
    new RegistryWorkload("web", { ...workloadBase, ...deferred });
    await settle();
    expect(cloud.get(DEPLOYMENT, "web").inputs).toEqual(deployment.inputs);
  });
});

describe("an escape hatch cannot weaken the workload silently", () => {
  it.each([
    ["volumes[0].hostPath", { volumes: [{ name: "root", hostPath: { path: "/" } }] }, "hostPath volumes are refused"],
    ["volumes", { volumes: [{ name: "tmp", emptyDir: {} }] }, '"tmp" is used twice'],
    ["volumeMounts", { volumeMounts: [{ name: "tmp", mountPath: "/tmp" }] }, 'two mounts at "/tmp"'],
    ["extraEnv", { env: { A: "1" }, extraEnv: [{ name: "A", value: "2" }] }, '"A" is set twice'],
    ["livenessProbe", { livenessProbe: { periodSeconds: 5 } }, "needs one of exec, grpc, httpGet or tcpSocket"],
    [
      "readinessProbe",
      { readinessProbe: { exec: { command: ["true"] }, tcpSocket: { port: 80 } } },
      "exactly one handler",
    ],
    ["startupProbe.httpGet.port", { startupProbe: { httpGet: { port: 0 } } }, "not a port"],
  ] as [string, Partial<RegistryWorkloadArgs>, string][])("%s: %j", (path, bad, reason) => {
    const error = constructionError(() => new RegistryWorkload("bad", { ...workloadBase, ...bad }));
    expect(error.propertyPath).toBe(path);
    expect(error.message).toMatch(new RegExp(`^${path.replace(/[[\]]/g, "\\$&")}: .*${reason}`));
  });

  it("refuses a hostPath volume whose other fields are known only at deploy time", () => {
    const error = constructionError(
      () =>
        new RegistryWorkload("bad", {
          ...workloadBase,
          volumes: [{ name: pulumi.output("root"), hostPath: { path: pulumi.output("/var/run") } }],
        }),
    );
    expect(error.propertyPath).toBe("volumes[0].hostPath");
  });

  it("the policy pack still judges what `security` relaxes", async () => {
    new RegistryWorkload("relaxed", { ...workloadBase, ...escapeHatches, security: { readOnlyRootFilesystem: false } });
    await settle();
    const relaxed = cloud.get(DEPLOYMENT, "relaxed");
    const violations = await runPolicies([{ type: DEPLOYMENT, name: "relaxed", props: relaxed.inputs }]);
    expect(violations.map((v) => v.policy)).toEqual(["k8s-read-only-root-filesystem"]);
  });
});

describe("resource options reach the stateful children", () => {
  it("ContainerRegistry.registryOptions reaches the registry only", async () => {
    new ContainerRegistry("edge-acr", {
      resourceGroupName: "rg",
      imports: [{ source: "mcr.microsoft.com/mcr/hello-world:latest" }],
      registryOptions: { protect: true, retainOnDelete: true, ignoreChanges: ["tags"] },
    });
    await settle();
    const registry = registrations.get(REGISTRY, "edge-acr");
    expect(registry).toMatchObject({ protect: true, retainOnDelete: true, ignoreChanges: ["tags"] });
    const others = registrations.all.filter((r) => r.type !== REGISTRY && r.type.startsWith("pulumi-nodejs:"));
    expect(others.length).toBe(1);
    for (const other of others) expect(other).toMatchObject({ protect: undefined, retainOnDelete: undefined });
  });

  it("ConnectedRegistry: connectedRegistryOptions and tokenOptions, joined with the component's own", async () => {
    new ConnectedRegistry("edge", {
      resourceGroupName: "rg",
      registryName: "edgeacr",
      connectedRegistryName: "edgeregistry",
      repositories: ["hello-world"],
      clientTokens: [{ name: "client-01" }],
      connectedRegistryOptions: { protect: true, ignoreChanges: ["notificationsList"] },
      tokenOptions: { retainOnDelete: true, ignoreChanges: ["status"] },
    });
    await settle();
    expect(registrations.get(CONNECTED, "edge")).toMatchObject({
      protect: true,
      retainOnDelete: undefined,
      deleteBeforeReplace: true,
      ignoreChanges: ["notificationsList"],
    });
    const tokens = registrations.ofType(TOKEN);
    const scopeMaps = registrations.ofType(SCOPE_MAP);
    expect(tokens.map((t) => t.name).sort()).toEqual(["edge-client-client-01", "edge-sync"]);
    for (const token of tokens) {
      expect(token).toMatchObject({ retainOnDelete: true, deleteBeforeReplace: true, protect: undefined });
      expect(token.ignoreChanges).toEqual(["credentials", "status"]);
    }
    const passwords = registrations.ofType("pulumi-nodejs:dynamic/edge-registry:TokenPassword");
    expect(passwords).toHaveLength(2);
    for (const password of passwords) {
      expect(password).toMatchObject({ retainOnDelete: true, ignoreChanges: [] });
    }
    expect(scopeMaps).toHaveLength(2);
    for (const scopeMap of scopeMaps) {
      expect(scopeMap).toMatchObject({ retainOnDelete: true, ignoreChanges: ["status"] });
    }
  });

  it("ConnectedRegistryExtension: 20 minutes by default, customTimeouts per operation", async () => {
    const common = {
      resourceGroupName: "rg",
      clusterName: "arc",
      connectionString,
      serviceClusterIP: "192.100.100.1",
    };
    new ConnectedRegistryExtension("default", common);
    new ConnectedRegistryExtension("slow", { ...common, customTimeouts: { create: "1h30m", delete: "45m" } });
    await settle();
    expect(registrations.get(EXTENSION, "default").customTimeouts).toEqual({
      create: "20m",
      update: "20m",
      delete: "20m",
    });
    expect(registrations.get(EXTENSION, "slow").customTimeouts).toEqual({
      create: "1h30m",
      update: "20m",
      delete: "45m",
    });
  });

  it.each([
    [
      () => new ContainerRegistry("x-registry", { resourceGroupName: "rg", registryOptions: { ignoreChanges: [""] } }),
      "registryOptions.ignoreChanges[0]",
    ],
    [
      () =>
        new ConnectedRegistryExtension("x", {
          resourceGroupName: "rg",
          clusterName: "arc",
          connectionString,
          serviceClusterIP: "192.100.100.1",
          customTimeouts: { create: "twenty minutes" },
        }),
      "customTimeouts.create",
    ],
  ])("bad options fail at construction (%#)", (construct, path) => {
    expect(constructionError(construct).propertyPath).toBe(path);
  });

  it("the component's own protect option reaches every child", async () => {
    new ContainerRegistry("edge-acr", { resourceGroupName: "rg" }, { protect: true });
    new ContainerRegistry("unprotected", { resourceGroupName: "rg", registryName: "other01" });
    await settle();
    expect(registrations.get(REGISTRY, "edge-acr").protect).toBe(true);
    expect(registrations.get(REGISTRY, "unprotected").protect).toBeUndefined();
  });
});

it("EdgeRegistrySite passes the child options and the workload's placement through", async () => {
  new EdgeRegistrySite("site", {
    resourceGroupName: "rg",
    clusterName: "arc",
    serviceClusterIP: "192.100.100.1",
    registryName: "siteacr01",
    connectedRegistryName: "siteedge01",
    registryOptions: { protect: true },
    connectedRegistryOptions: { retainOnDelete: true },
    tokenOptions: { ignoreChanges: ["status"] },
    extensionCustomTimeouts: { create: "40m" },
    workloadTolerations: escapeHatches.tolerations,
    workloadNodeSelector: escapeHatches.nodeSelector,
    workloadAffinity: escapeHatches.affinity,
    workloadTopologySpreadConstraints: escapeHatches.topologySpreadConstraints,
    workloadPriorityClassName: "edge-critical",
    workloadPodAnnotations: { team: "edge" },
  });
  await settle();
  expect(registrations.get(REGISTRY, "site-registry").protect).toBe(true);
  expect(registrations.get(CONNECTED, "site-connected").retainOnDelete).toBe(true);
  for (const token of registrations.ofType(TOKEN)) expect(token.ignoreChanges).toEqual(["credentials", "status"]);
  expect(registrations.get(EXTENSION, "site-extension").customTimeouts).toEqual({
    create: "40m",
    update: "20m",
    delete: "20m",
  });
  const template = cloud.get(DEPLOYMENT, "site-workload").inputs.spec.template;
  expect(template.metadata.annotations).toEqual({ team: "edge" });
  expect(template.spec).toMatchObject({
    tolerations: escapeHatches.tolerations,
    nodeSelector: escapeHatches.nodeSelector,
    affinity: escapeHatches.affinity,
    topologySpreadConstraints: escapeHatches.topologySpreadConstraints,
    priorityClassName: "edge-critical",
  });
});

describe("the component's transforms reach the children", () => {
  it("a `transforms` option is registered on the component, and every child is registered under it", async () => {
    // The engine runs a component's transforms for every resource registered with it as an ancestor (mocks do
    // not run them, platform-facts §7): what the component must do is carry them and parent every child.
    const transform: pulumi.ResourceTransform = (args) => ({ props: args.props, opts: args.opts });
    new ConnectedRegistry(
      "edge",
      {
        resourceGroupName: "rg",
        registryName: "edgeacr",
        connectedRegistryName: "edgeregistry",
        repositories: ["hello-world"],
      },
      { transforms: [transform] },
    );
    await settle();
    const component = registrations.get("edge-registry:index:ConnectedRegistry", "edge");
    expect(component.transforms).toBe(1);
    const children = registrations.all.filter((r) => r !== component);
    expect(children.length).toBeGreaterThanOrEqual(4);
    for (const child of children) expect(child.parent).toBe(component.urn);
  });

  it("a legacy `transformations` option (run by the SDK) changes the children's inputs", async () => {
    new ContainerRegistry(
      "edge-acr",
      { resourceGroupName: "rg" },
      {
        transformations: [
          (args) =>
            args.type === REGISTRY
              ? { props: { ...args.props, tags: { owner: "platform" } }, opts: args.opts }
              : undefined,
        ],
      },
    );
    await settle();
    expect(cloud.get(REGISTRY, "edge-acr").inputs.tags).toEqual({ owner: "platform" });
  });
});

describe("typed children are the registered resources", () => {
  it("registry, connectedRegistry, syncToken, extension, deployment, service, secret", async () => {
    const acr = new ContainerRegistry("edge-acr", { resourceGroupName: "rg" });
    const edge = new ConnectedRegistry("edge", {
      resourceGroupName: "rg",
      registryName: acr.registryName,
      connectedRegistryName: "edgeregistry",
      repositories: ["hello-world"],
    });
    const ext = new ConnectedRegistryExtension("ext", {
      resourceGroupName: "rg",
      clusterName: "arc",
      connectionString: edge.connectionString,
      serviceClusterIP: "192.100.100.1",
    });
    const secret = new RegistryPullSecret("regcred", { server: "192.100.100.1", username: "u", password: "p" });
    const app = new RegistryWorkload("app", { ...workloadBase, createService: true });
    const headless = new RegistryWorkload("worker", workloadBase);
    await settle();
    const pairs: [pulumi.Resource, string, string][] = [
      [acr.registry, REGISTRY, "edge-acr"],
      [edge.connectedRegistry, CONNECTED, "edge"],
      [edge.syncToken!, TOKEN, "edge-sync"],
      [ext.extension, EXTENSION, "ext"],
      [app.deployment, DEPLOYMENT, "app"],
      [app.service!, "kubernetes:core/v1:Service", "app"],
      [secret.secret, "kubernetes:core/v1:Secret", "regcred"],
    ];
    for (const [resource, type, name] of pairs) {
      expect(await unwrap(resource.urn)).toBe(registrations.get(type, name).urn);
    }
    expect(headless.service).toBeUndefined();
    expect(await unwrap(acr.registry.loginServer)).toBe(await unwrap(acr.loginServer));
    expect(await unwrap(edge.syncToken!.id)).toBe(await unwrap(edge.syncTokenId));
  });
});
