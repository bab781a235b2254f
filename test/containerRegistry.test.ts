import { cloud, constructionError, resetCloud, settle, SUBSCRIPTION_ID, unwrap } from "./harness/mocks";
import * as pulumi from "@pulumi/pulumi";
import { IMPORT, IMPORT_COMPONENT, REGISTRY } from "./harness/registryTypes";
import { ContainerRegistry, ContainerRegistryArgs, ImportMode, NetworkDefaultAction, RegistrySku } from "../components";

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
