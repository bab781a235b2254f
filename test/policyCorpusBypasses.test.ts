/**
 * The violation corpus, part 1: every bypass reported in issue 16 must fail the pack's mandatory policies, for
 * every pod-bearing type `@pulumi/kubernetes` defines (enumerated from its own modules). Runs the exported policies
 * through `policyHarness` (never a `PolicyPack`, which would start a gRPC server). The neighbours, host paths,
 * configuration and node access are in the other test/policyCorpus*.test.ts files.
 */
import "./harness/mocks";
import { mandatory, runPolicies } from "./harness/policyHarness";
import {
  IMAGE,
  c0,
  deployment,
  hardenedContainer,
  hardenedPodSpec,
  objectOf,
  podBearingTypes,
  policyNames,
} from "./harness/policyCorpus";

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
