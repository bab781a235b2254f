/**
 * Nested connected registries: the sync scope maps of every node of a 3- and a 4-level tree, compared action by
 * action with what the az CLI ends up with when it creates the same tree top-down (platform-facts §1), including
 * adding and removing a child (`delete --cleanup`) and `permissions update --add/--remove`.
 *
 * The az behaviour is modelled here from platform-facts §1 alone (no code of the components is used):
 * - `create --parent P`: the child gets its repositories with its mode's actions and its own gateway actions;
 *   every ancestor gets the child's gateway actions and the child's repository actions (set union);
 * - `delete --cleanup`: the child's scope map goes, and its gateway actions are removed from every ancestor;
 * - `permissions update --add R`: the target and its ancestors get R with the target's mode actions;
 *   `--remove R`: R's actions are stripped from the target and its descendants.
 */
import { cloud, constructionError, resetCloud, settle, SUBSCRIPTION_ID, unwrap } from "./harness/mocks";
import {
  ConnectedRegistry,
  ConnectedRegistryMode,
  ConnectedRegistryTree,
  ConnectedRegistryTreeNode,
  ParentEndpointProtocol,
} from "../components";

const SCOPE_MAP = "azure-native:containerregistry:ScopeMap";
const CONNECTED_REGISTRY = "azure-native:containerregistry:ConnectedRegistry";
const registryId = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/factoryacr`;

/** The az CLI's connected registry commands against one cloud registry, as platform-facts §1 describes them. */
class AzCli {
  readonly scopeMaps = new Map<string, Set<string>>();
  private readonly registries = new Map<string, { mode: "ReadOnly" | "ReadWrite"; parent?: string }>();

  private static repoActions(mode: string, repositories: string[]): string[] {
    const actions =
      mode === "ReadWrite"
        ? ["content/read", "content/write", "content/delete", "metadata/read", "metadata/write"]
        : ["content/read", "metadata/read"];
    return repositories.flatMap((r) => actions.map((a) => `repositories/${r.toLowerCase()}/${a}`));
  }

  private static gateway(name: string): string[] {
    return ["config/read", "config/write", "message/read", "message/write"].map(
      (a) => `gateway/${name.toLowerCase()}/${a}`,
    );
  }

  private ancestors(name: string): string[] {
    const chain: string[] = [];
    for (let p = this.registries.get(name)?.parent; p !== undefined; p = this.registries.get(p)?.parent) {
      chain.push(p);
    }
    return chain;
  }

  private descendants(name: string): string[] {
    const children = [...this.registries].filter(([, r]) => r.parent === name).map(([n]) => n);
    return children.flatMap((c) => [c, ...this.descendants(c)]);
  }

  create(name: string, mode: "ReadOnly" | "ReadWrite", repositories: string[], parent?: string): this {
    if (parent !== undefined) {
      const parentMode = this.registries.get(parent)!.mode;
      if (parentMode !== "ReadWrite" && parentMode !== mode) {
        throw new Error(`az: a ${parentMode} parent cannot have a ${mode} child`);
      }
    }
    this.registries.set(name, { mode, parent });
    this.scopeMaps.set(name, new Set([...AzCli.repoActions(mode, repositories), ...AzCli.gateway(name)]));
    for (const ancestor of this.ancestors(name)) {
      const map = this.scopeMaps.get(ancestor)!;
      [...AzCli.gateway(name), ...AzCli.repoActions(mode, repositories)].forEach((a) => map.add(a));
    }
    return this;
  }

  deleteWithCleanup(name: string): this {
    for (const ancestor of this.ancestors(name)) {
      AzCli.gateway(name).forEach((a) => this.scopeMaps.get(ancestor)!.delete(a));
    }
    this.scopeMaps.delete(name);
    this.registries.delete(name);
    return this;
  }

  permissionsAdd(name: string, repositories: string[]): this {
    const actions = AzCli.repoActions(this.registries.get(name)!.mode, repositories);
    for (const target of [name, ...this.ancestors(name)]) {
      actions.forEach((a) => this.scopeMaps.get(target)!.add(a));
    }
    return this;
  }

  permissionsRemove(name: string, repositories: string[]): this {
    const prefixes = repositories.map((r) => `repositories/${r.toLowerCase()}/`);
    for (const target of [name, ...this.descendants(name)]) {
      const map = this.scopeMaps.get(target)!;
      [...map].filter((a) => prefixes.some((p) => a.startsWith(p))).forEach((a) => map.delete(a));
    }
    return this;
  }

  /** Every scope map as a sorted list. */
  snapshot(): Record<string, string[]> {
    return Object.fromEntries([...this.scopeMaps].map(([name, actions]) => [name, [...actions].sort()]));
  }
}

const RW = ConnectedRegistryMode.ReadWrite;
const RO = ConnectedRegistryMode.ReadOnly;

/** Declares `nodes` as a ConnectedRegistryTree and returns every sync scope map's actions, sorted, by node. */
async function declared(nodes: ConnectedRegistryTreeNode[]): Promise<Record<string, string[]>> {
  resetCloud();
  const tree = new ConnectedRegistryTree("plant", { resourceGroupName: "rg", registryName: "factoryacr", nodes });
  await settle();
  const maps: Record<string, string[]> = {};
  for (const node of nodes) {
    const actions = cloud.get(SCOPE_MAP, `plant-${node.name}-sync`).inputs.actions as string[];
    expect(new Set(actions).size).toBe(actions.length); // a set: no action twice
    maps[node.name as string] = [...actions].sort();
  }
  const reported = await unwrap(tree.syncActions);
  expect(Object.fromEntries(Object.entries(reported).map(([n, a]) => [n, [...a].sort()]))).toEqual(maps);
  return maps;
}

// The tree: cloud → onprem (ReadWrite) → floor1, floor2 (ReadOnly).
const onprem: ConnectedRegistryTreeNode = {
  name: "onprem",
  mode: RW,
  repositories: ["hello-world", "app/api", "app/web"],
  gatewayEndpoint: "10.1.0.50",
};
const floor1: ConnectedRegistryTreeNode = {
  name: "floor1",
  parentName: "onprem",
  repositories: ["hello-world", "app/api"],
};
const floor2: ConnectedRegistryTreeNode = { name: "floor2", parentName: "onprem", repositories: ["app/web"] };

const azThreeLevels = () =>
  new AzCli()
    .create("onprem", "ReadWrite", ["hello-world", "app/api", "app/web"])
    .create("floor1", "ReadOnly", ["hello-world", "app/api"], "onprem")
    .create("floor2", "ReadOnly", ["app/web"], "onprem");

describe("a 3-level tree: cloud → onprem (ReadWrite) → floor1, floor2 (ReadOnly)", () => {
  it("gives every node the sync scope map az ends up with after creating the tree top-down", async () => {
    const az = azThreeLevels().snapshot();
    expect(await declared([onprem, floor1, floor2])).toEqual(az);
    // The union is visible: onprem carries both floors' gateway actions.
    expect(az.onprem).toEqual(expect.arrayContaining(["gateway/floor1/config/read", "gateway/floor2/message/write"]));
  });

  it("is the same tree whatever the order the nodes are listed in", async () => {
    expect(await declared([floor2, floor1, onprem])).toEqual(azThreeLevels().snapshot());
  });

  it("adding a child equals az create --parent on the existing tree", async () => {
    const before = await declared([onprem, floor1]);
    const az = new AzCli()
      .create("onprem", "ReadWrite", ["hello-world", "app/api", "app/web"])
      .create("floor1", "ReadOnly", ["hello-world", "app/api"], "onprem");
    expect(before).toEqual(az.snapshot());
    az.create("floor2", "ReadOnly", ["app/web"], "onprem");
    expect(await declared([onprem, floor1, floor2])).toEqual(az.snapshot());
  });

  it("removing a child equals az delete --cleanup: only its gateway actions leave the ancestors", async () => {
    const az = azThreeLevels().deleteWithCleanup("floor2");
    const after = await declared([onprem, floor1]);
    expect(after).toEqual(az.snapshot());
    expect(after.onprem.filter((a) => a.startsWith("gateway/floor2/"))).toEqual([]);
    expect(after.onprem).toContain("repositories/app/web/content/write"); // onprem's own, kept
  });

  it("a repository added or removed along a branch equals az permissions update --add / --remove", async () => {
    const added = azThreeLevels().permissionsAdd("onprem", ["tools/debug"]).permissionsAdd("floor1", ["tools/debug"]);
    expect(
      await declared([
        { ...onprem, repositories: ["hello-world", "app/api", "app/web", "tools/debug"] },
        { ...floor1, repositories: ["hello-world", "app/api", "tools/debug"] },
        floor2,
      ]),
    ).toEqual(added.snapshot());

    const removed = azThreeLevels().permissionsRemove("onprem", ["app/api"]);
    expect(
      await declared([
        { ...onprem, repositories: ["hello-world", "app/web"] },
        { ...floor1, repositories: ["hello-world"] },
        floor2,
      ]),
    ).toEqual(removed.snapshot());
  });

  it("points each child at its parent: parent.id, ParentGatewayEndpoint and ParentEndpointProtocol", async () => {
    resetCloud();
    const tree = new ConnectedRegistryTree("plant", {
      resourceGroupName: "rg",
      registryName: "factoryacr",
      nodes: [onprem, floor1, { ...floor2, clientTokens: [{ name: "floor2pull" }] }],
    });
    await settle();
    const onpremId = `${registryId}/connectedRegistries/onprem`;
    expect(cloud.get(CONNECTED_REGISTRY, "plant-onprem").inputs.parent.id).toBeUndefined();
    expect(cloud.get(CONNECTED_REGISTRY, "plant-floor1").inputs.parent.id).toBe(onpremId);
    expect(cloud.get(CONNECTED_REGISTRY, "plant-floor2").inputs.parent.id).toBe(onpremId);
    const strings = await unwrap(tree.connectionStrings);
    expect(strings.onprem).toMatch(
      /;ParentGatewayEndpoint=factoryacr\.eastus\.data\.azurecr\.io;ParentEndpointProtocol=https$/,
    );
    for (const floor of ["floor1", "floor2"]) {
      expect(strings[floor]).toMatch(
        new RegExp(
          `^ConnectedRegistryName=${floor};SyncTokenName=${floor};SyncTokenPassword=[^;]+;ParentGatewayEndpoint=10\\.1\\.0\\.50;ParentEndpointProtocol=https$`,
        ),
      );
    }
    expect(await unwrap(tree.parentGatewayEndpoints)).toEqual({
      onprem: "factoryacr.eastus.data.azurecr.io",
      floor1: "10.1.0.50",
      floor2: "10.1.0.50",
    });
    expect(Object.keys((await unwrap(tree.clientCredentials)).floor2)).toEqual(["floor2pull"]);
    expect(await pulumiIsSecret(tree.connectionStrings)).toBe(true);
  });

  it("uses http when the parent is reached over http", async () => {
    resetCloud();
    const tree = new ConnectedRegistryTree("plant", {
      resourceGroupName: "rg",
      registryName: "factoryacr",
      nodes: [{ ...onprem, endpointProtocol: ParentEndpointProtocol.Http, gatewayEndpoint: "10.1.0.50:8080" }, floor1],
    });
    await settle();
    expect((await unwrap(tree.connectionStrings)).floor1).toMatch(
      /;ParentGatewayEndpoint=10\.1\.0\.50:8080;ParentEndpointProtocol=http$/,
    );
  });
});

describe("a 4-level tree with mixed modes", () => {
  const nodes: ConnectedRegistryTreeNode[] = [
    { name: "corp1", mode: RW, repositories: ["a", "b", "c", "d"], gatewayEndpoint: "10.0.0.10" },
    { name: "plant1", parentName: "corp1", mode: RW, repositories: ["a", "b", "c"], gatewayEndpoint: "10.1.0.10" },
    { name: "plant2", parentName: "corp1", mode: RO, repositories: ["d"] },
    { name: "line1", parentName: "plant1", mode: RW, repositories: ["a", "b"], gatewayEndpoint: "10.2.0.10" },
    { name: "line2", parentName: "plant1", mode: RO, repositories: ["c"] },
    { name: "cell1", parentName: "line1", mode: RO, repositories: ["a"] },
    { name: "cell2", parentName: "line1", mode: RW, repositories: ["b"] },
  ];
  const azFourLevels = () =>
    new AzCli()
      .create("corp1", "ReadWrite", ["a", "b", "c", "d"])
      .create("plant1", "ReadWrite", ["a", "b", "c"], "corp1")
      .create("plant2", "ReadOnly", ["d"], "corp1")
      .create("line1", "ReadWrite", ["a", "b"], "plant1")
      .create("line2", "ReadOnly", ["c"], "plant1")
      .create("cell1", "ReadOnly", ["a"], "line1")
      .create("cell2", "ReadWrite", ["b"], "line1");

  it("gives every node az's scope map, the root carrying all six descendants' gateways", async () => {
    const az = azFourLevels().snapshot();
    const maps = await declared(nodes);
    expect(maps).toEqual(az);
    expect(maps.corp1.filter((a) => a.startsWith("gateway/")).length).toBe(7 * 4);
    expect(maps.line1.filter((a) => a.startsWith("gateway/")).length).toBe(3 * 4);
  });

  it("removing a leaf and adding one elsewhere equal az's delete --cleanup and create", async () => {
    const az = azFourLevels().deleteWithCleanup("cell2").create("cell3", "ReadOnly", ["c"], "line2");
    const changed = [
      ...nodes.filter((n) => n.name !== "cell2"),
      { name: "cell3", parentName: "line2", repositories: ["c"] },
    ];
    changed[4] = { ...changed[4], gatewayEndpoint: "10.2.0.20" }; // line2 now has a child
    expect(await declared(changed)).toEqual(az.snapshot());
  });
});

describe("preview errors name the argument", () => {
  const tree = (nodes: ConnectedRegistryTreeNode[]) => () =>
    new ConnectedRegistryTree("bad", { resourceGroupName: "rg", registryName: "factoryacr", nodes });
  it.each([
    [
      "a ReadWrite child of a ReadOnly parent",
      [
        { ...onprem, mode: RO },
        { ...floor1, mode: RW },
      ],
      "nodes[1].mode",
      /ReadOnly parent can only have ReadOnly children/,
    ],
    [
      "a repository the parent does not sync",
      [onprem, { ...floor1, repositories: ["hello-world", "secret/app"] }],
      "nodes[1].repositories",
      /"secret\/app" is not synced by the parent "onprem"/,
    ],
    [
      "a parent without gatewayEndpoint",
      [{ ...onprem, gatewayEndpoint: undefined }, floor1],
      "nodes[0].gatewayEndpoint",
      /needs its address/,
    ],
    ["an unknown parent", [onprem, { ...floor1, parentName: "offsite" }], "nodes[1].parentName", /not a node/],
    [
      "a cycle",
      [
        { ...onprem, parentName: "floor1" },
        { ...floor1, mode: RW, repositories: onprem.repositories, gatewayEndpoint: "10.1.0.60" },
      ],
      "nodes[0].parentName",
      /cycle/,
    ],
    ["a duplicate name", [onprem, { ...floor1, name: "OnPrem" }], "nodes[1].name", /used twice/],
    [
      "a client token named like a node",
      [onprem, { ...floor1, clientTokens: [{ name: "floor2" }] }, floor2],
      "nodes[1].clientTokens[0].name",
      /sync token of floor2/,
    ],
  ])("%s", (_label, nodes, path, reason) => {
    const error = constructionError(tree(nodes as ConnectedRegistryTreeNode[]));
    expect(error.propertyPath).toBe(path);
    expect(error.reason).toMatch(reason);
  });

  it("a single ConnectedRegistry checks its parent's mode and repositories and needs the parent's address", () => {
    const parentId = `${registryId}/connectedRegistries/onprem`;
    const base = { resourceGroupName: "rg", registryName: "factoryacr", connectedRegistryName: "floor9" };
    const modeError = constructionError(
      () =>
        new ConnectedRegistry("f", {
          ...base,
          mode: RW,
          repositories: ["app/api"],
          parentConnectedRegistry: { connectedRegistryId: parentId, gatewayEndpoint: "10.1.0.50", mode: RO },
        }),
    );
    expect(modeError.propertyPath).toBe("parentConnectedRegistry.mode");
    const repoError = constructionError(
      () =>
        new ConnectedRegistry("f", {
          ...base,
          repositories: ["app/other"],
          parentConnectedRegistry: {
            connectedRegistryId: parentId,
            gatewayEndpoint: "10.1.0.50",
            repositories: ["app/api"],
          },
        }),
    );
    expect(repoError.propertyPath).toBe("repositories");
    const gatewayError = constructionError(
      () =>
        new ConnectedRegistry("f", {
          ...base,
          repositories: ["app/api"],
          parentConnectedRegistry: { connectedRegistryId: parentId, gatewayEndpoint: "https://10.1.0.50/" },
        }),
    );
    expect(gatewayError.propertyPath).toBe("parentConnectedRegistry.gatewayEndpoint");
    const idError = constructionError(
      () =>
        new ConnectedRegistry("f", {
          ...base,
          repositories: ["app/api"],
          parentConnectedRegistry: { connectedRegistryId: registryId, gatewayEndpoint: "10.1.0.50" },
        }),
    );
    expect(idError.propertyPath).toBe("parentConnectedRegistry.connectedRegistryId");
  });
});

async function pulumiIsSecret<T>(value: import("@pulumi/pulumi").Output<T>): Promise<boolean> {
  const pulumi = await import("@pulumi/pulumi");
  return pulumi.isSecret(value);
}
