/**
 * The schema marks exactly what the components treat as secret, so a Python, Go or C# SDK documents and wraps
 * the same values the TypeScript code wraps in `pulumi.secret`. The schema's marks come from `@secret` tags in
 * the sources (test/harness/schemaSource.ts); this test constructs every component under mocks and checks:
 * - every output that is secret at run time (`pulumi.isSecret`) is `secret: true` in the schema, and vice versa;
 * - every input marked secret, passed in plain, reaches the child resources only inside secrets;
 * - every input, output or type property whose name says it holds a credential (password, private key,
 *   connection string, credentials) is marked.
 */
import { cloud, settle, SUBSCRIPTION_ID } from "./harness/mocks";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { opensslSelfSigned } from "./harness/certificates";
import { isSecretValue } from "./harness/secrets";
import * as components from "../components";

const schema = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "schema.json"), "utf8"));
const token = (name: string) => `edge-registry:index:${name}`;
const IP = "192.100.100.1";
const cert = opensslSelfSigned(`IP:${IP}`);

/** Plain values of the inputs marked secret, recognisable wherever they land (also base64-encoded). */
const plainPassword = "plain-password-given-to-the-pull-secret";
const plainConnectionString =
  "ConnectedRegistryName=extconnected;SyncTokenName=extconnected;SyncTokenPassword=plain-sync-password;" +
  "ParentGatewayEndpoint=edgeacr.eastus.data.azurecr.io;ParentEndpointProtocol=https";

/** One construction of every component, with the options that produce every secret output. */
function constructAll(): Record<string, pulumi.ComponentResource> {
  const registryId = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/edgeacr`;
  return {
    ContainerRegistry: new components.ContainerRegistry("acr", { resourceGroupName: "rg", registryName: "edgeacr" }),
    ImageImport: new components.ImageImport("import", {
      resourceGroupName: "rg",
      registryName: "edgeacr",
      source: "mcr.microsoft.com/mcr/hello-world:latest",
    }),
    ConnectedRegistry: new components.ConnectedRegistry("edge", {
      resourceGroupName: "rg",
      registryName: "edgeacr",
      connectedRegistryName: "edgeconnected",
      repositories: ["hello-world"],
      clientTokens: [{ name: "edgeclient" }],
    }),
    ConnectedRegistryExtension: new components.ConnectedRegistryExtension("ext", {
      resourceGroupName: "rg",
      clusterName: "arc",
      connectionString: plainConnectionString,
      serviceClusterIP: IP,
      serviceCidr: "192.100.0.0/16",
      tlsMode: components.TlsMode.Certificate,
      certificate: { certificatePem: cert.certificatePem, privateKeyPem: cert.privateKeyPem },
    }),
    ConnectedRegistryTree: new components.ConnectedRegistryTree("tree", {
      resourceGroupName: "rg",
      registryName: "edgeacr",
      nodes: [{ name: "onprem", repositories: ["hello-world"], clientTokens: [{ name: "onpremclient" }] }],
    }),
    EdgeRegistrySite: new components.EdgeRegistrySite("site", {
      resourceGroupName: "rg",
      registryName: "siteacr",
      connectedRegistryName: "siteconnected",
      clusterName: "arc",
      serviceClusterIP: IP,
      serviceCidr: "192.100.0.0/16",
      tlsMode: components.TlsMode.Certificate,
      certificate: { certificatePem: cert.certificatePem, privateKeyPem: cert.privateKeyPem },
    }),
    NodeRegistryTrust: new components.NodeRegistryTrust("trust", {
      registryHost: IP,
      caCertificatePem: cert.certificatePem,
    }),
    RegistryCertificate: new components.RegistryCertificate("cert", { ipAddresses: [IP] }),
    RegistryPullSecret: new components.RegistryPullSecret("pull", {
      server: "edgeacr.azurecr.io",
      username: "edgeclient",
      password: plainPassword,
    }),
    RegistryServicePrincipal: new components.RegistryServicePrincipal("sp", { registryId }),
    RegistryWorkload: new components.RegistryWorkload("app", {
      namespace: "apps",
      registryServer: "edgeacr.azurecr.io",
      repository: "hello-world",
      tag: "v1",
      imagePullSecretNames: ["pull"],
    }),
    TanzuRegistryTrust: new components.TanzuRegistryTrust("tanzu", {
      certificates: [{ name: "edge-ca", certificatePem: cert.certificatePem }],
    }),
  };
}

/** The cluster-only form of the site (a fleet site): its connection string and client password given in plain. */
const plainSiteConnectionString =
  "ConnectedRegistryName=fleetsite;SyncTokenName=fleetsite;SyncTokenPassword=plain-fleet-sync-password;" +
  "ParentGatewayEndpoint=fleetacr.eastus.data.azurecr.io;ParentEndpointProtocol=https";
const plainSiteClientPassword = "plain-fleet-client-password";

function constructClusterOnlySite(): pulumi.ComponentResource {
  return new components.EdgeRegistrySite("fleet-site", {
    resourceGroupName: "rg",
    existingRegistryName: "fleetacr",
    connectedRegistryName: "fleetsite",
    connectionString: plainSiteConnectionString,
    clientCredential: { username: "fleetsiteclient", password: plainSiteClientPassword },
    workloadRepository: "hello-world",
    subscriptionId: SUBSCRIPTION_ID,
    clusterName: "arc",
    serviceClusterIP: IP,
    serviceCidr: "192.100.0.0/16",
    tlsMode: components.TlsMode.Certificate,
    certificate: { certificatePem: cert.certificatePem, privateKeyPem: cert.privateKeyPem },
  });
}

let instances: Record<string, pulumi.ComponentResource>;
beforeAll(async () => {
  instances = constructAll();
  constructClusterOnlySite();
  await settle();
}, 120_000);

it("constructs every component of the schema", () => {
  const inSchema = Object.keys(schema.resources).filter((t) => schema.resources[t].isComponent);
  expect(Object.keys(instances).map(token).sort()).toEqual(inSchema.sort());
});

it("marks secret in the schema exactly the outputs that are secret at run time", async () => {
  const atRunTime: string[] = [];
  const inSchema: string[] = [];
  for (const [name, instance] of Object.entries(instances)) {
    const properties = schema.resources[token(name)].properties as Record<string, { secret?: boolean }>;
    for (const [key, property] of Object.entries(properties)) {
      const value = (instance as unknown as Record<string, unknown>)[key];
      if (property.secret) inSchema.push(`${name}.${key}`);
      // Child resources (registry, extension, ...) are references, never secret; an optional one may be absent.
      if (pulumi.Output.isInstance(value) && (await pulumi.isSecret(value))) atRunTime.push(`${name}.${key}`);
    }
  }
  expect(inSchema.sort()).toEqual(atRunTime.sort());
  // The outputs issue 28 names, so an empty pair of lists cannot pass.
  expect(inSchema).toEqual(
    expect.arrayContaining([
      "ConnectedRegistry.connectionString",
      "ConnectedRegistry.clientCredentials",
      "ConnectedRegistryTree.connectionStrings",
      "EdgeRegistrySite.connectionString",
      "RegistryCertificate.privateKeyPem",
      "RegistryServicePrincipal.password",
    ]),
  );
});

/** A string and, when it is base64 (a Secret's data, a protected setting), what it decodes to. */
function readings(text: string): string[] {
  return /^[A-Za-z0-9+/]+=*$/.test(text) && text.length % 4 === 0
    ? [text, Buffer.from(text, "base64").toString()]
    : [text];
}

/** Where `needle` appears in `value`, outside secrets unless `revealed`: the paths. */
function occurrences(value: unknown, needle: string, at: string, revealed = false): string[] {
  if (isSecretValue(value)) return revealed ? occurrences((value as { value: unknown }).value, needle, at, true) : [];
  if (typeof value === "string") return readings(value).some((text) => text.includes(needle)) ? [at] : [];
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([key, item]) => occurrences(item, needle, `${at}.${key}`, revealed));
  }
  return [];
}

it("keeps every input marked secret inside secrets, given in plain", () => {
  const marked = Object.entries<any>(schema.resources)
    .filter(([, r]) => r.isComponent)
    .flatMap(([t, r]) =>
      Object.entries<any>(r.inputProperties ?? {})
        .filter(([, p]) => p.secret)
        .map(([key]) => `${t.split(":")[2]}.${key}`),
    );
  expect(marked.sort()).toEqual([
    "ConnectedRegistryExtension.connectionString",
    "EdgeRegistrySite.clientCredential",
    "EdgeRegistrySite.connectionString",
    "RegistryPullSecret.password",
  ]);
  const needles = [
    plainConnectionString,
    plainPassword,
    cert.privateKeyPem.trim(),
    plainSiteConnectionString,
    plainSiteClientPassword,
  ];
  const found = (needle: string, revealed: boolean) =>
    cloud.resources.flatMap((r) => occurrences(r.inputs, needle, `${r.type}::${r.name}`, revealed));
  for (const needle of needles) {
    expect([needle, found(needle, false)]).toEqual([needle, []]);
    // It did reach a child (inside a secret), so the check above looked at something.
    expect([needle, found(needle, true).length > 0]).toEqual([needle, true]);
  }
  expect(schema.types[token("TlsCertificate")].properties.privateKeyPem.secret).toBe(true);
});

it("marks every input, output and type property named as a credential", () => {
  const credential = /(password|privateKeyPem|privateKeyPemBase64|connectionStrings?|credentials?)$/i;
  const unmarked: string[] = [];
  const check = (where: string, props: Record<string, any> | undefined) => {
    for (const [key, p] of Object.entries(props ?? {})) {
      if (credential.test(key) && !p.secret) unmarked.push(`${where}.${key}`);
    }
  };
  for (const [t, r] of Object.entries<any>(schema.resources)) {
    check(`${t} input`, r.inputProperties);
    check(`${t} output`, r.properties);
  }
  for (const [t, type] of Object.entries<any>(schema.types)) check(t, type.properties);
  expect(unmarked).toEqual([]);
});
