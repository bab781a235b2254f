import { cloud, constructionError, resetCloud, settle, SUBSCRIPTION_ID, unwrap } from "./harness/mocks";
import * as pulumi from "@pulumi/pulumi";
import { recordRegistrations } from "./harness/registrationOptions";
import {
  ContainerRegistry,
  ContainerRegistryArgs,
  ImportMode,
  NetworkDefaultAction,
  NetworkRuleBypass,
  RegistryLockLevel,
  RegistrySku,
} from "../components";

const REGISTRY = "azure-native:containerregistry:Registry";
const IMPORT_COMPONENT = "edge-registry:index:ImageImport";
const IMPORT = "pulumi-nodejs:dynamic/edge-registry:ImageImport";

describe("defaults", () => {
  let registry: ContainerRegistry;
  beforeAll(async () => {
    resetCloud();
    registry = new ContainerRegistry("edge-acr-01", { resourceGroupName: "rg-edge" });
    await settle();
  });

  it("creates one registry with the security baseline and nothing else", () => {
    expect(cloud.countsByType()).toEqual({
      [REGISTRY]: 1,
      "edge-registry:index:ContainerRegistry": 1,
    });
    const { inputs } = cloud.get(REGISTRY, "edge-acr-01");
    expect(inputs).toEqual({
      resourceGroupName: "rg-edge",
      registryName: "edgeacr01",
      sku: { name: "Premium" },
      dataEndpointEnabled: true,
      adminUserEnabled: false,
      anonymousPullEnabled: false,
      publicNetworkAccess: "Enabled",
      policies: {
        azureADAuthenticationAsArmPolicy: { status: "disabled" },
        retentionPolicy: { days: 7, status: "enabled" },
      },
      // Defaults azure-native itself fills in.
      networkRuleBypassOptions: "AzureServices",
      zoneRedundancy: "Disabled",
    });
  });

  it("never enables content trust, quarantine, geo-replication, export changes or encryption", () => {
    const { inputs } = cloud.get(REGISTRY, "edge-acr-01");
    expect(inputs.policies.trustPolicy).toBeUndefined();
    expect(inputs.policies.quarantinePolicy).toBeUndefined();
    expect(inputs.policies.exportPolicy).toBeUndefined();
    expect(inputs.encryption).toBeUndefined();
    expect(cloud.ofType("azure-native:containerregistry:Replication")).toEqual([]);
  });

  it("exposes the registry's outputs", async () => {
    expect(await unwrap(registry.registryName)).toBe("edgeacr01");
    expect(await unwrap(registry.registryId)).toBe(
      `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-edge/providers/Microsoft.ContainerRegistry/registries/edgeacr01`,
    );
    expect(await unwrap(registry.loginServer)).toBe("edgeacr01.azurecr.io");
    expect(await unwrap(registry.dataEndpointHostNames)).toEqual(["edgeacr01.eastus.data.azurecr.io"]);
    expect(await unwrap(registry.location)).toBe("eastus");
  });
});

describe("options", () => {
  beforeEach(() => resetCloud());

  it("passes every option through", async () => {
    const registry = new ContainerRegistry("acr", {
      resourceGroupName: "rg",
      registryName: "MyEdgeRegistry",
      location: "westeurope",
      zoneRedundancy: true,
      networkRules: { ipRules: ["203.0.113.0/24", "198.51.100.7"] },
      retentionDays: 30,
      tags: { env: "edge" },
    });
    await settle();
    const { inputs } = cloud.get(REGISTRY, "acr");
    expect(inputs).toMatchObject({
      registryName: "MyEdgeRegistry",
      location: "westeurope",
      zoneRedundancy: "Enabled",
      networkRuleSet: {
        defaultAction: "Deny",
        ipRules: [
          { action: "Allow", iPAddressOrRange: "203.0.113.0/24" },
          { action: "Allow", iPAddressOrRange: "198.51.100.7" },
        ],
      },
      policies: { retentionPolicy: { days: 30, status: "enabled" } },
      tags: { env: "edge" },
    });
    expect(await unwrap(registry.location)).toBe("westeurope");
    expect(await unwrap(registry.dataEndpointHostNames)).toEqual(["myedgeregistry.westeurope.data.azurecr.io"]);
  });

  it("supports an explicit Allow default action and no public access", async () => {
    new ContainerRegistry("open-acr", {
      resourceGroupName: "rg",
      networkRules: { defaultAction: NetworkDefaultAction.Allow },
    });
    new ContainerRegistry("private-acr", { resourceGroupName: "rg", publicNetworkAccessEnabled: false });
    await settle();
    expect(cloud.get(REGISTRY, "open-acr").inputs.networkRuleSet).toEqual({ defaultAction: "Allow", ipRules: [] });
    expect(cloud.get(REGISTRY, "private-acr").inputs.publicNetworkAccess).toBe("Disabled");
    expect(cloud.get(REGISTRY, "private-acr").inputs.networkRuleSet).toBeUndefined();
  });

  it("allows a Standard registry when the data endpoint is off, without Premium-only policies", async () => {
    const registry = new ContainerRegistry("standard", {
      resourceGroupName: "rg",
      sku: RegistrySku.Standard,
      dataEndpointEnabled: false,
    });
    await settle();
    const { inputs } = cloud.get(REGISTRY, "standard");
    expect(inputs.sku).toEqual({ name: "Standard" });
    expect(inputs.dataEndpointEnabled).toBe(false);
    expect(inputs.policies).toEqual({ azureADAuthenticationAsArmPolicy: { status: "disabled" } });
    expect(await unwrap(registry.dataEndpointHostNames)).toEqual([]);
  });
});

describe("imports", () => {
  beforeEach(() => resetCloud());

  it("creates one ImageImport per import, named after its target, into this registry", async () => {
    new ContainerRegistry("edge", {
      resourceGroupName: "rg",
      registryName: "edgeacr",
      imports: [
        { source: "mcr.microsoft.com/mcr/hello-world:latest" },
        { source: "docker.io/library/nginx", targetTags: ["web/nginx:stable"], mode: ImportMode.Force },
        {
          source:
            "mcr.microsoft.com/mcr/hello-world@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        },
      ],
    });
    await settle();
    expect(cloud.ofType(IMPORT_COMPONENT).map((r) => r.name)).toEqual([
      "edge-import-mcr-hello-world-latest",
      "edge-import-web-nginx-stable",
      "edge-import-mcr-hello-world-sha256-0123456789ab",
    ]);
    expect(cloud.ofType(IMPORT).map((r) => r.name)).toEqual(cloud.ofType(IMPORT_COMPONENT).map((r) => r.name));
    const { __provider, ...hello } = cloud.get(IMPORT, "edge-import-mcr-hello-world-latest").inputs;
    expect(typeof __provider).toBe("string");
    expect(hello).toEqual({
      subscriptionId: SUBSCRIPTION_ID,
      resourceGroupName: "rg",
      registryName: "edgeacr",
      registryUri: "mcr.microsoft.com",
      sourceImage: "mcr/hello-world:latest",
      targetTags: ["mcr/hello-world:latest"],
      untaggedTargetRepositories: [],
      mode: "NoForce",
    });
    expect(cloud.get(IMPORT, "edge-import-web-nginx-stable").inputs).toMatchObject({
      registryUri: "docker.io",
      sourceImage: "library/nginx:latest",
      targetTags: ["web/nginx:stable"],
      mode: "Force",
    });
    // The subscription comes from the registry's id: no getClientConfig invoke is needed.
    expect(cloud.calls.map((c) => c.token)).not.toContain("azure-native:authorization:getClientConfig");
  });

  it("imports into the registry Azure created: name and subscription come from its outputs", async () => {
    const otherSubscription = "99999999-8888-7777-6666-555555555555";
    cloud.rules[REGISTRY] = () => ({
      id: `/subscriptions/${otherSubscription}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/createdname`,
      state: { name: "createdname", loginServer: "createdname.azurecr.io", location: "eastus" },
    });
    new ContainerRegistry("ordered", {
      resourceGroupName: "rg",
      imports: [{ source: "mcr.microsoft.com/mcr/hello-world:latest" }],
    });
    await settle();
    expect(cloud.get(IMPORT, "ordered-import-mcr-hello-world-latest").inputs).toMatchObject({
      subscriptionId: otherSubscription,
      resourceGroupName: "rg",
      registryName: "createdname",
    });
  });

  it("keeps child names when the imports are reordered", async () => {
    const a = { source: "mcr.microsoft.com/mcr/hello-world:latest" };
    const b = { source: "docker.io/library/busybox:1.36" };
    new ContainerRegistry("first", { resourceGroupName: "rg", imports: [a, b] });
    new ContainerRegistry("second", { resourceGroupName: "rg", imports: [b, a] });
    await settle();
    const names = cloud.ofType(IMPORT_COMPONENT).map((r) => r.name);
    expect(names).toEqual([
      "first-import-mcr-hello-world-latest",
      "first-import-library-busybox-1-36",
      "second-import-library-busybox-1-36",
      "second-import-mcr-hello-world-latest",
    ]);
  });

  it("names an import by index when its source is only known at deploy time", async () => {
    new ContainerRegistry("late-acr", {
      resourceGroupName: "rg",
      imports: [{ source: pulumi.output("mcr.microsoft.com/mcr/hello-world:1.0") }],
    });
    await settle();
    expect(cloud.get(IMPORT, "late-acr-import-0").inputs.targetTags).toEqual(["mcr/hello-world:1.0"]);
  });
});

it("two instances in one stack do not collide", async () => {
  resetCloud();
  const imports = [{ source: "mcr.microsoft.com/mcr/hello-world:latest" }];
  new ContainerRegistry("site-a", { resourceGroupName: "rg", imports });
  new ContainerRegistry("site-b", { resourceGroupName: "rg", imports });
  await settle();
  expect(cloud.duplicateUrns).toEqual([]);
  expect(cloud.ofType(REGISTRY).map((r) => r.inputs.registryName)).toEqual(["sitea", "siteb"]);
  expect(cloud.ofType(IMPORT)).toHaveLength(2);
});

describe("bad input fails at construction, naming the argument", () => {
  const cases: [string, string, Partial<ContainerRegistryArgs>, string][] = [
    ["too short a derived name", "x-y", {}, "registryName"],
    ["a registry name with dashes", "badacr", { registryName: "my-registry" }, "registryName"],
    ["a too long registry name", "badacr", { registryName: "a".repeat(51) }, "registryName"],
    ["an unknown sku", "badacr", { sku: "Gold" as RegistrySku }, "sku"],
    ["Basic with the default data endpoint", "badacr", { sku: RegistrySku.Basic }, "sku"],
    [
      "Standard with the data endpoint on",
      "badacr",
      { sku: RegistrySku.Standard, dataEndpointEnabled: true },
      "dataEndpointEnabled",
    ],
    [
      "network rules on Basic",
      "badacr",
      { sku: RegistrySku.Basic, dataEndpointEnabled: false, networkRules: { ipRules: ["1.2.3.4"] } },
      "networkRules",
    ],
    [
      "retention on Standard",
      "badacr",
      { sku: RegistrySku.Standard, dataEndpointEnabled: false, retentionDays: 3 },
      "retentionDays",
    ],
    ["retention out of range", "badacr", { retentionDays: 400 }, "retentionDays"],
    [
      "a bad IP rule",
      "badacr",
      { networkRules: { ipRules: ["198.51.100.0/24", "300.1.1.1"] } },
      "networkRules.ipRules[1]",
    ],
    [
      "a bad default action",
      "badacr",
      { networkRules: { defaultAction: "Block" as NetworkDefaultAction } },
      "networkRules.defaultAction",
    ],
    [
      "network rules without public access",
      "badacr",
      { publicNetworkAccessEnabled: false, networkRules: { ipRules: ["1.2.3.4"] } },
      "networkRules",
    ],
    [
      "an invalid import source",
      "badacr",
      { imports: [{ source: "docker.io/library/nginx" }, { source: "Bad Image" }] },
      "imports[1].source",
    ],
    ["an empty import source", "badacr", { imports: [{ source: "" }] }, "imports[0].source"],
    [
      "a malformed import target",
      "badacr",
      { imports: [{ source: "docker.io/library/nginx", targetTags: ["nginx"] }] },
      "imports[0].targetTags[0]",
    ],
    [
      "overlapping import targets",
      "badacr",
      {
        imports: [
          { source: "docker.io/library/nginx:1.25", targetTags: ["web:1"] },
          { source: "docker.io/library/httpd", targetTags: ["web:1"] },
        ],
      },
      "imports[1].targetTags",
    ],
    [
      "an unknown import mode",
      "badacr",
      { imports: [{ source: "docker.io/library/nginx", mode: "Always" as ImportMode }] },
      "imports[0].mode",
    ],
  ];
  it.each(cases)("%s", (_label, name, args, path) => {
    const error = constructionError(() => new ContainerRegistry(name, { resourceGroupName: "rg", ...args }));
    expect(error.propertyPath).toBe(path);
    expect(error.message.startsWith(`${path}: `)).toBe(true);
  });

  it("the derived-name error tells the user to set registryName", () => {
    const error = constructionError(() => new ContainerRegistry("a-b", { resourceGroupName: "rg" }));
    expect(error.message).toContain("set registryName");
  });

  it("the data endpoint error names both arguments", () => {
    const error = constructionError(
      () =>
        new ContainerRegistry("badacr", { resourceGroupName: "rg", sku: RegistrySku.Basic, dataEndpointEnabled: true }),
    );
    expect(error.message).toMatch(/^dataEndpointEnabled: .*sku Premium/);
  });
});

describe("landing zone arguments (issue 27)", () => {
  const SUB = SUBSCRIPTION_ID;
  const subnet = (vnet: string, name: string) =>
    `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/${vnet}/subnets/${name}`;
  const zone = `/subscriptions/${SUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.azurecr.io`;
  const workspace = `/subscriptions/${SUB}/resourceGroups/rg-ops/providers/Microsoft.OperationalInsights/workspaces/law-edge`;
  const storage = `/subscriptions/${SUB}/resourceGroups/rg-ops/providers/Microsoft.Storage/storageAccounts/stedgelogs`;
  const eventHubRule = `/subscriptions/${SUB}/resourceGroups/rg-ops/providers/Microsoft.EventHub/namespaces/ehns/authorizationRules/send`;
  const identity = `/subscriptions/${SUB}/resourceGroups/rg-sec/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-acr`;
  const clientId = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";
  const PE = "azure-native:network:PrivateEndpoint";
  const ZONE_GROUP = "azure-native:network:PrivateDnsZoneGroup";
  const DIAGNOSTICS = "azure-native:monitor:DiagnosticSetting";
  const LOCK = "azure-native:authorization:ManagementLockByScope";
  const registrations = recordRegistrations();
  beforeEach(() => {
    resetCloud();
    registrations.clear();
  });
  const parentOf = (type: string, name: string) => {
    const parent = registrations.get(type, name).parent;
    return registrations.all.find((r) => r.urn === parent);
  };

  it("privateEndpoints: one endpoint per subnet on the registry's `registry` group, with a zone group in privatelink.azurecr.io", async () => {
    const acr = new ContainerRegistry("lz", {
      resourceGroupName: "rg",
      registryName: "lzacr01",
      publicNetworkAccessEnabled: false,
      privateEndpoints: [
        { subnetId: subnet("hub", "snet-pe"), privateDnsZoneId: zone },
        { subnetId: subnet("spoke", "snet-pe"), label: "spoke", resourceGroupName: "rg-spoke", location: "westeurope" },
      ],
    });
    await settle();
    const registryId = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/lzacr01`;
    expect(cloud.ofType(PE).map((r) => r.name)).toEqual(["lz-pe-snet-pe", "lz-pe-spoke"]);
    expect(cloud.get(PE, "lz-pe-snet-pe").inputs).toEqual({
      resourceGroupName: "rg",
      // The two policies are azure-native's SubnetArgs defaults; ARM reads only the id of a referenced subnet.
      subnet: {
        id: subnet("hub", "snet-pe"),
        privateEndpointNetworkPolicies: "Disabled",
        privateLinkServiceNetworkPolicies: "Enabled",
      },
      privateLinkServiceConnections: [
        { name: "lz-pe-snet-pe", privateLinkServiceId: registryId, groupIds: ["registry"] },
      ],
    });
    expect(cloud.get(PE, "lz-pe-spoke").inputs).toMatchObject({
      resourceGroupName: "rg-spoke",
      location: "westeurope",
      subnet: { id: subnet("spoke", "snet-pe") },
    });
    // The zone group only where a zone is given; it names the endpoint Azure created.
    expect(cloud.ofType(ZONE_GROUP).map((r) => r.name)).toEqual(["lz-pe-snet-pe-dns"]);
    expect(cloud.get(ZONE_GROUP, "lz-pe-snet-pe-dns").inputs).toEqual({
      resourceGroupName: "rg",
      privateEndpointName: cloud.get(PE, "lz-pe-snet-pe").state.name,
      privateDnsZoneGroupName: "default",
      privateDnsZoneConfigs: [{ name: "registry", privateDnsZoneId: zone }],
    });
    expect(cloud.get(REGISTRY, "lz").inputs.publicNetworkAccess).toBe("Disabled");
    // Both endpoints' records cover the login server and the data endpoint connected registries sync from.
    const records = await unwrap(acr.privateEndpointDnsRecords);
    expect(records.map((r) => r.fqdn)).toEqual([
      "lzacr01.azurecr.io",
      "lzacr01.eastus.data.azurecr.io",
      "lzacr01.azurecr.io",
      "lzacr01.eastus.data.azurecr.io",
    ]);
    expect(records.every((r) => r.ipAddresses.length === 1)).toBe(true);
    for (const child of ["lz-pe-snet-pe", "lz-pe-spoke"]) {
      expect(parentOf(PE, child)?.type).toBe("edge-registry:index:ContainerRegistry");
    }
    expect(parentOf(ZONE_GROUP, "lz-pe-snet-pe-dns")?.name).toBe("lz");
  });

  it("no private endpoints: no endpoint, an empty record list", async () => {
    const acr = new ContainerRegistry("plain", { resourceGroupName: "rg" });
    await settle();
    expect(cloud.ofType(PE)).toEqual([]);
    expect(await unwrap(acr.privateEndpointDnsRecords)).toEqual([]);
  });

  it("networkRuleBypassOptions and a Deny rule set that only private endpoints pass", async () => {
    new ContainerRegistry("bypass", {
      resourceGroupName: "rg",
      networkRuleBypassOptions: NetworkRuleBypass.None,
      networkRules: { defaultAction: NetworkDefaultAction.Deny },
      privateEndpoints: [{ subnetId: subnet("hub", "snet-pe") }],
    });
    await settle();
    expect(cloud.get(REGISTRY, "bypass").inputs).toMatchObject({
      networkRuleBypassOptions: "None",
      networkRuleSet: { defaultAction: "Deny", ipRules: [] },
    });
  });

  it("diagnostics: login and repository events and metrics to every destination given", async () => {
    new ContainerRegistry("diag", {
      resourceGroupName: "rg",
      registryName: "diagacr01",
      diagnostics: {
        workspaceId: workspace,
        storageAccountId: storage,
        eventHubAuthorizationRuleId: eventHubRule,
        eventHubName: "acr",
      },
    });
    new ContainerRegistry("nometrics", {
      resourceGroupName: "rg",
      diagnostics: { workspaceId: workspace, metricsEnabled: false },
    });
    await settle();
    expect(cloud.get(DIAGNOSTICS, "diag-diagnostics").inputs).toEqual({
      resourceUri: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/diagacr01`,
      workspaceId: workspace,
      storageAccountId: storage,
      eventHubAuthorizationRuleId: eventHubRule,
      eventHubName: "acr",
      logs: [
        { category: "ContainerRegistryLoginEvents", enabled: true },
        { category: "ContainerRegistryRepositoryEvents", enabled: true },
      ],
      metrics: [{ category: "AllMetrics", enabled: true }],
    });
    expect(cloud.get(DIAGNOSTICS, "nometrics-diagnostics").inputs.metrics).toEqual([]);
    expect(parentOf(DIAGNOSTICS, "diag-diagnostics")?.name).toBe("diag");
  });

  it("lock: on the registry's id, created after every other child", async () => {
    new ContainerRegistry("locked", {
      resourceGroupName: "rg",
      registryName: "lockedacr",
      lock: { level: RegistryLockLevel.CanNotDelete },
      privateEndpoints: [{ subnetId: subnet("hub", "snet-pe"), privateDnsZoneId: zone }],
      diagnostics: { workspaceId: workspace },
      imports: [{ source: "mcr.microsoft.com/mcr/hello-world:latest" }],
    });
    await settle();
    const lock = cloud.get(LOCK, "locked-lock");
    expect(lock.inputs).toEqual({
      scope: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/lockedacr`,
      level: "CanNotDelete",
      notes: expect.stringContaining('ContainerRegistry "locked"'),
    });
    expect(parentOf(LOCK, "locked-lock")?.name).toBe("locked");
    // Registered only once the endpoint, the diagnostic setting and the import exist.
    const last = Math.max(
      ...[
        cloud.get(PE, "locked-pe-snet-pe"),
        cloud.get(DIAGNOSTICS, "locked-diagnostics"),
        cloud.get(IMPORT, "locked-import-mcr-hello-world-latest"),
      ].map((r) => r.registeredAt),
    );
    expect(lock.registeredAt).toBeGreaterThanOrEqual(last);
  });

  it("lock ReadOnly without imports is allowed (with a warning) and lock options reach the lock as the other children's", async () => {
    new ContainerRegistry(
      "readonly",
      { resourceGroupName: "rg", lock: { level: RegistryLockLevel.ReadOnly, notes: "landing zone" } },
      { protect: true },
    );
    await settle();
    expect(cloud.get(LOCK, "readonly-lock").inputs).toMatchObject({ level: "ReadOnly", notes: "landing zone" });
    expect(registrations.get(LOCK, "readonly-lock").protect).toBe(true);
    expect(registrations.get(REGISTRY, "readonly").protect).toBe(true);
  });

  it("customerManagedKey: the user-assigned identity on the registry and its key, versionless for rotation", async () => {
    const keyUri = "https://kv-edge.vault.azure.net/keys/acr-cmk";
    new ContainerRegistry("cmkacr", {
      resourceGroupName: "rg",
      customerManagedKey: { keyUri, identityId: identity, identityClientId: clientId },
    });
    await settle();
    expect(cloud.get(REGISTRY, "cmkacr").inputs).toMatchObject({
      identity: { type: "UserAssigned", userAssignedIdentities: { [identity]: {} } },
      encryption: { status: "enabled", keyVaultProperties: { identity: clientId, keyIdentifier: keyUri } },
    });
  });

  it("softDelete: the soft delete policy on, the retention policy explicitly off", async () => {
    new ContainerRegistry("softacr", { resourceGroupName: "rg", softDelete: 30 });
    await settle();
    expect(cloud.get(REGISTRY, "softacr").inputs.policies).toEqual({
      azureADAuthenticationAsArmPolicy: { status: "disabled" },
      retentionPolicy: { days: 7, status: "disabled" },
      softDeletePolicy: { retentionDays: 30, status: "enabled" },
    });
  });

  const base = { resourceGroupName: "rg" };
  const cases: [string, Partial<ContainerRegistryArgs>, string][] = [
    ["softDelete with retentionDays", { softDelete: 7, retentionDays: 7 }, "softDelete"],
    ["softDelete out of range", { softDelete: 91 }, "softDelete"],
    ["a private IP rule", { networkRules: { ipRules: ["203.0.113.9", "10.20.0.0/16"] } }, "networkRules.ipRules[1]"],
    ["a loopback IP rule", { networkRules: { ipRules: ["127.0.0.1"] } }, "networkRules.ipRules[0]"],
    ["Deny with no rules and no private endpoint", { networkRules: {} }, "networkRules.ipRules"],
    ["a bad bypass", { networkRuleBypassOptions: "Everyone" as NetworkRuleBypass }, "networkRuleBypassOptions"],
    ["a malformed subnet id", { privateEndpoints: [{ subnetId: "snet-pe" }] }, "privateEndpoints[0].subnetId"],
    [
      "a DNS zone other than privatelink.azurecr.io",
      {
        privateEndpoints: [
          {
            subnetId: subnet("hub", "a"),
            privateDnsZoneId: zone.replace("privatelink.azurecr.io", "privatelink.blob.core.windows.net"),
          },
        ],
      },
      "privateEndpoints[0].privateDnsZoneId",
    ],
    [
      "two endpoints with one label",
      { privateEndpoints: [{ subnetId: subnet("hub", "pe") }, { subnetId: subnet("spoke", "pe") }] },
      "privateEndpoints[1].label",
    ],
    [
      "private endpoints on Standard",
      { sku: RegistrySku.Standard, dataEndpointEnabled: false, privateEndpoints: [{ subnetId: subnet("hub", "pe") }] },
      "privateEndpoints",
    ],
    ["diagnostics without a destination", { diagnostics: { metricsEnabled: true } }, "diagnostics"],
    [
      "an event hub name without its rule",
      { diagnostics: { workspaceId: workspace, eventHubName: "acr" } },
      "diagnostics.eventHubName",
    ],
    ["a workspace id that is a storage account", { diagnostics: { workspaceId: storage } }, "diagnostics.workspaceId"],
    ["an unknown lock level", { lock: { level: "Frozen" as RegistryLockLevel } }, "lock.level"],
    [
      "a ReadOnly lock with imports",
      {
        lock: { level: RegistryLockLevel.ReadOnly },
        imports: [{ source: "mcr.microsoft.com/mcr/hello-world:latest" }],
      },
      "lock.level",
    ],
    [
      "a key URI of a secret",
      {
        customerManagedKey: {
          keyUri: "https://kv-edge.vault.azure.net/secrets/acr",
          identityId: identity,
          identityClientId: clientId,
        },
      },
      "customerManagedKey.keyUri",
    ],
    [
      "a system identity id",
      {
        customerManagedKey: {
          keyUri: "https://kv-edge.vault.azure.net/keys/acr",
          identityId: "system",
          identityClientId: clientId,
        },
      },
      "customerManagedKey.identityId",
    ],
    [
      "a customer-managed key on Standard",
      {
        sku: RegistrySku.Standard,
        dataEndpointEnabled: false,
        customerManagedKey: {
          keyUri: "https://kv-edge.vault.azure.net/keys/acr",
          identityId: identity,
          identityClientId: clientId,
        },
      },
      "customerManagedKey",
    ],
  ];
  it.each(cases)("refuses %s, naming the argument", (_label, args, path) => {
    const error = constructionError(() => new ContainerRegistry("badacr", { ...base, ...args }));
    expect(error.propertyPath).toBe(path);
    expect(error.message.startsWith(`${path}: `)).toBe(true);
  });

  it("the soft delete error names both arguments", () => {
    const error = constructionError(
      () => new ContainerRegistry("badacr", { ...base, softDelete: 7, retentionDays: 3 }),
    );
    expect(error.message).toMatch(/^softDelete: cannot be combined with retentionDays/);
  });

  it("a private IP rule is refused with the reason an edge site could not match it", () => {
    const error = constructionError(
      () => new ContainerRegistry("badacr", { ...base, networkRules: { ipRules: ["192.168.1.0/24"] } }),
    );
    expect(error.message).toContain("public egress (NAT) address, for the login server and the data endpoint alike");
  });

  it("a pinned key version is accepted (rotation by a new URI)", async () => {
    const keyUri = "https://kv-edge.vault.azure.net/keys/acr-cmk/0123456789abcdef0123456789abcdef";
    new ContainerRegistry("pinned", {
      ...base,
      customerManagedKey: { keyUri, identityId: identity, identityClientId: clientId },
    });
    await settle();
    expect(cloud.get(REGISTRY, "pinned").inputs.encryption.keyVaultProperties.keyIdentifier).toBe(keyUri);
  });
});
