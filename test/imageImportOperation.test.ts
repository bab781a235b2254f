/**
 * The image import operation's pure parts: `check` (what a plugin user may send) and `diff` (no
 * replacement that can only fail, no-ops for spellings that name the same Azure object). The calls to
 * Azure are exercised with the real SDKs against the fakes in imageImportSdk.test.ts.
 */
import { ImageImportState, imageImportOperation as op } from "../components/operations/imageImport";

const SUB = "8f2b1d6e-3c4a-4e5f-9a7b-1c2d3e4f5a6b";
const DIGEST = "sha256:" + "a1".repeat(32);
const ID = `/subscriptions/${SUB}/resourceGroups/rg-edge/providers/Microsoft.ContainerRegistry/registries/edgeacr01/imports/hello-world:latest`;

const state: ImageImportState = {
  subscriptionId: SUB,
  resourceGroupName: "rg-edge",
  registryName: "edgeacr01",
  registryUri: "mcr.microsoft.com",
  sourceImage: "mcr/hello-world:latest",
  targetTags: ["hello-world:latest"],
  untaggedTargetRepositories: [],
  mode: "NoForce",
  digest: DIGEST,
  targetDigests: { "hello-world:latest": DIGEST },
};
/** `value` without `keys`. */
function without<T extends object, K extends keyof T>(value: T, ...keys: K[]): Omit<T, K> {
  const copy = { ...value };
  keys.forEach((key) => delete copy[key]);
  return copy;
}

const inputs = without(state, "digest", "targetDigests");

describe("check", () => {
  it("fills the defaults (NoForce, no untagged targets) and keeps a valid request", () => {
    const minimal = without(inputs, "subscriptionId", "mode", "untaggedTargetRepositories");
    expect(op.check(undefined, minimal)).toEqual({
      inputs: { ...minimal, mode: "NoForce", untaggedTargetRepositories: [] },
      failures: [],
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["an unknown mode", { mode: "Overwrite" }, "mode"],
    ["a bad subscription", { subscriptionId: "default" }, "subscriptionId"],
    ["a bad registry name", { registryName: "edge-acr" }, "registryName"],
    ["a source without tag or digest", { sourceImage: "mcr/hello-world" }, "sourceImage"],
    ["a target without tag", { targetTags: ["hello-world"] }, "targetTags[0]"],
    ["no target at all", { targetTags: [] }, "targetTags"],
    ["a missing resource group", { resourceGroupName: undefined }, "resourceGroupName"],
  ])("refuses %s, naming the property", (_label, change, property) => {
    const { failures } = op.check(undefined, { ...inputs, ...change });
    expect(failures.map((f) => f.property)).toEqual([property]);
  });
});

describe("diff", () => {
  const diff = (news: Partial<typeof inputs>, olds: ImageImportState = state) =>
    op.diff(ID, olds, { ...inputs, ...news });

  it("no change for the same request", async () => {
    expect(await diff({})).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it.each<[string, Partial<typeof inputs>]>([
    ["the resource group spelled in another case", { resourceGroupName: "RG-Edge" }],
    ["the registry name spelled in another case", { registryName: "EdgeAcr01" }],
    ["the subscription in upper case", { subscriptionId: SUB.toUpperCase() }],
    ["the source host in another case", { registryUri: "MCR.microsoft.com" }],
  ])("is a no-op for %s", async (_label, news) => {
    expect(await diff(news)).toMatchObject({ changes: false, replaces: [] });
  });

  it("is a no-op for the target tags in another order", async () => {
    const two = {
      ...state,
      targetTags: ["hello-world:latest", "hello-world:v1"],
      targetDigests: { "hello-world:latest": DIGEST, "hello-world:v1": DIGEST },
    };
    expect(await diff({ targetTags: ["hello-world:v1", "hello-world:latest"] }, two)).toMatchObject({
      changes: false,
    });
  });

  it("is a no-op when the subscription is made explicit and is the one the import was created in", async () => {
    const implicit = without(state, "subscriptionId");
    expect(await diff({ subscriptionId: SUB }, implicit)).toMatchObject({ changes: false, replaces: [] });
    expect(await diff({ subscriptionId: undefined })).toMatchObject({ changes: false, replaces: [] });
  });

  it.each<[string, Partial<typeof inputs>]>([
    ["Force -> NoForce", { mode: "NoForce" }],
    ["NoForce -> Force", { mode: "Force" }],
  ])("%s updates in place, never replaces", async (_label, news) => {
    const olds = { ...state, mode: news.mode === "NoForce" ? "Force" : "NoForce" };
    expect(await diff(news, olds)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  it.each<[string, Partial<typeof inputs>]>([
    ["a new source tag", { sourceImage: "mcr/hello-world:nanoserver" }],
    ["a new source registry", { registryUri: "docker.io", sourceImage: "library/hello-world:latest" }],
    ["an added target", { targetTags: ["hello-world:latest", "hello-world:stable"] }],
    ["a new target", { targetTags: ["hello:1"] }],
  ])("re-imports %s in place (the tags this import wrote may be re-pointed)", async (_label, news) => {
    expect(await diff(news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  it.each<[string, Partial<typeof inputs>, string]>([
    ["another registry", { registryName: "edgeacr02" }, "registryName"],
    ["another resource group", { resourceGroupName: "rg-other" }, "resourceGroupName"],
    ["another subscription", { subscriptionId: "11111111-2222-3333-4444-555555555555" }, "subscriptionId"],
  ])("replaces for %s (a new import there)", async (_label, news, key) => {
    expect(await diff(news)).toEqual({ changes: true, replaces: [key], deleteBeforeReplace: false });
  });

  it("plans an update when refresh found a target gone", async () => {
    expect(await diff({}, { ...state, targetDigests: {} })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("a state without digests (written before read existed) shows no drift", async () => {
    const legacy = without(state, "digest", "targetDigests");
    expect(await diff({}, legacy)).toMatchObject({ changes: false });
  });
});

describe("update without an Azure call", () => {
  const noAzure = {
    client: () => Promise.reject(new Error("no Azure call expected")),
    login: () => Promise.reject(new Error("no Azure call expected")),
    warn: () => undefined,
  };

  it("Force -> NoForce records the mode and keeps the digests", async () => {
    const olds = { ...state, mode: "Force" };
    expect(await op.update(ID, olds, { ...inputs, mode: "NoForce" }, noAzure)).toEqual({ ...state, mode: "NoForce" });
  });

  it("a dropped target is forgotten (its tag is kept in the registry, as on delete)", async () => {
    const olds = {
      ...state,
      targetTags: ["hello-world:latest", "hello-world:old"],
      targetDigests: { "hello-world:latest": DIGEST, "hello-world:old": DIGEST },
    };
    expect(await op.update(ID, olds, inputs, noAzure)).toEqual(state);
  });
});
