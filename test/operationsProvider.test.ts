/**
 * The deploy-time operations run the way the engine runs them in a TypeScript program: the loader the SDK
 * serializes (components/operations/loader.ts), run by a fresh `@pulumi/pulumi/cmd/dynamic-provider` process
 * (cwd = this checkout, as for a program in it; one for both operations, as the engine runs one for all the
 * program's dynamic resources), which loads the operation from the checkout's sources, configured
 * with the stack config, then driven over the provider gRPC protocol (test/harness/dynamicProvider.ts)
 * against the fake Entra ID + ARM over HTTPS on loopback (test/fakes/azure.ts, acr.ts), with the real
 * `@azure/identity` and `@azure/arm-containerregistry` inside the plugin.
 */
import * as crypto from "node:crypto";
import { deactivation } from "../components/operations/deactivation";
import { hostLocator } from "../components/operations/loader";
import { tokenPassword } from "../components/operations/tokenPassword";
import { addFakeAcr, FakeAcr } from "./fakes/acr";
import { FakeAzure, startFakeAzure } from "./fakes/azure";
import { DynamicProvider, serializeLoader, startDynamicProvider } from "./harness/dynamicProvider";
import { FakeEngine, startFakeEngine } from "./harness/engine";

let fake: FakeAzure;
let engine: FakeEngine;
let acr: FakeAcr;
let passwords: DynamicProvider;
let deactivations: DynamicProvider;
let tokenPasswordText: string;

/** Serializing the closure and loading it elsewhere: the two texts the engine would store. */
beforeAll(async () => {
  [fake, engine] = await Promise.all([startFakeAzure(), startFakeEngine()]);
  acr = addFakeAcr(fake, "myresourcegroup", "myacrregistry");
  tokenPasswordText = await serializeLoader(tokenPassword.name, hostLocator());
  const deactivationText = await serializeLoader(deactivation.name, hostLocator());
  // One process for both operations, as the engine runs one for every dynamic resource of a program (no stack
  // config: the login comes from the environment).
  passwords = await startDynamicProvider({
    provider: tokenPasswordText,
    engineAddress: engine.engineAddress,
    caFile: fake.caFile,
    env: fake.env(),
  });
  deactivations = passwords.serve(deactivationText);
}, 120_000);

afterAll(async () => {
  await passwords?.close();
  expect(passwords?.offLoopback()).toEqual([]);
  await Promise.all([fake?.close(), engine?.close()]);
});

let tokens = 0;
/** A new token in the fake registry. */
function newToken(): { name: string; id: string } {
  const name = `token${++tokens}`;
  return { name, id: acr.addToken(name) };
}

/** check + create, as `pulumi up` does for a new resource. */
async function up(provider: DynamicProvider, news: Record<string, unknown>) {
  const checked = await provider.check({}, news);
  expect(checked.failures).toEqual([]);
  return provider.create(checked.inputs);
}

/** check + diff + update (when the diff asks), as `pulumi up` does for an existing resource. */
async function upAgain(
  provider: DynamicProvider,
  id: string,
  state: Record<string, unknown>,
  news: Record<string, unknown>,
) {
  const checked = await provider.check(state, news);
  expect(checked.failures).toEqual([]);
  const diff = await provider.diff(id, state, checked.inputs);
  expect(diff.replaces).toEqual([]);
  return diff.changes === "some" ? provider.update(id, state, checked.inputs) : state;
}

it("stores a loader of at most 2 KB, with no implementation and nothing of the test's environment", () => {
  expect(tokenPasswordText.length).toBeLessThanOrEqual(2048);
  expect(tokenPasswordText).not.toContain(fake.defaultClient.secret);
  expect(tokenPasswordText).toContain('"components/operations/catalog.ts"');
  expect(tokenPasswordText).not.toMatch(/generateCredentials|@azure\//);
});

describe("TokenPassword in the dynamic provider", () => {
  it("creates once, then read and diff of an unchanged resource change nothing", async () => {
    const token = newToken();
    const created = await up(passwords, { tokenId: token.id });
    expect(created.id).toBe(`${token.id}/passwords`);
    expect(created.properties).toMatchObject({ passwordName: "password1", username: token.name });
    expect(acr.accepts(token.name, created.properties.value as string)).toBe(true);
    const read = await passwords.read(created.id, created.properties);
    expect(read).toEqual(created);
    expect(await passwords.diff(created.id, created.properties, { tokenId: token.id })).toEqual({
      changes: "none",
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(acr.generated.filter((g) => g.token === token.name)).toHaveLength(1);
  });

  it("refresh drops a password regenerated outside, removed, or whose token is gone (empty id)", async () => {
    for (const drift of ["regenerated", "removed", "token deleted"]) {
      const token = newToken();
      const created = await up(passwords, { tokenId: token.id });
      if (drift === "regenerated") acr.regenerate(token.name, "password1");
      if (drift === "removed") acr.tokens.get(token.name)!.passwords.delete("password1");
      if (drift === "token deleted") acr.tokens.delete(token.name);
      expect(await passwords.read(created.id, created.properties)).toMatchObject({ id: "" });
    }
  });

  it("a create retried after its answer was lost leaves one password in the slot, the one in the state", async () => {
    const token = newToken();
    fake.faults.add({ kind: "dropAfter", method: "POST", path: /generateCredentials$/ });
    const created = await up(passwords, { tokenId: token.id });
    const generated = acr.generated.filter((g) => g.token === token.name);
    expect(generated).toHaveLength(2);
    expect(created.properties.value).toBe(generated[1].value);
    expect(acr.accepts(token.name, generated[0].value)).toBe(false);
  });

  it("waits as long as a 429's Retry-After says", async () => {
    const token = newToken();
    // In milliseconds (`retry-after-ms`, read before `Retry-After`): far above the 5 ms test back-off without one.
    const delay = 400;
    fake.faults.add({ kind: "throttle", method: "POST", path: /generateCredentials$/, retryAfterMs: delay });
    const started = Date.now();
    await up(passwords, { tokenId: token.id });
    const posts = fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/generateCredentials"));
    expect(posts.slice(-2).map((r) => r.status)).toEqual([429, 202]);
    expect(posts.at(-1)!.at - posts.at(-2)!.at).toBeGreaterThanOrEqual(delay);
    expect(Date.now() - started).toBeGreaterThanOrEqual(delay);
  });

  it("two rotations: consumers always hold a password that logs in, the previous one is revoked only at the next rotation", async () => {
    const token = newToken();
    const v0 = await up(passwords, { tokenId: token.id, expiry: "2030-01-01T00:00:00Z" });
    // The same instant spelled otherwise is no rotation.
    const same = await upAgain(passwords, v0.id, v0.properties, {
      tokenId: token.id,
      expiry: "2030-01-01T00:00:00.000Z",
    });
    expect(same.value).toBe(v0.properties.value);

    const v1 = await upAgain(passwords, v0.id, v0.properties, { tokenId: token.id, expiry: "2031-01-01T00:00:00Z" });
    expect(v1).toMatchObject({ passwordName: "password2", previousPasswordName: "password1" });
    expect(acr.accepts(token.name, v1.value as string)).toBe(true);
    expect(acr.accepts(token.name, v0.properties.value as string)).toBe(true);

    const v2 = await upAgain(passwords, v0.id, v1, {
      tokenId: token.id,
      expiry: "2031-01-01T00:00:00Z",
      rotationTrigger: "2",
    });
    expect(v2).toMatchObject({ passwordName: "password1", previousPasswordName: "password2" });
    expect(acr.accepts(token.name, v2.value as string)).toBe(true);
    expect(acr.accepts(token.name, v1.value as string)).toBe(true);
    expect(acr.accepts(token.name, v0.properties.value as string)).toBe(false);
    expect(acr.tokens.get(token.name)!.passwords.get("password1")!.expiry).toBe("2031-01-01T00:00:00.000Z");
    // A refresh after the rotations keeps the resource.
    expect((await passwords.read(v0.id, v2)).id).toBe(v0.id);
  });

  it("delete removes the slots it generated", async () => {
    const token = newToken();
    const created = await up(passwords, { tokenId: token.id });
    await passwords.delete(created.id, created.properties);
    expect(acr.tokens.get(token.name)!.passwords.size).toBe(0);
  });

  it("check fails at preview on a bad input but lets unknown ones through", async () => {
    const bad = await passwords.check({}, { tokenId: "not-an-id" });
    expect(bad.failures[0].property).toBe("tokenId");
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const pending = await passwords.check({}, { tokenId: unknown });
    expect(pending).toEqual({ inputs: { tokenId: unknown }, failures: [] });
  });
});

describe("ConnectedRegistryDeactivation in the dynamic provider", () => {
  it("reads the activation status, deactivates on delete, and leaves the state when the connected registry is gone", async () => {
    acr.addConnectedRegistry("myconnectedregistry", "Active");
    const inputs = {
      subscriptionId: fake.subscriptionId,
      resourceGroupName: "myresourcegroup",
      registryName: "myacrregistry",
      connectedRegistryName: "myconnectedregistry",
      extension: { clusterName: "arc", extensionName: "connectedregistry" },
    };
    const created = await up(deactivations, inputs);
    expect(created.properties.activationStatus).toBe("Active");
    const caseOnly = await deactivations.diff(created.id, created.properties, {
      ...inputs,
      resourceGroupName: "MyResourceGroup",
    });
    expect(caseOnly.changes).toBe("none");
    await deactivations.delete(created.id, created.properties);
    expect(acr.connectedRegistries.get("myconnectedregistry")!.activationStatus).toBe("Inactive");
    expect((await deactivations.read(created.id, created.properties)).properties.activationStatus).toBe("Inactive");
    acr.connectedRegistries.delete("myconnectedregistry");
    expect((await deactivations.read(created.id, created.properties)).id).toBe("");
    await deactivations.delete(created.id, created.properties); // gone: nothing to do
  });
});

describe("login: the stack config wins over the environment, as in azure-native", () => {
  it.each(["config", "environment"])("uses the client from the %s", async (source) => {
    const configured = {
      clientId: crypto.randomUUID(),
      tenantId: fake.tenantId,
      secret: crypto.randomBytes(16).toString("hex"),
    };
    fake.addClient(configured);
    // The environment's login: the shared process, configured without azure-native keys. The config's: a process
    // of its own, configured with the client (the environment still holds the default client).
    const plugin =
      source === "config"
        ? await startDynamicProvider({
            provider: tokenPasswordText,
            engineAddress: engine.engineAddress,
            caFile: fake.caFile,
            env: fake.env(),
            config: { "azure-native:clientId": configured.clientId, "azure-native:clientSecret": configured.secret },
          })
        : passwords;
    try {
      const token = newToken();
      const before = fake.requests.length;
      await up(plugin, { tokenId: token.id });
      const appids = new Set(
        fake.requests
          .slice(before)
          .filter((r) => !r.path.startsWith("/fakeOperations/"))
          .map((r) => r.claims?.appid),
      );
      expect([...appids]).toEqual([source === "config" ? configured.clientId : fake.defaultClient.clientId]);
    } finally {
      if (plugin !== passwords) await plugin.close();
    }
    expect(plugin.offLoopback()).toEqual([]);
  });
});
