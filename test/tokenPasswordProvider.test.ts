/**
 * The TokenPassword dynamic provider against a fake SDK client: the exact generateCredentials request
 * (platform-facts §2), no regeneration on an unchanged `pulumi up`, replacement only on an explicit
 * change, and removal of exactly this password on delete.
 */
import type { RegistryClient } from "../components/azureClient";
import {
  makeTokenPasswordProvider,
  parseTokenId,
  TokenPasswordInputs,
  TokenPasswordOutputs,
} from "../components/providers/tokenPasswordProvider";

const SUB = "8f2b1d6e-3c4a-4e5f-9a7b-1c2d3e4f5a6b";
const tokenId = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/myacrregistry/tokens/myconnectedregistry`;
const created = new Date("2026-01-02T03:04:05Z");

interface Recorded {
  subscriptions: string[];
  generate: unknown[][];
  get: unknown[][];
  update: unknown[][];
}

function fakeClient(
  token: { credentials?: { passwords?: { name: string; creationTime?: Date; expiry?: Date }[] } } | 404,
) {
  const recorded: Recorded = { subscriptions: [], generate: [], get: [], update: [] };
  const client = {
    registries: {
      beginGenerateCredentialsAndWait: async (...args: unknown[]) => {
        recorded.generate.push(args);
        return {
          username: "myconnectedregistry",
          passwords: [
            { name: "password1", value: "s3cret-one", creationTime: created },
            { name: "password2", value: "s3cret-two", creationTime: created },
          ],
        };
      },
    },
    tokens: {
      get: async (...args: unknown[]) => {
        recorded.get.push(args);
        if (token === 404) {
          throw Object.assign(new Error("not found"), { statusCode: 404 });
        }
        return token;
      },
      beginUpdateAndWait: async (...args: unknown[]) => {
        recorded.update.push(args);
        return {};
      },
    },
  };
  const provider = makeTokenPasswordProvider((subscriptionId) => {
    recorded.subscriptions.push(subscriptionId);
    return client as unknown as RegistryClient;
  });
  return { provider, recorded };
}

const inputs: TokenPasswordInputs = { tokenId, passwordName: "password1" };

describe("create", () => {
  it("sends exactly the generateCredentials request of get-settings --generate-password 1", async () => {
    const { provider, recorded } = fakeClient({});
    const result = await provider.create!(inputs);
    expect(recorded.subscriptions).toEqual([SUB]);
    expect(recorded.generate).toEqual([["rg", "myacrregistry", { tokenId, name: "password1" }]]);
    expect(result).toEqual({
      id: `${tokenId}/passwords/password1`,
      outs: {
        tokenId,
        passwordName: "password1",
        username: "myconnectedregistry",
        value: "s3cret-one",
        creationTime: "2026-01-02T03:04:05.000Z",
      },
    });
  });

  it("passes the expiry as a Date and keeps the input's spelling in the state", async () => {
    const { provider, recorded } = fakeClient({});
    const result = await provider.create!({ ...inputs, expiry: "2030-01-01T00:00:00Z", subscriptionId: "other-sub" });
    expect(recorded.subscriptions).toEqual(["other-sub"]);
    expect(recorded.generate).toEqual([
      ["rg", "myacrregistry", { tokenId, name: "password1", expiry: new Date("2030-01-01T00:00:00Z") }],
    ]);
    expect(result.outs?.expiry).toBe("2030-01-01T00:00:00Z");
  });
});

describe("diff", () => {
  const olds: TokenPasswordOutputs = { ...inputs, username: "u", value: "v", creationTime: created.toISOString() };

  it("reports nothing for identical inputs (an unchanged pulumi up never regenerates)", async () => {
    const { provider, recorded } = fakeClient({});
    expect(await provider.diff!(tokenId, olds, { ...inputs })).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(recorded.generate).toEqual([]);
  });

  it.each([
    ["expiry", { expiry: "2030-01-01T00:00:00Z" }],
    ["rotationTrigger", { rotationTrigger: "2026-q2" }],
    ["tokenId", { tokenId: tokenId.replace("myconnectedregistry", "otherregistry") }],
    ["passwordName", { passwordName: "password2" }],
  ])("replaces only the password when %s changes", async (key, change) => {
    const { provider } = fakeClient({});
    expect(await provider.diff!(tokenId, olds, { ...inputs, ...change })).toEqual({
      changes: true,
      replaces: [key],
      deleteBeforeReplace: false,
    });
  });
});

describe("delete", () => {
  const state: TokenPasswordOutputs = { ...inputs, username: "u", value: "v", creationTime: created.toISOString() };
  const other = { name: "password2", creationTime: new Date("2025-06-01T00:00:00Z") };

  it("removes this password from the token and keeps the others", async () => {
    const { provider, recorded } = fakeClient({
      credentials: { passwords: [{ name: "password1", creationTime: created }, other] },
    });
    await provider.delete!(`${tokenId}/passwords/password1`, state);
    expect(recorded.get).toEqual([["rg", "myacrregistry", "myconnectedregistry"]]);
    expect(recorded.update).toEqual([
      ["rg", "myacrregistry", "myconnectedregistry", { credentials: { passwords: [other] } }],
    ]);
  });

  it("leaves a password regenerated since (by a replacement) alone", async () => {
    const { provider, recorded } = fakeClient({
      credentials: { passwords: [{ name: "password1", creationTime: new Date("2026-02-01T00:00:00Z") }] },
    });
    await provider.delete!(`${tokenId}/passwords/password1`, state);
    expect(recorded.update).toEqual([]);
  });

  it("does nothing when the token is already gone", async () => {
    const { provider, recorded } = fakeClient(404);
    await provider.delete!(`${tokenId}/passwords/password1`, state);
    expect(recorded.update).toEqual([]);
  });
});

it("rejects an id that is not a token ARM id", () => {
  expect(() => parseTokenId("myconnectedregistry")).toThrow("is not a container registry token ARM id");
  expect(parseTokenId(tokenId)).toEqual({
    subscriptionId: SUB,
    resourceGroupName: "rg",
    registryName: "myacrregistry",
    tokenName: "myconnectedregistry",
  });
});
