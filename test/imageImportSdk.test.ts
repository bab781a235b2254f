/**
 * The image import as the engine runs it: the operation serialized like a dynamic provider, loaded in a
 * fresh process, configured with the stack config (a client-secret login in `azure-native:*` keys, the
 * custom cloud from the environment), then driven through create/read/diff/update with the REAL
 * `@azure/identity`, `@azure/arm-containerregistry`, `@azure/container-registry` and
 * `@azure/core-rest-pipeline` against the fakes: Entra ID + ARM (test/fakes/azure.ts), the registry's
 * `importImage` and data plane and a public source registry (test/fakes/acrImport.ts), all HTTPS on
 * 127.0.0.1, trusted through `NODE_EXTRA_CA_CERTS`, with outside connections refused (loopbackOnly.js).
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ImageImportInputs, ImageImportState } from "../components/operations/imageImport";
import { FakeAzure, startFakeAzure } from "./fakes/azure";
import { ACR_AUDIENCE, FakeImport, startFakeImport } from "./fakes/acrImport";

jest.setTimeout(120_000);

const root = path.resolve(__dirname, "..");
const child = path.join(root, "test/fakes/imageImportChild.js");
let fake: FakeAzure;
let world: FakeImport;
let providerFile: string;
let outsideLog: string;

interface ChildResult<T> {
  ok: boolean;
  result: T;
  error?: string;
  stderr: string;
  ms: number;
}

function run<T>(env: Record<string, string>): Promise<ChildResult<T>> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["-r", "./test/fakes/loopbackOnly.js", "-r", "./bin/register.js", child],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH ?? "",
          HOME: fake.dir,
          NODE_EXTRA_CA_CERTS: world.caFile,
          LOOPBACK_ONLY_LOG: outsideLog,
          PROVIDER_FILE: providerFile,
          ...env,
        },
        timeout: 110_000,
      },
      (error, stdout, stderr) => {
        const line = stdout.trim().split("\n").pop() ?? "";
        try {
          resolve({
            ...(JSON.parse(line) as { ok: boolean; result: T; error?: string }),
            stderr,
            ms: Date.now() - started,
          });
        } catch {
          reject(new Error(`child failed: ${String(error)}\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}

/** One provider call in a fresh process, configured with a client-secret login in stack config. */
function call<T>(method: string, ...args: unknown[]): Promise<ChildResult<T>> {
  const client = fake.defaultClient;
  return run<T>({
    IMPORT_CHILD: "call",
    CALL: JSON.stringify({ method, args }),
    CONFIG: JSON.stringify({
      "azure-native:clientId": client.clientId,
      "azure-native:clientSecret": client.secret,
      "azure-native:tenantId": client.tenantId,
      "azure-native:subscriptionId": fake.subscriptionId,
    }),
    ...fake.cloudEnv(),
  });
}

type Created = { id: string; outs: ImageImportState };

function request(sourceImage: string, targetTags: string[], mode = "NoForce"): ImageImportInputs {
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

const importCalls = () => fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/importImage"));

beforeAll(async () => {
  fake = await startFakeAzure();
  world = await startFakeImport(fake, "rg-edge", "edgeacr01");
  providerFile = path.join(fake.dir, "provider.js");
  outsideLog = path.join(fake.dir, "outside.log");
  const serialized = await run<{ bytes: number }>({ IMPORT_CHILD: "serialize" });
  expect(serialized).toMatchObject({ ok: true });
});

afterAll(async () => {
  await world?.close();
  await fake?.close();
});

afterEach(() => {
  // Nothing may have left loopback (no real Entra ID, ARM, registry or IMDS).
  expect(fs.existsSync(outsideLog) ? fs.readFileSync(outsideLog, "utf8") : "").toBe("");
  fake.faults.clear();
});

it("creates: one import of the source as given, the targets' digests recorded, all with azure-native's login", async () => {
  const digest = world.source.pushIndex("mcr/hello-world:latest");
  const before = importCalls().length;
  const created = await call<Created>("create", request("mcr/hello-world:latest", ["hello-world:latest"]));
  expect(created.error).toBeUndefined();
  expect(created.result.outs).toMatchObject({ digest, targetDigests: { "hello-world:latest": digest } });
  expect(created.result.id).toBe(
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
  const created = await call<Created>("create", request("library/nginx:1.25", ["web/nginx:1.25"]));
  expect(created.error).toBeUndefined();
  expect(created.result.outs).toMatchObject({ digest, targetDigests: { "web/nginx:1.25": digest } });
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

  // A crashed `pulumi up` (no state) runs create again, in NoForce: done, without another import.
  const imports = world.registry.imports.length;
  const again = await call<Created>("create", request("library/nginx:1.25", ["web/nginx:1.25"]));
  expect(again.error).toBeUndefined();
  expect(again.result.outs.digest).toBe(digest);
  expect(world.registry.imports.length).toBe(imports);
});

it("a target tag pointing elsewhere fails, naming the tag and `mode: Force`; Force re-points it", async () => {
  world.source.push("tools/busybox:1.36");
  const other = world.source.push("tools/busybox:old");
  world.registry.tags.set("busybox:1.36", other);
  const before = world.registry.imports.length;
  const refused = await call<Created>("create", request("tools/busybox:1.36", ["busybox:1.36"]));
  expect(refused.ok).toBe(false);
  expect(refused.error).toContain("target tag busybox:1.36");
  expect(refused.error).toContain(`already points at ${other}`);
  expect(refused.error).toContain("`mode: Force`");
  expect(world.registry.imports.length).toBe(before); // refused before any import call

  const forced = await call<Created>("create", request("tools/busybox:1.36", ["busybox:1.36"], "Force"));
  expect(forced.error).toBeUndefined();
  expect(world.registry.tags.get("busybox:1.36")).toBe(world.source.images.get("tools/busybox:1.36")?.digest);
});

it("429 with Retry-After is retried after the delay, on ARM and on the data plane", async () => {
  const digest = world.source.push("mcr/throttled:1");
  fake.faults.add({ kind: "throttle", method: "POST", path: /\/importImage$/, retryAfterSeconds: 2 });
  world.registry.throttle(1, 1);
  const before = importCalls().length;
  const dataBefore = world.registry.requests.length;
  const created = await call<Created>("create", request("mcr/throttled:1", ["throttled:1"]));
  expect(created.error).toBeUndefined();
  expect(created.result.outs.digest).toBe(digest);
  expect(
    importCalls()
      .slice(before)
      .map((r) => r.status),
  ).toEqual([429, 202]);
  expect(world.registry.requests.slice(dataBefore).some((r) => r.status === 429)).toBe(true);
  expect(created.ms).toBeGreaterThanOrEqual(3000);
});

it("a lost status poll is resumed: one import, no duplicate, no failure", async () => {
  const digest = world.source.push("mcr/polled:1");
  const before = importCalls().length;
  // More dropped polls than the SDK's own retries (4): its poller gives up once, the operation resumes it.
  fake.faults.add({ kind: "dropBefore", method: "GET", path: /^\/fakeOperations\//, times: 5 });
  const created = await call<Created>("create", request("mcr/polled:1", ["polled:1"]));
  expect(created.error).toBeUndefined();
  expect(created.result.outs.digest).toBe(digest);
  expect(importCalls().length - before).toBe(1);
  expect(created.stderr).toContain("polling the same operation again");
});

it("refresh after a tag was deleted outside shows it gone; the next update imports it again at the recorded digest", async () => {
  const digest = world.source.push("mcr/app:2");
  const created = await call<Created>("create", request("mcr/app:2", ["app:2", "app:stable"]));
  expect(created.error).toBeUndefined();
  world.registry.tags.delete("app:stable");
  world.source.push("mcr/app:2"); // the source tag moved meanwhile: the repair keeps the imported content

  const read = await call<{ id: string; props: ImageImportState }>("read", created.result.id, created.result.outs);
  expect(read.result.props.targetDigests).toEqual({ "app:2": digest });

  const inputs = request("mcr/app:2", ["app:2", "app:stable"]);
  const diff = await call<{ changes: boolean; replaces: string[] }>("diff", read.result.id, read.result.props, inputs);
  expect(diff.result).toMatchObject({ changes: true, replaces: [] });

  const updated = await call<{ outs: ImageImportState }>("update", read.result.id, read.result.props, inputs);
  expect(updated.error).toBeUndefined();
  expect(updated.result.outs.targetDigests).toEqual({ "app:2": digest, "app:stable": digest });
  expect(world.registry.imports.at(-1)?.body).toMatchObject({
    source: { sourceImage: `mcr/app@${digest}` },
    targetTags: ["app:stable"],
    mode: "NoForce",
  });
});

it("read drops the import when its registry is gone", async () => {
  const created = await call<Created>("create", { ...request("mcr/hello-world:latest", ["hello-world:latest"]) });
  const gone = { ...created.result.outs, registryName: "edgeacr99" };
  const read = await call<{ id: string }>("read", created.result.id.replace("edgeacr01", "edgeacr99"), gone);
  expect(read.result).toEqual({ id: "", props: {} });
});

it("diff through the loaded provider: Force -> NoForce, another case of the resource group, an explicit default subscription", async () => {
  world.source.push("mcr/diffs:1");
  const created = await call<Created>("create", request("mcr/diffs:1", ["diffs:1"], "Force"));
  const { id, outs } = created.result;
  const diff = (news: Partial<ImageImportInputs>) =>
    call<{ changes: boolean; replaces: string[] }>("diff", id, outs, {
      ...request("mcr/diffs:1", ["diffs:1"], "Force"),
      ...news,
    });
  expect((await diff({ mode: "NoForce" })).result).toMatchObject({ changes: true, replaces: [] });
  expect((await diff({ resourceGroupName: "RG-EDGE" })).result).toMatchObject({ changes: false, replaces: [] });
  expect((await diff({ subscriptionId: fake.subscriptionId.toUpperCase() })).result).toMatchObject({ changes: false });
  // Recording the new mode calls nothing in Azure.
  const requests = fake.requests.length;
  const updated = await call<{ outs: ImageImportState }>("update", id, outs, {
    ...request("mcr/diffs:1", ["diffs:1"]),
  });
  expect(updated.result.outs).toMatchObject({ mode: "NoForce", digest: outs.digest });
  expect(fake.requests.length).toBe(requests);
});

it("a new source re-points the tags this import wrote, even in NoForce; a new target someone else holds still fails", async () => {
  const first = world.source.push("mcr/svc:1");
  const second = world.source.push("mcr/svc:2");
  const created = await call<Created>("create", request("mcr/svc:1", ["svc:current"]));
  expect(created.result.outs.digest).toBe(first);

  const moved = await call<{ outs: ImageImportState }>(
    "update",
    created.result.id,
    created.result.outs,
    request("mcr/svc:2", ["svc:current"]),
  );
  expect(moved.error).toBeUndefined();
  expect(moved.result.outs).toMatchObject({ digest: second, targetDigests: { "svc:current": second } });
  expect(world.registry.imports.at(-1)?.body).toMatchObject({
    source: { sourceImage: `mcr/svc@${second}` },
    targetTags: ["svc:current"],
    mode: "Force",
  });

  world.registry.tags.set("svc:other", first);
  const refused = await call<{ outs: ImageImportState }>(
    "update",
    created.result.id,
    moved.result.outs,
    request("mcr/svc:2", ["svc:current", "svc:other"]),
  );
  expect(refused.ok).toBe(false);
  expect(refused.error).toContain("target tag svc:other");
  expect(refused.error).toContain("`mode: Force`");
  expect(world.registry.tags.get("svc:other")).toBe(first);
});
