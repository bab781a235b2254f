/**
 * ConnectedRegistryExtension under mocks: for each scenario of seeds 000/001 the Extension's settings
 * are exactly the seeds' `--config` flags and its protected settings exactly the seeds' protected file
 * keys (secret, base64 values decoding to the PEMs used); every bad input of issue 3 fails at construction.
 */
import { cloud, constructionError, resetCloud, settle, SUBSCRIPTION_ID, unwrap } from "./harness/mocks";
import { revealSecrets } from "./harness/tlsDouble";
import { plainStateContaining, resetPlainState } from "./harness/plainState";
import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { expiredSelfSigned, opensslSelfSigned, TestCertificate } from "./harness/certificates";
import { ClusterType, ConnectedRegistryExtension, ConnectedRegistryExtensionArgs, TlsMode } from "../components";

const EXT = "azure-native:kubernetesconfiguration:Extension";
const SECRET = "kubernetes:core/v1:Secret";
const DEACTIVATION = "pulumi-nodejs:dynamic/edge-registry:ConnectedRegistryDeactivation";
const IP = "192.100.100.1";
const CONNECTION_STRING =
  "ConnectedRegistryName=myconnectedregistry;SyncTokenName=myconnectedregistry;SyncTokenPassword=p4ss+/=;ParentGatewayEndpoint=myacrregistry.eastus.data.azurecr.io;ParentEndpointProtocol=https";
const base = { resourceGroupName: "myresourcegroup", clusterName: "myarck8scluster", connectionString: CONNECTION_STRING, serviceClusterIP: IP }; // prettier-ignore
const secretSig = "4dabf18193072939515e22adb298388d";
const decode = (b64: string) => Buffer.from(b64, "base64").toString("utf8");

let seedCert: TestCertificate;
beforeAll(() => {
  seedCert = opensslSelfSigned(`IP:${IP}`);
});

/** Builds the component, waits, and returns the extension's recorded inputs with secrets revealed. */
async function deploy(args: Partial<ConnectedRegistryExtensionArgs>, name = "cr") {
  resetCloud();
  const component = new ConnectedRegistryExtension(name, { ...base, ...args });
  await settle();
  const extension = cloud.get(EXT, name);
  return { component, extension, inputs: revealSecrets(extension.inputs) };
}

describe("CertManager (default: seed 001 quickstart)", () => {
  let d: Awaited<ReturnType<typeof deploy>>;
  beforeAll(async () => {
    d = await deploy({});
  });

  it("creates only the extension, with the documented identity and defaults", () => {
    expect(cloud.countsByType()).toEqual({ "edge-registry:index:ConnectedRegistryExtension": 1, [EXT]: 1 });
    expect(d.inputs).toEqual({
      resourceGroupName: "myresourcegroup",
      clusterName: "myarck8scluster",
      clusterRp: "Microsoft.Kubernetes",
      clusterResourceName: "connectedClusters",
      extensionName: "cr",
      extensionType: "Microsoft.ContainerRegistry.ConnectedRegistry",
      autoUpgradeMinorVersion: true,
      releaseTrain: "preview",
      scope: { cluster: { releaseNamespace: "connected-registry" } },
      identity: { type: "SystemAssigned" },
      configurationSettings: { "service.clusterIP": IP },
      configurationProtectedSettings: { connectionString: CONNECTION_STRING },
    });
  });

  it("sends the protected settings as a secret and nothing secret in clear settings", () => {
    expect(d.extension.inputs.configurationProtectedSettings[secretSig]).toBeDefined();
    expect(JSON.stringify(d.extension.inputs.configurationSettings)).not.toContain("SyncTokenPassword");
  });

  it("outputs the extension's state, the endpoint and no CA (cert-manager owns it)", async () => {
    const c = d.component;
    expect(await unwrap(c.extensionId)).toBe(
      `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/myresourcegroup/providers/Microsoft.Kubernetes/connectedClusters/myarck8scluster/providers/Microsoft.KubernetesConfiguration/extensions/cr`,
    );
    expect(await unwrap(c.provisioningState)).toBe("Succeeded");
    expect(await unwrap(c.currentVersion)).toBe("0.11.0");
    expect(await unwrap(c.registryEndpoint)).toBe(IP);
    expect(await unwrap(c.caCertificatePem)).toBeUndefined();
    expect(await unwrap(c.principalId)).toBe("0b8e5f3c-7d1a-4c2b-9e6f-5a4d3c2b1a09");
  });
});

it("PreinstalledCertManager: cert-manager.install=false (seed 000)", async () => {
  const { inputs } = await deploy({ tlsMode: TlsMode.PreinstalledCertManager });
  expect(inputs.configurationSettings).toEqual({ "service.clusterIP": IP, "cert-manager.install": "false" });
  expect(Object.keys(inputs.configurationProtectedSettings)).toEqual(["connectionString"]);
});

describe("Certificate (bring your own, seed 000)", () => {
  it("sends the given PEMs base64-encoded; a self-signed certificate is its own CA (tls.cacrt = tls.crt)", async () => {
    const { component, extension, inputs } = await deploy({ tlsMode: TlsMode.Certificate, certificate: seedCert });
    expect(inputs.configurationSettings).toEqual({
      "service.clusterIP": IP,
      "cert-manager.enabled": "false",
      "cert-manager.install": "false",
    });
    const p = inputs.configurationProtectedSettings;
    expect(Object.keys(p).sort()).toEqual(["connectionString", "tls.cacrt", "tls.crt", "tls.key"]);
    expect(decode(p["tls.crt"])).toBe(seedCert.certificatePem);
    expect(decode(p["tls.key"])).toBe(seedCert.privateKeyPem);
    expect(decode(p["tls.cacrt"])).toBe(seedCert.certificatePem);
    expect(extension.inputs.configurationProtectedSettings[secretSig]).toBeDefined();
    expect(await unwrap(component.caCertificatePem)).toBe(seedCert.certificatePem);
  });

  it("generates a RegistryCertificate for the cluster IP when none is given, and sends its PEMs", async () => {
    const { component, inputs } = await deploy({ tlsMode: TlsMode.Certificate });
    expect(cloud.get("edge-registry:index:RegistryCertificate", "cr-tls")).toBeDefined();
    expect(cloud.get("tls:index/certRequest:CertRequest", "cr-tls-server").inputs.ipAddresses).toEqual([IP]);
    const p = inputs.configurationProtectedSettings;
    const server = cloud.get("tls:index/locallySignedCert:LocallySignedCert", "cr-tls-server").state.certPem;
    const ca = cloud.get("tls:index/selfSignedCert:SelfSignedCert", "cr-tls-ca").state.certPem;
    expect(decode(p["tls.crt"])).toBe(server);
    expect(decode(p["tls.key"])).toBe(
      cloud.get("tls:index/privateKey:PrivateKey", "cr-tls-server").state.privateKeyPem,
    );
    expect(decode(p["tls.cacrt"])).toBe(ca);
    expect(await unwrap(component.caCertificatePem)).toBe(ca);
    expect(new crypto.X509Certificate(server).checkIP(IP)).toBe(IP);
  });

  it("own trust distribution: trustDistribution.enabled=false besides the cert-manager keys (seed 000)", async () => {
    const { inputs } = await deploy({ tlsMode: TlsMode.Certificate, certificate: seedCert, trustDistribution: false });
    expect(inputs.configurationSettings).toEqual({
      "service.clusterIP": IP,
      "trustDistribution.enabled": "false",
      "cert-manager.enabled": "false",
      "cert-manager.install": "false",
    });
  });
});

it("warns (without failing) when the certificate expires within 30 days", async () => {
  const warn = jest.spyOn(pulumi.log, "warn").mockResolvedValue();
  try {
    await deploy({ tlsMode: TlsMode.Certificate, certificate: opensslSelfSigned(`IP:${IP}`, 10) });
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/^certificate: .* expires on .* \(in (9|10) days\)/),
      expect.anything(),
    );
  } finally {
    warn.mockRestore();
  }
});

describe("secrecy of plain inputs", () => {
  it("keeps a connection string and a private key passed as plain strings out of clear text everywhere", async () => {
    resetPlainState();
    // Plain strings, as from `config.require` instead of `requireSecret`: the component must still keep them secret.
    await deploy({ tlsMode: TlsMode.Certificate, certificate: seedCert, tlsSecretName: undefined });
    const password = "p4ss+/=";
    const keyBody = seedCert.privateKeyPem.split("\n")[1];
    for (const needle of [password, keyBody, Buffer.from(seedCert.privateKeyPem).toString("base64").slice(0, 40)]) {
      expect(plainStateContaining(needle)).toEqual([]);
    }
    // The same search finds a value that is not secret, so it cannot pass vacuously.
    expect(plainStateContaining("myarck8scluster")).toContain(`${EXT}::cr`);
  });
});

describe("KubernetesSecret (seed 000)", () => {
  it("names an existing Secret in tls.secret and creates none", async () => {
    const { inputs } = await deploy({ tlsMode: TlsMode.KubernetesSecret, tlsSecretName: "k8secret" });
    expect(inputs.configurationSettings).toEqual({
      "service.clusterIP": IP,
      "cert-manager.enabled": "false",
      "cert-manager.install": "false",
    });
    expect(inputs.configurationProtectedSettings).toEqual({
      connectionString: CONNECTION_STRING,
      "tls.secret": "k8secret",
    });
    expect(cloud.ofType(SECRET)).toEqual([]);
  });

  it("creates a kubernetes.io/tls Secret in connected-registry from the given certificate and names it", async () => {
    const { inputs } = await deploy({ tlsMode: TlsMode.KubernetesSecret, certificate: seedCert });
    const secret = cloud.get(SECRET, "cr-tls");
    expect(cloud.get("kubernetes:core/v1:Namespace", "cr-namespace").inputs.metadata).toEqual({
      name: "connected-registry",
    });
    expect(secret.inputs.type).toBe("kubernetes.io/tls");
    expect(secret.inputs.metadata).toEqual({ namespace: "connected-registry" });
    expect(secret.inputs.data[secretSig]).toBeDefined();
    const data = revealSecrets(secret.inputs.data);
    expect(Object.keys(data).sort()).toEqual(["ca.crt", "tls.crt", "tls.key"]);
    expect(decode(data["tls.crt"])).toBe(seedCert.certificatePem);
    expect(decode(data["tls.key"])).toBe(seedCert.privateKeyPem);
    expect(decode(data["ca.crt"])).toBe(seedCert.certificatePem);
    expect(inputs.configurationProtectedSettings).toEqual({
      connectionString: CONNECTION_STRING,
      "tls.secret": secret.state.metadata.name,
    });
  });

  it("creates the Secret from a generated certificate when none is given", async () => {
    await deploy({ tlsMode: TlsMode.KubernetesSecret });
    const data = revealSecrets(cloud.get(SECRET, "cr-tls").inputs.data);
    expect(decode(data["tls.crt"])).toBe(
      cloud.get("tls:index/locallySignedCert:LocallySignedCert", "cr-tls-server").state.certPem,
    );
    expect(decode(data["ca.crt"])).toBe(
      cloud.get("tls:index/selfSignedCert:SelfSignedCert", "cr-tls-ca").state.certPem,
    );
  });
});

it("passes storage, node selector and extra settings through; pins a version without auto-upgrade", async () => {
  const { inputs } = await deploy({
    clusterType: ClusterType.ManagedClusters,
    extensionName: "myconnectedregistry",
    pvcStorageClassName: "standard",
    pvcStorageRequest: "250Gi",
    trustDistributionSkipNodeSelector: false,
    configurationSettings: { logLevel: "debug" },
    autoUpgradeMinorVersion: false,
    version: "0.11.0",
  });
  expect(inputs.configurationSettings).toEqual({
    "service.clusterIP": IP,
    "trustDistribution.skipNodeSelector": "false",
    "pvc.storageClassName": "standard",
    "pvc.storageRequest": "250Gi",
    logLevel: "debug",
  });
  expect(inputs.clusterRp).toBe("Microsoft.ContainerService");
  expect(inputs.clusterResourceName).toBe("managedClusters");
  expect(inputs.extensionName).toBe("myconnectedregistry");
  expect(inputs.autoUpgradeMinorVersion).toBe(false);
  expect(inputs.version).toBe("0.11.0");
  expect(inputs.releaseTrain).toBe("preview");
});

it("writes an IPv6 endpoint in brackets", async () => {
  const { component } = await deploy({ serviceClusterIP: "fd00::10", serviceCidr: "fd00::/108" });
  expect(await unwrap(component.registryEndpoint)).toBe("[fd00::10]");
});

it("creates the deactivation resource for the connected registry, keyed by the extension's identity", async () => {
  await deploy({
    connectedRegistry: {
      resourceGroupName: "myresourcegroup",
      registryName: "myacrregistry",
      connectedRegistryName: "myconnectedregistry",
    },
  });
  expect(cloud.ofType(DEACTIVATION)).toHaveLength(1);
  expect(cloud.get(DEACTIVATION, "cr-deactivation").inputs).toMatchObject({
    subscriptionId: SUBSCRIPTION_ID,
    resourceGroupName: "myresourcegroup",
    registryName: "myacrregistry",
    connectedRegistryName: "myconnectedregistry",
    extension: {
      resourceGroupName: "myresourcegroup",
      clusterName: "myarck8scluster",
      clusterRp: "Microsoft.Kubernetes",
      clusterResourceName: "connectedClusters",
      extensionName: "cr",
      extensionType: "Microsoft.ContainerRegistry.ConnectedRegistry",
      releaseNamespace: "connected-registry",
    },
  });
  expect(cloud.calls.map((c) => c.token)).toContain("azure-native:authorization:getClientConfig");
});

describe("bad input fails at construction, naming the argument", () => {
  let otherIP: TestCertificate;
  let expired: TestCertificate;
  let clientOnly: TestCertificate;
  beforeAll(async () => {
    otherIP = opensslSelfSigned("IP:192.100.100.2");
    expired = await expiredSelfSigned(IP);
    clientOnly = opensslSelfSigned(`IP:${IP}`, 365, ["-addext", "extendedKeyUsage=clientAuth"]);
  });
  const cert = TlsMode.Certificate;
  const cases: [string, () => Partial<ConnectedRegistryExtensionArgs>, string, RegExp][] = [
    ["a SAN without the cluster IP", () => ({ tlsMode: cert, certificate: otherIP }), "certificate.certificatePem", /no IP subject alternative name 192.100.100.1/],
    ["the key of another certificate", () => ({ tlsMode: cert, certificate: { ...seedCert, privateKeyPem: otherIP.privateKeyPem } }), "certificate.privateKeyPem", /does not belong/],
    ["an expired certificate", () => ({ tlsMode: cert, certificate: expired }), "certificate.certificatePem", /expired on/],
    ["a CA that did not issue it", () => ({ tlsMode: cert, certificate: { ...seedCert, caCertificatePem: otherIP.certificatePem } }), "certificate.caCertificatePem", /did not issue/],
    ["an EKU without server auth", () => ({ tlsMode: cert, certificate: clientOnly }), "certificate.certificatePem", /server authentication/],
    ["a cluster IP outside serviceCidr", () => ({ serviceCidr: "10.0.0.0/16" }), "serviceClusterIP", /outside the service CIDR 10.0.0.0\/16/],
    ["a cluster IP that is not an IP", () => ({ serviceClusterIP: "registry.local" }), "serviceClusterIP", /not an IPv4 or IPv6 address/],
    ["a serviceCidr that is not a CIDR", () => ({ serviceCidr: "10.0.0.0" }), "serviceCidr", /not a CIDR block/],
    ["a secret key in configurationSettings", () => ({ configurationSettings: { connectionString: "x" } }), 'configurationSettings["connectionString"]', /belongs in the protected settings/],
    ["a tls.* key in configurationSettings", () => ({ configurationSettings: { "tls.crt": "x" } }), 'configurationSettings["tls.crt"]', /belongs in the protected settings/],
    ["a key owned by an argument", () => ({ configurationSettings: { "service.clusterIP": "10.0.0.1" } }), 'configurationSettings["service.clusterIP"]', /serviceClusterIP argument/],
    ["ConnectionString in another case", () => ({ configurationSettings: { ConnectionString: "x" } }), 'configurationSettings["ConnectionString"]', /belongs in the protected settings/],
    ["TLS.key in upper case", () => ({ configurationSettings: { "TLS.key": "x" } }), 'configurationSettings["TLS.key"]', /belongs in the protected settings/],
    ["a secret key with surrounding whitespace", () => ({ configurationSettings: { " tls.crt ": "x" } }), 'configurationSettings[" tls.crt "]', /belongs in the protected settings/],
    ["Tls.Secret", () => ({ configurationSettings: { "Tls.Secret": "x" } }), 'configurationSettings["Tls.Secret"]', /belongs in the protected settings/],
    ["the network address of serviceCidr", () => ({ serviceClusterIP: "10.0.0.0", serviceCidr: "10.0.0.0/16" }), "serviceClusterIP", /network address of 10.0.0.0\/16/],
    ["the broadcast address of serviceCidr", () => ({ serviceClusterIP: "10.0.255.255", serviceCidr: "10.0.0.0/16" }), "serviceClusterIP", /broadcast address of 10.0.0.0\/16/],
    ["the broadcast address of a /24", () => ({ serviceClusterIP: "192.100.100.255", serviceCidr: "192.100.100.0/24" }), "serviceClusterIP", /broadcast address/],
    ["the IPv6 network address of serviceCidr", () => ({ serviceClusterIP: "fd00::", serviceCidr: "fd00::/108" }), "serviceClusterIP", /network address of fd00::\/108/],
    ["a zone-scoped IPv6 address", () => ({ serviceClusterIP: "fe80::1%eth0" }), "serviceClusterIP", /zone-scoped/],
    ["a link-local IPv6 address", () => ({ serviceClusterIP: "fe80::1" }), "serviceClusterIP", /link-local/],
    ["the unspecified address", () => ({ serviceClusterIP: "0.0.0.0" }), "serviceClusterIP", /unspecified/],
    ["a multicast address", () => ({ serviceClusterIP: "ff02::1" }), "serviceClusterIP", /multicast/],
    ["an IPv6 cluster IP in an IPv4 CIDR", () => ({ serviceClusterIP: "fd00::100", serviceCidr: "10.0.0.0/16" }), "serviceClusterIP", /outside the service CIDR/],
    ["a certificate with cert-manager", () => ({ certificate: seedCert }), "certificate", /cannot be used with tlsMode CertManager/],
    ["tlsSecretName outside KubernetesSecret", () => ({ tlsMode: cert, tlsSecretName: "k8secret" }), "tlsSecretName", /only applies to tlsMode KubernetesSecret/],
    ["tlsSecretName with a certificate", () => ({ tlsMode: TlsMode.KubernetesSecret, tlsSecretName: "k8secret", certificate: seedCert }), "certificate", /cannot be combined with tlsSecretName/],
    ["KubernetesSecret with no secret and no way to make one", () => ({ tlsMode: TlsMode.KubernetesSecret, generateCertificate: false }), "tlsSecretName", /is required in tlsMode KubernetesSecret/],
    ["Certificate with no certificate and no generation", () => ({ tlsMode: cert, generateCertificate: false }), "certificate", /is required in tlsMode Certificate/],
    ["version with auto-upgrade", () => ({ version: "0.11.0" }), "version", /autoUpgradeMinorVersion: false/],
    ["an unknown tlsMode", () => ({ tlsMode: "Http" as TlsMode }), "tlsMode", /use one of/],
    ["a bad storage request", () => ({ pvcStorageRequest: "lots" }), "pvcStorageRequest", /Kubernetes quantity/],
    ["a malformed connection string", () => ({ connectionString: "Server=x" }), "connectionString", /not a connected registry connection string/],
    ["a rotation trigger without a generated certificate", () => ({ certificateRotationTrigger: "2027" }), "certificateRotationTrigger", /only rotates a generated certificate/],
  ]; // prettier-ignore
  it("accepts addresses that only look like network or broadcast addresses of a narrower block", async () => {
    for (const [serviceClusterIP, serviceCidr] of <[string, string | undefined][]>[
      ["10.0.1.0", "10.0.0.0/16"],
      ["10.0.0.255", "10.0.0.0/16"],
      ["192.100.100.0", undefined],
      ["192.100.100.255", undefined],
      ["fd00::ffff", "fd00::/112"],
    ]) {
      resetCloud();
      const extension = new ConnectedRegistryExtension("ok", { ...base, serviceClusterIP, serviceCidr });
      expect(await unwrap(extension.registryEndpoint)).toBe(
        serviceClusterIP.includes(":") ? `[${serviceClusterIP}]` : serviceClusterIP,
      );
    }
  });

  it.each(cases)("%s", (_label, args, propertyPath, message) => {
    const error = constructionError(() => new ConnectedRegistryExtension("bad", { ...base, ...args() }));
    expect(error.propertyPath).toBe(propertyPath);
    expect(error.reason).toMatch(message);
    expect(error.reason.startsWith(propertyPath)).toBe(true);
  });
});
