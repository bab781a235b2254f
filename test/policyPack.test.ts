/**
 * The policy pack's definition (names, baselines, enforcement levels and the policy table of docs/policy-pack.md),
 * and each rule on the secure stack and on one insecure resource at a time.
 */
import "./harness/mocks";
import * as fs from "node:fs";
import * as path from "node:path";
import { policies } from "../policy/policies";
import { RawResource, runPolicies, urnOf } from "./harness/policyHarness";
import { DIGEST, EDGE, container, dockerConfig, names, podSpec, secureStack, variant } from "./harness/policyStack";
import { hardenedContainer } from "./harness/policyCorpus";

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
    const insecure = { ...hardenedContainer("init", `${EDGE}/tool@${DIGEST}`), securityContext: {} };
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

it("the policy table (docs/policy-pack.md) lists every policy with its level", () => {
  const readme = fs.readFileSync(path.join(__dirname, "..", "docs", "policy-pack.md"), "utf8");
  const rows = readme.split("\n").filter((line) => line.startsWith("| `"));
  for (const policy of policies) {
    const row = rows.find((line) => line.split("|")[1].includes(`\`${policy.name}\``));
    expect([policy.name, row?.split("|")[2].trim()]).toEqual([policy.name, policy.enforcementLevel]);
  }
});
