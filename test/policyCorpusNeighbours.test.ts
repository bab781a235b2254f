/**
 * The violation corpus: the neighbours of the reported bypasses (host namespaces and ports, capabilities, root,
 * privilege) fail the pack's mandatory policies. Runs the exported policies through `policyHarness`.
 */
import "./harness/mocks";
import { runPolicies } from "./harness/policyHarness";
import { c0, deployment, hardenedContainer, policyNames } from "./harness/policyCorpus";

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
