/** The hub's inventory parser: unknown keys (with the nearest key), duplicates, parents, registries, capacity. */
import { FleetWave, InventoryError, MAX_SITES_PER_REGISTRY, parseInventory, suggestion } from "../fleet/hub/inventory";

const site = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  repositories: ["hello-world"],
  clusterName: `${name}-arc`,
  ...extra,
});

function errorOf(registries: unknown, sites: unknown): InventoryError {
  try {
    parseInventory(registries, sites);
  } catch (error) {
    if (error instanceof InventoryError) {
      return error;
    }
    throw error;
  }
  throw new Error("expected an InventoryError");
}

it("parses sites with their defaults", () => {
  const inventory = parseInventory(
    ["fleetacr1", "fleetacr2"],
    [
      site("store001", { wave: "canary", mode: "readwrite", gatewayEndpoint: "10.0.0.1" }),
      site("store002", { registry: "fleetacr2", clients: ["store002pull", "store002push"] }),
      site("floor001", { parent: "store001", endpointProtocol: "http" }),
    ],
  );
  expect(inventory.sites.map((s) => [s.name, s.registry, s.mode, s.wave, s.clients])).toEqual([
    ["store001", "fleetacr1", "ReadWrite", FleetWave.Canary, ["store001client"]],
    ["store002", "fleetacr2", "ReadOnly", FleetWave.Rest, ["store002pull", "store002push"]],
    ["floor001", "fleetacr1", "ReadOnly", FleetWave.Rest, ["floor001client"]],
  ]);
  expect(inventory.sites[2]).toMatchObject({
    parent: "store001",
    endpointProtocol: "http",
    clusterType: "ConnectedClusters",
  });
});

describe("refuses, naming the key", () => {
  it.each([
    [
      "a typo, with the nearest key",
      [site("a1234"), site("b1234"), site("c1234"), { ...site("d1234"), repositries: [] }],
      "sites[3].repositries: unknown key; did you mean repositories?",
    ],
    [
      "an unrelated key, listing the keys",
      [{ ...site("a1234"), colour: "red" }],
      "sites[0].colour: unknown key; the keys are name, registry,",
    ],
    [
      "a duplicate site (any case)",
      [site("store001"), site("STORE001")],
      'sites[1].name: "STORE001" is already sites[0]',
    ],
    [
      "a duplicate client token across sites",
      [site("s1234", { clients: ["pull1"] }), site("s5678", { clients: ["pull1"] })],
      'sites[1].clients[0]: "pull1" is already a client token of s1234',
    ],
    [
      "a client token named like a site",
      [site("s1234"), site("s5678", { clients: ["s1234"] })],
      'sites[1].clients[0]: "s1234" is already the sync token of s1234',
    ],
    ["an unknown parent", [site("s1234", { parent: "nowhere" })], 'sites[0].parent: "nowhere" is not a site'],
    [
      "a parent in another registry",
      [site("s1234"), site("s5678", { parent: "s1234", registry: "acr2" })],
      'sites[1].parent: "s1234" syncs from registry acr1',
    ],
    ["an unknown registry", [site("s1234", { registry: "acr9" })], 'sites[0].registry: "acr9" is not one of'],
    ["a missing required key", [{ name: "s1234", repositories: ["r"] }], "sites[0].clusterName: is required."],
    ["a bad enum", [site("s1234", { mode: "Mirror" })], 'sites[0].mode: is "Mirror"; use one of ReadOnly, ReadWrite'],
    [
      "a repository listed twice",
      [site("s1234", { repositories: ["a", "a"] })],
      'sites[0].repositories[1]: "a" is listed twice.',
    ],
    [
      "a string for a list",
      [site("s1234", { repositories: "hello-world" })],
      "sites[0].repositories: must be a non-empty list",
    ],
    ["no sites", [], "sites: must be a non-empty list"],
  ])("%s", (_, sites, message) => {
    expect(errorOf(["acr1", "acr2"], sites).message).toContain(message);
  });

  it("no registries, or one twice", () => {
    expect(errorOf(undefined, [site("s1234")]).message).toContain("registries: is required");
    expect(errorOf(["acr1", "ACR1"], [site("s1234")]).message).toContain('registries[1]: "ACR1" is listed twice.');
  });

  it(`more than ${MAX_SITES_PER_REGISTRY} sites in one registry`, () => {
    const sites = Array.from({ length: MAX_SITES_PER_REGISTRY + 1 }, (_, i) =>
      site(`site${String(i).padStart(3, "0")}`),
    );
    expect(errorOf(["acr1"], sites).message).toContain(
      `sites[${MAX_SITES_PER_REGISTRY}].registry: registry acr1 already has 50`,
    );
    sites[MAX_SITES_PER_REGISTRY] = site("site050", { registry: "acr2" });
    expect(parseInventory(["acr1", "acr2"], sites).sites).toHaveLength(MAX_SITES_PER_REGISTRY + 1);
  });
});

it("suggests only near keys", () => {
  expect(suggestion("clustername", ["clusterName", "clusterType"])).toBe("clusterName");
  expect(suggestion("zzz", ["clusterName", "mode"])).toBeUndefined();
});
