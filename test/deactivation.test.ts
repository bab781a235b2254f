/**
 * The ConnectedRegistryDeactivation operation, in-process, with the real management client logged in
 * through the fake Entra ID against the fake ARM's containerregistry surface (test/fakes/acr.ts).
 */
import { createOperationContext } from "../components/operations/client";
import { deactivation, DeactivationInputs } from "../components/operations/deactivation";
import { addFakeAcr } from "./fakes/acr";
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

let count = 0;
function setUp(status = "Active") {
  count++;
  const acr = addFakeAcr(fake, `rg${count}`, `acr${count}`);
  acr.addConnectedRegistry("myconnectedregistry", status);
  const inputs: DeactivationInputs = {
    subscriptionId: fake.subscriptionId,
    resourceGroupName: acr.resourceGroupName,
    registryName: acr.registryName,
    connectedRegistryName: "myconnectedregistry",
    extension: { clusterName: "arc", extensionName: "connectedregistry" },
  };
  const ctx = createOperationContext(() => undefined, { ...fake.env() });
  const deactivations = () =>
    fake.requests.filter(
      (r) => r.method === "POST" && r.path.includes(`/${acr.registryName}/`) && r.path.endsWith("/deactivate"),
    );
  return { acr, inputs, ctx, deactivations };
}

it("create and read report the activation status; a connected registry that is gone leaves the state", async () => {
  const { acr, inputs, ctx } = setUp();
  const { id, outs } = await deactivation.create(inputs, ctx);
  expect(id).toBe(`${acr.registryId}/connectedRegistries/myconnectedregistry/deactivation`);
  expect(outs.activationStatus).toBe("Active");
  acr.connectedRegistries.get("myconnectedregistry")!.activationStatus = "Inactive";
  expect((await deactivation.read(id, outs, ctx))?.props.activationStatus).toBe("Inactive");
  acr.connectedRegistries.clear();
  expect(await deactivation.read(id, outs, ctx)).toBeUndefined();
});

it("delete deactivates (long-running), once; a retried delete finds it inactive", async () => {
  const { acr, inputs, ctx, deactivations } = setUp();
  const { outs } = await deactivation.create(inputs, ctx);
  await deactivation.delete("id", outs, ctx);
  expect(acr.connectedRegistries.get("myconnectedregistry")!.activationStatus).toBe("Inactive");
  expect(deactivations().map((r) => r.status)).toEqual([202]);
  await deactivation.delete("id", outs, ctx);
  expect(deactivations()).toHaveLength(1);
});

it("delete survives a lost answer (the SDK retries, Azure deactivates again) and a connected registry that is gone", async () => {
  const { acr, inputs, ctx, deactivations } = setUp();
  fake.faults.add({ kind: "dropAfter", method: "POST", path: /\/deactivate$/ });
  await deactivation.delete("id", inputs, ctx);
  expect(acr.connectedRegistries.get("myconnectedregistry")!.activationStatus).toBe("Inactive");
  expect(deactivations().map((r) => r.status)).toEqual([0, 202]);
  acr.connectedRegistries.clear();
  await expect(deactivation.delete("id", inputs, ctx)).resolves.toBeUndefined();
});

it("diff: names compare as Azure does (case-insensitive); another connected registry or extension replaces, deleting first", async () => {
  const { inputs } = setUp();
  const state = { ...inputs, activationStatus: "Active" };
  expect(
    await deactivation.diff("id", state, { ...inputs, resourceGroupName: inputs.resourceGroupName.toUpperCase() }),
  ).toEqual({
    changes: false,
    replaces: [],
    deleteBeforeReplace: true,
  });
  expect(
    await deactivation.diff("id", state, {
      ...inputs,
      extension: { extensionName: "connectedregistry", clusterName: "arc" },
    }),
  ).toMatchObject({ changes: false });
  expect(await deactivation.diff("id", state, { ...inputs, connectedRegistryName: "other" })).toEqual({
    changes: true,
    replaces: ["connectedRegistryName"],
    deleteBeforeReplace: true,
  });
  expect((await deactivation.diff("id", state, { ...inputs, extension: { clusterName: "arc2" } })).replaces).toEqual([
    "extension",
  ]);
});

it("create does not need the connected registry to exist yet (nothing changes in Azure)", async () => {
  const { acr, inputs, ctx } = setUp();
  acr.connectedRegistries.clear();
  const { outs } = await deactivation.create(inputs, ctx);
  expect(outs.activationStatus).toBeUndefined();
});

it("check names missing inputs", () => {
  expect(deactivation.check(undefined, { registryName: "acr" }).failures.map((f) => f.property)).toEqual([
    "subscriptionId",
    "resourceGroupName",
    "connectedRegistryName",
  ]);
});
