/**
 * Errors arrive intact through the real hosts: every failing login method's error reaches the engine as its
 * message, naming the setting to change — through a fresh `cmd/dynamic-provider` process running the loader
 * from this checkout (as for `program/`, the examples, a monorepo importing `components/`), and through the
 * provider plugin over gRPC (started as the Node language host starts it). The npm-install host is in
 * test/operationsInstalled.test.ts; a foreign image tag and a refused data-plane token in
 * test/imageImportSdk.test.ts (dynamic provider) and test/harness/pluginDrive.ts (plugin).
 *
 * Each case is its own process (the login comes from the environment); they start concurrently (the case whose
 * login the SDK retries with pauses, at once: test/harness/loginFailures.ts `runFailures`).
 */
import * as path from "node:path";
import { hostLocator, loaderFor } from "../components/operations/loader";
import { tokenPassword } from "../components/operations/tokenPassword";
import { addFakeAcr } from "./fakes/acr";
import { FakeAzure, startFakeAzure } from "./fakes/azure";
import { ensureBuilt, root } from "./harness/build";
import { serializeProvider, startDynamicProvider } from "./harness/dynamicProvider";
import { FakeEngine, startFakeEngine } from "./harness/engine";
import { startPlugin, urnOf } from "./harness/grpcPlugin";
import { closedPort, LoginFailure, loginFailures, runFailures } from "./harness/loginFailures";

let fake: FakeAzure;
let engine: FakeEngine;
let tokenId: string;
let cases: LoginFailure[];
/** What each host answered a create with, by case name. */
const dynamicErrors = new Map<string, string>();
const pluginErrors = new Map<string, string>();

/** The message of `call`'s rejection (fails when it succeeds). */
async function failure(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => "succeeded",
    (error: Error) => error.message,
  );
}

beforeAll(async () => {
  [fake, engine] = await Promise.all([startFakeAzure(), startFakeEngine(), ensureBuilt()]);
  tokenId = addFakeAcr(fake, "rg", "acr").addToken("edgetoken");
  cases = loginFailures(await closedPort());
  const text = await serializeProvider(loaderFor(tokenPassword.name, hostLocator()));
  await runFailures(
    3,
    cases.flatMap((c) => [
      {
        failure: c,
        run: async () => {
          const plugin = await startDynamicProvider({
            provider: text,
            engineAddress: engine.engineAddress,
            caFile: fake.caFile,
            env: c.env(fake),
          });
          try {
            dynamicErrors.set(c.name, await failure(plugin.create({ tokenId })));
            expect(plugin.offLoopback()).toEqual([]);
          } finally {
            await plugin.close();
          }
        },
      },
      {
        failure: c,
        run: async () => {
          const plugin = await startPlugin({
            packageDir: root,
            runPlugin: path.join(root, "node_modules", "@pulumi", "pulumi", "cmd", "run-plugin"),
            engineAddress: engine.engineAddress,
            env: { ...c.env(fake), NODE_EXTRA_CA_CERTS: fake.caFile },
          });
          try {
            pluginErrors.set(
              c.name,
              await failure(plugin.create(urnOf("edge-registry:index:TokenPassword", "password"), { tokenId })),
            );
          } finally {
            await plugin.close();
          }
        },
      },
    ]),
  );
}, 600_000);

afterAll(async () => {
  await Promise.all([fake?.close(), engine?.close()]);
});

it.each(loginFailures(0).map((c) => [c.name]))("%s: the engine gets the message naming the setting", (name) => {
  const { message } = cases.find((c) => c.name === name)!;
  expect(dynamicErrors.get(name)).toMatch(message);
  expect(pluginErrors.get(name)).toMatch(message);
  for (const text of [dynamicErrors.get(name), pluginErrors.get(name)]) {
    expect(text).not.toContain("[object Object]");
  }
});
