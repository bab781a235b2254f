/**
 * The deactivation provider with an injected fake client: create is a no-op, any input change
 * replaces it delete-first, and delete sends exactly `POST .../connectedRegistries/{name}/deactivate`.
 */
import type { RegistryClient } from "../components/azureClient";
import { DeactivationInputs, makeDeactivationProvider } from "../components/providers/deactivationProvider";

const SUB = "8f2b1d6e-3c4a-4e5f-9a7b-1c2d3e4f5a6b";
const inputs: DeactivationInputs = {
  subscriptionId: SUB,
  resourceGroupName: "myresourcegroup",
  registryName: "myacrregistry",
  connectedRegistryName: "myconnectedregistry",
  extension: {
    resourceGroupName: "myresourcegroup",
    clusterName: "myarck8scluster",
    clusterRp: "Microsoft.Kubernetes",
    clusterResourceName: "connectedClusters",
    extensionName: "myconnectedregistry",
    extensionType: "Microsoft.ContainerRegistry.ConnectedRegistry",
    releaseNamespace: "connected-registry",
  },
};

/** A fake client recording every call; `fail` makes deactivate reject with that error. */
function fakeClient(fail?: unknown) {
  const calls: { op: string; args: unknown[]; subscriptionId: string }[] = [];
  const clientFor = (subscriptionId: string) =>
    ({
      connectedRegistries: {
        deactivate: (...args: unknown[]) => {
          calls.push({ op: "connectedRegistries.deactivate", args, subscriptionId });
          return fail === undefined ? Promise.resolve() : Promise.reject(fail);
        },
      },
      registries: {},
      tokens: {},
    }) as unknown as RegistryClient;
  return { calls, clientFor };
}

it("creates nothing in Azure: the id names the connected registry, outputs are the inputs", async () => {
  const { calls, clientFor } = fakeClient();
  const result = await makeDeactivationProvider(clientFor).create!(inputs);
  expect(result).toEqual({
    id: `/subscriptions/${SUB}/resourceGroups/myresourcegroup/providers/Microsoft.ContainerRegistry/registries/myacrregistry/connectedRegistries/myconnectedregistry/deactivation`,
    outs: inputs,
  });
  expect(calls).toEqual([]);
});

it("deactivates exactly that connected registry on delete, in its subscription", async () => {
  const { calls, clientFor } = fakeClient();
  await makeDeactivationProvider(clientFor).delete!("id", inputs);
  expect(calls).toEqual([
    {
      op: "connectedRegistries.deactivate",
      args: ["myresourcegroup", "myacrregistry", "myconnectedregistry"],
      subscriptionId: SUB,
    },
  ]);
});

it("treats a connected registry that no longer exists as deactivated, and fails on other errors", async () => {
  const gone = fakeClient(Object.assign(new Error("ConnectedRegistryNotFound"), { statusCode: 404 }));
  await expect(makeDeactivationProvider(gone.clientFor).delete!("id", inputs)).resolves.toBeUndefined();
  const denied = fakeClient(Object.assign(new Error("AuthorizationFailed"), { statusCode: 403 }));
  await expect(makeDeactivationProvider(denied.clientFor).delete!("id", inputs)).rejects.toThrow("AuthorizationFailed");
});

describe("diff", () => {
  const diff = (news: DeactivationInputs) => makeDeactivationProvider(fakeClient().clientFor).diff!("id", inputs, news);

  it("reports no change for equal inputs, whatever the key order of the extension identity", async () => {
    const reordered = { ...inputs, extension: Object.fromEntries(Object.entries(inputs.extension).reverse()) };
    expect(await diff(reordered)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: true });
  });

  it("replaces, deleting first, when the extension would be replaced", async () => {
    const moved = { ...inputs, extension: { ...inputs.extension, clusterName: "othercluster" } };
    expect(await diff(moved)).toEqual({ changes: true, replaces: ["extension"], deleteBeforeReplace: true });
  });

  it("replaces when it points at another connected registry", async () => {
    expect(await diff({ ...inputs, connectedRegistryName: "other" })).toEqual({
      changes: true,
      replaces: ["connectedRegistryName"],
      deleteBeforeReplace: true,
    });
  });
});
