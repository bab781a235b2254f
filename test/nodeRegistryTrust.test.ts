/** NodeRegistryTrust under mocks: its children, every option, bad input. The installer script run by a real shell is in nodeRegistryTrustInstaller.test.ts. */
import { cloud, constructionError, resetCloud, settle, unwrap } from "./harness/mocks";
import * as pulumi from "@pulumi/pulumi";
import { ContainerdDistribution, DEFAULT_NODE_TRUST_IMAGE, NodeRegistryTrust } from "../components";
import { TestCertificates, testCertificates } from "./fixtures/certs";
import {
  LIVE_SCRIPT,
  NODE_TRUST_FINGERPRINT_ANNOTATION,
  installerFingerprint,
} from "../components/lib/nodeTrustScripts";
import { CONFIG_MAP, DAEMON_SET } from "./harness/nodeRegistryTrust";

/* eslint-disable @typescript-eslint/no-require-imports */
const { DaemonSet } = require("kubernetes-models/apps/v1/DaemonSet");
const { ConfigMap } = require("kubernetes-models/v1/ConfigMap");
/* eslint-enable @typescript-eslint/no-require-imports */

let certs: TestCertificates;
beforeAll(async () => {
  certs = await testCertificates();
});
beforeEach(() => resetCloud());

const labels = {
  "app.kubernetes.io/name": "node-registry-trust",
  "app.kubernetes.io/instance": "trust",
  "app.kubernetes.io/component": "node-registry-trust",
  "app.kubernetes.io/managed-by": "pulumi",
};

describe("NodeRegistryTrust with defaults (seed 003's registry 192.100.100.1)", () => {
  let trust: NodeRegistryTrust;
  beforeEach(async () => {
    trust = new NodeRegistryTrust("trust", { registryHost: "192.100.100.1", caCertificatePem: certs.ca });
    await settle();
  });

  it("creates exactly one ConfigMap and one DaemonSet", () => {
    expect(cloud.countsByType()).toEqual({
      "edge-registry:index:NodeRegistryTrust": 1,
      [DAEMON_SET]: 1,
      [CONFIG_MAP]: 1,
    });
    expect(cloud.duplicateUrns).toEqual([]);
  });

  it("renders hosts.toml exactly in containerd's format", async () => {
    expect(await unwrap(trust.hostsToml)).toBe(
      'server = "https://192.100.100.1"\n' +
        '[host."https://192.100.100.1"]\n' +
        '  capabilities = ["pull", "resolve"]\n' +
        '  ca = "/etc/containerd/certs.d/192.100.100.1/ca.crt"\n',
    );
    expect(await unwrap(trust.hostDirectory)).toBe("/etc/containerd/certs.d/192.100.100.1");
  });

  it("puts hosts.toml and the CA PEM into the ConfigMap, which validates against the Kubernetes schema", async () => {
    const configMap = cloud.get(CONFIG_MAP, "trust");
    expect(configMap.inputs).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { namespace: "kube-system", labels },
      data: { "hosts.toml": await unwrap(trust.hostsToml), "ca.crt": certs.ca },
    });
    expect(() => new ConfigMap({ ...configMap.inputs, metadata: configMap.state.metadata }).validate()).not.toThrow();
    expect(await unwrap(trust.configMapName)).toBe(configMap.state.metadata.name);
    expect(await unwrap(trust.namespace)).toBe("kube-system");
  });

  it("renders the exact hardened DaemonSet, which validates against the Kubernetes schema", async () => {
    const daemonSet = cloud.get(DAEMON_SET, "trust");
    const configMapName = cloud.get(CONFIG_MAP, "trust").state.metadata.name;
    const container = daemonSet.inputs.spec.template.spec.containers[0];
    expect(daemonSet.inputs).toEqual({
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: {
        namespace: "kube-system",
        labels,
        annotations: {
          "checkov.io/skip1": "CKV_K8S_23=writes containerd's root-owned hosts directory on the node",
          // destroy does not wait for the pods of nodes that are down (see the node-down test below)
          "pulumi.com/deletionPropagationPolicy": "background",
        },
      },
      spec: {
        updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        selector: {
          matchLabels: { "app.kubernetes.io/name": "node-registry-trust", "app.kubernetes.io/instance": "trust" },
        },
        template: {
          metadata: {
            labels,
            // What the policy pack recognises the installer by (policy/rules/nodeTrust.ts): scripts, image, host paths.
            annotations: {
              [NODE_TRUST_FINGERPRINT_ANNOTATION]: installerFingerprint(DEFAULT_NODE_TRUST_IMAGE, [
                { path: "/etc/containerd/certs.d/192.100.100.1", readOnly: false },
                { path: "/etc/containerd", readOnly: true },
              ]),
            },
          },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            terminationGracePeriodSeconds: 30,
            nodeSelector: { "kubernetes.io/os": "linux" },
            tolerations: [{ operator: "Exists" }],
            containers: [
              {
                name: "install",
                image: DEFAULT_NODE_TRUST_IMAGE,
                command: ["/bin/sh", "-c", container.command[2]],
                env: [
                  { name: "SOURCE_DIR", value: "/config" },
                  { name: "TARGET_DIR", value: "/trust" },
                  { name: "HOSTS_DIR", value: "/etc/containerd/certs.d" },
                  { name: "CONFIG_DIR", value: "/containerd" },
                  { name: "NODE_CONFIG_DIR", value: "/etc/containerd" },
                  { name: "VERIFY_CONFIG", value: "true" },
                  { name: "REMOVE_ON_DELETE", value: "true" },
                  { name: "POD_UID", valueFrom: { fieldRef: { fieldPath: "metadata.uid" } } },
                  { name: "REFRESH_SECONDS", value: "60" },
                ],
                readinessProbe: {
                  exec: { command: ["/bin/sh", "-c", container.readinessProbe.exec.command[2]] },
                  periodSeconds: 10,
                },
                livenessProbe: {
                  exec: { command: ["/bin/sh", "-c", LIVE_SCRIPT] },
                  periodSeconds: 30,
                  failureThreshold: 2,
                },
                resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "32Mi" } },
                securityContext: {
                  runAsUser: 0,
                  runAsGroup: 0,
                  runAsNonRoot: false,
                  privileged: false,
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ["ALL"] },
                  seccompProfile: { type: "RuntimeDefault" },
                },
                volumeMounts: [
                  { name: "trust-files", mountPath: "/config", readOnly: true },
                  { name: "node-host-dir", mountPath: "/trust" },
                  { name: "containerd-config", mountPath: "/containerd", readOnly: true },
                ],
              },
            ],
            volumes: [
              { name: "trust-files", configMap: { name: configMapName, defaultMode: 0o444 } },
              {
                name: "node-host-dir",
                hostPath: { path: "/etc/containerd/certs.d/192.100.100.1", type: "DirectoryOrCreate" },
              },
              { name: "containerd-config", hostPath: { path: "/etc/containerd", type: "Directory" } },
            ],
          },
        },
      },
    });
    expect(DEFAULT_NODE_TRUST_IMAGE).toMatch(/^docker\.io\/library\/busybox:1\.36\.1@sha256:[0-9a-f]{64}$/);
    expect(() => new DaemonSet({ ...daemonSet.inputs, metadata: daemonSet.state.metadata }).validate()).not.toThrow();
    expect(await unwrap(trust.daemonSetName)).toBe(daemonSet.state.metadata.name);
  });
});

it("names the node directory host:port as containerd looks it up, with every option applied", async () => {
  const trust = new NodeRegistryTrust("edge", {
    registryHost: "myregistry.example.com:5000",
    caCertificatePem: pulumi.output(certs.ca + certs.otherCa),
    namespace: "registry-trust",
    distribution: ContainerdDistribution.K3s,
    image: "myregistry.example.com:5000/library/busybox:1.36.1",
    refreshSeconds: 300,
    resources: { cpuRequest: "5m", memoryRequest: "8Mi", cpuLimit: "50m", memoryLimit: "16Mi" },
  });
  await settle();
  const dir = "/var/lib/rancher/k3s/agent/etc/containerd/certs.d/myregistry.example.com:5000";
  expect(await unwrap(trust.hostsToml)).toBe(
    'server = "https://myregistry.example.com:5000"\n' +
      '[host."https://myregistry.example.com:5000"]\n' +
      '  capabilities = ["pull", "resolve"]\n' +
      `  ca = "${dir}/ca.crt"\n`,
  );
  const configMap = cloud.get(CONFIG_MAP, "edge");
  expect(configMap.inputs.metadata.namespace).toBe("registry-trust");
  expect(configMap.inputs.data["ca.crt"]).toBe(certs.ca + certs.otherCa);
  const spec = cloud.get(DAEMON_SET, "edge").inputs.spec.template.spec;
  expect(spec.volumes[1].hostPath).toEqual({ path: dir, type: "DirectoryOrCreate" });
  expect(spec.containers[0].image).toBe("myregistry.example.com:5000/library/busybox:1.36.1");
  expect(spec.containers[0].env.find((e: any) => e.name === "REFRESH_SECONDS")).toEqual({
    name: "REFRESH_SECONDS",
    value: "300",
  });
  expect(spec.volumes[2].hostPath).toEqual({ path: "/var/lib/rancher/k3s/agent/etc/containerd", type: "Directory" });
  expect(spec.containers[0].resources).toEqual({
    requests: { cpu: "5m", memory: "8Mi" },
    limits: { cpu: "50m", memory: "16Mi" },
  });
  expect(spec.tolerations).toEqual([{ operator: "Exists" }]);
});

it("keeps two instances apart (own names and selectors) and hashes names that are not label values", async () => {
  new NodeRegistryTrust("a", { registryHost: "10.0.0.1", caCertificatePem: certs.ca });
  new NodeRegistryTrust("registry/b", { registryHost: "10.0.0.2", caCertificatePem: certs.ca });
  await settle();
  expect(cloud.duplicateUrns).toEqual([]);
  const selectors = cloud
    .ofType(DAEMON_SET)
    .map((d) => d.inputs.spec.selector.matchLabels["app.kubernetes.io/instance"]);
  expect(selectors[0]).toBe("a");
  expect(selectors[1]).toMatch(/^[0-9a-f]{32}$/);
});

describe("bad input fails at construction naming the argument", () => {
  const cases: [string, () => Record<string, unknown>, RegExp][] = [
    ["registryHost", () => ({ registryHost: "https://192.100.100.1" }), /URL/],
    ["registryHost", () => ({ registryHost: "192.100.100.1/myproject/app" }), /path/],
    ["registryHost", () => ({ registryHost: "myregistry:99999" }), /outside 1-65535/],
    ["registryHost", () => ({ registryHost: "my registry" }), /not a registry host/],
    ["registryHost", () => ({ registryHost: "" }), /not a registry host/],
    ["registryHost", () => ({ registryHost: "[:]" }), /not a registry host/],
    ["registryHost", () => ({ registryHost: "999.1.1.1" }), /not a registry host/],
    ["registryHost", () => ({ registryHost: "[fe80::1%eth0]" }), /not a registry host/],
    ["registryHost", () => ({ registryHost: "docker.io" }), /public registry.*allowPublicRegistry/],
    ["registryHost", () => ({ registryHost: "mcr.microsoft.com" }), /public registry/],
    ["registryHost", () => ({ registryHost: "ghcr.io:443" }), /public registry/],
    ["registryHost", () => ({ registryHost: "Quay.io" }), /public registry/],
    ["registryHost", () => ({ registryHost: "registry.k8s.io" }), /public registry/],
    ["registryHost", () => ({ registryHost: "myacr.azurecr.io" }), /public registry/],
    ["distribution", () => ({ distribution: "Talos" }), /not allowed/],
    ["containerdConfigDir", () => ({ containerdConfigDir: "etc/containerd" }), /absolute/],
    ["caCertificatePem", () => ({ caCertificatePem: "not a certificate" }), /no -----BEGIN CERTIFICATE/],
    ["caCertificatePem", () => ({ caCertificatePem: certs.expiredCa }), /expired/],
    ["caCertificatePem", () => ({ caCertificatePem: certs.leaf }), /leaf/],
    ["caCertificatePem", () => ({ caCertificatePem: certs.ca + certs.caKey }), /private key/],
    [
      "caCertificatePem",
      () => ({ caCertificatePem: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" }),
      /does not parse/,
    ],
    ["hostsDir", () => ({ hostsDir: "etc/containerd/certs.d" }), /absolute/],
    ["hostsDir", () => ({ hostsDir: "/etc/containerd/../x" }), /absolute/],
    ["namespace", () => ({ namespace: "Kube_System" }), /namespace/],
    ["refreshSeconds", () => ({ refreshSeconds: 1 }), /5 to 86400/],
    ["image", () => ({ image: " " }), /empty/],
  ];
  it.each(cases)("%s %#", (argument, override, reason) => {
    const error = constructionError(
      () => new NodeRegistryTrust("bad", { registryHost: "192.100.100.1", caCertificatePem: certs.ca, ...override() }),
    );
    expect(error.propertyPath).toBe(argument);
    expect(error.message.startsWith(`${argument}: `)).toBe(true);
    expect(error.message).toMatch(reason);
  });

  it("accepts a self-signed serving certificate as its own CA", async () => {
    new NodeRegistryTrust("self", { registryHost: "192.100.100.1", caCertificatePem: certs.selfSigned });
    await settle();
    expect(cloud.get(CONFIG_MAP, "self").inputs.data["ca.crt"]).toBe(certs.selfSigned);
  });
});

it("trusts an IPv6 registry in its bracketed directory, a public registry only on opt-in, and follows the switches", async () => {
  const v6 = new NodeRegistryTrust("v6", { registryHost: "[fd00::100]", caCertificatePem: certs.ca });
  new NodeRegistryTrust("mirror", {
    registryHost: "docker.io",
    caCertificatePem: certs.ca,
    allowPublicRegistry: true,
    verifyContainerdConfig: false,
    removeOnDelete: false,
  });
  await settle();
  expect(await unwrap(v6.hostDirectory)).toBe("/etc/containerd/certs.d/[fd00::100]");
  expect(await unwrap(v6.hostsToml)).toContain('server = "https://[fd00::100]"');
  const spec = cloud.get(DAEMON_SET, "mirror").inputs.spec.template.spec;
  expect(spec.volumes.map((v: any) => v.name)).toEqual(["trust-files", "node-host-dir"]);
  expect(spec.containers[0].volumeMounts.map((m: any) => m.name)).toEqual(["trust-files", "node-host-dir"]);
  const env = Object.fromEntries(spec.containers[0].env.map((e: any) => [e.name, e.value]));
  expect(env).toMatchObject({ VERIFY_CONFIG: "false", REMOVE_ON_DELETE: "false" });
  const error = constructionError(
    () =>
      new NodeRegistryTrust("public", {
        registryHost: "docker.io",
        caCertificatePem: certs.ca,
        allowPublicRegistry: pulumi.output(true),
      }),
  );
  expect(error.propertyPath).toBe("allowPublicRegistry");
});
