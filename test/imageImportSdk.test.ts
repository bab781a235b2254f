/**
 * The image import as the engine runs it (test/harness/dynamicProvider.ts): its loader serialized by the
 * SDK (components/operations/loader.ts), run by a fresh `@pulumi/pulumi/cmd/dynamic-provider` process, configured with the stack
 * config (a client-secret login in `azure-native:*` keys; only the custom cloud comes from the
 * environment), then driven over the provider gRPC protocol with the REAL `@azure/identity`,
 * `@azure/arm-containerregistry`, `@azure/container-registry` and `@azure/core-rest-pipeline` inside the
 * plugin, against the fakes: Entra ID + ARM (test/fakes/azure.ts), the registry's `importImage`, its data
 * plane and a public source registry (test/fakes/acrImport.ts), all HTTPS on 127.0.0.1, trusted through
 * `NODE_EXTRA_CA_CERTS`, with every connection off loopback refused and recorded (loopbackOnly.js).
 */
import { ImageImportInputs, imageImportOperation, ImageImportState } from "../components/operations/imageImport";
import { hostLocator } from "../components/operations/loader";
import { ACR_AUDIENCE, FakeImport, startFakeImport } from "./fakes/acrImport";
import { FakeAzure, startFakeAzure } from "./fakes/azure";
import { DynamicProvider, serializeLoader, startDynamicProvider } from "./harness/dynamicProvider";
import { FakeEngine, startFakeEngine } from "./harness/engine";

jest.setTimeout(120_000);

let fake: FakeAzure;
let engine: FakeEngine;
let world: FakeImport;
let providerText: string;
let plugin: DynamicProvider;
const plugins: DynamicProvider[] = [];

/** A fresh dynamic-provider process (as after a crash), configured with the login in stack config. */
async function startPlugin(): Promise<DynamicProvider> {
  const client = fake.defaultClient;
  const started = await startDynamicProvider({
    provider: providerText,
    engineAddress: engine.engineAddress,
    caFile: world.caFile,
    env: fake.cloudEnv(),
    config: {
      "azure-native:clientId": client.clientId,
      "azure-native:clientSecret": client.secret,
      "azure-native:tenantId": client.tenantId,
      "azure-native:subscriptionId": fake.subscriptionId,
    },
  });
  plugins.push(started);
  return started;
}

type State = ImageImportState & Record<string, unknown>;

/** check + create, as `pulumi up` does for a new resource. */
async function create(inputs: ImageImportInputs, provider = plugin): Promise<{ id: string; outs: State }> {
  const checked = await provider.check({}, { ...inputs });
  expect(checked.failures).toEqual([]);
  const created = await provider.create(checked.inputs);
  return { id: created.id, outs: created.properties as State };
}

/** The error a call fails with (its message as the engine shows it). */
async function failure(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => "no error",
    (error: unknown) => String(error instanceof Error ? error.message : error),
  );
}

function request(
  sourceImage: string,
  targetTags: string[],
  mode = "NoForce",
): ImageImportInputs & Record<string, unknown> {
  return {
    subscriptionId: fake.subscriptionId,
    resourceGroupName: "rg-edge",
    registryName: "edgeacr01",
    registryUri: world.source.host,
    sourceImage,
    targetTags,
    untaggedTargetRepositories: [],
    mode,
  };
}

/** The plugin's stderr once it contains `text` (pipes deliver after the gRPC answer), or after 5 s. */
async function stderrWith(provider: DynamicProvider, text: string): Promise<string> {
  for (let waited = 0; waited < 5000 && !provider.stderr().includes(text); waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return provider.stderr();
}

const importCalls = () => fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/importImage"));

beforeAll(async () => {
  [fake, engine] = await Promise.all([startFakeAzure(), startFakeEngine()]);
  world = await startFakeImport(fake, "rg-edge", "edgeacr01");
  providerText = await serializeLoader(imageImportOperation.name, hostLocator());
  plugin = await startPlugin();
});

afterAll(async () => {
  await Promise.all(plugins.map((p) => p.close()));
  for (const p of plugins) {
    // Nothing may have left loopback (no real Entra ID, ARM, registry or IMDS).
    expect(p.offLoopback()).toEqual([]);
  }
  await Promise.all([world?.close(), fake?.close(), engine?.close()]);
});

afterEach(() => fake.faults.clear());

it("creates: one import of the source as given, the targets' digests recorded, all with azure-native's login", async () => {
  const digest = world.source.pushIndex("mcr/hello-world:latest");
  const before = importCalls().length;
  const created = await create(request("mcr/hello-world:latest", ["hello-world:latest"]));
  expect(created.outs).toMatchObject({ digest, targetDigests: { "hello-world:latest": digest } });
  expect(created.id).toBe(
    `/subscriptions/${fake.subscriptionId}/resourceGroups/rg-edge/providers/Microsoft.ContainerRegistry/registries/edgeacr01/imports/hello-world:latest`,
  );
  const [post] = importCalls().slice(before);
  expect(post.body).toEqual({
    source: { registryUri: world.source.host, sourceImage: "mcr/hello-world:latest" },
    targetTags: ["hello-world:latest"],
    mode: "NoForce",
  });
  expect(post.claims).toMatchObject({ appid: fake.defaultClient.clientId, tid: fake.defaultClient.tenantId });
  expect(world.registry.tags.get("hello-world:latest")).toBe(digest);
  // The data plane saw the same identity, with ACR's audience (never ARM's, which the registries refuse).
  expect(world.registry.exchanges.length).toBeGreaterThan(0);
  for (const exchange of world.registry.exchanges) {
    expect(exchange).toEqual({
      appid: fake.defaultClient.clientId,
      tid: fake.defaultClient.tenantId,
      aud: ACR_AUDIENCE,
      accepted: true,
    });
  }
});

it("a retry after a lost response succeeds: the dropped POST was applied, the SDK's retry answers 'exists' at the same digest", async () => {
  const digest = world.source.pushIndex("library/nginx:1.25");
  const before = world.registry.imports.length;
  fake.faults.add({ kind: "dropAfter", method: "POST", path: /\/importImage$/ });
  const created = await create(request("library/nginx:1.25", ["web/nginx:1.25"]));
  expect(created.outs).toMatchObject({ digest, targetDigests: { "web/nginx:1.25": digest } });
  expect(world.registry.imports.slice(before).map((i) => i.outcome)).toEqual(["imported", "TagAlreadyExists"]);
  // The source digest came from the source registry's distribution API, index accepted, anonymous token.
  const heads = world.source.requests.filter(
    (r) => r.method === "HEAD" && r.path === "/v2/library/nginx/manifests/1.25",
  );
  expect(heads.map((r) => [r.auth, r.status])).toEqual([
    [undefined, 401],
    ["Bearer", 200],
  ]);
  expect(heads[1].accept).toContain("application/vnd.oci.image.index.v1+json");

  // A crashed `pulumi up` (no state) creates again from a fresh plugin process, in NoForce: done, no import.
  const imports = world.registry.imports.length;
  const again = await create(request("library/nginx:1.25", ["web/nginx:1.25"]), await startPlugin());
  expect(again.outs.digest).toBe(digest);
  expect(world.registry.imports.length).toBe(imports);
});

it("a target tag pointing elsewhere fails, naming the tag and `mode: Force`; Force re-points it", async () => {
  world.source.push("tools/busybox:1.36");
  const other = world.source.push("tools/busybox:old");
  world.registry.tags.set("busybox:1.36", other);
  const before = world.registry.imports.length;
  const refused = await failure(create(request("tools/busybox:1.36", ["busybox:1.36"])));
  expect(refused).toContain("target tag busybox:1.36");
  expect(refused).toContain(`already points at ${other}`);
  expect(refused).toContain("`mode: Force`");
  expect(world.registry.imports.length).toBe(before); // refused before any import call

  await create(request("tools/busybox:1.36", ["busybox:1.36"], "Force"));
  expect(world.registry.tags.get("busybox:1.36")).toBe(world.source.images.get("tools/busybox:1.36")?.digest);
});

it("429 with Retry-After is retried after the delay, on ARM and on the data plane", async () => {
  const digest = world.source.push("mcr/throttled:1");
  // The delays are asked in milliseconds (`retry-after-ms`, which both pipelines read before `Retry-After`): far
  // above ARM's 5 ms test back-off, and the data plane does not retry a 429 that asks for no delay at all.
  const armDelay = 400;
  const dataDelay = 300;
  fake.faults.add({ kind: "throttle", method: "POST", path: /\/importImage$/, retryAfterMs: armDelay });
  world.registry.throttle(1, dataDelay);
  const before = importCalls().length;
  const dataBefore = world.registry.requests.length;
  const started = Date.now();
  const created = await create(request("mcr/throttled:1", ["throttled:1"]));
  expect(created.outs.digest).toBe(digest);
  const posts = importCalls().slice(before);
  expect(posts.map((r) => r.status)).toEqual([429, 202]);
  expect(posts[1].at - posts[0].at).toBeGreaterThanOrEqual(armDelay);
  const data = world.registry.requests.slice(dataBefore);
  expect(data.filter((r) => r.status === 429)).toHaveLength(1);
  const throttled = data.findIndex((r) => r.status === 429);
  expect(data[throttled + 1]).toMatchObject({ method: data[throttled].method, path: data[throttled].path });
  expect(data[throttled + 1].at - data[throttled].at).toBeGreaterThanOrEqual(dataDelay);
  expect(Date.now() - started).toBeGreaterThanOrEqual(armDelay + dataDelay);
});

it("a lost status poll is resumed: one import, no duplicate, no failure", async () => {
  const digest = world.source.push("mcr/polled:1");
  const before = importCalls().length;
  // More dropped polls than the SDK's own retries (4): its poller gives up once, the operation resumes it.
  fake.faults.add({ kind: "dropBefore", method: "GET", path: /^\/fakeOperations\//, times: 5 });
  const created = await create(request("mcr/polled:1", ["polled:1"]));
  expect(created.outs.digest).toBe(digest);
  expect(importCalls().length - before).toBe(1);
  expect(await stderrWith(plugin, "polling the same operation again")).toContain(
    "warning: ImageImport: the import's status poll failed",
  );
});

it("refresh after a tag was deleted outside shows it gone; the next update imports it again at the recorded digest", async () => {
  const digest = world.source.push("mcr/app:2");
  const created = await create(request("mcr/app:2", ["app:2", "app:stable"]));
  world.registry.tags.delete("app:stable");
  world.source.push("mcr/app:2"); // the source tag moved meanwhile: the repair keeps the imported content

  const read = await plugin.read(created.id, created.outs);
  expect(read.properties.targetDigests).toEqual({ "app:2": digest });

  const inputs = request("mcr/app:2", ["app:2", "app:stable"]);
  expect(await plugin.diff(read.id, read.properties, inputs)).toMatchObject({ changes: "some", replaces: [] });
  const updated = (await plugin.update(read.id, read.properties, inputs)) as State;
  expect(updated.targetDigests).toEqual({ "app:2": digest, "app:stable": digest });
  expect(world.registry.imports.at(-1)?.body).toMatchObject({
    source: { sourceImage: `mcr/app@${digest}` },
    targetTags: ["app:stable"],
    mode: "NoForce",
  });
});

it("read drops the import when its registry is gone", async () => {
  world.source.push("mcr/dropped:1");
  const created = await create(request("mcr/dropped:1", ["dropped:1"]));
  const gone = { ...created.outs, registryName: "edgeacr99" };
  expect(await plugin.read(created.id.replace("edgeacr01", "edgeacr99"), gone)).toEqual({ id: "", properties: {} });
});

it("diff through the plugin: Force -> NoForce, another case of the resource group, an explicit default subscription", async () => {
  world.source.push("mcr/diffs:1");
  const { id, outs } = await create(request("mcr/diffs:1", ["diffs:1"], "Force"));
  const diff = (news: Partial<ImageImportInputs>) =>
    plugin.diff(id, outs, { ...request("mcr/diffs:1", ["diffs:1"], "Force"), ...news });
  expect(await diff({ mode: "NoForce" })).toMatchObject({ changes: "some", replaces: [] });
  expect(await diff({ resourceGroupName: "RG-EDGE" })).toMatchObject({ changes: "none", replaces: [] });
  expect(await diff({ subscriptionId: fake.subscriptionId.toUpperCase() })).toMatchObject({ changes: "none" });
  // Recording the new mode calls nothing in Azure.
  const requests = fake.requests.length;
  const updated = await plugin.update(id, outs, request("mcr/diffs:1", ["diffs:1"]));
  expect(updated).toMatchObject({ mode: "NoForce", digest: outs.digest });
  expect(fake.requests.length).toBe(requests);
});

it("a new source re-points the tags this import wrote, even in NoForce; a new target someone else holds still fails", async () => {
  const first = world.source.push("mcr/svc:1");
  const second = world.source.push("mcr/svc:2");
  const created = await create(request("mcr/svc:1", ["svc:current"]));
  expect(created.outs.digest).toBe(first);

  const moved = (await plugin.update(created.id, created.outs, request("mcr/svc:2", ["svc:current"]))) as State;
  expect(moved).toMatchObject({ digest: second, targetDigests: { "svc:current": second } });
  expect(world.registry.imports.at(-1)?.body).toMatchObject({
    source: { sourceImage: `mcr/svc@${second}` },
    targetTags: ["svc:current"],
    mode: "Force",
  });

  world.registry.tags.set("svc:other", first);
  const refused = await failure(plugin.update(created.id, moved, request("mcr/svc:2", ["svc:current", "svc:other"])));
  expect(refused).toContain("target tag svc:other");
  expect(refused).toContain("`mode: Force`");
  expect(world.registry.tags.get("svc:other")).toBe(first);
});

it("a source in the registry itself is imported by resourceId, its digest read through the data plane", async () => {
  const digest = "sha256:" + "b7".repeat(32);
  world.registry.tags.set("retag/base:1", digest);
  world.registry.manifests.set("retag/base", new Set([digest]));
  const inputs = { ...request("retag/base:1", ["retag/base:stable"]), registryUri: world.registry.loginServer };
  await create(inputs);
  expect(world.registry.imports.at(-1)?.body).toEqual({
    source: { resourceId: world.registry.registryId, sourceImage: "retag/base:1" },
    targetTags: ["retag/base:stable"],
    mode: "NoForce",
  });
  const imports = world.registry.imports.length;
  const again = await create(inputs);
  expect(again.outs).toMatchObject({ digest, targetDigests: { "retag/base:stable": digest } });
  expect(world.registry.imports.length).toBe(imports);
});

it("read warns about a tag re-pointed outside Pulumi and leaves it", async () => {
  const digest = world.source.push("mcr/warned:1");
  const created = await create(request("mcr/warned:1", ["warned:1"]));
  const elsewhere = "sha256:" + "c3".repeat(32);
  world.registry.tags.set("warned:1", elsewhere);
  const read = await plugin.read(created.id, created.outs);
  expect(read.properties).toMatchObject({ digest, targetDigests: { "warned:1": elsewhere } });
  const warning = `target tag warned:1 in registry edgeacr01 now points at ${elsewhere}`;
  expect(await stderrWith(plugin, warning)).toContain(warning);
});

it("check refuses a bad request through the plugin, naming the property", async () => {
  const checked = await plugin.check({}, { ...request("mcr/x:1", ["x"]), mode: "Overwrite" });
  expect(checked.failures.map((f) => f.property).sort()).toEqual(["mode", "targetTags[0]"]);
});

it("an untagged copy of a pinned source: imported once, and read (also from a state without digests) finds it", async () => {
  const digest = world.source.push("mcr/pinned:1");
  const inputs = { ...request(`mcr/pinned@${digest}`, []), untaggedTargetRepositories: ["pinned"] };
  const created = await create(inputs);
  expect(created.outs).toMatchObject({ digest, targetDigests: { pinned: digest } });
  expect(world.registry.manifests.get("pinned")?.has(digest)).toBe(true);
  const imports = world.registry.imports.length;
  await create(inputs); // a retried create finds the manifest there: no second import
  expect(world.registry.imports.length).toBe(imports);

  const legacy: Record<string, unknown> = { ...created.outs };
  delete legacy.digest;
  delete legacy.targetDigests;
  const read = await plugin.read(created.id, legacy);
  expect(read.properties).toMatchObject({ digest, targetDigests: { pinned: digest } });
});

it("an identity without rights on the registry's content gets an error naming what it needs, before any import", async () => {
  world.source.push("mcr/denied:1");
  const imports = world.registry.imports.length;
  world.registry.refuseExchanges = true;
  try {
    const error = await failure(create(request("mcr/denied:1", ["denied:1"])));
    expect(error).toContain(`reading tag denied:1 in registry ${world.registry.loginServer} failed`);
    expect(error).toContain("needs read access to the registry's content (e.g. the AcrPull role)");
  } finally {
    world.registry.refuseExchanges = false;
  }
  expect(world.registry.imports.length).toBe(imports);
});
