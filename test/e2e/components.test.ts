/**
 * E2E through the components: what `RegistryCertificate` (via the @pulumi/tls double),
 * `ConnectedRegistryExtension` (Certificate mode), `NodeRegistryTrust`, `RegistryPullSecret` and
 * `TanzuRegistryTrust` produce under mocks is fed to a real docker-registry, a real containerd (`ctr`)
 * and skopeo on loopback: a node that installed the trust files and uses the pull secret can pull; a
 * certificate made for another IP, an untrusted CA and a wrong password fail with the real error texts.
 */
import { cloud, resetCloud, settle, unwrap } from "../harness/mocks";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tls from "node:tls";
import * as pulumi from "@pulumi/pulumi";
import {
  ConnectedRegistryExtension,
  NodeRegistryTrust,
  RegistryCertificate,
  RegistryPullSecret,
  TanzuRegistryTrust,
  TlsMode,
} from "../../components";
import { describeE2e, Harness } from "./harness";
import { RunningRegistry, startRegistry } from "./registryServer";
import { containerdPullErrors, Containerd, startContainerd } from "./containerd";
import { certDir, skopeoPull, skopeoPush } from "./skopeo";
import { buildOciImage, OciImage } from "./ociImage";
import { opensslSelfSigned, opensslVerify, PemPair } from "./openssl";
import { runDaemonSetOnce } from "./daemonSetNode";

/** The extension's service cluster IP = the registry's address; one for the generated and one for the BYOC path. */
const GENERATED_IP = "127.0.0.4";
const BYOC_IP = "127.0.0.5";
/** A registry serving a certificate generated for another IP (a wrong `ipAddresses`). */
const MISMATCH_IP = "127.0.0.6";
const USER = "edge-client-token";
const PASSWORD = `pw-${crypto.randomBytes(12).toString("base64url")}`;
const REPOSITORY = "hello-world";
const CONNECTION_STRING =
  "ConnectedRegistryName=edgeregistry;SyncTokenName=edgeregistry;SyncTokenPassword=x;" +
  "ParentGatewayEndpoint=acr.eastus.data.azurecr.io;ParentEndpointProtocol=https";

const EXTENSION_TYPE = "azure-native:kubernetesconfiguration:Extension";
const SECRET_TYPE = "kubernetes:core/v1:Secret";
const CONFIGMAP_TYPE = "kubernetes:core/v1:ConfigMap";
const DAEMONSET_TYPE = "kubernetes:apps/v1:DaemonSet";

const fromBase64 = (value: string) => Buffer.from(value, "base64").toString("utf8");

/** The engine's marker for a secret value in recorded inputs (`{[sig]: SECRET_SIG, value}`). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** The value inside a recorded secret input; fails the test if the input was not sent as a secret. */
function secretValue<T>(recorded: any): T {
  expect(recorded?.[SIG_KEY]).toBe(SECRET_SIG);
  return recorded.value as T;
}

/** The extension's protected TLS settings (`tls.crt`, `tls.key`, `tls.cacrt`: base64 of PEM), decoded. */
function servedCertificate(extensionName: string): PemPair & { caCertificatePem?: string } {
  const extension = cloud.get(EXTENSION_TYPE, extensionName);
  const settings = secretValue<{ [key: string]: string }>(extension.inputs.configurationProtectedSettings);
  return {
    certificatePem: fromBase64(settings["tls.crt"]),
    privateKeyPem: fromBase64(settings["tls.key"]),
    caCertificatePem: settings["tls.cacrt"] === undefined ? undefined : fromBase64(settings["tls.cacrt"]),
  };
}

/** Recorded inputs with every secret marker replaced by its value (what the Kubernetes API would store). */
function revealed(value: any): any {
  if (Array.isArray(value)) return value.map(revealed);
  if (value === null || typeof value !== "object") return value;
  if (value[SIG_KEY] === SECRET_SIG) return revealed(value.value);
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, revealed(inner)]));
}

/** What a pull secret gives a client: the decoded `.dockerconfigjson` and the `user:password` of one server. */
function pullCredentials(secretName: string, server: string): { dockerConfigJson: string; user: string } {
  const secret = cloud.get(SECRET_TYPE, secretName);
  expect(secret.inputs.type).toBe("kubernetes.io/dockerconfigjson");
  const data = secretValue<{ [key: string]: string }>(secret.inputs.data);
  const dockerConfigJson = fromBase64(data[".dockerconfigjson"]);
  const entry = JSON.parse(dockerConfigJson).auths[server];
  expect(entry).toBeDefined();
  return { dockerConfigJson, user: fromBase64(entry.auth) };
}

describeE2e("e2e: component outputs against docker-registry, containerd and skopeo", () => {
  let h: Harness;
  let containerd: Containerd;
  let image: OciImage;
  /** The node's containerd hosts dir (NodeRegistryTrust's `hostsDir`), owned by the test. */
  let nodeHostsDir: string;
  /** Another node's hosts dir, where the removal of NodeRegistryTrust is tested. */
  let removalHostsDir: string;
  const registries: { [ip: string]: RunningRegistry } = {};
  const served: { [ip: string]: PemPair & { caCertificatePem?: string } } = {};
  const caPems: { [ip: string]: string } = {};
  let byoc: PemPair;
  const ref = (host: string) => `${host}/${REPOSITORY}:${image.tag}`;

  /** Installs the trust files of a NodeRegistryTrust the way its DaemonSet does on a node. */
  async function installNodeTrust(name: string, host: string): Promise<void> {
    const daemonSet = revealed(cloud.get(DAEMONSET_TYPE, name).inputs);
    const configMaps = cloud.ofType(CONFIGMAP_TYPE).map((c) => revealed({ ...c.inputs, metadata: c.state.metadata }));
    const nodeDir = path.join(nodeHostsDir, host);
    const installed = () =>
      fs.existsSync(path.join(nodeDir, "hosts.toml")) && fs.existsSync(path.join(nodeDir, "ca.crt"));
    await runDaemonSetOnce(h, `daemonset-${name}`, daemonSet, configMaps, installed);
  }

  beforeAll(async () => {
    h = Harness.create();
    nodeHostsDir = h.mkdir("node", "etc-containerd-certs.d");
    // The node's containerd configuration, which the installer's readiness reads (CRI config_path = the hosts dir).
    const nodeContainerdDir = h.mkdir("node", "etc-containerd");
    fs.writeFileSync(
      path.join(nodeContainerdDir, "config.toml"),
      `version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "${nodeHostsDir}"\n`,
    );
    resetCloud();

    // Generated path: Certificate mode without a certificate, so the extension generates one with
    // RegistryCertificate (RSA 4096, through the @pulumi/tls double) for its service cluster IP.
    const generated = new ConnectedRegistryExtension("edge", {
      resourceGroupName: "rg",
      clusterName: "arc-cluster",
      connectionString: pulumi.secret(CONNECTION_STRING),
      serviceClusterIP: GENERATED_IP,
      tlsMode: TlsMode.Certificate,
      trustDistribution: false,
    });
    // BYOC path: the docs' openssl self-signed certificate handed to the extension.
    byoc = await opensslSelfSigned(h, "byoc", BYOC_IP);
    const byocExtension = new ConnectedRegistryExtension("edge-byoc", {
      resourceGroupName: "rg",
      clusterName: "arc-cluster",
      connectionString: pulumi.secret(CONNECTION_STRING),
      serviceClusterIP: BYOC_IP,
      tlsMode: TlsMode.Certificate,
      certificate: byoc,
      trustDistribution: false,
    });
    // A RegistryCertificate generated for another IP than the address it ends up served on (the
    // extension itself refuses such a certificate for its service IP, so it is served directly).
    const mismatched = new RegistryCertificate("wrong-ip-cert", { ipAddresses: ["127.0.0.99"] });
    const caOf = (extension: ConnectedRegistryExtension) => extension.caCertificatePem.apply((pem) => pem ?? "");

    // Node trust for each registry host, written into the test-owned hosts dir.
    new NodeRegistryTrust("trust-generated", {
      registryHost: GENERATED_IP,
      caCertificatePem: caOf(generated),
      hostsDir: nodeHostsDir,
      containerdConfigDir: nodeContainerdDir,
    });
    new NodeRegistryTrust("trust-mismatch", {
      registryHost: MISMATCH_IP,
      caCertificatePem: mismatched.caCertificatePem,
      hostsDir: nodeHostsDir,
      containerdConfigDir: nodeContainerdDir,
    });
    new NodeRegistryTrust("trust-byoc", {
      registryHost: BYOC_IP,
      caCertificatePem: caOf(byocExtension),
      hostsDir: nodeHostsDir,
      containerdConfigDir: nodeContainerdDir,
    });
    // A second node, for the removal test: its own hosts dir and containerd configuration.
    removalHostsDir = h.mkdir("node-removal", "certs.d");
    const removalContainerdDir = h.mkdir("node-removal", "containerd");
    fs.writeFileSync(
      path.join(removalContainerdDir, "config.toml"),
      `version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "${removalHostsDir}"\n`,
    );
    new NodeRegistryTrust("trust-removal", {
      registryHost: GENERATED_IP,
      caCertificatePem: caOf(generated),
      hostsDir: removalHostsDir,
      containerdConfigDir: removalContainerdDir,
    });
    for (const ip of [GENERATED_IP, BYOC_IP, MISMATCH_IP]) {
      new RegistryPullSecret(`pull-${ip}`, { server: ip, username: USER, password: pulumi.secret(PASSWORD) });
    }
    new RegistryPullSecret("pull-wrong-password", {
      server: GENERATED_IP,
      username: USER,
      password: pulumi.secret("not-the-password"),
    });
    new TanzuRegistryTrust("tanzu", {
      certificates: [{ name: "edge-registry-ca", certificatePem: caOf(generated) }],
    });
    await settle();
    caPems[GENERATED_IP] = await unwrap(caOf(generated));
    caPems[BYOC_IP] = await unwrap(caOf(byocExtension));
    caPems[MISMATCH_IP] = await unwrap(mismatched.caCertificatePem);

    served[GENERATED_IP] = servedCertificate("edge");
    served[BYOC_IP] = servedCertificate("edge-byoc");
    served[MISMATCH_IP] = {
      certificatePem: await unwrap(mismatched.certificatePem),
      privateKeyPem: await unwrap(mismatched.privateKeyPem),
    };
    const users = { [USER]: PASSWORD };
    // Independent set-ups run together: the node trust installs (each its own node directory) with the first
    // registry, containerd and the image; then the other two registries (sharing the first one's storage) with the
    // push of the image.
    const [first, ctr, built] = await Promise.all([
      startRegistry(h, "registry-generated", { address: GENERATED_IP, ...served[GENERATED_IP], users }),
      startContainerd(h),
      buildOciImage(h, "image", "1.0", { hello: "hello from a connected registry\n" }),
      installNodeTrust("trust-generated", GENERATED_IP),
      installNodeTrust("trust-mismatch", MISMATCH_IP),
      installNodeTrust("trust-byoc", BYOC_IP),
    ]);
    registries[GENERATED_IP] = first;
    containerd = ctr;
    image = built;
    const storageDir = first.storageDir;
    await Promise.all([
      ...[BYOC_IP, MISMATCH_IP].map(async (ip) => {
        registries[ip] = await startRegistry(h, `registry-${ip}`, { address: ip, ...served[ip], users, storageDir });
      }),
      skopeoPush(h, image.layoutDir, image.tag, ref(GENERATED_IP), {
        certDir: certDir(h, "push", caPems[GENERATED_IP]),
        creds: `${USER}:${PASSWORD}`,
      }),
    ]);
  }, 110_000);

  afterAll(async () => {
    await h?.dispose();
  }, 30_000);

  it("the extension's protected settings carry the certificate generated for the service IP", () => {
    const signed = cloud.ofType("tls:index/locallySignedCert:LocallySignedCert").map((r) => r.state.certPem);
    expect(signed).toContain(served[GENERATED_IP].certificatePem);
    const cert = new crypto.X509Certificate(served[GENERATED_IP].certificatePem);
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(4096);
    expect(cert.checkIP(GENERATED_IP)).toBe(GENERATED_IP);
    expect(cert.checkPrivateKey(crypto.createPrivateKey(served[GENERATED_IP].privateKeyPem))).toBe(true);
    expect(cert.verify(new crypto.X509Certificate(caPems[GENERATED_IP]).publicKey)).toBe(true);
    expect(served[GENERATED_IP].caCertificatePem).toBe(caPems[GENERATED_IP]);
  });

  it("BYOC: the protected settings are the openssl files, and the self-signed certificate is its own CA", () => {
    expect(served[BYOC_IP]).toEqual({ ...byoc, caCertificatePem: byoc.certificatePem });
    expect(caPems[BYOC_IP]).toBe(byoc.certificatePem);
  });

  it("NodeRegistryTrust's files, installed as its DaemonSet does, are what containerd reads", () => {
    const nodeDir = path.join(nodeHostsDir, GENERATED_IP);
    expect(fs.readFileSync(path.join(nodeDir, "ca.crt"), "utf8")).toBe(caPems[GENERATED_IP]);
    const toml = fs.readFileSync(path.join(nodeDir, "hosts.toml"), "utf8");
    expect(toml).toContain(`ca = "${path.join(nodeDir, "ca.crt")}"`);
  });

  for (const [title, ip] of [
    ["generated certificate (RegistryCertificate)", GENERATED_IP],
    ["bring-your-own certificate (openssl)", BYOC_IP],
  ]) {
    it(`${title}: containerd pulls with the node trust and the pull secret's credentials`, async () => {
      const { user } = pullCredentials(`pull-${ip}`, ip);
      const result = await containerd.pull(ref(ip), { hostsDir: nodeHostsDir, user });
      expect(containerdPullErrors(result.stderr)).toEqual([]);
      expect(result.code).toBe(0);
      expect(await containerd.images()).toContain(ref(ip));
    });

    it(`${title}: skopeo pulls with --authfile = the pull secret's .dockerconfigjson`, async () => {
      const { dockerConfigJson } = pullCredentials(`pull-${ip}`, ip);
      const authfile = h.write(`auth/${ip}.json`, dockerConfigJson);
      const result = await skopeoPull(h, ref(ip), { certDir: certDir(h, ip, caPems[ip]), authfile });
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
    });
  }

  it("deleting NodeRegistryTrust (its pod terminates) removes the trust and restores the hosts.toml it replaced", async () => {
    const nodeDir = path.join(removalHostsDir, GENERATED_IP);
    const previous = `server = "https://${GENERATED_IP}"\n[host."https://${GENERATED_IP}"]\n  capabilities = ["pull", "resolve"]\n`;
    fs.mkdirSync(nodeDir, { recursive: true });
    fs.writeFileSync(path.join(nodeDir, "hosts.toml"), previous); // the node's own entry: no CA
    const { user } = pullCredentials(`pull-${GENERATED_IP}`, GENERATED_IP);
    const pull = () => containerd.pull(ref(GENERATED_IP), { hostsDir: removalHostsDir, user });
    const before = await pull();
    expect(before.stderr).toContain("x509: certificate signed by unknown authority");

    const daemonSet = revealed(cloud.get(DAEMONSET_TYPE, "trust-removal").inputs);
    const configMaps = cloud.ofType(CONFIGMAP_TYPE).map((c) => revealed({ ...c.inputs, metadata: c.state.metadata }));
    let during: Awaited<ReturnType<typeof pull>> | undefined;
    await runDaemonSetOnce(h, "daemonset-trust-removal", daemonSet, configMaps, () => true, {
      whileRunning: async () => {
        during = await pull();
      },
      stopSignal: "SIGTERM",
    });
    expect(containerdPullErrors(during!.stderr)).toEqual([]);
    expect(during!.code).toBe(0);

    expect(fs.readdirSync(nodeDir)).toEqual(["hosts.toml"]);
    expect(fs.readFileSync(path.join(nodeDir, "hosts.toml"), "utf8")).toBe(previous);
    const after = await pull();
    expect(after.code).toBe(1);
    expect(after.stderr).toContain("x509: certificate signed by unknown authority");
  });

  it("a node trusting another CA fails: x509: certificate signed by unknown authority", async () => {
    const otherNode = h.mkdir("node-other", "certs.d");
    const toml = fs
      .readFileSync(path.join(nodeHostsDir, GENERATED_IP, "hosts.toml"), "utf8")
      .replace(path.join(nodeHostsDir, GENERATED_IP), path.join(otherNode, GENERATED_IP));
    fs.mkdirSync(path.join(otherNode, GENERATED_IP));
    fs.writeFileSync(path.join(otherNode, GENERATED_IP, "hosts.toml"), toml);
    fs.writeFileSync(path.join(otherNode, GENERATED_IP, "ca.crt"), caPems[BYOC_IP]);
    const { user } = pullCredentials(`pull-${GENERATED_IP}`, GENERATED_IP);
    const result = await containerd.pull(ref(GENERATED_IP), { hostsDir: otherNode, user });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("x509: certificate signed by unknown authority");
  });

  it("a certificate generated for another IP fails with the SAN error", async () => {
    const { user } = pullCredentials(`pull-${MISMATCH_IP}`, MISMATCH_IP);
    const result = await containerd.pull(ref(MISMATCH_IP), { hostsDir: nodeHostsDir, user });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`x509: certificate is valid for 127.0.0.99, not ${MISMATCH_IP}`);
  });

  it("a pull secret with a wrong password is unauthorized", async () => {
    const { user, dockerConfigJson } = pullCredentials("pull-wrong-password", GENERATED_IP);
    const result = await containerd.pull(ref(GENERATED_IP), { hostsDir: nodeHostsDir, user });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `pulling from host ${GENERATED_IP} failed with status code [manifests ${image.tag}]: 401 Unauthorized`,
    );
    const authfile = h.write("auth/wrong-password.json", dockerConfigJson);
    const skopeo = await skopeoPull(h, ref(GENERATED_IP), {
      certDir: certDir(h, "wrong-password", caPems[GENERATED_IP]),
      authfile,
    });
    expect(skopeo.code).not.toBe(0);
    expect(skopeo.stderr).toContain("unauthorized: authentication required");
  });

  it("Tanzu additionalTrustedCAs decodes to a CA that verifies the registry's certificate", async () => {
    const configuration = cloud.resources.find((r) => r.type.endsWith(":TkgServiceConfiguration"));
    expect(configuration).toBeDefined();
    const cas: { name: string; data: string }[] = revealed(configuration!.inputs.spec).trust.additionalTrustedCAs;
    expect(cas.map((ca) => ca.name)).toEqual(["edge-registry-ca"]);
    const caPem = fromBase64(cas[0].data);

    const verified = await opensslVerify(h, caPem, served[GENERATED_IP].certificatePem);
    expect(verified.stdout.trim()).toMatch(/: OK$/);
    // And a real TLS handshake with the running registry trusts it through that CA alone.
    const authorized = await new Promise<boolean>((resolve, reject) => {
      const socket = tls.connect({ host: GENERATED_IP, port: 443, ca: caPem }, () => {
        resolve(socket.authorized);
        socket.end();
      });
      socket.once("error", reject);
    });
    expect(authorized).toBe(true);
  });
});
