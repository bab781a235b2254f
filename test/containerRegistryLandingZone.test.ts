/**
 * ContainerRegistry's landing-zone arguments (issue 27): private endpoints, network rules, diagnostics, lock,
 * customer-managed key, soft delete. The defaults, options and imports are in containerRegistry.test.ts.
 */
import { cloud, constructionError, resetCloud, settle, SUBSCRIPTION_ID, unwrap } from "./harness/mocks";
import { recordRegistrations } from "./harness/registrationOptions";
import { IMPORT, REGISTRY } from "./harness/registryTypes";
import {
  ContainerRegistry,
  ContainerRegistryArgs,
  NetworkDefaultAction,
  NetworkRuleBypass,
  RegistryLockLevel,
  RegistrySku,
} from "../components";

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
