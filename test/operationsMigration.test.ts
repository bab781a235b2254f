/**
 * A stack written before the loader moves over without replacing any operation resource.
 *
 * test/fixtures/legacyOperationsState.json is the state main (ca05727) wrote for a TokenPassword and a
 * ConnectedRegistryDeactivation: inputs and outputs each carrying the whole provider text (`__provider`, the
 * operation's code serialized by value). The fake registry serves the same token, password and connected
 * registry again; one fresh `cmd/dynamic-provider` process (the engine's one for all dynamic resources) runs
 * what the engine sends on the first `pulumi up` with this version (check and diff with the stored state as olds and the loader as news,
 * then update), and then on `pulumi refresh` and `pulumi destroy` (read and delete of the updated state).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { deactivation } from "../components/operations/deactivation";
import { hostLocator } from "../components/operations/loader";
import { tokenPassword } from "../components/operations/tokenPassword";
import { addFakeAcr, FakeAcr, FakePassword } from "./fakes/acr";
import { FakeAzure, startFakeAzure } from "./fakes/azure";
import { DynamicProvider, serializeLoader, startDynamicProvider } from "./harness/dynamicProvider";
import { FakeEngine, startFakeEngine } from "./harness/engine";

interface LegacyResource {
  type: string;
  id: string;
  provider: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

const legacy = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "legacyOperationsState.json"), "utf8")) as {
  subscriptionId: string;
  resources: LegacyResource[];
  fakeToken: { name: string; passwords: FakePassword[] };
};
const [legacyPassword, legacyDeactivation] = legacy.resources;

let fake: FakeAzure;
let engine: FakeEngine;
let acr: FakeAcr;
let host: DynamicProvider;
/** The process's calls for each operation (the loader as the `__provider` of what they register). */
const plugins: Record<string, DynamicProvider> = {};
const loaders: Record<string, string> = {};

beforeAll(async () => {
  [fake, engine] = await Promise.all([startFakeAzure({ subscriptionId: legacy.subscriptionId }), startFakeEngine()]);
  acr = addFakeAcr(fake, "myresourcegroup", "myacrregistry");
  acr.addToken(legacy.fakeToken.name);
  for (const password of legacy.fakeToken.passwords) {
    acr.tokens.get(legacy.fakeToken.name)!.passwords.set(password.name, password);
  }
  acr.addConnectedRegistry("legacyconnectedregistry", "Active");
  for (const operation of [tokenPassword, deactivation]) {
    loaders[operation.name] = await serializeLoader(operation.name, hostLocator());
  }
  // One process for both operations, as the engine runs one for every dynamic resource of a program.
  host = await startDynamicProvider({
    provider: loaders[tokenPassword.name],
    engineAddress: engine.engineAddress,
    caFile: fake.caFile,
    env: fake.env(),
    keepProvider: true,
  });
  for (const operation of [tokenPassword, deactivation]) {
    plugins[operation.name] = host.serve(loaders[operation.name]);
  }
}, 120_000);

afterAll(async () => {
  await host?.close();
  expect(host?.offLoopback()).toEqual([]);
  await Promise.all([fake?.close(), engine?.close()]);
});

/** The engine's view of a legacy resource: its inputs and outputs with the stored provider text. */
function stored(resource: LegacyResource) {
  return {
    inputs: { ...resource.inputs, __provider: resource.provider },
    outputs: { ...resource.outputs, __provider: resource.provider },
  };
}

/** The inputs a program registers now: the legacy inputs, the loader filled in by the harness. */
function registered(resource: LegacyResource): Record<string, unknown> {
  return { ...resource.inputs };
}

/** Requests the operations made to ARM (not the fake's own bookkeeping), from index `from`. */
const armRequests = (from: number) => fake.requests.slice(from).filter((r) => !r.path.startsWith("/fakeOperations/"));

it("the fixture is a real state of main: the provider text is the operation's code", () => {
  for (const resource of legacy.resources) {
    expect(resource.provider.length).toBeGreaterThan(40_000);
  }
  expect(legacyPassword.provider).toContain("generateCredentials");
  expect(legacyPassword.outputs.value).toBe(legacy.fakeToken.passwords[0].value);
});

describe.each([
  ["TokenPassword", () => legacyPassword],
  ["ConnectedRegistryDeactivation", () => legacyDeactivation],
])("%s created by main", (name, resource) => {
  let updated: Record<string, unknown>;

  it("pulumi up: an in-place update (no replacement, no Azure call) that stores the small loader", async () => {
    const plugin = plugins[name];
    const { inputs, outputs } = stored(resource());
    const checked = await plugin.check(inputs, registered(resource()));
    expect(checked.failures).toEqual([]);
    expect(checked.inputs.__provider).toBe(loaders[name]);

    const diff = await plugin.diff(resource().id, outputs, checked.inputs);
    // (deleteBeforeReplace only matters with replaces: the deactivation always sets it.)
    expect(diff).toMatchObject({ changes: "some", replaces: [] });

    const before = fake.requests.length;
    updated = await plugin.update(resource().id, outputs, checked.inputs);
    expect(armRequests(before)).toEqual([]);
    const { __provider: provider, ...data } = updated;
    expect(data).toEqual(resource().outputs);
    expect(provider).toBe(loaders[name]);
    expect((provider as string).length).toBeLessThanOrEqual(2048);

    // The next `pulumi up` with the same version has nothing to do.
    expect(await plugin.diff(resource().id, updated, checked.inputs)).toMatchObject({ changes: "none" });
  });

  it("pulumi refresh then destroy run the installed code on the updated state", async () => {
    const plugin = plugins[name];
    const read = await plugin.read(resource().id, updated);
    expect(read.id).toBe(resource().id);
    // Nothing drifted; the installed TokenPassword also reports what a state written by main did not record: the
    // slots it owns (inferred from the legacy state: its current slot) and whether the password has expired.
    const recordedNow = name === "TokenPassword" ? { generatedPasswordNames: ["password1"], expired: false } : {};
    expect(read.properties).toEqual({ ...updated, ...recordedNow });
    await plugin.delete(resource().id, updated);
    if (name === "TokenPassword") {
      expect(acr.tokens.get(legacy.fakeToken.name)!.passwords.size).toBe(0);
    } else {
      expect(acr.connectedRegistries.get("legacyconnectedregistry")!.activationStatus).toBe("Inactive");
    }
  });
});
