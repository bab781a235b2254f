/**
 * The violation corpus: host paths, checked against the pack's allow list and normalised like the kernel, and root
 * for a locked-down writer of a configured host path. Runs the exported policies through `policyHarness`.
 */
import "./harness/mocks";
import { hostPathAllowed, normaliseHostPath } from "../policy/rules/hostPaths";
import { mandatory, runPolicies } from "./harness/policyHarness";
import { c0, deployment, policyNames } from "./harness/policyCorpus";

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
