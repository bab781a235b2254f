import { cloud, constructionError, resetCloud, settle, unwrap } from "./mocks";
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_NODE_TRUST_IMAGE, NodeRegistryTrust } from "../components";
import { TestCertificates, testCertificates } from "./fixtures/certs";

/* eslint-disable @typescript-eslint/no-require-imports */
const { DaemonSet } = require("kubernetes-models/apps/v1/DaemonSet");
const { ConfigMap } = require("kubernetes-models/v1/ConfigMap");
/* eslint-enable @typescript-eslint/no-require-imports */

const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const DAEMON_SET = "kubernetes:apps/v1:DaemonSet";

let certs: TestCertificates;
beforeAll(async () => {
  certs = await testCertificates();
});
beforeEach(() => resetCloud());

const labels = {
  "app.kubernetes.io/name": "node-registry-trust",
  "app.kubernetes.io/instance": "trust",
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
      metadata: { namespace: "kube-system", labels },
      spec: {
        selector: {
          matchLabels: { "app.kubernetes.io/name": "node-registry-trust", "app.kubernetes.io/instance": "trust" },
        },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            terminationGracePeriodSeconds: 5,
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
                  { name: "REFRESH_SECONDS", value: "60" },
                ],
                readinessProbe: {
                  exec: { command: ["/bin/sh", "-c", container.readinessProbe.exec.command[2]] },
                  periodSeconds: 10,
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
                ],
              },
            ],
            volumes: [
              { name: "trust-files", configMap: { name: configMapName, defaultMode: 0o444 } },
              {
                name: "node-host-dir",
                hostPath: { path: "/etc/containerd/certs.d/192.100.100.1", type: "DirectoryOrCreate" },
              },
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
    hostsDir: "/var/lib/rancher/k3s/agent/etc/containerd/certs.d",
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
  expect(spec.containers[0].env[2]).toEqual({ name: "REFRESH_SECONDS", value: "300" });
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
    ["registryHost", () => ({ registryHost: "https://192.100.100.1" }), /scheme/],
    ["registryHost", () => ({ registryHost: "192.100.100.1/myproject/app" }), /path/],
    ["registryHost", () => ({ registryHost: "myregistry:99999" }), /not a host/],
    ["registryHost", () => ({ registryHost: "my registry" }), /not a host/],
    ["registryHost", () => ({ registryHost: "" }), /not a host/],
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

describe("the installer script, run by a real shell", () => {
  // The script and readiness probe exactly as rendered into the DaemonSet, run against temporary
  // directories (the ConfigMap mount and the node directory) with BusyBox's sh when present.
  const shell = fs.existsSync("/usr/bin/busybox") ? ["/usr/bin/busybox", "sh"] : ["/bin/sh"];
  let source: string;
  let target: string;
  let script: string;
  let ready: string;
  beforeEach(async () => {
    new NodeRegistryTrust("script", { registryHost: "192.100.100.1", caCertificatePem: certs.ca });
    await settle();
    const container = cloud.get(DAEMON_SET, "script").inputs.spec.template.spec.containers[0];
    script = container.command[2];
    ready = container.readinessProbe.exec.command[2];
    const data = cloud.get(CONFIG_MAP, "script").inputs.data;
    source = fs.mkdtempSync(path.join(os.tmpdir(), "trust-config-"));
    target = fs.mkdtempSync(path.join(os.tmpdir(), "trust-node-"));
    fs.writeFileSync(path.join(source, "hosts.toml"), data["hosts.toml"]);
    fs.writeFileSync(path.join(source, "ca.crt"), data["ca.crt"]);
  });
  afterEach(() => {
    fs.rmSync(source, { recursive: true, force: true });
    fs.rmSync(target, { recursive: true, force: true });
  });

  const env = () => ({ PATH: process.env.PATH, SOURCE_DIR: source, TARGET_DIR: target, REFRESH_SECONDS: "1" });
  const isReady = () => {
    try {
      execFileSync(shell[0], [...shell.slice(1), "-c", ready], { env: env(), stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  };
  const until = async (condition: () => boolean) => {
    for (let i = 0; i < 100 && !condition(); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return condition();
  };

  it("installs both files, re-copies a changed or deleted file, and exits 0 on SIGTERM", async () => {
    expect(isReady()).toBe(false);
    const child = spawn(shell[0], [...shell.slice(1), "-c", script], { env: env(), stdio: "ignore" });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      expect(await until(isReady)).toBe(true);
      expect(fs.readFileSync(path.join(target, "ca.crt"), "utf8")).toBe(certs.ca);
      expect(fs.readFileSync(path.join(target, "hosts.toml"), "utf8")).toContain('server = "https://192.100.100.1"');

      fs.writeFileSync(path.join(source, "ca.crt"), certs.otherCa); // a rotated CA in the ConfigMap
      fs.rmSync(path.join(target, "hosts.toml")); // someone cleaned the node
      expect(isReady()).toBe(false);
      expect(await until(isReady)).toBe(true);
      expect(fs.readFileSync(path.join(target, "ca.crt"), "utf8")).toBe(certs.otherCa);
      expect(fs.readdirSync(target).sort()).toEqual(["ca.crt", "hosts.toml"]); // no temporary files left
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });
});
