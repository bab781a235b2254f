import { cloud, constructionError, resetCloud, settle, unwrap } from "./harness/mocks";
import { kubernetesObjects, validateKubernetesObject } from "./harness/kubernetesSchemas";
import { runPolicies } from "./harness/policyHarness";
import * as pulumi from "@pulumi/pulumi";
import { ImagePullPolicy, RegistryWorkload, RegistryWorkloadArgs, SeccompProfileType } from "../components";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SERVICE = "kubernetes:core/v1:Service";
const DIGEST = "sha256:" + "0123456789abcdef".repeat(4);
const base: RegistryWorkloadArgs = {
  namespace: "apps",
  registryServer: "myacr.azurecr.io",
  repository: "hello-world",
  digest: DIGEST,
  imagePullSecretNames: ["acr-secret"],
};

/**
 * The workload rules of platform-facts §5 (Checkov CKV_K8S / Trivy KSV), checked on a rendered
 * Deployment. Returns the rules it breaks (empty when it passes them all).
 */
function baselineViolations(deployment: any): string[] {
  const violations: string[] = [];
  const rule = (ok: boolean, name: string) => ok || violations.push(name);
  const pod = deployment.spec.template.spec;
  const namespace = deployment.metadata.namespace;
  rule(namespace !== undefined && namespace !== "default", "not the default namespace");
  rule(pod.automountServiceAccountToken === false, "automountServiceAccountToken false");
  rule(!pod.hostNetwork && !pod.hostPID && !pod.hostIPC, "no host namespaces");
  for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
    const sc = c.securityContext ?? {};
    const image: string = c.image;
    const pinned = /@sha256:[a-f0-9]{64}$/.test(image) || (/:[^/:]+$/.test(image) && !image.endsWith(":latest"));
    rule(pinned, `${c.name}: image pinned`);
    rule(sc.privileged !== true, `${c.name}: not privileged`);
    rule(sc.allowPrivilegeEscalation === false, `${c.name}: allowPrivilegeEscalation false`);
    rule(sc.readOnlyRootFilesystem === true, `${c.name}: readOnlyRootFilesystem`);
    rule((sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) === true, `${c.name}: runAsNonRoot`);
    rule((sc.runAsUser ?? pod.securityContext?.runAsUser) >= 10000, `${c.name}: high non-root uid`);
    rule((sc.capabilities?.drop ?? []).includes("ALL"), `${c.name}: drop ALL capabilities`);
    rule(
      (sc.seccompProfile?.type ?? pod.securityContext?.seccompProfile?.type) === "RuntimeDefault",
      `${c.name}: seccomp RuntimeDefault`,
    );
    for (const kind of ["requests", "limits"]) {
      for (const resource of ["cpu", "memory"]) {
        rule(c.resources?.[kind]?.[resource] !== undefined, `${c.name}: ${resource} ${kind}`);
      }
    }
  }
  return violations;
}

beforeEach(() => resetCloud());

describe("the default Deployment", () => {
  let deployment: any;
  let workload: RegistryWorkload;
  let counts: Record<string, number>;
  beforeAll(async () => {
    resetCloud();
    workload = new RegistryWorkload("web", base);
    await settle();
    deployment = cloud.get(DEPLOYMENT, "web");
    counts = cloud.countsByType();
  });

  it("passes every workload rule of the security baselines", () => {
    expect(baselineViolations(deployment.inputs)).toEqual([]);
  });

  it("passes every rule of the policy pack", async () => {
    const resource = { type: DEPLOYMENT, name: "web", props: deployment.inputs };
    expect(await runPolicies([resource])).toEqual([]);
  });

  it("validates against the upstream Kubernetes schema", () => {
    validateKubernetesObject(deployment);
  });

  it("pulls <server>/<repository>@<digest> with the pull secret and a writable /tmp", async () => {
    const pod = deployment.inputs.spec.template.spec;
    expect(pod.imagePullSecrets).toEqual([{ name: "acr-secret" }]);
    expect(pod.containers).toHaveLength(1);
    const [container] = pod.containers;
    expect(container).toMatchObject({
      name: "app",
      image: `myacr.azurecr.io/hello-world@${DIGEST}`,
      imagePullPolicy: "IfNotPresent",
      volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
      resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    });
    expect(container.securityContext.capabilities).toEqual({ drop: ["ALL"] });
    expect(pod.volumes).toEqual([{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }]);
    expect(await unwrap(workload.image)).toBe(`myacr.azurecr.io/hello-world@${DIGEST}`);
    expect(await unwrap(workload.deploymentName)).toBe(deployment.state.metadata.name);
  });

  it("labels and selects with app.kubernetes.io/name", () => {
    expect(deployment.inputs.metadata.labels).toEqual({
      "app.kubernetes.io/name": "web",
      "app.kubernetes.io/managed-by": "pulumi",
    });
    expect(deployment.inputs.spec.selector).toEqual({ matchLabels: { "app.kubernetes.io/name": "web" } });
    expect(deployment.inputs.spec.template.metadata.labels).toEqual(deployment.inputs.metadata.labels);
    expect(deployment.inputs.spec.replicas).toBe(1);
    expect(deployment.inputs.metadata.namespace).toBe("apps");
  });

  it("creates only the Deployment", () => {
    expect(counts).toEqual({ "edge-registry:index:RegistryWorkload": 1, [DEPLOYMENT]: 1 });
  });
});

it("with a tag, an optional Service and overrides, still validates against the schemas", async () => {
  const workload = new RegistryWorkload("api", {
    ...base,
    digest: undefined,
    tag: "v1.2.3",
    registryServer: "192.100.100.1:5000",
    repository: "team/api",
    replicas: 3,
    containerPort: 8080,
    createService: true,
    servicePort: 80,
    deploymentName: "api",
    appName: "api-server",
    labels: { team: "edge" },
    env: { LOG_LEVEL: "debug" },
    resources: { cpuLimit: "1", memoryLimit: "1Gi" },
    security: { runAsUser: 10001, readOnlyRootFilesystem: false, seccompProfile: SeccompProfileType.RuntimeDefault },
  });
  await settle();
  const deployment = cloud.get(DEPLOYMENT, "api");
  const service = cloud.get(SERVICE, "api");
  const container = deployment.inputs.spec.template.spec.containers[0];
  expect(await unwrap(workload.image)).toBe("192.100.100.1:5000/team/api:v1.2.3");
  expect(container.imagePullPolicy).toBe(ImagePullPolicy.Always);
  expect(container.env).toEqual([{ name: "LOG_LEVEL", value: "debug" }]);
  expect(container.ports).toEqual([{ name: "http", containerPort: 8080 }]);
  expect(container.resources).toEqual({
    requests: { cpu: "100m", memory: "64Mi" },
    limits: { cpu: "1", memory: "1Gi" },
  });
  expect(container.securityContext.runAsUser).toBe(10001);
  expect(container.securityContext.readOnlyRootFilesystem).toBe(false);
  expect(baselineViolations(deployment.inputs)).toEqual(["app: readOnlyRootFilesystem"]);
  const policyViolations = await runPolicies([{ type: DEPLOYMENT, name: "api", props: deployment.inputs }]);
  expect(policyViolations.map((v) => v.policy).sort()).toEqual(["k8s-image-digest", "k8s-read-only-root-filesystem"]);
  expect(deployment.inputs.spec.replicas).toBe(3);
  expect(deployment.inputs.metadata.labels).toEqual({
    team: "edge",
    "app.kubernetes.io/name": "api-server",
    "app.kubernetes.io/managed-by": "pulumi",
  });
  expect(service.inputs.metadata).toMatchObject({ name: "api", namespace: "apps" });
  expect(service.inputs.spec).toEqual({
    type: "ClusterIP",
    selector: { "app.kubernetes.io/name": "api-server" },
    ports: [{ name: "http", port: 80, targetPort: "http" }],
  });
  for (const object of kubernetesObjects(cloud.resources)) validateKubernetesObject(object);
});

describe("unpinned images are accepted with a warning", () => {
  it.each([
    ["tag latest", { tag: "latest" }, "myacr.azurecr.io/hello-world:latest", /tag latest/],
    ["no tag", {}, "myacr.azurecr.io/hello-world", /no tag/],
  ] as [string, Partial<RegistryWorkloadArgs>, string, RegExp][])("%s", async (_, pin, image, warning) => {
    const warn = jest.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
    try {
      const workload = new RegistryWorkload("unpinned", { ...base, digest: undefined, ...pin });
      await settle();
      expect(await unwrap(workload.image)).toBe(image);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0][0]).toMatch(warning);
      expect(warn.mock.calls[0][0]).toMatch(/Set digest/);
    } finally {
      warn.mockRestore();
    }
  });

  it("does not warn for a digest or a fixed tag", async () => {
    const warn = jest.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
    try {
      new RegistryWorkload("pinned", base);
      new RegistryWorkload("tagged", { ...base, digest: undefined, tag: "1.0" });
      await settle();
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});

describe("bad input fails at construction, naming the argument", () => {
  it.each([
    ["digest", { tag: "v1" }, "cannot be combined with tag"],
    ["digest", { digest: "sha256:ABC" }, "not a manifest digest"],
    ["digest", { digest: "md5:" + "0".repeat(64) }, "not a manifest digest"],
    ["tag", { digest: undefined, tag: "-bad" }, "not an image tag"],
    ["registryServer", { registryServer: "https://myacr.azurecr.io" }, "is a URL"],
    ["repository", { repository: "Hello/World" }, "not a repository name"],
    ["repository", { repository: "myacr.azurecr.io/hello:1" }, "not a repository name"],
    ["namespace", { namespace: "default" }, "refused"],
    ["namespace", { namespace: "Apps" }, "DNS-1123 label"],
    ["security.runAsUser", { security: { runAsUser: 0 } }, "is root"],
    ["createService", { createService: true }, "needs containerPort"],
    ["containerPort", { containerPort: 70000 }, "not a port"],
    ["replicas", { replicas: -1 }, "integer >= 0"],
    ["appName", { appName: "-x-" }, "label value"],
  ] as [string, Partial<RegistryWorkloadArgs>, string][])("%s: %j", (path, bad, reason) => {
    const error = constructionError(() => new RegistryWorkload("bad", { ...base, ...bad }));
    expect(error.propertyPath).toBe(path);
    expect(error.message).toMatch(new RegExp(`^${path}: .*${reason}`));
  });

  const service = { containerPort: 8080, createService: true };
  it.each([
    ["my.app", {}, /"my\.app-<8 random characters>".*not an RFC 1035 label.*Set deploymentName/],
    ["1app", {}, /not an RFC 1035 label/],
    ["a".repeat(56), {}, /has 65 characters.*at most 63/],
    ["MyApp", {}, /not a DNS-1123 subdomain \(a Deployment name\)/],
    ["web", { deploymentName: "my.app" }, /^deploymentName: "my\.app" is not an RFC 1035 label.*createService/],
    ["web", { deploymentName: "1app" }, /not an RFC 1035 label/],
    ["web", { deploymentName: "a".repeat(64) }, /has 64 characters/],
  ] as [string, Partial<RegistryWorkloadArgs>, RegExp][])(
    "refuses the Service name of resource %s with %j",
    (name, args, reason) => {
      const error = constructionError(() => new RegistryWorkload(name, { ...base, ...service, ...args }));
      expect(error.propertyPath).toBe("deploymentName");
      expect(error.message).toMatch(reason);
    },
  );

  it("accepts those names for a Deployment without a Service, as Kubernetes does", () => {
    expect(() => new RegistryWorkload("my.app", base)).not.toThrow();
    expect(() => new RegistryWorkload("1app", base)).not.toThrow();
    expect(() => new RegistryWorkload("web", { ...base, deploymentName: "my.app" })).not.toThrow();
    expect(() => new RegistryWorkload("a".repeat(54), { ...base, ...service })).not.toThrow(); // 54 + 9 = 63
    expect(constructionError(() => new RegistryWorkload("My.App", base)).propertyPath).toBe("deploymentName");
  });

  it("allows the default namespace and root only when asked to", () => {
    expect(
      () => new RegistryWorkload("ok1", { ...base, namespace: "default", allowDefaultNamespace: true }),
    ).not.toThrow();
    expect(
      () => new RegistryWorkload("ok2", { ...base, security: { runAsUser: 0, runAsNonRoot: false } }),
    ).not.toThrow();
  });
});

describe("arguments known only at deploy time", () => {
  const custom: RegistryWorkloadArgs = {
    ...base,
    labels: { team: "edge" },
    resources: { cpuLimit: "1", memoryLimit: "512Mi" },
    security: { runAsUser: 20000, addCapabilities: ["NET_BIND_SERVICE"] },
    env: { MODE: "edge" },
  };

  async function rendered(args: RegistryWorkloadArgs, name: string): Promise<any> {
    resetCloud();
    new RegistryWorkload(name, args);
    await settle();
    return cloud.get(DEPLOYMENT, name).inputs;
  }

  it("render the same Deployment as the same values given plainly", async () => {
    const plain = await rendered(custom, "w");
    const deferred = await rendered(
      {
        ...custom,
        repository: pulumi.output(custom.repository),
        labels: pulumi.output(custom.labels!),
        resources: pulumi.output(custom.resources!),
        security: pulumi.output(custom.security!),
        env: pulumi.output(custom.env!),
        imagePullSecretNames: pulumi.output(["acr-secret"]),
      },
      "w",
    );
    expect(deferred).toEqual(plain);
    expect(plain.spec.template.spec.containers[0].securityContext.capabilities).toEqual({
      drop: ["ALL"],
      add: ["NET_BIND_SERVICE"],
    });
    expect(plain.spec.template.spec.containers[0].resources.limits).toEqual({ cpu: "1", memory: "512Mi" });
  });
});
