/**
 * The TokenPassword operation, driven in-process with the real `@azure/arm-containerregistry` client
 * (logged in through the real `@azure/identity` as azure-native would, createOperationContext) against
 * the fake Entra ID + ARM (test/fakes/azure.ts) and its containerregistry surface (test/fakes/acr.ts).
 * The same operation in a fresh process, as the engine runs it: test/operationsProvider.test.ts.
 */
import { createOperationContext } from "../components/operations/client";
import {
  sameInstant,
  tokenPassword,
  TokenPasswordInputs,
  TokenPasswordOutputs,
} from "../components/operations/tokenPassword";
import { addFakeAcr, FakeAcr } from "./fakes/acr";
import { FakeAzure, startFakeAzure } from "./fakes/azure";

let fake: FakeAzure;
let untrust: () => void;

beforeAll(async () => {
  fake = await startFakeAzure();
  untrust = fake.trustInProcess();
});
afterAll(async () => {
  untrust();
  await fake.close();
});

let acrCount = 0;
/** A fresh registry (own resource group) with one token, and a context logged in through the fake. */
function setUp(options: Parameters<typeof addFakeAcr>[3] = {}) {
  acrCount++;
  const acr = addFakeAcr(fake, `rg${acrCount}`, `acr${acrCount}`, options);
  const tokenId = acr.addToken("myconnectedregistry");
  const warnings: string[] = [];
  const ctx = createOperationContext(
    () => undefined,
    { ...fake.env() },
    (m) => warnings.push(m),
  );
  return { acr, tokenId, ctx, warnings };
}

async function create(inputs: TokenPasswordInputs, ctx: ReturnType<typeof setUp>["ctx"]) {
  const checked = tokenPassword.check(undefined, inputs as unknown as Record<string, unknown>);
  expect(checked.failures).toEqual([]);
  return tokenPassword.create(checked.inputs, ctx);
}

const generations = (acr: FakeAcr) => acr.generated.length;

describe("create", () => {
  it("generates password1 once and keeps the value Azure returned", async () => {
    const { acr, tokenId, ctx } = setUp();
    const { id, outs } = await create({ tokenId }, ctx);
    expect(id).toBe(`${tokenId}/passwords`);
    expect(outs).toMatchObject({ tokenId, passwordName: "password1", username: "myconnectedregistry" });
    expect(acr.accepts("myconnectedregistry", outs.value)).toBe(true);
    expect(generations(acr)).toBe(1);
    expect(outs.previousPasswordName).toBeUndefined();
    // Azure's 7-digit creation time, as an instant.
    const live = acr.tokens.get("myconnectedregistry")!.passwords.get("password1")!.creationTime;
    expect(sameInstant(outs.creationTime, live)).toBe(true);
    const posts = fake.requests.filter((r) => r.method === "POST" && /generateCredentials$/.test(r.path));
    expect(posts.at(-1)!.body).toEqual({ tokenId, name: "password1" });
    expect(posts.at(-1)!.apiVersion).toBe("2025-11-01");
    // Long-running: 202, then the SDK polled the operation and read the result from its Location.
    expect(posts.at(-1)!.status).toBe(202);
    const after = fake.requests.slice(fake.requests.indexOf(posts.at(-1)!) + 1);
    expect(after.some((r) => r.method === "GET" && r.path.startsWith("/fakeOperations/"))).toBe(true);
  });

  it("sends the expiry and records an older password in the other slot, so the next rotation revokes it", async () => {
    const { acr, tokenId, ctx } = setUp();
    const older = acr.regenerate("myconnectedregistry", "password2");
    const { outs } = await create({ tokenId, expiry: "2030-01-01T00:00:00Z" }, ctx);
    const post = fake.requests.filter((r) => /generateCredentials$/.test(r.path)).at(-1)!;
    expect(post.body).toEqual({ tokenId, name: "password1", expiry: "2030-01-01T00:00:00.000Z" });
    expect(outs.previousPasswordName).toBe("password2");
    expect(sameInstant(outs.previousCreationTime, older.creationTime)).toBe(true);
    const rotated = await tokenPassword.update("id", outs, { tokenId, expiry: "2031-01-01T00:00:00Z" }, ctx);
    expect(rotated.passwordName).toBe("password2");
    expect(acr.accepts("myconnectedregistry", older.value)).toBe(false);
  });

  it("is safe to retry after a lost answer: one password in the slot, the one kept", async () => {
    const { acr, tokenId, ctx } = setUp();
    fake.faults.add({ kind: "dropAfter", method: "POST", path: /generateCredentials$/ });
    const { outs } = await create({ tokenId }, ctx);
    // The dropped POST did regenerate password1; the SDK's retry regenerated it again.
    expect(acr.generated.map((g) => g.slot)).toEqual(["password1", "password1"]);
    expect(outs.value).toBe(acr.generated[1].value);
    expect(acr.accepts("myconnectedregistry", outs.value)).toBe(true);
    expect(acr.accepts("myconnectedregistry", acr.generated[0].value)).toBe(false);
    expect(acr.tokens.get("myconnectedregistry")!.passwords.size).toBe(1);
  });

  it("a lost status poll is polled again, not turned into a second generation", async () => {
    const { acr, tokenId, ctx } = setUp();
    fake.faults.add({ kind: "dropAfter", method: "GET", path: /^\/fakeOperations\// });
    const { outs } = await create({ tokenId }, ctx);
    expect(acr.generated.map((g) => g.slot)).toEqual(["password1"]);
    expect(acr.accepts("myconnectedregistry", outs.value)).toBe(true);
  });

  it("honours Retry-After on 429", async () => {
    const { tokenId, ctx } = setUp();
    fake.faults.add({ kind: "throttle", method: "POST", path: /generateCredentials$/, retryAfterSeconds: 2 });
    const started = Date.now();
    const { outs } = await create({ tokenId }, ctx);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(outs.value).toBeTruthy();
    const statuses = fake.requests.filter((r) => /generateCredentials$/.test(r.path)).map((r) => r.status);
    expect(statuses.slice(-2)).toEqual([429, 202]);
  });

  it("names the token when Azure refuses", async () => {
    const { acr, ctx } = setUp();
    const missing = `${acr.registryId}/tokens/nosuchtoken`;
    await expect(create({ tokenId: missing }, ctx)).rejects.toThrow(/generating password1 of token nosuchtoken/);
  });
});

describe("diff", () => {
  const tokenId =
    "/subscriptions/8f2b1d6e-3c4a-4e5f-9a7b-1c2d3e4f5a6b/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acr/tokens/tok";
  const olds: TokenPasswordOutputs = {
    tokenId,
    expiry: "2030-01-01T00:00:00Z",
    passwordName: "password1",
    username: "tok",
    value: "secret",
  };
  const diff = (news: Partial<TokenPasswordInputs>) => tokenPassword.diff("id", olds, { tokenId, ...news });

  it("sees no change for the same inputs, the same instant spelled otherwise, another case, the explicit default subscription", async () => {
    expect(await diff({ expiry: "2030-01-01T00:00:00Z" })).toEqual({ changes: false });
    expect(await diff({ expiry: "2030-01-01T00:00:00.000Z" })).toEqual({ changes: false });
    expect(await diff({ expiry: "2030-01-01T01:00:00+01:00" })).toEqual({ changes: false });
    expect(await diff({ tokenId: tokenId.replace("/rg/", "/RG/"), expiry: olds.expiry })).toEqual({ changes: false });
    expect(await diff({ expiry: olds.expiry, subscriptionId: "8F2B1D6E-3C4A-4E5F-9A7B-1C2D3E4F5A6B" })).toEqual({
      changes: false,
    });
    // State written by the previous version carried passwordName as an input: no change either.
    expect(await diff({ expiry: olds.expiry, ...({ passwordName: "password1" } as object) })).toEqual({
      changes: false,
    });
  });

  it("rotates in place on a new expiry instant or trigger, never replaces for them", async () => {
    expect(await diff({ expiry: "2031-01-01T00:00:00Z" })).toEqual({ changes: true });
    expect(await diff({})).toEqual({ changes: true });
    expect(await diff({ expiry: olds.expiry, rotationTrigger: "2" })).toEqual({ changes: true });
  });

  it("replaces (create first) only for another token", async () => {
    expect(await diff({ tokenId: tokenId.replace("/tok", "/other"), expiry: olds.expiry })).toEqual({
      changes: true,
      replaces: ["tokenId"],
      deleteBeforeReplace: false,
    });
  });
});

describe("rotation", () => {
  it.each([false, true])(
    "two rotations never leave a revoked password in use and never touch the new one (Azure omits creationTime: %s)",
    async (omitCreationTime) => {
      const { acr, tokenId, ctx } = setUp({ omitCreationTime });
      const token = "myconnectedregistry";
      const v0 = (await create({ tokenId, rotationTrigger: "0" }, ctx)).outs;
      expect(acr.accepts(token, v0.value)).toBe(true);

      const v1 = await tokenPassword.update("id", v0, { tokenId, rotationTrigger: "1" }, ctx);
      expect(v1).toMatchObject({ passwordName: "password2", previousPasswordName: "password1" });
      // Consumers move to v1 in this update; v0 still logs in until the next rotation.
      expect(acr.accepts(token, v1.value)).toBe(true);
      expect(acr.accepts(token, v0.value)).toBe(true);

      const v2 = await tokenPassword.update("id", v1, { tokenId, rotationTrigger: "2" }, ctx);
      expect(v2).toMatchObject({ passwordName: "password1", previousPasswordName: "password2" });
      expect(acr.accepts(token, v2.value)).toBe(true);
      expect(acr.accepts(token, v1.value)).toBe(true); // the previous rotation's, still deployed somewhere
      expect(acr.accepts(token, v0.value)).toBe(false); // revoked only now, two rotations later

      expect(acr.generated.map((g) => g.slot)).toEqual(["password1", "password2", "password1"]);
      // No rotation deleted anything: the only revocation is the regeneration.
      expect(fake.requests.filter((r) => r.method === "PATCH" && r.path.includes(`/${acr.registryName}/`))).toEqual([]);
      // A refresh right after the rotation keeps it.
      const read = await tokenPassword.read("id", v2, ctx);
      expect(read?.props).toMatchObject({ passwordName: "password1", value: v2.value });
    },
  );

  it("an update that does not rotate calls nothing", async () => {
    const { acr, tokenId, ctx } = setUp();
    const { outs } = await create({ tokenId }, ctx);
    const before = fake.requests.length;
    const same = await tokenPassword.update("id", outs, { tokenId: tokenId.toUpperCase() }, ctx);
    expect(same.value).toBe(outs.value);
    expect(fake.requests.length).toBe(before);
    expect(generations(acr)).toBe(1);
  });
});

describe("read (refresh)", () => {
  it("keeps an untouched password, and tracks the other slot", async () => {
    const { acr, tokenId, ctx } = setUp();
    const { outs } = await create({ tokenId }, ctx);
    expect((await tokenPassword.read("id", outs, ctx))?.props).toEqual(outs);
    const other = acr.regenerate("myconnectedregistry", "password2");
    const read = await tokenPassword.read("id", outs, ctx);
    expect(read?.props.previousPasswordName).toBe("password2");
    expect(sameInstant(read?.props.previousCreationTime, other.creationTime)).toBe(true);
    expect(read?.props.value).toBe(outs.value);
  });

  it("drops a current password regenerated outside Pulumi, removed, or whose token is gone", async () => {
    const regenerated = setUp();
    const a = (await create({ tokenId: regenerated.tokenId }, regenerated.ctx)).outs;
    regenerated.acr.regenerate("myconnectedregistry", "password1");
    expect(await tokenPassword.read("id", a, regenerated.ctx)).toBeUndefined();

    const removed = setUp();
    const b = (await create({ tokenId: removed.tokenId }, removed.ctx)).outs;
    removed.acr.tokens.get("myconnectedregistry")!.passwords.delete("password1");
    expect(await tokenPassword.read("id", b, removed.ctx)).toBeUndefined();

    const gone = setUp();
    const c = (await create({ tokenId: gone.tokenId }, gone.ctx)).outs;
    gone.acr.tokens.clear();
    expect(await tokenPassword.read("id", c, gone.ctx)).toBeUndefined();
  });
});

describe("delete", () => {
  it("removes the slots it generated, keeping a password generated since", async () => {
    const { acr, tokenId, ctx } = setUp();
    const v0 = (await create({ tokenId }, ctx)).outs;
    const v1 = await tokenPassword.update("id", v0, { tokenId, rotationTrigger: "1" }, ctx);
    await tokenPassword.delete("id", v1, ctx);
    expect(acr.tokens.get("myconnectedregistry")!.passwords.size).toBe(0);

    const again = setUp();
    const w = (await create({ tokenId: again.tokenId }, again.ctx)).outs;
    const newer = again.acr.regenerate("myconnectedregistry", "password1");
    await tokenPassword.delete("id", w, again.ctx);
    expect(again.acr.accepts("myconnectedregistry", newer.value)).toBe(true);
  });

  it("leaves passwords whose creationTime it never learnt, and a token that is gone", async () => {
    const { acr, tokenId, ctx } = setUp({ omitCreationTime: true });
    const v0 = (await create({ tokenId }, ctx)).outs;
    expect(v0.creationTime).toBeUndefined();
    await tokenPassword.delete("id", v0, ctx);
    expect(acr.accepts("myconnectedregistry", v0.value)).toBe(true);
    acr.tokens.clear();
    await expect(tokenPassword.delete("id", v0, ctx)).resolves.toBeUndefined();
  });
});

describe("check", () => {
  it("names the bad input", () => {
    expect(tokenPassword.check(undefined, { tokenId: "nope", expiry: "soon" }).failures).toEqual([
      { property: "tokenId", reason: expect.stringContaining('"nope" is not a container registry token ARM id') },
      { property: "expiry", reason: expect.stringContaining('"soon" is not an RFC 3339 timestamp') },
    ]);
    expect(tokenPassword.check(undefined, {}).failures[0].property).toBe("tokenId");
  });
});
