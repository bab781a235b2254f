/**
 * The operations' dynamic provider when a TypeScript program uses the package installed from npm (its
 * `npm pack` tarball unpacked into a fresh folder's node_modules): the SDK serializes the package's modules
 * as `require("edge-registry/dist/...")` references, not by value, so the provider process — started in the
 * program's folder — must be able to require them (package.json `exports`), and the text stays small.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { installPacked } from "./harness/packInstall";
import { addFakeAcr } from "./fakes/acr";
import { FakeAzure, startFakeAzure } from "./fakes/azure";
import { ensureBuilt } from "./harness/build";
import { startDynamicProvider } from "./harness/dynamicProvider";
import { FakeEngine, startFakeEngine } from "./harness/engine";

let dir: string;
let fake: FakeAzure;
let engine: FakeEngine;

beforeAll(async () => {
  await ensureBuilt();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "edge-registry-program-"));
  installPacked(dir);
  [fake, engine] = await Promise.all([startFakeAzure(), startFakeEngine()]);
}, 240_000);

afterAll(async () => {
  await Promise.all([fake?.close(), engine?.close()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The `__provider` text the SDK computes in the program's process for an installed package's operation. */
function serializeInProgram(module: string, operation: string): string {
  const script = `
    const pulumi = require("@pulumi/pulumi");
    const dist = require("path").join(process.cwd(), "node_modules", "edge-registry", "dist", "components", "operations");
    const { dynamicProviderFor } = require(require("path").join(dist, "dynamic.js"));
    const operation = require(require("path").join(dist, ${JSON.stringify(module)}))[${JSON.stringify(operation)}];
    pulumi.runtime.serializeFunction(() => dynamicProviderFor(operation), { allowSecrets: true })
      .then((f) => process.stdout.write(f.text), (e) => { console.error(String(e)); process.exit(1); });`;
  return execFileSync(process.execPath, ["-e", script], { cwd: dir, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
}

it("serializes references to the installed package and runs them in a fresh provider process", async () => {
  const text = serializeInProgram("tokenPassword.js", "tokenPassword");
  expect(text).toContain('require("edge-registry/dist/components/operations/client.js")');
  expect(text.length).toBeLessThan(30_000);

  const acr = addFakeAcr(fake, "rg", "acr");
  const tokenId = acr.addToken("myconnectedregistry");
  const plugin = await startDynamicProvider({
    provider: text,
    cwd: dir,
    engineAddress: engine.engineAddress,
    caFile: fake.caFile,
    env: fake.env(),
  });
  try {
    const checked = await plugin.check({}, { tokenId });
    expect(checked.failures).toEqual([]);
    const created = await plugin.create(checked.inputs);
    expect(acr.accepts("myconnectedregistry", created.properties.value as string)).toBe(true);
    expect((await plugin.read(created.id, created.properties)).id).toBe(created.id);
  } finally {
    await plugin.close();
  }
  expect(plugin.offLoopback()).toEqual([]);
});
