/**
 * The four TLS/trust examples of seed 000 evaluated under mocks: each builds the quickstart's cloud side
 * and an extension whose settings and protected-setting keys are exactly the seed's for that scenario.
 */
import { cloud, resetCloud, settle, unwrap } from "./harness/mocks";
import { revealSecrets } from "./harness/tlsDouble";
import type * as pulumi from "@pulumi/pulumi";

const EXT = "azure-native:kubernetesconfiguration:Extension";
const IP = "192.100.100.1";
const noCertManager = { "cert-manager.enabled": "false", "cert-manager.install": "false" };
const decode = (b64: string) => Buffer.from(b64, "base64").toString("utf8");

/** Loads an example program with fresh mocks and returns its exports and the extension's inputs. */
async function run(example: string) {
  resetCloud();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require(`../examples/${example}/index.ts`) as Record<string, pulumi.Output<unknown>>;
  await settle();
  const extension = cloud.get(EXT, "connected-registry");
  expect(cloud.duplicateUrns).toEqual([]);
  expect(cloud.ofType("azure-native:containerregistry:ConnectedRegistry")).toHaveLength(1);
  expect(cloud.ofType("pulumi-nodejs:dynamic/edge-registry:ConnectedRegistryDeactivation")).toHaveLength(1);
  const inputs = revealSecrets(extension.inputs);
  const connectionString = await unwrap(program.extensionId).then(
    () => cloud.ofType("pulumi-nodejs:dynamic/edge-registry:TokenPassword")[0].state.value as string,
  );
  expect(inputs.configurationProtectedSettings.connectionString).toContain(`SyncTokenPassword=${connectionString}`);
  expect(await unwrap(program.registryEndpoint)).toBe(IP);
  return { program, inputs, extension };
}

it("preinstalled-cert-manager: cert-manager.install=false, only the connection string protected", async () => {
  const { inputs } = await run("preinstalled-cert-manager");
  expect(inputs.configurationSettings).toEqual({ "service.clusterIP": IP, "cert-manager.install": "false" });
  expect(Object.keys(inputs.configurationProtectedSettings)).toEqual(["connectionString"]);
});

it("bring-your-own-certificate: the RegistryCertificate's PEMs as tls.crt, tls.key, tls.cacrt", async () => {
  const { program, inputs } = await run("bring-your-own-certificate");
  expect(inputs.configurationSettings).toEqual({ "service.clusterIP": IP, ...noCertManager });
  const p = inputs.configurationProtectedSettings;
  expect(Object.keys(p).sort()).toEqual(["connectionString", "tls.cacrt", "tls.crt", "tls.key"]);
  const ca = cloud.get("tls:index/selfSignedCert:SelfSignedCert", "connected-registry-tls-ca").state.certPem;
  expect(decode(p["tls.cacrt"])).toBe(ca);
  expect(decode(p["tls.crt"])).toBe(
    cloud.get("tls:index/locallySignedCert:LocallySignedCert", "connected-registry-tls-server").state.certPem,
  );
  expect(await unwrap(program.caCertificatePem)).toBe(ca);
  expect(cloud.ofType("edge-registry:index:RegistryCertificate")).toHaveLength(1);
});

it("kubernetes-secret: a generated kubernetes.io/tls Secret named in tls.secret, through the given provider", async () => {
  const { inputs } = await run("kubernetes-secret");
  expect(inputs.configurationSettings).toEqual({ "service.clusterIP": IP, ...noCertManager });
  const secret = cloud.get("kubernetes:core/v1:Secret", "connected-registry-tls");
  expect(inputs.configurationProtectedSettings).toEqual({
    connectionString: expect.any(String),
    "tls.secret": secret.state.metadata.name,
  });
  expect(secret.inputs.type).toBe("kubernetes.io/tls");
  expect(secret.provider).toMatch(/::cluster::/);
});

it("own-trust-distribution: trustDistribution.enabled=false and node trust for the same CA", async () => {
  const { program, inputs } = await run("own-trust-distribution");
  expect(inputs.configurationSettings).toEqual({
    "service.clusterIP": IP,
    "trustDistribution.enabled": "false",
    ...noCertManager,
  });
  const ca = cloud.get("tls:index/selfSignedCert:SelfSignedCert", "connected-registry-tls-ca").state.certPem;
  expect(decode(inputs.configurationProtectedSettings["tls.cacrt"])).toBe(ca);
  expect(cloud.ofType("edge-registry:index:NodeRegistryTrust")).toHaveLength(1);
  expect(await unwrap(program.hostsToml)).toContain(`server = "https://${IP}"`);
});
