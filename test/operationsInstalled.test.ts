/**
 * The operations' dynamic provider when a TypeScript program uses the package installed from npm (its
 * `npm pack` tarball unpacked into a fresh folder's node_modules): the program stores the loader
 * (components/operations/loader.ts), which names the installed package's catalog by its package specifier;
 * the provider process — started in the program's folder — requires it from there (package.json `exports`),
 * and every failing login's message arrives intact. The install is shared with test/pluginPackage.test.ts
 * (test/harness/packInstall.js `installPackedShared`).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { installPackedShared } from "./harness/packInstall";
import { addFakeAcr } from "./fakes/acr";
import { FakeAzure, startFakeAzure } from "./fakes/azure";
import { ensureBuilt } from "./harness/build";
import { startDynamicProvider } from "./harness/dynamicProvider";
import { FakeEngine, startFakeEngine } from "./harness/engine";
import { closedPort, loginFailures, runFailures } from "./harness/loginFailures";

let dir: string;
let fake: FakeAzure;
let engine: FakeEngine;
let text: string;

/** The `__provider` text the SDK computes in the program's process for the installed package's operation. */
async function serializeInProgram(operation: string): Promise<string> {
  const script = `
    const pulumi = require("@pulumi/pulumi");
    const { hostLocator, loaderFor } = require("edge-registry/dist/components/operations/loader.js");
    const provider = loaderFor(${JSON.stringify(operation)}, hostLocator());
    pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })
      .then((f) => process.stdout.write(f.text), (e) => { console.error(String(e)); process.exit(1); });`;
  const { stdout } = await promisify(execFile)(process.execPath, ["-e", script], {
    cwd: dir,
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

beforeAll(async () => {
  const program = async () => {
    await ensureBuilt();
    dir = installPackedShared().dir;
    text = await serializeInProgram("TokenPassword");
  };
  [fake, engine] = await Promise.all([startFakeAzure(), startFakeEngine(), program()]);
}, 240_000);

afterAll(async () => {
  await Promise.all([fake?.close(), engine?.close()]);
});

it("stores a loader of at most 2 KB naming the installed package, which a fresh provider process runs", async () => {
  expect(text).toContain('"edge-registry/dist/components/operations/catalog.js"');
  expect(text.length).toBeLessThanOrEqual(2048);
  expect(text).not.toMatch(/generateCredentials|@azure\//);

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
}, 180_000);

it("every failing login's message reaches the engine, naming the setting", async () => {
  const tokenId = addFakeAcr(fake, "rg2", "acr2").addToken("edgetoken");
  const cases = loginFailures(await closedPort());
  const errors = new Map<string, string>();
  await runFailures(
    3,
    cases.map((c) => ({
      failure: c,
      run: async () => {
        const plugin = await startDynamicProvider({
          provider: text,
          cwd: dir,
          engineAddress: engine.engineAddress,
          caFile: fake.caFile,
          env: c.env(fake),
        });
        try {
          errors.set(
            c.name,
            await plugin.create({ tokenId }).then(
              () => "succeeded",
              (e: Error) => e.message,
            ),
          );
        } finally {
          await plugin.close();
        }
      },
    })),
  );
  for (const c of cases) {
    expect([c.name, errors.get(c.name)]).toEqual([c.name, expect.stringMatching(c.message)]);
  }
}, 600_000);
