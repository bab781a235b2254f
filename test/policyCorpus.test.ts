/**
 * The violation corpus: every bypass reported in issue 16 and its neighbours must fail the pack's mandatory
 * policies, for every pod-bearing type `@pulumi/kubernetes` defines (enumerated from its own modules), and the
 * hardened defaults of the components must pass it. Runs the exported policies through `policyHarness` (never a
 * `PolicyPack`, which would start a gRPC server).
 */
import { cloud } from "./harness/mocks";
import * as pulumi from "@pulumi/pulumi";
import { NodeRegistryTrust, RegistryPullSecret, RegistryWorkload } from "../components";
import * as fs from "node:fs";
import * as path from "node:path";
import { policies } from "../policy/policies";
import { hostPathAllowed, normaliseHostPath } from "../policy/rules/hostPaths";
import { RawResource, Violation, evaluateWithPolicies, mandatory, runPolicies } from "./harness/policyHarness";
import { TestCertificates, testCertificates } from "./fixtures/certs";

const DIGEST = "sha256:" + "b".repeat(64);
const IMAGE = `10.0.0.100/app@${DIGEST}`;

const hardenedContainer = (name = "app"): any => ({
  name,
  image: IMAGE,
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

const hardenedPodSpec = (): any => ({
  automountServiceAccountToken: false,
  imagePullSecrets: [{ name: "pull" }],
  containers: [hardenedContainer()],
});

/** A Deployment with the hardened pod spec, changed by `change`. */
function deployment(change: (spec: any, props: any) => void = () => undefined, name = "web"): RawResource {
  const props: any = {
    metadata: { name, namespace: "apps" },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: hardenedPodSpec() },
    },
  };
  change(props.spec.template.spec, props);
  return { type: "kubernetes:apps/v1:Deployment", name, props };
}

let certs: TestCertificates;
beforeAll(async () => {
  certs = await testCertificates();
});

const policyNames = (violations: Violation[]) => [...new Set(mandatory(violations).map((v) => v.policy))].sort();
const c0 = (spec: any) => spec.containers[0];

it("the hardened Deployment of this corpus passes every policy", async () => {
  expect(await runPolicies([deployment()])).toEqual([]);
});

describe("the reported bypasses fail the mandatory policies", () => {
  it("host namespaces, hostPath /, the containerd socket and added capabilities", async () => {
    const violations = await runPolicies([
      deployment((spec) => {
        spec.hostPID = true;
        spec.hostNetwork = true;
        spec.hostIPC = true;
        spec.volumes = [
          { name: "root", hostPath: { path: "/" } },
          { name: "sock", hostPath: { path: "/run/containerd/containerd.sock", type: "Socket" } },
        ];
        c0(spec).volumeMounts = [
          { name: "root", mountPath: "/host" },
          { name: "sock", mountPath: "/run/containerd/containerd.sock" },
        ];
        c0(spec).securityContext.capabilities.add = ["SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE"];
      }),
    ]);
    expect(policyNames(violations)).toEqual([
      "k8s-host-path-allow-list",
      "k8s-no-added-capabilities",
      "k8s-no-host-namespaces",
    ]);
    const messages = mandatory(violations).map((v) => v.message);
    for (const expected of [
      "hostPID",
      "hostNetwork",
      "hostIPC",
      "host path /,",
      "containerd.sock",
      "SYS_ADMIN, NET_ADMIN, SYS_PTRACE",
    ]) {
      expect(messages.some((m) => m.includes(expected))).toBe(true);
    }
  });

  it("a privileged root workload that exempts itself with Checkov skip annotations", async () => {
    const ids = ["CKV_K8S_16", "CKV_K8S_23", "CKV_K8S_20", "CKV_K8S_17", "KSV017", "KSV012"];
    const violations = await runPolicies([
      deployment((spec, props) => {
        props.metadata.annotations = Object.fromEntries(
          ids.map((id, i) => [`checkov.io/skip${i + 1}`, `${id}=trust me`]),
        );
        spec.securityContext = { runAsUser: 0 };
        c0(spec).securityContext = { ...c0(spec).securityContext, privileged: true, runAsUser: 0, runAsNonRoot: false };
      }),
    ]);
    expect(policyNames(violations)).toEqual(["k8s-no-privileged", "k8s-run-as-non-root"]);
  });

  it.each([
    ['metadata.namespace ""', { namespace: "" }, undefined],
    ["no namespace", {}, undefined],
    ['metadata.namespace "" with a provider namespace ""', { namespace: "" }, { namespace: "" }],
    ['metadata.namespace " "', { namespace: " " }, undefined],
  ])("%s counts as the default namespace", async (_title, metadata, providerProps) => {
    const resource = deployment((_spec, props) => (props.metadata = { name: "web", ...metadata }));
    expect(policyNames(await runPolicies([{ ...resource, providerProps }]))).toEqual(["k8s-not-default-namespace"]);
  });

  it("an empty namespace takes the provider's namespace when it has one", async () => {
    const resource = deployment((_spec, props) => (props.metadata.namespace = ""));
    expect(await runPolicies([{ ...resource, providerProps: { namespace: "apps" } }])).toEqual([]);
  });

  it("a DeploymentPatch that only changes the image keeps the object's pull secrets, token and namespace settings", async () => {
    const template = { spec: { containers: [hardenedContainer()] } };
    const patch = { metadata: { name: "web", namespace: "apps" }, spec: { template } };
    expect(await runPolicies([{ type: "kubernetes:apps/v1:DeploymentPatch", name: "patch", props: patch }])).toEqual(
      [],
    );
    const bare = {
      metadata: { name: "web", namespace: "apps" },
      spec: { template: { spec: { containers: [{ name: "app", image: IMAGE }] } } },
    };
    expect(
      policyNames(await runPolicies([{ type: "kubernetes:apps/v1:DeploymentPatch", name: "patch", props: bare }])),
    ).toEqual([
      "k8s-drop-all-capabilities",
      "k8s-no-privilege-escalation",
      "k8s-read-only-root-filesystem",
      "k8s-resource-requests-limits",
      "k8s-run-as-non-root",
      "k8s-seccomp-runtime-default",
    ]);
  });

  it("a privileged ReplicationController and an apps/v1 DeploymentPatch", async () => {
    const template = { metadata: { labels: { app: "rc" } }, spec: hardenedPodSpec() };
    template.spec.containers[0].securityContext.privileged = true;
    const violations = await runPolicies([
      {
        type: "kubernetes:core/v1:ReplicationController",
        name: "rc",
        props: { metadata: { namespace: "apps" }, spec: { template } },
      },
      {
        type: "kubernetes:apps/v1:DeploymentPatch",
        name: "patch",
        props: { metadata: { name: "web", namespace: "apps" }, spec: { template } },
      },
    ]);
    expect(mandatory(violations).map((v) => `${v.policy} ${v.urn?.split("::")[2]}`)).toEqual([
      "k8s-no-privileged kubernetes:core/v1:ReplicationController",
      "k8s-no-privileged kubernetes:apps/v1:DeploymentPatch",
    ]);
  });
});

/** Every pod-bearing resource type of @pulumi/kubernetes, read from its own modules. */
function podBearingTypes(): string[] {
  const modules = [
    "core/v1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "batch/v1",
    "batch/v1beta1",
    "batch/v2alpha1",
    "extensions/v1beta1",
  ];
  const kinds =
    /:(Pod|PodTemplate|ReplicationController|ReplicaSet|Deployment|StatefulSet|DaemonSet|Job|CronJob)(Patch|List)?$/;
  return modules.flatMap((module) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exports = require(`@pulumi/kubernetes/${module}`) as Record<string, { __pulumiType?: string }>;
    return Object.keys(exports)
      .map((key) => exports[key]?.__pulumiType)
      .filter((type): type is string => typeof type === "string" && kinds.test(type));
  });
}

/** An object of the type's kind whose pod spec is `spec`. */
function objectOf(kind: string, spec: any, namespace = "apps"): any {
  const metadata = { name: "x", namespace };
  const template = { metadata: { labels: { app: "x" } }, spec };
  switch (kind) {
    case "Pod":
      return { metadata, spec };
    case "PodTemplate":
      return { metadata, template };
    case "CronJob":
      return { metadata, spec: { jobTemplate: { spec: { template } } } };
    default:
      return { metadata, spec: { template } };
  }
}

describe("every pod-bearing type of @pulumi/kubernetes, in each form", () => {
  const types = podBearingTypes();

  it("finds the object, Patch and List forms of every kind", () => {
    expect(types.length).toBeGreaterThanOrEqual(57);
    for (const type of [
      "kubernetes:apps/v1:DeploymentPatch",
      "kubernetes:core/v1:PodList",
      "kubernetes:core/v1:ReplicationController",
      "kubernetes:batch/v1:CronJobList",
      "kubernetes:extensions/v1beta1:DaemonSetPatch",
    ]) {
      expect(types).toContain(type);
    }
  });

  it.each(types.map((type) => [type]))(
    "%s: a privileged container and hostPID fail; the hardened spec passes",
    async (type) => {
      const [, kindWithForm] = type.split(/:(?=[A-Za-z]+$)/);
      const kind = kindWithForm.replace(/(Patch|List)$/, "");
      const wrap = (object: any) => (kindWithForm.endsWith("List") ? { items: [object] } : object);
      const bad = hardenedPodSpec();
      bad.hostPID = true;
      bad.containers[0].securityContext.privileged = true;
      const violations = await runPolicies([{ type, name: "x", props: wrap(objectOf(kind, bad)) }]);
      expect(policyNames(violations)).toEqual(["k8s-no-host-namespaces", "k8s-no-privileged"]);
      expect(await runPolicies([{ type, name: "x", props: wrap(objectOf(kind, hardenedPodSpec())) }])).toEqual([]);
      const inDefault = await runPolicies([{ type, name: "x", props: wrap(objectOf(kind, hardenedPodSpec(), "")) }]);
      expect(policyNames(inDefault)).toEqual(["k8s-not-default-namespace"]);
    },
  );

  it("labels List items in the message", async () => {
    const bad = hardenedPodSpec();
    bad.hostNetwork = true;
    const violations = await runPolicies([
      {
        type: "kubernetes:core/v1:PodList",
        name: "pods",
        props: { items: [objectOf("Pod", hardenedPodSpec()), objectOf("Pod", bad)] },
      },
    ]);
    expect(mandatory(violations).map((v) => v.message)).toEqual([
      "items[1] (x): hostNetwork is true: the pod shares the node's namespace; remove it (CKV_K8S_19).",
    ]);
  });
});

describe("neighbours", () => {
  const cases: [string, (spec: any, props: any) => void, string[]][] = [
    ["hostPID", (s) => (s.hostPID = true), ["k8s-no-host-namespaces"]],
    ["hostIPC", (s) => (s.hostIPC = "true"), ["k8s-no-host-namespaces"]],
    ["hostNetwork", (s) => (s.hostNetwork = true), ["k8s-no-host-namespaces"]],
    ["hostPort", (s) => (c0(s).ports = [{ containerPort: 80, hostPort: 80 }]), ["k8s-no-host-ports"]],
    [
      "capability in lower case with CAP_",
      (s) => (c0(s).securityContext.capabilities.add = ["cap_sys_admin"]),
      ["k8s-no-added-capabilities"],
    ],
    ["capability ALL added", (s) => (c0(s).securityContext.capabilities.add = ["ALL"]), ["k8s-no-added-capabilities"]],
    ["runAsUser 0 in the container", (s) => (c0(s).securityContext.runAsUser = 0), ["k8s-run-as-non-root"]],
    ['runAsUser "0" as a string', (s) => (c0(s).securityContext.runAsUser = "0"), ["k8s-run-as-non-root"]],
    [
      "runAsUser 0 in the pod, runAsNonRoot only in the container",
      (s) => {
        s.securityContext = { runAsUser: 0 };
        delete c0(s).securityContext.runAsUser;
      },
      ["k8s-run-as-non-root"],
    ],
    [
      "root init container",
      (s) =>
        (s.initContainers = [
          { ...hardenedContainer("init"), securityContext: { ...hardenedContainer().securityContext, runAsUser: 0 } },
        ]),
      ["k8s-run-as-non-root"],
    ],
    [
      "privileged ephemeral container",
      (s) =>
        (s.ephemeralContainers = [
          {
            ...hardenedContainer("debug"),
            securityContext: { ...hardenedContainer().securityContext, privileged: true },
          },
        ]),
      ["k8s-no-privileged"],
    ],
    [
      "Windows HostProcess",
      (s) => (s.securityContext = { windowsOptions: { hostProcess: true } }),
      ["k8s-no-privileged"],
    ],
    [
      "seccomp Unconfined in the container over a RuntimeDefault pod",
      (s) => {
        s.securityContext = { seccompProfile: { type: "RuntimeDefault" } };
        c0(s).securityContext.seccompProfile = { type: "Unconfined" };
      },
      ["k8s-seccomp-runtime-default"],
    ],
    [
      "seccomp Unconfined in the pod",
      (s) => {
        s.securityContext = { seccompProfile: { type: "Unconfined" } };
        delete c0(s).securityContext.seccompProfile;
      },
      ["k8s-seccomp-runtime-default"],
    ],
    [
      "privilege escalation true",
      (s) => (c0(s).securityContext.allowPrivilegeEscalation = true),
      ["k8s-no-privilege-escalation"],
    ],
    [
      "writable root file system",
      (s) => (c0(s).securityContext.readOnlyRootFilesystem = false),
      ["k8s-read-only-root-filesystem"],
    ],
    ["token automount", (s) => (s.automountServiceAccountToken = true), ["k8s-no-service-account-token"]],
    [
      "projected service account token",
      (s) => (s.volumes = [{ name: "token", projected: { sources: [{ serviceAccountToken: { path: "token" } }] } }]),
      ["k8s-no-service-account-token"],
    ],
    ["/proc unmasked", (s) => (c0(s).securityContext.procMount = "Unmasked"), ["k8s-no-unsafe-pod-options"]],
    [
      "AppArmor unconfined",
      (s) => (c0(s).securityContext.appArmorProfile = { type: "Unconfined" }),
      ["k8s-no-unsafe-pod-options"],
    ],
    [
      "AppArmor unconfined by annotation",
      (_s, p) =>
        (p.spec.template.metadata.annotations = { "container.apparmor.security.beta.kubernetes.io/app": "unconfined" }),
      ["k8s-no-unsafe-pod-options"],
    ],
    [
      "SELinux spc_t",
      (s) => (s.securityContext = { seLinuxOptions: { type: "spc_t" } }),
      ["k8s-no-unsafe-pod-options"],
    ],
    [
      "unsafe sysctl",
      (s) => (s.securityContext = { sysctls: [{ name: "kernel.msgmax", value: "1" }] }),
      ["k8s-no-unsafe-pod-options"],
    ],
    ["latest image", (s) => (c0(s).image = "10.0.0.100/app:latest"), ["k8s-image-pinned"]],
    ["default namespace", (_s, p) => (p.metadata.namespace = "default"), ["k8s-not-default-namespace"]],
  ];

  it.each(cases)("%s", async (_title, change, expected) => {
    expect(policyNames(await runPolicies([deployment(change)]))).toEqual(expected);
  });
});

describe("host paths", () => {
  const mount = (path: string, readOnly = false) =>
    deployment((spec) => {
      spec.volumes = [{ name: "host", hostPath: { path, type: "DirectoryOrCreate" } }];
      c0(spec).volumeMounts = [{ name: "host", mountPath: "/host", readOnly }];
    });

  it.each([
    "/",
    "//",
    "/etc",
    "/etc/",
    "/etc/containerd/certs.d/../../",
    "/etc/containerd/certs.d/x/../../..",
    "/etc/containerd/certs.d/..",
    "/etc/containerd/certs.d",
    "/etc/containerd/certs.d/",
    "/etc/containerd/certs.d/x/y",
    "/etc/containerd/certs.dx/y",
    "/etc/containerd/certs.d.bak/y",
    "etc/containerd/certs.d/x",
    "/run/containerd/containerd.sock",
    "/var/run/docker.sock",
    "/var/lib/kubelet",
    "/etc/containerd",
    "/etc/containerd/certs.d/_default",
    "/etc/containerd/certs.d/docker.io",
    "/etc/containerd/certs.d/registry-1.docker.io",
    "/var/lib/rancher/k3s/agent/etc/containerd/certs.d/ghcr.io:443",
    "/etc/containerd/certs.d/myacr.azurecr.io",
  ])("refuses %s (writable)", async (path) => {
    expect(policyNames(await runPolicies([mount(path)]))).toEqual(["k8s-host-path-allow-list"]);
  });

  it.each(["/", "/etc", "/var/run/docker.sock", "/etc/containerd/../kubernetes"])(
    "refuses %s even read only",
    async (path) => {
      expect(policyNames(await runPolicies([mount(path, true)]))).toEqual(["k8s-host-path-allow-list"]);
    },
  );

  it.each([
    ["/etc/containerd/certs.d/10.0.0.100", false],
    ["/etc/containerd/certs.d//10.0.0.100/", false],
    ["/etc/containerd/certs.d/x/../10.0.0.100", false],
    ["/var/lib/rancher/k3s/agent/etc/containerd/certs.d/[fd00::100]", false],
    ["/var/lib/rancher/rke2/agent/etc/containerd/certs.d/registry.local:5000", false],
    ["/etc/containerd", true],
    ["/var/lib/rancher/k3s/agent/etc/containerd/", true],
  ] as const)(
    "refuses containerd's %s (read only: %s) to an ordinary workload, allows it when configured",
    async (path, readOnly) => {
      expect(policyNames(await runPolicies([mount(path, readOnly)]))).toEqual(["k8s-host-path-allow-list"]);
      const config = {
        "k8s-host-path-allow-list": {
          allowedHostPaths: ["/etc/containerd/certs.d/*", "/var/lib/rancher/k3s/agent/etc/containerd/certs.d/*"],
          allowedReadOnlyHostPaths: ["/etc/containerd", "/var/lib/rancher/k3s/agent/etc/containerd"],
        },
      };
      const allowed = await runPolicies([mount(path, readOnly)], { config });
      expect(policyNames(allowed)).toEqual(path.includes("rke2") ? ["k8s-host-path-allow-list"] : []);
    },
  );

  it("takes the allow-list from the pack's configuration, normalised", async () => {
    const config = { "k8s-host-path-allow-list": { allowedHostPaths: ["/data/registry/"] } };
    expect(await runPolicies([mount("/data//registry")], { config })).toEqual([]);
    expect(policyNames(await runPolicies([mount("/data/registry/../../etc")], { config }))).toEqual([
      "k8s-host-path-allow-list",
    ]);
    expect(policyNames(await runPolicies([mount("/etc/containerd/certs.d/x")], { config }))).toEqual([
      "k8s-host-path-allow-list",
    ]);
    const root = { "k8s-host-path-allow-list": { allowedHostPaths: ["/", "/*"] } };
    expect(policyNames(await runPolicies([mount("/")], { config: root }))).toEqual(["k8s-host-path-allow-list"]);
    expect(policyNames(await runPolicies([mount("/etc")], { config: root }))).toEqual(["k8s-host-path-allow-list"]);
  });

  it("checks PersistentVolumes (object, Patch, List) too", async () => {
    const pv = (path: string) => ({
      metadata: { name: "pv" },
      spec: { capacity: { storage: "1Gi" }, hostPath: { path } },
    });
    const violations = await runPolicies([
      { type: "kubernetes:core/v1:PersistentVolume", name: "a", props: pv("/") },
      { type: "kubernetes:core/v1:PersistentVolumePatch", name: "b", props: pv("/etc/../var/run/docker.sock") },
      {
        type: "kubernetes:core/v1:PersistentVolumeList",
        name: "c",
        props: { items: [pv("/etc/containerd/certs.d/x"), { spec: { local: { path: "/" } } }] },
      },
    ]);
    expect(mandatory(violations).map((v) => v.message)).toEqual([
      "spec.hostPath mounts host path /, which is not in the policy's allowedHostPaths: remove it, or list that exact directory in the pack's configuration (only NodeRegistryTrust's own installer gets containerd's directories) (CKV_K8S_27, KSV023).",
      "spec.hostPath mounts host path /etc/../var/run/docker.sock, which is not in the policy's allowedHostPaths: remove it, or list that exact directory in the pack's configuration (only NodeRegistryTrust's own installer gets containerd's directories) (CKV_K8S_27, KSV023).",
      "items[0]: spec.hostPath mounts host path /etc/containerd/certs.d/x, which is not in the policy's allowedHostPaths: remove it, or list that exact directory in the pack's configuration (only NodeRegistryTrust's own installer gets containerd's directories) (CKV_K8S_27, KSV023).",
      "items[1]: spec.local mounts host path /, which is not in the policy's allowedHostPaths: remove it, or list that exact directory in the pack's configuration (only NodeRegistryTrust's own installer gets containerd's directories) (CKV_K8S_27, KSV023).",
    ]);
  });

  it("normalises like the kernel", () => {
    expect(normaliseHostPath("/a//b/./c/../d/")).toBe("/a/b/d");
    expect(normaliseHostPath("/../..")).toBe("/");
    expect(normaliseHostPath("a/b")).toBeUndefined();
    expect(hostPathAllowed("/a/b/c", ["/a/b/*"])).toBe(true);
    expect(hostPathAllowed("/a/b", ["/a/b/*"])).toBe(false);
    expect(hostPathAllowed("/a/bc", ["/a/b"])).toBe(false);
  });
});

describe("root for a locked-down writer of a configured host path (allowRootHostPathWriters)", () => {
  const writer = (change: (spec: any) => void = () => undefined) =>
    deployment((spec) => {
      Object.assign(c0(spec).securityContext, { runAsUser: 0, runAsNonRoot: false });
      spec.volumes = [{ name: "trust", hostPath: { path: "/etc/containerd/certs.d/10.0.0.100" } }];
      c0(spec).volumeMounts = [{ name: "trust", mountPath: "/trust" }];
      change(spec);
    });

  const paths = ["/etc/containerd/certs.d/*"];
  const granted = {
    "k8s-run-as-non-root": { allowRootHostPathWriters: true, allowedHostPaths: paths },
    "k8s-host-path-allow-list": { allowedHostPaths: paths },
  };

  it("is refused by default (root is NodeRegistryTrust's installer's only), accepted when configured", async () => {
    expect(policyNames(await runPolicies([writer()]))).toEqual(["k8s-host-path-allow-list", "k8s-run-as-non-root"]);
    expect(await runPolicies([writer()], { config: granted })).toEqual([]);
  });

  it.each([
    [
      "with an added capability",
      (s: any) => (c0(s).securityContext.capabilities.add = ["CHOWN"]),
      ["k8s-no-added-capabilities", "k8s-run-as-non-root"],
    ],
    [
      "writing a path that is not allowed",
      (s: any) => (s.volumes[0].hostPath.path = "/etc"),
      ["k8s-host-path-allow-list", "k8s-run-as-non-root"],
    ],
    [
      "with a writable root file system",
      (s: any) => (c0(s).securityContext.readOnlyRootFilesystem = false),
      ["k8s-read-only-root-filesystem", "k8s-run-as-non-root"],
    ],
    [
      "mounting the allowed path read only (no reason for root)",
      (s: any) => (c0(s).volumeMounts[0].readOnly = true),
      ["k8s-run-as-non-root"],
    ],
    ["without the host path mount", (s: any) => (c0(s).volumeMounts = []), ["k8s-run-as-non-root"]],
  ])("is refused %s", async (_title, change, expected) => {
    expect(policyNames(await runPolicies([writer(change)], { config: granted }))).toEqual(expected);
  });
});

describe("configuration", () => {
  it("exempts a workload named in the pack's configuration, and nothing on the resource can", async () => {
    const bad = deployment((spec, props) => {
      c0(spec).securityContext.privileged = true;
      props.metadata.annotations = { "checkov.io/skip1": "CKV_K8S_16", "edge-registry/exempt": "true" };
      props.metadata.labels = { "policy.exempt": "true" };
    });
    expect(policyNames(await runPolicies([bad]))).toEqual(["k8s-no-privileged"]);
    const exempt = { exemptions: [{ name: "web", namespace: "apps", kind: "Deployment", reason: "lab" }] };
    expect(await runPolicies([bad], { config: { "k8s-no-privileged": exempt } })).toEqual([]);
    const otherNamespace = { exemptions: [{ name: "web", namespace: "other" }] };
    expect(policyNames(await runPolicies([bad], { config: { "k8s-no-privileged": otherNamespace } }))).toEqual([
      "k8s-no-privileged",
    ]);
    const otherKind = { exemptions: [{ name: "web", namespace: "apps", kind: "DaemonSet" }] };
    expect(policyNames(await runPolicies([bad], { config: { "k8s-no-privileged": otherKind } }))).toEqual([
      "k8s-no-privileged",
    ]);
  });

  it("allows configured capabilities and restricts registries when configured", async () => {
    const bind = deployment((spec) => (c0(spec).securityContext.capabilities.add = ["NET_BIND_SERVICE"]));
    expect(
      await runPolicies([bind], {
        config: { "k8s-no-added-capabilities": { allowedCapabilities: ["cap_net_bind_service"] } },
      }),
    ).toEqual([]);
    const config = { "k8s-image-registry-allowed": { allowedRegistries: ["myacr.azurecr.io"] } };
    expect(policyNames(await runPolicies([deployment()], { config }))).toEqual(["k8s-image-registry-allowed"]);
    expect(
      await runPolicies([deployment()], {
        config: { "k8s-image-registry-allowed": { allowedRegistries: ["10.0.0.100"] } },
      }),
    ).toEqual([]);
  });
});

describe("the components' hardened defaults pass the pack", () => {
  it("NodeRegistryTrust, RegistryWorkload (with a Service) and RegistryPullSecret", async () => {
    const { resources, violations } = await evaluateWithPolicies(() => {
      new NodeRegistryTrust("trust", { registryHost: "10.0.0.100", caCertificatePem: certs.ca });
      new NodeRegistryTrust("trust-k3s", {
        registryHost: "registry.local:5000",
        caCertificatePem: certs.ca,
        namespace: "edge-system",
      });
      const secret = new RegistryPullSecret("pull", {
        server: "10.0.0.100",
        username: "u",
        password: pulumi.secret("p"),
        namespace: "apps",
      });
      new RegistryWorkload("web", {
        namespace: "apps",
        registryServer: "10.0.0.100",
        repository: "app",
        digest: DIGEST,
        imagePullSecretNames: [secret.secretName],
        containerPort: 8080,
        createService: true,
      });
    });
    expect(resources.map((r) => r.type)).toContain("kubernetes:apps/v1:DaemonSet");
    expect(mandatory(violations)).toEqual([]);
    expect(cloud.duplicateUrns).toEqual([]);
  });
});

describe("issue 24: every way to the node, each stopped by a mandatory policy, and hardened controls that pass", () => {
  const withVolume = (volume: any, readOnly = true) =>
    deployment((spec) => {
      spec.volumes = [{ name: "v", ...volume }];
      c0(spec).volumeMounts = [{ name: "v", mountPath: "/v", readOnly }];
    });

  it.each([
    ["gitRepo (CVE-2024-10220)", { gitRepo: { repository: "https://example.com/x.git", revision: "main" } }],
    ["flexVolume", { flexVolume: { driver: "example.com/lvm" } }],
    ["nfs of a loopback export", { nfs: { server: "127.0.0.1", path: "/" } }],
    ["iscsi", { iscsi: { targetPortal: "127.0.0.1:3260", iqn: "iqn.2001-04.com.example:x", lun: 0 } }],
    ["rbd", { rbd: { monitors: ["127.0.0.1:6789"], image: "x" } }],
    ["cephfs", { cephfs: { monitors: ["127.0.0.1:6789"] } }],
    ["glusterfs", { glusterfs: { endpoints: "x", path: "/" } }],
    ["fc", { fc: { wwids: ["x"] } }],
    ["azureFile", { azureFile: { secretName: "s", shareName: "x" } }],
  ])("volume %s", async (_title, volume) => {
    const violations = await runPolicies([withVolume(volume)]);
    expect(policyNames(violations)).toEqual(["k8s-volume-types-allowed"]);
    expect(mandatory(violations)[0].message).toMatch(/^volume "v" is of type \w+, which the kubelet mounts/);
  });

  it.each([
    ["configMap", { configMap: { name: "c" } }],
    ["csi", { csi: { driver: "secrets-store.csi.k8s.io", readOnly: true } }],
    ["downwardAPI", { downwardAPI: { items: [{ path: "labels", fieldRef: { fieldPath: "metadata.labels" } }] } }],
    ["emptyDir", { emptyDir: { sizeLimit: "64Mi" } }],
    ["ephemeral", { ephemeral: { volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"] } } } }],
    ["persistentVolumeClaim", { persistentVolumeClaim: { claimName: "data" } }],
    ["projected", { projected: { sources: [{ configMap: { name: "c" } }] } }],
    ["secret", { secret: { secretName: "s" } }],
    ["image (pinned, from the registry)", { image: { reference: IMAGE } }],
  ])("hardened control: volume %s passes", async (_title, volume) => {
    expect(await runPolicies([withVolume(volume)])).toEqual([]);
  });

  it.each([["CAP_ALL"], ["cap_all"], [" ALL"], ["ALL "]])(
    "capabilities.drop [%j] drops nothing in containerd",
    async (entry) => {
      const violations = await runPolicies([
        deployment((spec) => (c0(spec).securityContext.capabilities = { drop: [entry] })),
      ]);
      expect(policyNames(violations)).toEqual(["k8s-drop-all-capabilities"]);
      expect(mandatory(violations)[0].message).toContain("drops nothing: containerd only recognises ALL");
    },
  );

  it.each([["ALL"], ["all"], ["All"]])("hardened control: capabilities.drop [%j] drops everything", async (entry) => {
    expect(
      await runPolicies([deployment((spec) => (c0(spec).securityContext.capabilities = { drop: [entry] }))]),
    ).toEqual([]);
  });

  const podPatch = (securityContext: any) => ({
    type: "kubernetes:apps/v1:DeploymentPatch",
    name: "patch",
    props: { metadata: { name: "web", namespace: "apps" }, spec: { template: { spec: { securityContext } } } },
  });

  it.each([
    ["seccomp Unconfined", { seccompProfile: { type: "Unconfined" } }, "k8s-seccomp-runtime-default"],
    ["runAsUser 0", { runAsUser: 0 }, "k8s-run-as-non-root"],
    ["runAsNonRoot false", { runAsNonRoot: false }, "k8s-run-as-non-root"],
    ["a Windows HostProcess", { windowsOptions: { hostProcess: true } }, "k8s-no-privileged"],
  ])("a DeploymentPatch that sets only the pod-level %s", async (_title, securityContext, policy) => {
    const violations = await runPolicies([podPatch(securityContext)]);
    expect(policyNames(violations)).toEqual([policy]);
    expect(mandatory(violations)[0].message).toMatch(/^pod securityContext: .*the patch applies it to every container/);
  });

  it("hardened control: a pod-level patch with RuntimeDefault, a non-root user and no HostProcess passes", async () => {
    const hardened = {
      seccompProfile: { type: "RuntimeDefault" },
      runAsNonRoot: true,
      runAsUser: 10001,
      windowsOptions: { hostProcess: false },
    };
    expect(await runPolicies([podPatch(hardened)])).toEqual([]);
  });

  it("image volumes go through the pin, digest and registry rules", async () => {
    const config = { "k8s-image-registry-allowed": { allowedRegistries: ["10.0.0.100"] } };
    const unpinned = await runPolicies([withVolume({ image: { reference: "10.0.0.100/tools:latest" } })], { config });
    expect(policyNames(unpinned)).toEqual(["k8s-image-pinned"]);
    expect(unpinned.map((v) => v.policy)).toContain("k8s-image-digest");
    const elsewhere = await runPolicies([withVolume({ image: { reference: `evil.example.com/tools@${DIGEST}` } })], {
      config,
    });
    expect(mandatory(elsewhere).map((v) => v.message)).toEqual([
      `volume "v": image evil.example.com/tools@${DIGEST} comes from evil.example.com, which is not in allowedRegistries (10.0.0.100): mirror it into an allowed registry (KSV0125).`,
    ]);
    expect(await runPolicies([withVolume({ image: { reference: IMAGE } })], { config })).toEqual([]);
  });

  it("a Patch of an exempted DaemonSet does not inherit the exemption", async () => {
    const rootSpec = () => {
      const spec = hardenedPodSpec();
      c0(spec).securityContext = { ...c0(spec).securityContext, privileged: true };
      spec.volumes = [{ name: "root", hostPath: { path: "/" } }];
      c0(spec).volumeMounts = [{ name: "root", mountPath: "/host" }];
      return spec;
    };
    const metadata = { name: "node-trust", namespace: "kube-system" };
    const object = { type: "kubernetes:apps/v1:DaemonSet", name: "ds", props: objectOf("DaemonSet", rootSpec()) };
    object.props.metadata = metadata;
    const patch = {
      type: "kubernetes:apps/v1:DaemonSetPatch",
      name: "patch",
      props: { metadata, spec: { template: { spec: rootSpec() } } },
    };
    const exemptions = [{ name: "node-trust", namespace: "kube-system", kind: "DaemonSet", reason: "reviewed" }];
    const config = {
      "k8s-no-privileged": { exemptions },
      "k8s-host-path-allow-list": { exemptions },
    };
    expect(await runPolicies([object], { config })).toEqual([]);
    expect(policyNames(await runPolicies([patch], { config }))).toEqual([
      "k8s-host-path-allow-list",
      "k8s-no-privileged",
    ]);
    const withoutKind = exemptions.map(({ kind: _kind, ...rest }) => rest);
    expect(
      policyNames(
        await runPolicies([patch], {
          config: {
            "k8s-no-privileged": { exemptions: withoutKind },
            "k8s-host-path-allow-list": { exemptions: withoutKind },
          },
        }),
      ),
    ).toEqual(["k8s-host-path-allow-list", "k8s-no-privileged"]);
    const patchKind = exemptions.map((e) => ({ ...e, kind: "DaemonSetPatch" }));
    expect(
      await runPolicies([patch], {
        config: {
          "k8s-no-privileged": { exemptions: patchKind },
          "k8s-host-path-allow-list": { exemptions: patchKind },
        },
      }),
    ).toEqual([]);
  });

  describe("host access is NodeRegistryTrust's installer's only, recognised by what the component sets", () => {
    /** The installer DaemonSet exactly as the component renders it (under mocks). */
    async function installer(): Promise<RawResource> {
      const { resources } = await evaluateWithPolicies(() => {
        new NodeRegistryTrust("trust", { registryHost: "10.0.0.100", caCertificatePem: certs.ca });
      });
      const daemonSet = resources.find((r) => r.type === "kubernetes:apps/v1:DaemonSet")!;
      return { type: daemonSet.type, name: "trust", props: JSON.parse(JSON.stringify(daemonSet.props)) };
    }
    const pod = (r: RawResource) => r.props.spec.template.spec;

    it("the component's DaemonSet passes; the same pod with any change loses the grant", async () => {
      const original = await installer();
      expect(mandatory(await runPolicies([original]))).toEqual([]);

      const otherScript = await installer();
      pod(otherScript).containers[0].command[2] = "cp /config/hosts.toml /trust/ && sleep infinity";
      expect(policyNames(await runPolicies([otherScript]))).toEqual([
        "k8s-host-path-allow-list",
        "k8s-run-as-non-root",
      ]);

      const otherImage = await installer();
      pod(otherImage).containers[0].image = `ghcr.io/example/busybox@${DIGEST}`;
      expect(policyNames(await runPolicies([otherImage]))).toEqual(["k8s-host-path-allow-list", "k8s-run-as-non-root"]);

      const extraPath = await installer();
      pod(extraPath).volumes.push({ name: "kubelet", hostPath: { path: "/var/lib/kubelet" } });
      pod(extraPath).containers[0].volumeMounts.push({ name: "kubelet", mountPath: "/kubelet" });
      expect(policyNames(await runPolicies([extraPath]))).toEqual(["k8s-host-path-allow-list", "k8s-run-as-non-root"]);

      const sidecar = await installer();
      pod(sidecar).containers.push({
        ...hardenedContainer("sidecar"),
        volumeMounts: [{ name: "node-host-dir", mountPath: "/t" }],
      });
      expect(policyNames(await runPolicies([sidecar]))).toContain("k8s-host-path-allow-list");
    });

    it("a Deployment or a DaemonSetPatch with the installer's pod, or a label copy, gets nothing", async () => {
      const original = await installer();
      const asDeployment = { ...original, type: "kubernetes:apps/v1:Deployment" };
      expect(policyNames(await runPolicies([asDeployment]))).toEqual([
        "k8s-host-path-allow-list",
        "k8s-run-as-non-root",
      ]);
      const asPatch = { ...original, type: "kubernetes:apps/v1:DaemonSetPatch" };
      expect(policyNames(await runPolicies([asPatch]))).toEqual(["k8s-host-path-allow-list", "k8s-run-as-non-root"]);
      // An ordinary root Deployment with NodeRegistryTrust's labels, writing the connected registry's hosts.toml.
      const copy = deployment((spec, props) => {
        props.metadata.labels = original.props.metadata.labels;
        props.spec.template.metadata = original.props.spec.template.metadata;
        Object.assign(c0(spec).securityContext, { runAsUser: 0, runAsNonRoot: false });
        spec.volumes = [{ name: "trust", hostPath: { path: "/etc/containerd/certs.d/10.0.0.100" } }];
        c0(spec).volumeMounts = [{ name: "trust", mountPath: "/trust" }];
      }, "trust");
      expect(policyNames(await runPolicies([copy]))).toEqual(["k8s-host-path-allow-list", "k8s-run-as-non-root"]);
    });

    it("nodeTrustInstaller: false withdraws the grant", async () => {
      const config = {
        "k8s-host-path-allow-list": { nodeTrustInstaller: false },
        "k8s-run-as-non-root": { nodeTrustInstaller: false },
      };
      expect(policyNames(await runPolicies([await installer()], { config }))).toEqual([
        "k8s-host-path-allow-list",
        "k8s-run-as-non-root",
      ]);
    });
  });

  describe("resources the pack did not look at", () => {
    const customResources: [string, (spec: any) => any][] = [
      ["kubernetes:argoproj.io/v1alpha1:Rollout", (spec) => ({ spec: { template: { spec } } })],
      ["kubernetes:serving.knative.dev/v1:Service", (spec) => ({ spec: { template: { spec } } })],
      ["kubernetes:apps.kruise.io/v1alpha1:CloneSet", (spec) => ({ spec: { template: { spec } } })],
      ["kubernetes:apps.kruise.io/v1beta1:StatefulSetPatch", (spec) => ({ spec: { template: { spec } } })],
      [
        "kubernetes:batch.volcano.sh/v1alpha1:Job",
        (spec) => ({ spec: { tasks: [{ name: "t", template: { spec } }] } }),
      ],
    ];

    it.each(customResources)(
      "%s: a privileged hostPID pod template fails, the hardened one passes",
      async (type, wrap) => {
        const bad = hardenedPodSpec();
        bad.hostPID = true;
        c0(bad).securityContext.privileged = true;
        const object = (spec: any) => ({ metadata: { name: "x", namespace: "apps" }, ...wrap(spec) });
        const violations = await runPolicies([{ type, name: "x", props: object(bad) }]);
        expect(policyNames(violations)).toEqual(["k8s-no-host-namespaces", "k8s-no-privileged"]);
        expect(mandatory(violations)[0].message).toMatch(/^spec\./);
        expect(await runPolicies([{ type, name: "x", props: object(hardenedPodSpec()) }])).toEqual([]);
      },
    );

    const release = (values: any) => ({
      type: "kubernetes:helm.sh/v3:Release",
      name: "rel",
      props: { chart: "app", namespace: "apps", values },
    });

    it("helm.sh/v3:Release: settings in its values that reach the node fail", async () => {
      const violations = await runPolicies([
        release({
          controller: { hostNetwork: true, securityContext: { privileged: true, runAsUser: 0 } },
          podSecurityContext: { seccompProfile: { type: "Unconfined" } },
          extraVolumes: [
            { name: "src", gitRepo: { repository: "https://example.com/x.git" } },
            { name: "root", hostPath: { path: "/" } },
          ],
          capabilities: { add: ["SYS_ADMIN"] },
        }),
      ]);
      expect(policyNames(violations)).toEqual(["k8s-helm-release-values"]);
      expect(mandatory(violations).map((v) => v.message.split(":")[0].split(" ")[0])).toEqual([
        "values.controller.hostNetwork",
        "values.controller.securityContext.privileged",
        "values.controller.securityContext.runAsUser",
        "values.podSecurityContext.seccompProfile",
        "values.extraVolumes[0].gitRepo",
        "values.extraVolumes[1].hostPath",
        "values.capabilities.add",
      ]);
    });

    it("helm.sh/v3:Release: a pod spec in its values is judged as a workload", async () => {
      const bad = hardenedPodSpec();
      c0(bad).securityContext.capabilities = { drop: ["CAP_ALL"] };
      const violations = await runPolicies([release({ jobs: [{ name: "migrate", template: { spec: bad } }] })]);
      expect(mandatory(violations).map((v) => v.message)).toEqual([
        expect.stringMatching(
          /^values\.jobs\[0\]\.template\.spec: container "app": securityContext\.capabilities\.drop/,
        ),
      ]);
    });

    it("hardened control: a Release with locked-down values and a hardened pod spec passes", async () => {
      expect(
        await runPolicies([
          release({
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 10001,
              allowPrivilegeEscalation: false,
              privileged: false,
              capabilities: { drop: ["ALL"] },
              seccompProfile: { type: "RuntimeDefault" },
            },
            hostNetwork: false,
            jobs: [{ template: { spec: hardenedPodSpec() } }],
          }),
        ]),
      ).toEqual([]);
    });
  });

  it("a pod-level HostProcess is merged field by field into a container's windowsOptions", async () => {
    const violations = await runPolicies([
      deployment((spec) => {
        spec.securityContext = { windowsOptions: { hostProcess: true } };
        c0(spec).securityContext.windowsOptions = { runAsUserName: "ContainerUser" };
      }),
    ]);
    expect(policyNames(violations)).toEqual(["k8s-no-privileged"]);
    expect(mandatory(violations)[0].message).toContain("windowsOptions.hostProcess is true");
    expect(
      await runPolicies([
        deployment((spec) => {
          spec.securityContext = { windowsOptions: { runAsUserName: "ContainerUser" } };
          c0(spec).securityContext.windowsOptions = { gmsaCredentialSpecName: "gmsa" };
        }),
      ]),
    ).toEqual([]);
  });
});

it("the policy table (docs/policy-pack.md) lists every policy with its level", () => {
  const readme = fs.readFileSync(path.join(__dirname, "..", "docs", "policy-pack.md"), "utf8");
  const rows = readme.split("\n").filter((line) => line.startsWith("| `"));
  for (const policy of policies) {
    const row = rows.find((line) => line.split("|")[1].includes(`\`${policy.name}\``));
    expect([policy.name, row?.split("|")[2].trim()]).toEqual([policy.name, policy.enforcementLevel]);
  }
});
