/**
 * The violation corpus of issue 24: every way to the node is stopped by a mandatory policy, host access is
 * NodeRegistryTrust's installer's only, resources the pack did not look at are judged, and hardened controls pass.
 */
import "./harness/mocks";
import { NodeRegistryTrust } from "../components";
import { RawResource, evaluateWithPolicies, mandatory, runPolicies } from "./harness/policyHarness";
import {
  DIGEST,
  IMAGE,
  c0,
  deployment,
  hardenedContainer,
  hardenedPodSpec,
  objectOf,
  policyNames,
} from "./harness/policyCorpus";
import { TestCertificates, testCertificates } from "./fixtures/certs";

let certs: TestCertificates;
beforeAll(async () => {
  certs = await testCertificates();
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
