/**
 * EdgeRegistrySite: the whole quickstart from plain arguments. Asserts the resource set per scenario, the
 * wiring between the parts (connection string into the extension, client token into the pull secret, the
 * cluster IP into the workload image) and the site's own validation.
 */
import { cloud, constructionError, isSecret, resetCloud, settle, SUBSCRIPTION_ID, unwrap } from "./harness/mocks";
import { revealSecrets } from "./harness/secrets";
import {
  ClusterType,
  ConnectedRegistryMode,
  ContainerdDistribution,
  EdgeRegistrySite,
  EdgeRegistrySiteArgs,
  ParentEndpointProtocol,
  TlsMode,
  TokenPasswordSlot,
} from "../components";

const EXTENSION = "azure-native:kubernetesconfiguration:Extension";
const base: EdgeRegistrySiteArgs = {
  resourceGroupName: "myresourcegroup",
  registryName: "myacrregistry",
  connectedRegistryName: "myconnectedregistry",
  clusterName: "myarck8scluster",
  serviceClusterIP: "192.100.100.1",
  serviceCidr: "192.100.0.0/16",
};

async function build(args: Partial<EdgeRegistrySiteArgs> = {}, name = "site") {
  resetCloud();
  const site = new EdgeRegistrySite(name, { ...base, ...args });
  await settle();
  return site;
}

it("creates the quickstart: registry + import, connected registry + client token, extension, namespace, pull secret, workload", async () => {
  const site = await build();
  expect(cloud.duplicateUrns).toEqual([]);
  const counts = cloud.countsByType();
  expect(counts).toMatchObject({
    "edge-registry:index:EdgeRegistrySite": 1,
    "azure-native:containerregistry:Registry": 1,
    "pulumi-nodejs:dynamic/edge-registry:ImageImport": 1,
    "azure-native:containerregistry:ConnectedRegistry": 1,
    "azure-native:containerregistry:ScopeMap": 2,
    "azure-native:containerregistry:Token": 2,
    "pulumi-nodejs:dynamic/edge-registry:TokenPassword": 2,
    [EXTENSION]: 1,
    "pulumi-nodejs:dynamic/edge-registry:ConnectedRegistryDeactivation": 1,
    "kubernetes:core/v1:Namespace": 1,
    "kubernetes:core/v1:Secret": 1,
    "kubernetes:apps/v1:Deployment": 1,
  });
  expect(counts["edge-registry:index:NodeRegistryTrust"]).toBeUndefined();
  expect(counts["tls:index/privateKey:PrivateKey"]).toBeUndefined();

  // The dynamic providers' subscription comes from the registry's and the connected registry's ids: no extra
  // getClientConfig call per site.
  expect(cloud.calls.map((c) => c.token)).not.toContain("azure-native:authorization:getClientConfig");
  const deactivation = cloud.ofType("pulumi-nodejs:dynamic/edge-registry:ConnectedRegistryDeactivation")[0].inputs;
  expect(deactivation.subscriptionId).toBe(SUBSCRIPTION_ID);

  const importInputs = cloud.ofType("pulumi-nodejs:dynamic/edge-registry:ImageImport")[0].inputs;
  expect(importInputs).toMatchObject({ registryUri: "mcr.microsoft.com", sourceImage: "mcr/hello-world:latest" });
  const connected = cloud.ofType("azure-native:containerregistry:ConnectedRegistry")[0].inputs;
  expect(connected.mode).toBe("ReadOnly");
  expect(connected.connectedRegistryName).toBe("myconnectedregistry");

  // The extension gets the exact connection string, as a protected (secret) setting.
  const extension = revealSecrets(cloud.ofType(EXTENSION)[0].inputs) as any;
  expect(extension.extensionName).toBe("myconnectedregistry");
  expect(extension.configurationSettings).toEqual({ "service.clusterIP": "192.100.100.1" });
  const connectionString = await unwrap(site.connectionString);
  expect(extension.configurationProtectedSettings).toEqual({ connectionString });
  expect(connectionString).toMatch(
    /^ConnectedRegistryName=myconnectedregistry;SyncTokenName=myconnectedregistry;SyncTokenPassword=[^;]+;ParentGatewayEndpoint=myacrregistry\.eastus\.data\.azurecr\.io;ParentEndpointProtocol=https$/,
  );
  expect(await isSecret(site.connectionString)).toBe(true);

  // The pull secret logs in to the cluster IP with the client token; the workload pulls from there with it.
  const secret = revealSecrets(cloud.ofType("kubernetes:core/v1:Secret")[0].inputs) as any;
  const auths = JSON.parse(Buffer.from(secret.data[".dockerconfigjson"], "base64").toString()).auths;
  expect(Object.keys(auths)).toEqual(["192.100.100.1"]);
  expect(auths["192.100.100.1"].username).toBe("myconnectedregistryclient");
  const clientPassword = cloud
    .ofType("pulumi-nodejs:dynamic/edge-registry:TokenPassword")
    .find((r) => String(r.inputs.tokenId).endsWith("/tokens/myconnectedregistryclient"))!.state.value;
  expect(auths["192.100.100.1"].password).toBe(clientPassword);
  const pod = cloud.ofType("kubernetes:apps/v1:Deployment")[0].inputs.spec.template.spec;
  expect(pod.containers[0].image).toBe("192.100.100.1/hello-world:v1");
  const secretName = cloud.ofType("kubernetes:core/v1:Secret")[0].state.metadata.name;
  expect(pod.imagePullSecrets).toEqual([{ name: secretName }]);
  expect(await unwrap(site.pullSecretName)).toBe(secretName);
  expect(cloud.ofType("kubernetes:apps/v1:Deployment")[0].inputs.metadata.namespace).toBe("edge-apps");

  expect(await unwrap(site.registryLoginServer)).toBe("myacrregistry.azurecr.io");
  expect(await unwrap(site.registryEndpoint)).toBe("192.100.100.1");
  expect(await unwrap(site.workloadImage)).toBe("192.100.100.1/hello-world:v1");
  expect(await unwrap(site.extensionProvisioningState)).toBe("Succeeded");
  expect(await unwrap(site.connectionState)).toBe("Offline");
  expect(await unwrap(site.activationStatus)).toBe("Inactive");
});

it("uses an existing registry: imports into it, creates no registry", async () => {
  const site = await build({
    registryName: undefined,
    existingRegistryName: "sharedacr01",
    imports: ["docker.io/library/nginx:1.25"],
  });
  expect(cloud.ofType("azure-native:containerregistry:Registry")).toHaveLength(0);
  const imported = cloud.ofType("pulumi-nodejs:dynamic/edge-registry:ImageImport");
  expect(imported.map((r) => r.inputs.registryName)).toEqual(["sharedacr01"]);
  expect(imported[0].inputs.targetTags).toEqual(["library/nginx:1.25"]);
  expect(cloud.ofType("azure-native:containerregistry:ConnectedRegistry")[0].inputs.registryName).toBe("sharedacr01");
  expect(await unwrap(site.registryLoginServer)).toBe("sharedacr01.azurecr.io");
});

it("lets the connected registry go ahead of slow image imports; only the extension waits for them", async () => {
  resetCloud();
  const importLatency = 400;
  cloud.latencies["pulumi-nodejs:dynamic/edge-registry:ImageImport"] = importLatency;
  new EdgeRegistrySite("site", base);
  await settle();
  const imported = cloud.ofType("pulumi-nodejs:dynamic/edge-registry:ImageImport")[0];
  const importDone = imported.registeredAt + importLatency;
  expect(cloud.ofType("azure-native:containerregistry:ConnectedRegistry")[0].registeredAt).toBeLessThan(importDone);
  expect(cloud.ofType(EXTENSION)[0].registeredAt).toBeGreaterThanOrEqual(importDone - 5);
});

it("imports nothing into an existing registry by default (sites sharing it would import the same tag twice)", async () => {
  await build({ registryName: undefined, existingRegistryName: "sharedacr01" });
  expect(cloud.ofType("pulumi-nodejs:dynamic/edge-registry:ImageImport")).toHaveLength(0);
  expect(
    cloud.ofType("azure-native:containerregistry:ConnectedRegistry")[0].inputs.parent.syncProperties,
  ).toBeDefined();
});

it("own certificate without trust distribution: generated certificate, node trust with its CA", async () => {
  const site = await build({
    tlsMode: TlsMode.Certificate,
    trustDistribution: false,
    workloadDigest: `sha256:${"a".repeat(64)}`,
  });
  const extension = revealSecrets(cloud.ofType(EXTENSION)[0].inputs) as any;
  expect(extension.configurationSettings).toEqual({
    "service.clusterIP": "192.100.100.1",
    "cert-manager.enabled": "false",
    "cert-manager.install": "false",
    "trustDistribution.enabled": "false",
  });
  expect(Object.keys(extension.configurationProtectedSettings).sort()).toEqual([
    "connectionString",
    "tls.cacrt",
    "tls.crt",
    "tls.key",
  ]);
  const ca = await unwrap(site.caCertificatePem);
  expect(ca).toContain("BEGIN CERTIFICATE");
  expect(await isSecret(site.caCertificatePem)).toBe(false);
  const trustConfig = cloud.ofType("kubernetes:core/v1:ConfigMap")[0].inputs;
  expect(trustConfig.data["ca.crt"]).toBe(ca);
  expect(trustConfig.data["hosts.toml"]).toContain('server = "https://192.100.100.1"');
  expect(await unwrap(site.workloadImage)).toBe(`192.100.100.1/hello-world@sha256:${"a".repeat(64)}`);
});

it("passes passwordExpiry and passwordRotationTrigger to the sync and client token passwords (rotation)", async () => {
  await build({ passwordExpiry: "2999-12-31T23:59:59Z", passwordRotationTrigger: "2027-q1" });
  const passwords = cloud.ofType("pulumi-nodejs:dynamic/edge-registry:TokenPassword");
  expect(passwords).toHaveLength(2);
  for (const password of passwords) {
    expect(password.inputs).toMatchObject({ expiry: "2999-12-31T23:59:59Z", rotationTrigger: "2027-q1" });
  }
});

it("passes takeOverPasswordSlot to the sync token's password and clientTokenTakeOverPasswordSlot to the client token's", async () => {
  await build({
    takeOverPasswordSlot: TokenPasswordSlot.Password2,
    clientTokenTakeOverPasswordSlot: TokenPasswordSlot.Password1,
  });
  const passwords = cloud.ofType("pulumi-nodejs:dynamic/edge-registry:TokenPassword");
  expect(passwords.map((p) => [p.name, p.inputs.takeOverPasswordSlot]).sort()).toEqual([
    [expect.stringMatching(/-client-.*-password$/), "password1"],
    [expect.stringMatching(/-sync-password$/), "password2"],
  ]);
});

it("works with an IPv6 service cluster IP: the bracketed endpoint is the pull secret server, image host and node trust host", async () => {
  const site = await build({
    serviceClusterIP: "fd00::100",
    serviceCidr: "fd00::/108",
    tlsMode: TlsMode.Certificate,
    trustDistribution: false,
    nodeTrustDistribution: ContainerdDistribution.K3s,
  });
  expect(await unwrap(site.registryEndpoint)).toBe("[fd00::100]");
  expect(await unwrap(site.workloadImage)).toBe("[fd00::100]/hello-world:v1");
  const extension = revealSecrets(cloud.ofType(EXTENSION)[0].inputs) as any;
  expect(extension.configurationSettings["service.clusterIP"]).toBe("fd00::100");
  const secret = revealSecrets(cloud.ofType("kubernetes:core/v1:Secret")[0].inputs) as any;
  const dockerConfig = JSON.parse(Buffer.from(secret.data[".dockerconfigjson"], "base64").toString("utf8"));
  expect(Object.keys(dockerConfig.auths)).toEqual(["[fd00::100]"]);
  const trust = cloud.ofType("kubernetes:core/v1:ConfigMap")[0].inputs;
  expect(trust.data["hosts.toml"]).toContain('server = "https://[fd00::100]"');
  const daemonSet = cloud.ofType("kubernetes:apps/v1:DaemonSet")[0].inputs;
  expect(daemonSet.spec.template.spec.volumes[1].hostPath.path).toBe(
    "/var/lib/rancher/k3s/agent/etc/containerd/certs.d/[fd00::100]",
  );
});

it("two sites in one stack do not collide", async () => {
  resetCloud();
  new EdgeRegistrySite("site-a", { ...base, registryName: "acrsitea", connectedRegistryName: "edgesitea" });
  new EdgeRegistrySite("site-b", { ...base, registryName: "acrsiteb", connectedRegistryName: "edgesiteb" });
  await settle();
  expect(cloud.duplicateUrns).toEqual([]);
  expect(cloud.ofType(EXTENSION)).toHaveLength(2);
});

describe("bad input fails at construction, naming the argument", () => {
  const cases: [string, Partial<EdgeRegistrySiteArgs>, string][] = [
    ["registry name and existing registry", { existingRegistryName: "other01" }, "existingRegistryName"],
    [
      "location with an existing registry",
      { registryName: undefined, existingRegistryName: "other01", location: "westeurope" },
      "location",
    ],
    ["tag and digest", { workloadTag: "v1", workloadDigest: `sha256:${"b".repeat(64)}` }, "workloadDigest"],
    ["node trust with cert-manager", { trustDistribution: false }, "nodeTrust"],
    ["workload pin without a workload", { deployWorkload: false, workloadTag: "v1" }, "deployWorkload"],
    ["bad cluster IP (the extension's own check)", { serviceClusterIP: "192.100.300.1" }, "serviceClusterIP"],
    [
      "bad connected registry name (the connected registry's own check)",
      { connectedRegistryName: "my-cr" },
      "connectedRegistryName",
    ],
  ];
  it.each(cases)("%s", (_label, args, path) => {
    resetCloud();
    const error = constructionError(() => new EdgeRegistrySite("bad", { ...base, ...args }));
    expect(error.propertyPath).toBe(path);
    expect(error.message.startsWith(`${path}:`)).toBe(true);
  });
});

describe("nested sites (issue 14)", () => {
  it("a parent site adds its descendants' actions; a child site points at the parent and trusts its CA", async () => {
    resetCloud();
    const onprem = new EdgeRegistrySite("onprem", {
      ...base,
      connectedRegistryName: "onprem",
      connectedRegistryMode: ConnectedRegistryMode.ReadWrite,
      descendantConnectedRegistries: [{ connectedRegistryName: "floor1", repositories: ["hello-world"] }],
      tlsMode: TlsMode.Certificate,
    });
    const floor = new EdgeRegistrySite("floor1", {
      ...base,
      registryName: undefined,
      existingRegistryName: "myacrregistry",
      connectedRegistryName: "floor1",
      clusterName: "floor1cluster",
      serviceClusterIP: "10.2.0.50",
      serviceCidr: "10.2.0.0/16",
      parentConnectedRegistryName: "onprem",
      parentConnectedRegistryMode: ConnectedRegistryMode.ReadWrite,
      parentGatewayEndpoint: onprem.registryEndpoint,
      parentCaCertificatePem: onprem.caCertificatePem.apply((pem) => pem!),
    });
    await settle();
    // (Earlier constructor-error tests may still register "bad-*" resources after the reset.)
    expect(cloud.duplicateUrns.filter((urn) => !urn.includes("::bad-"))).toEqual([]);
    expect(cloud.get("azure-native:containerregistry:ScopeMap", "onprem-connected-sync").inputs.actions).toEqual(
      expect.arrayContaining(["gateway/floor1/config/read", "gateway/floor1/message/write"]),
    );
    const child = cloud.get("azure-native:containerregistry:ConnectedRegistry", "floor1-connected").inputs;
    expect(child.parent.id).toBe(
      `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/myresourcegroup/providers/Microsoft.ContainerRegistry/registries/myacrregistry/connectedRegistries/onprem`,
    );
    expect(await unwrap(floor.connectionString)).toMatch(
      /^ConnectedRegistryName=floor1;SyncTokenName=floor1;SyncTokenPassword=[^;]+;ParentGatewayEndpoint=192\.100\.100\.1;ParentEndpointProtocol=https$/,
    );
    const trust = cloud.ofType("kubernetes:core/v1:ConfigMap").find((c) => c.name.startsWith("floor1-parent-trust"));
    expect(trust?.inputs.data["hosts.toml"]).toContain('server = "https://192.100.100.1"');
    expect(trust?.inputs.data["ca.crt"]).toBe(await unwrap(onprem.caCertificatePem));
  });

  it.each([
    ["a parent address without a parent", { parentGatewayEndpoint: "10.0.0.1" }, "parentGatewayEndpoint"],
    ["a parent without its address", { parentConnectedRegistryName: "onprem" }, "parentGatewayEndpoint"],
    [
      "a CA for an http parent",
      {
        parentConnectedRegistryName: "onprem",
        parentGatewayEndpoint: "10.0.0.1",
        parentEndpointProtocol: ParentEndpointProtocol.Http,
        parentCaCertificatePem: "-----BEGIN CERTIFICATE-----",
      },
      "parentCaCertificatePem",
    ],
    [
      "a ReadWrite child of a ReadOnly parent",
      {
        connectedRegistryMode: ConnectedRegistryMode.ReadWrite,
        parentConnectedRegistryName: "onprem",
        parentConnectedRegistryMode: ConnectedRegistryMode.ReadOnly,
        parentGatewayEndpoint: "10.0.0.1",
      },
      "parentConnectedRegistry.mode",
    ],
  ])("refuses %s", (_label, args, path) => {
    resetCloud();
    const error = constructionError(
      () =>
        new EdgeRegistrySite("bad", {
          ...base,
          registryName: undefined,
          existingRegistryName: "myacrregistry",
          ...(args as Partial<EdgeRegistrySiteArgs>),
        }),
    );
    expect(error.propertyPath).toBe(path);
  });
});

describe("the cluster-only form (connectionString: the connected registry exists, e.g. in a fleet hub)", () => {
  const connectionString =
    "ConnectedRegistryName=store001;SyncTokenName=store001;SyncTokenPassword=pw0;ParentGatewayEndpoint=fleetacr1.eastus.data.azurecr.io;ParentEndpointProtocol=https";
  const clusterOnly: EdgeRegistrySiteArgs = {
    resourceGroupName: "fleet-rg",
    existingRegistryName: "fleetacr1",
    connectedRegistryName: "store001",
    connectionString,
    clientCredential: { username: "store001client", password: "client-pw" },
    subscriptionId: SUBSCRIPTION_ID,
    clusterName: "store001-aks",
    clusterType: ClusterType.ManagedClusters,
    serviceClusterIP: "10.0.0.10",
    workloadRepository: "hello-world",
    extensionVersion: "1.2.0",
  };

  it("creates only the cluster side: extension (on the given cluster type, pinned version), pull secret, workload", async () => {
    resetCloud();
    const site = new EdgeRegistrySite("site", clusterOnly);
    await settle();
    expect(cloud.duplicateUrns).toEqual([]);
    const types = Object.keys(cloud.countsByType());
    expect(
      types.filter((t) => t.startsWith("azure-native:containerregistry") || /TokenPassword|ImageImport/.test(t)),
    ).toEqual([]);
    const extension = revealSecrets(cloud.ofType(EXTENSION)[0].inputs) as any;
    expect(extension).toMatchObject({
      clusterRp: "Microsoft.ContainerService",
      clusterResourceName: "managedClusters",
      clusterName: "store001-aks",
      extensionName: "store001",
      version: "1.2.0",
      autoUpgradeMinorVersion: false,
      configurationProtectedSettings: { connectionString },
    });
    const secret = revealSecrets(cloud.ofType("kubernetes:core/v1:Secret")[0].inputs) as any;
    const auths = JSON.parse(Buffer.from(secret.data[".dockerconfigjson"], "base64").toString()).auths;
    expect(auths["10.0.0.10"]).toMatchObject({ username: "store001client", password: "client-pw" });
    // The deactivation on delete targets the hub's connected registry.
    const deactivation = cloud.ofType("pulumi-nodejs:dynamic/edge-registry:ConnectedRegistryDeactivation")[0].inputs;
    expect(deactivation).toMatchObject({ registryName: "fleetacr1", connectedRegistryName: "store001" });
    expect(await isSecret(site.connectionString)).toBe(true);
    expect(await unwrap(site.connectedRegistryId)).toBe(
      `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/fleet-rg/providers/Microsoft.ContainerRegistry/registries/fleetacr1/connectedRegistries/store001`,
    );
    expect(await unwrap(site.registryLoginServer)).toBe("fleetacr1.azurecr.io");
    expect(await unwrap(site.connectionState)).toBeUndefined();
  });

  it.each([
    ["registryName", { registryName: "other" }],
    ["repositories", { repositories: ["x"] }],
    ["syncSchedule", { syncSchedule: "0 9 * * *" }],
    ["parentConnectedRegistryName", { parentConnectedRegistryName: "factory01" }],
    ["passwordExpiry", { passwordExpiry: "2027-12-31T23:59:59Z" }],
  ])("refuses the cloud-side argument %s, naming it", (key, extra) => {
    const error = constructionError(() => new EdgeRegistrySite("bad", { ...clusterOnly, ...extra }));
    expect(error.propertyPath).toBe(key);
    expect(error.message).toContain(`conflicts with connectionString`);
  });

  it.each(["existingRegistryName", "connectedRegistryName", "clientCredential", "workloadRepository"] as const)(
    "requires %s",
    (key) => {
      const error = constructionError(() => new EdgeRegistrySite("bad", { ...clusterOnly, [key]: undefined }));
      expect(error.propertyPath).toBe(key);
      expect(error.message).toContain("is required with connectionString");
    },
  );

  it("refuses clientCredential without connectionString", () => {
    const error = constructionError(
      () => new EdgeRegistrySite("bad", { ...base, clientCredential: { username: "u", password: "p" } }),
    );
    expect(error.propertyPath).toBe("clientCredential");
  });
});
