/**
 * ConnectedRegistry under mocks: the resources `az acr connected-registry create` + `get-settings
 * --generate-password 1` produce (platform-facts §1-2), the connection string, secrecy, and the
 * construction-time errors for bad input.
 */
import {
  cloud,
  constructionError,
  fakePassword,
  isSecret,
  resetCloud,
  settle,
  SUBSCRIPTION_ID,
  unwrap,
} from "./harness/mocks";
import { execFile } from "node:child_process";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  ConnectedRegistry,
  ConnectedRegistryArgs,
  ConnectedRegistryLogLevel,
  ConnectedRegistryMode,
  TokenPasswordSlot,
} from "../components";
import { formatConnectionString } from "../components/lib/connectionString";

const SCOPE_MAP = "azure-native:containerregistry:ScopeMap";
const TOKEN = "azure-native:containerregistry:Token";
const CONNECTED_REGISTRY = "azure-native:containerregistry:ConnectedRegistry";
const PASSWORD = "pulumi-nodejs:dynamic/edge-registry:TokenPassword";
const registryId = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/myacrregistry`;

const base: ConnectedRegistryArgs = {
  resourceGroupName: "rg",
  registryName: "myacrregistry",
  connectedRegistryName: "myconnectedregistry",
  repositories: ["hello-world"],
};

beforeEach(() => resetCloud());

describe("a ReadOnly connected registry for hello-world (the quickstart)", () => {
  let cr: ConnectedRegistry;
  beforeAll(async () => {
    resetCloud();
    cr = new ConnectedRegistry("edge", { ...base, clientTokens: [{ name: "myclienttoken" }] });
    await settle();
  });
  // The recorded resources are read in the tests below; resetCloud in beforeEach must not clear them.
  let recorded: typeof cloud.resources;
  beforeAll(() => {
    recorded = [...cloud.resources];
  });
  const get = (type: string, name: string) => {
    const found = recorded.find((r) => r.type === type && r.name === name);
    if (!found) throw new Error(`no ${type} ${name}`);
    return found;
  };

  it("creates exactly the sync and client scope maps, tokens, passwords and the connected registry", () => {
    const counts: Record<string, number> = {};
    for (const r of recorded) counts[r.type] = (counts[r.type] ?? 0) + 1;
    expect(counts).toEqual({
      "edge-registry:index:ConnectedRegistry": 1,
      [SCOPE_MAP]: 2,
      [TOKEN]: 2,
      [PASSWORD]: 2,
      [CONNECTED_REGISTRY]: 1,
    });
  });

  it("gives the sync scope map exactly the six actions of platform-facts §1, named after the connected registry", () => {
    const scopeMap = get(SCOPE_MAP, "edge-sync");
    expect(scopeMap.inputs).toEqual({
      resourceGroupName: "rg",
      registryName: "myacrregistry",
      scopeMapName: "myconnectedregistry",
      description: "Created by connected registry sync token: myconnectedregistry",
      actions: [
        "repositories/hello-world/content/read",
        "repositories/hello-world/metadata/read",
        "gateway/myconnectedregistry/config/read",
        "gateway/myconnectedregistry/config/write",
        "gateway/myconnectedregistry/message/read",
        "gateway/myconnectedregistry/message/write",
      ],
    });
  });

  it("creates the enabled sync token named after the connected registry, without credentials", () => {
    const token = get(TOKEN, "edge-sync");
    expect(token.inputs).toEqual({
      resourceGroupName: "rg",
      registryName: "myacrregistry",
      tokenName: "myconnectedregistry",
      scopeMapId: `${registryId}/scopeMaps/myconnectedregistry`,
      status: "enabled",
    });
  });

  it("generates the sync token's passwords once, through the TokenPassword dynamic resource (both slots are its own)", () => {
    const password = get(PASSWORD, "edge-sync-password");
    expect(password.inputs.tokenId).toBe(`${registryId}/tokens/myconnectedregistry`);
    expect(password.inputs.passwordName).toBeUndefined();
    expect(password.inputs.expiry).toBeUndefined();
    expect(typeof password.inputs.__provider).toBe("string");
  });

  it("creates the connected registry with the CLI's defaults and the secure ReadOnly mode", () => {
    const registry = get(CONNECTED_REGISTRY, "edge");
    expect(registry.inputs).toEqual({
      resourceGroupName: "rg",
      registryName: "myacrregistry",
      connectedRegistryName: "myconnectedregistry",
      mode: "ReadOnly",
      parent: {
        syncProperties: {
          tokenId: `${registryId}/tokens/myconnectedregistry`,
          schedule: "* * * * *",
          messageTtl: "P2D",
        },
      },
      logging: { logLevel: "Information", auditLogStatus: "Disabled" },
      clientTokenIds: [`${registryId}/tokens/myclienttoken`],
    });
  });

  it("gives the client token a read-only scope map on the synced repositories, named as az token create names it", () => {
    expect(get(SCOPE_MAP, "edge-client-myclienttoken").inputs).toEqual({
      resourceGroupName: "rg",
      registryName: "myacrregistry",
      scopeMapName: "myclienttoken-scope-map",
      description: "Created by token: myclienttoken",
      actions: ["repositories/hello-world/content/read", "repositories/hello-world/metadata/read"],
    });
    expect(get(TOKEN, "edge-client-myclienttoken").inputs).toMatchObject({
      tokenName: "myclienttoken",
      scopeMapId: `${registryId}/scopeMaps/myclienttoken-scope-map`,
      status: "enabled",
    });
    expect(get(PASSWORD, "edge-client-myclienttoken-password").inputs.tokenId).toBe(
      `${registryId}/tokens/myclienttoken`,
    );
  });

  it("outputs the connection string exactly as get-settings prints it, as a secret", async () => {
    const password = fakePassword(`${registryId}/tokens/myconnectedregistry:edge-sync-password`);
    expect(await unwrap(cr.connectionString)).toBe(
      `ConnectedRegistryName=myconnectedregistry;SyncTokenName=myconnectedregistry;SyncTokenPassword=${password};` +
        "ParentGatewayEndpoint=myacrregistry.eastus.data.azurecr.io;ParentEndpointProtocol=https",
    );
    expect(await isSecret(cr.connectionString)).toBe(true);
  });

  it("outputs client credentials by token name, as a secret", async () => {
    expect(await unwrap(cr.clientCredentials)).toEqual({
      myclienttoken: {
        username: "myclienttoken",
        password: fakePassword(`${registryId}/tokens/myclienttoken:edge-client-myclienttoken-password`),
      },
    });
    expect(await isSecret(cr.clientCredentials)).toBe(true);
  });

  it("outputs names, ids and state of the connected registry", async () => {
    expect(await unwrap(cr.connectedRegistryName)).toBe("myconnectedregistry");
    expect(await unwrap(cr.connectedRegistryId)).toBe(`${registryId}/connectedRegistries/myconnectedregistry`);
    expect(await unwrap(cr.syncTokenName)).toBe("myconnectedregistry");
    expect(await unwrap(cr.syncTokenId)).toBe(`${registryId}/tokens/myconnectedregistry`);
    expect(await unwrap(cr.gatewayEndpoint)).toBe("myacrregistry.eastus.data.azurecr.io");
    expect(await unwrap(cr.connectionState)).toBe("Offline");
    expect(await unwrap(cr.activationStatus)).toBe("Inactive");
    expect(await unwrap(cr.lastActivityTime)).toBe("2026-01-01T00:00:00Z");
  });
});

it("gives a ReadWrite sync scope map 5 actions per repository (lowercased) and the 4 gateway actions", async () => {
  new ConnectedRegistry("rw", {
    ...base,
    connectedRegistryName: "MyEdgeRegistry",
    mode: ConnectedRegistryMode.ReadWrite,
    repositories: ["hello-world", "Samples/Nginx"],
  });
  await settle();
  const actions = cloud.get(SCOPE_MAP, "rw-sync").inputs.actions;
  expect(actions).toEqual([
    "repositories/hello-world/content/read",
    "repositories/hello-world/content/write",
    "repositories/hello-world/content/delete",
    "repositories/hello-world/metadata/read",
    "repositories/hello-world/metadata/write",
    "repositories/samples/nginx/content/read",
    "repositories/samples/nginx/content/write",
    "repositories/samples/nginx/content/delete",
    "repositories/samples/nginx/metadata/read",
    "repositories/samples/nginx/metadata/write",
    "gateway/myedgeregistry/config/read",
    "gateway/myedgeregistry/config/write",
    "gateway/myedgeregistry/message/read",
    "gateway/myedgeregistry/message/write",
  ]);
  expect(cloud.get(CONNECTED_REGISTRY, "rw").inputs.mode).toBe("ReadWrite");
  expect(cloud.ofType(PASSWORD)).toHaveLength(1);
  expect(cloud.ofType(CONNECTED_REGISTRY)[0].inputs.clientTokenIds).toBeUndefined();
});

it("passes schedule, window, TTL, logging, notifications, garbage collection and password expiry through", async () => {
  const cr = new ConnectedRegistry("tuned", {
    ...base,
    syncSchedule: "0 9 * * 1-5",
    syncWindow: "PT3H",
    messageTtl: "P7D",
    logLevel: ConnectedRegistryLogLevel.Warning,
    auditLogEnabled: true,
    notifications: ["hello-world:*:*", "sample/repo/*:1.0:push"],
    garbageCollection: { enabled: true, schedule: "0 5 * * *" },
    passwordExpiry: "2999-12-31T23:59:59Z",
    passwordRotationTrigger: "2026-q1",
    clientTokens: [{ name: "puller", actions: ["content/read"] }],
  });
  await settle();
  expect(cloud.get(CONNECTED_REGISTRY, "tuned").inputs).toMatchObject({
    parent: {
      syncProperties: { schedule: "0 9 * * 1-5", syncWindow: "PT3H", messageTtl: "P7D" },
    },
    logging: { logLevel: "Warning", auditLogStatus: "Enabled" },
    notificationsList: ["hello-world:*:*", "sample/repo/*:1.0:push"],
    garbageCollection: { enabled: true, schedule: "0 5 * * *" },
  });
  for (const password of cloud.ofType(PASSWORD)) {
    expect(password.inputs).toMatchObject({ expiry: "2999-12-31T23:59:59Z", rotationTrigger: "2026-q1" });
  }
  expect(cloud.get(SCOPE_MAP, "tuned-client-puller").inputs.actions).toEqual(["repositories/hello-world/content/read"]);
  expect(await unwrap(cr.clientCredentials)).toHaveProperty("puller.username", "puller");
});

it("passes takeOverPasswordSlot to the sync token's password and each client token's own to its password", async () => {
  new ConnectedRegistry("takeover", {
    ...base,
    takeOverPasswordSlot: TokenPasswordSlot.Password2,
    clientTokens: [{ name: "puller", takeOverPasswordSlot: TokenPasswordSlot.Password1 }, { name: "other" }],
  });
  await settle();
  expect(cloud.get(PASSWORD, "takeover-sync-password").inputs.takeOverPasswordSlot).toBe("password2");
  expect(cloud.get(PASSWORD, "takeover-client-puller-password").inputs.takeOverPasswordSlot).toBe("password1");
  expect(cloud.get(PASSWORD, "takeover-client-other-password").inputs.takeOverPasswordSlot).toBeUndefined();
});

it("derives the connected registry name from a valid resource name, and two instances do not collide", async () => {
  const withoutName: ConnectedRegistryArgs = { ...base, connectedRegistryName: undefined };
  new ConnectedRegistry("edge-site-01", { ...withoutName, clientTokens: [{ name: "client1" }] });
  new ConnectedRegistry("two", { ...base, connectedRegistryName: "edgetwo", clientTokens: [{ name: "client2" }] });
  await settle();
  expect(cloud.get(CONNECTED_REGISTRY, "edge-site-01").inputs.connectedRegistryName).toBe("edgesite01");
  expect(cloud.get(TOKEN, "edge-site-01-sync").inputs.tokenName).toBe("edgesite01");
  expect(cloud.get(SCOPE_MAP, "edge-site-01-sync").inputs.scopeMapName).toBe("edgesite01");
  expect(cloud.duplicateUrns).toEqual([]);
  expect(
    cloud
      .ofType(PASSWORD)
      .map((p) => p.name)
      .sort(),
  ).toEqual([
    "edge-site-01-client-client1-password",
    "edge-site-01-sync-password",
    "two-client-client2-password",
    "two-sync-password",
  ]);
});

describe("rejects bad input at construction, naming the argument", () => {
  const cases: [string, Partial<ConnectedRegistryArgs>, string][] = [
    ["connectedRegistryName too short", { connectedRegistryName: "edge" }, "connectedRegistryName"],
    ["connectedRegistryName with a hyphen", { connectedRegistryName: "my-edge" }, "connectedRegistryName"],
    ["connectedRegistryName too long", { connectedRegistryName: "a".repeat(51) }, "connectedRegistryName"],
    ["registry name as login server", { registryName: "myacr.azurecr.io" }, "registryName"],
    ["no repositories", { repositories: [] }, "repositories"],
    ["invalid repository", { repositories: ["hello-world", "hello world"] }, "repositories[1]"],
    ["repository with a tag", { repositories: ["hello-world:latest"] }, "repositories[0]"],
    ["duplicate repositories", { repositories: ["hello-world", "Hello-World"] }, "repositories"],
    ["cron with 4 fields", { syncSchedule: "0 9 * *", syncWindow: "PT3H" }, "syncSchedule"],
    ["cron out of range", { syncSchedule: "0 24 * * *", syncWindow: "PT3H" }, "syncSchedule"],
    ["window not ISO 8601", { syncWindow: "3h" }, "syncWindow"],
    ["window too short", { syncSchedule: "0 9 * * *", syncWindow: "PT59M" }, "syncWindow"],
    ["window too long", { syncSchedule: "0 9 * * *", syncWindow: "P8D" }, "syncWindow"],
    ["TTL too short", { messageTtl: "PT12H" }, "messageTtl"],
    ["TTL too long", { messageTtl: "P91D" }, "messageTtl"],
    ["unknown mode", { mode: "Mirror" as ConnectedRegistryMode }, "mode"],
    ["unknown log level", { logLevel: "Verbose" as ConnectedRegistryLogLevel }, "logLevel"],
    ["notification without action", { notifications: ["hello-world:latest"] }, "notifications[0]"],
    ["notification with a bad action", { notifications: ["hello-world:*:pull"] }, "notifications[0]"],
    ["expiry not RFC 3339", { passwordExpiry: "31/12/2030" }, "passwordExpiry"],
    ["unknown password slot", { takeOverPasswordSlot: "password3" as TokenPasswordSlot }, "takeOverPasswordSlot"],
    [
      "unknown client password slot",
      { clientTokens: [{ name: "client1", takeOverPasswordSlot: "slot2" as TokenPasswordSlot }] },
      "clientTokens[0].takeOverPasswordSlot",
    ],
    ["garbage collection cron", { garbageCollection: { schedule: "daily" } }, "garbageCollection.schedule"],
    [
      "push client token on ReadOnly",
      { clientTokens: [{ name: "pusher", actions: ["content/read", "content/write"] }] },
      "clientTokens[0].actions",
    ],
    [
      "unknown client action",
      { mode: ConnectedRegistryMode.ReadWrite, clientTokens: [{ name: "client1", actions: ["pull"] }] },
      "clientTokens[0].actions[0]",
    ],
    ["duplicate client tokens", { clientTokens: [{ name: "client1" }, { name: "Client1" }] }, "clientTokens[1].name"],
    [
      "client token named like the sync token",
      { clientTokens: [{ name: "MyConnectedRegistry" }] },
      "clientTokens[0].name",
    ],
    ["client token name too short", { clientTokens: [{ name: "abc" }] }, "clientTokens[0].name"],
    [
      "client repository not synced",
      { clientTokens: [{ name: "client1", repositories: ["nginx"] }] },
      "clientTokens[0].repositories",
    ],
    [
      "more than 50 client tokens",
      { clientTokens: Array.from({ length: 51 }, (_, i) => ({ name: `client${i + 10}` })) },
      "clientTokens",
    ],
  ];
  it.each(cases)("%s", (_label, override, path) => {
    const error = constructionError(() => new ConnectedRegistry("bad", { ...base, ...override }));
    expect(error.propertyPath).toBe(path);
    expect(error.message.startsWith(`${path}: `)).toBe(true);
  });

  it("asks for connectedRegistryName when the resource name does not give a valid one", () => {
    const withoutName: ConnectedRegistryArgs = { ...base, connectedRegistryName: undefined };
    const error = constructionError(() => new ConnectedRegistry("edge", withoutName));
    expect(error.propertyPath).toBe("connectedRegistryName");
    expect(error.message).toContain("set connectedRegistryName");
  });
});

describe("corrections from the azure-cli source, the REST spec and the docs", () => {
  it("accepts a name starting with a digit, 50 characters, an optional window, and 50 clients", async () => {
    new ConnectedRegistry("digits", {
      ...base,
      connectedRegistryName: `1${"a".repeat(49)}`,
      syncSchedule: "0 9 * * *",
      syncWindow: "PT1H",
      clientTokens: Array.from({ length: 50 }, (_, i) => ({ name: `client${i + 10}` })),
    });
    new ConnectedRegistry("nowindow", { ...base, connectedRegistryName: "nowindow1", syncSchedule: "0 9 * * *" });
    await settle();
    expect(cloud.get(CONNECTED_REGISTRY, "digits").inputs.clientTokenIds).toHaveLength(50);
    expect(cloud.get(CONNECTED_REGISTRY, "nowindow").inputs.parent.syncProperties.syncWindow).toBeUndefined();
  });

  it("sends a cron with extra spaces as the same, normalised schedule", async () => {
    new ConnectedRegistry("spaced", { ...base, syncSchedule: "  0   9 * *  1-5 " });
    await settle();
    expect(cloud.get(CONNECTED_REGISTRY, "spaced").inputs.parent.syncProperties.schedule).toBe("0 9 * * 1-5");
  });

  it("refuses a client token name that leaves no room for its <token>-scope-map", () => {
    const error = constructionError(
      () => new ConnectedRegistry("long", { ...base, clientTokens: [{ name: "c".repeat(41) }] }),
    );
    expect(error.propertyPath).toBe("clientTokens[0].name");
    expect(error.reason).toContain("-scope-map");
  });

  it("uses an existing sync token (az --sync-token): no scope map or token, but a password and a connection string", async () => {
    const cr = new ConnectedRegistry("existing", {
      resourceGroupName: "rg",
      registryName: "myacrregistry",
      connectedRegistryName: "existingsync",
      syncTokenName: "sharedsynctoken",
      existingClientTokens: ["readers", `${registryId}/tokens/pushers`],
    });
    await settle();
    expect(cloud.ofType(SCOPE_MAP)).toHaveLength(0);
    expect(cloud.ofType(TOKEN)).toHaveLength(0);
    const tokenId = `${registryId}/tokens/sharedsynctoken`;
    expect(cloud.get(PASSWORD, "existing-sync-password").inputs.tokenId).toBe(tokenId);
    expect(cloud.get(CONNECTED_REGISTRY, "existing").inputs.parent.syncProperties.tokenId).toBe(tokenId);
    expect(cloud.get(CONNECTED_REGISTRY, "existing").inputs.clientTokenIds).toEqual([
      `${registryId}/tokens/readers`,
      `${registryId}/tokens/pushers`,
    ]);
    expect(await unwrap(cr.connectionString)).toMatch(
      /^ConnectedRegistryName=existingsync;SyncTokenName=sharedsynctoken;SyncTokenPassword=[^;]+;ParentGatewayEndpoint=myacrregistry\.eastus\.data\.azurecr\.io;ParentEndpointProtocol=https$/,
    );
    expect(await unwrap(cr.syncTokenName)).toBe("sharedsynctoken");
  });

  it.each([
    ["syncTokenName with repositories", { syncTokenName: "sharedsynctoken" }, "syncTokenName"],
    ["neither", { repositories: undefined }, "repositories"],
    ["existing token id malformed", { existingClientTokens: ["/subscriptions/x/tokens/y"] }, "existingClientTokens[0]"],
  ])("refuses %s", (_label, override, path) => {
    const error = constructionError(() => new ConnectedRegistry("bad", { ...base, ...override }));
    expect(error.propertyPath).toBe(path);
  });

  it("outputs version, status details, last sync time and login server", async () => {
    const cr = new ConnectedRegistry("status", base);
    await settle();
    expect(await unwrap(cr.version)).toBe("1.0.0");
    expect(await unwrap(cr.lastSyncTime)).toBe("2026-01-01T00:00:00Z");
    expect(await unwrap(cr.loginServer)).toBe("myacrregistry.azurecr.io");
    expect(await unwrap(cr.statusDetails)).toEqual([]);
  });

  it("fails with a clear error instead of ParentGatewayEndpoint=undefined", () => {
    expect(() => formatConnectionString("edge1", "edge1", "pw", undefined, "https")).toThrow(
      /registryName: .*no gateway endpoint.*dataEndpointEnabled/,
    );
    expect(() => formatConnectionString("edge1", "edge1", "pw", "", "https")).toThrow(/no gateway endpoint/);
    expect(formatConnectionString("floor1", "floor1", "pw", "10.0.0.5", "http")).toBe(
      "ConnectedRegistryName=floor1;SyncTokenName=floor1;SyncTokenPassword=pw;ParentGatewayEndpoint=10.0.0.5;ParentEndpointProtocol=http",
    );
  });
});

describe("passwordExpiry that has passed or is near: a warning naming the argument and how to rotate, not an error", () => {
  const warnings = () => jest.mocked(pulumi.log.warn).mock.calls.map(([message]) => message);
  beforeEach(() => {
    jest.spyOn(pulumi.log, "warn").mockResolvedValue(undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it("warns at construction when the expiry is known, and still deploys", async () => {
    const cr = new ConnectedRegistry("expired", { ...base, passwordExpiry: "2020-01-01T00:00:00Z" });
    expect(warnings()).toEqual([
      expect.stringMatching(
        /^passwordExpiry: "2020-01-01T00:00:00Z" is in the past.*rotate: set passwordExpiry to a later time \(or change passwordRotationTrigger\)/,
      ),
    ]);
    expect(jest.mocked(pulumi.log.warn).mock.calls[0][1]).toBe(cr);
    await settle();
    expect(cloud.get(PASSWORD, "expired-sync-password").inputs.expiry).toBe("2020-01-01T00:00:00Z");
  });

  it("warns from 30 days ahead, when the value resolves during deployment too", async () => {
    const soon = new Date(Date.now() + 10 * 86_400_000).toISOString();
    new ConnectedRegistry("soon", { ...base, passwordExpiry: pulumi.output(soon) });
    await settle();
    expect(warnings()).toEqual([expect.stringMatching(/^passwordExpiry: ".*" is 10 days away/)]);
    jest.mocked(pulumi.log.warn).mockClear();
    new ConnectedRegistry("later", { ...base, passwordExpiry: new Date(Date.now() + 40 * 86_400_000).toISOString() });
    await settle();
    expect(warnings()).toEqual([]);
  });
});

describe("deploy-time checks gate the resources they protect", () => {
  // The scenarios run in a child process (test/harness/gateScenario.ts), one after the other: a registration
  // whose input failed rejects without a handler, which ends a real deployment with that error, and which jest
  // would report against whatever test runs when it arrives.
  type Outcome = { failures: string[]; resources: { type: string; name: string; inputs: Record<string, any> }[] };
  let outcomes: Record<string, Outcome>;
  beforeAll(async () => {
    const scenarios = ["actions", "repositories", "name", "passing"];
    outcomes = await new Promise<Record<string, Outcome>>((resolve, reject) =>
      execFile(
        process.execPath,
        ["-r", "./bin/register.js", "test/harness/gateScenario.ts", ...scenarios],
        { cwd: path.resolve(__dirname, ".."), maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
      ),
    );
    expect(Object.keys(outcomes)).toEqual(scenarios);
  }, 120_000);
  const names = (outcome: Outcome, prefix: string) =>
    outcome.resources.filter((r) => r.name.startsWith(prefix)).map((r) => `${r.type} ${r.name}`);

  it.each([
    ["actions", "write actions on a ReadOnly connected registry (mode known at deployment)", "clientTokens[0].actions"],
    [
      "repositories",
      "a client repository not synced (repositories known at deployment)",
      "clientTokens[0].repositories",
    ],
    ["name", "a client token named like the sync token (name known at deployment)", "clientTokens[0].name"],
  ])("%s: %s stops the client scope map, token and password", (scenario, _label, path) => {
    const outcome = outcomes[scenario];
    expect(outcome.failures.length).toBeGreaterThan(0);
    for (const failure of outcome.failures) {
      expect(failure).toContain(`${path}: `);
    }
    expect(names(outcome, "gated-client-")).toEqual([]);
    // The sync side does not take the client token's values: it is created.
    expect(names(outcome, "gated-sync")).toEqual([
      `${SCOPE_MAP} gated-sync`,
      `${TOKEN} gated-sync`,
      `${PASSWORD} gated-sync-password`,
    ]);
  });

  it("passes the same values through when the checks pass", () => {
    const outcome = outcomes.passing;
    expect(outcome.failures).toEqual([]);
    expect(names(outcome, "gated-client-")).toEqual([
      `${SCOPE_MAP} gated-client-pusher`,
      `${TOKEN} gated-client-pusher`,
      `${PASSWORD} gated-client-pusher-password`,
    ]);
    expect(
      outcome.resources.find((r) => r.name === "gated-client-pusher" && r.type === SCOPE_MAP)!.inputs.actions,
    ).toEqual(["repositories/hello-world/content/read", "repositories/hello-world/content/write"]);
  });
});
