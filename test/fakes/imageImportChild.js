/**
 * The two processes the engine runs around a dynamic resource, for test/imageImportSdk.test.ts:
 *
 * - `IMPORT_CHILD=serialize` (run with `-r bin/register.js`, like a TypeScript program): serializes the
 *   image import operation exactly as `pulumi.dynamic.Resource` serializes a provider
 *   (`serializeFunction(() => value, {allowSecrets: true})`), writing the text to `PROVIDER_FILE`.
 * - `IMPORT_CHILD=call` (a fresh process, like `@pulumi/pulumi/cmd/dynamic-provider`): loads that text
 *   with `require-from-string`, hosts the operation with `dynamicProviderFor` (operations/dynamic.ts),
 *   calls `configure` with the stack config `CONFIG` (JSON) through the SDK's own dynamic-provider
 *   `Config`, then runs `CALL` (JSON `{method, args}`) and prints one JSON line `{ok, result}` or
 *   `{ok: false, error}`. Warnings go to stderr.
 *
 * The operation (not yet the whole provider) is what is serialized: the host's login module does not
 * serialize yet (its `node:crypto` import is captured by value). Once it does, serialize
 * `dynamicProviderFor(imageImportOperation)` here and drop the host from `call`.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const repo = path.resolve(__dirname, "..", "..");

async function serialize() {
  const { imageImportOperation } = require(path.join(repo, "components/operations/imageImport.ts"));
  const { serializeFunction } = require("@pulumi/pulumi/runtime/closure/serializeClosure");
  const serialized = await serializeFunction(() => imageImportOperation, { allowSecrets: true });
  fs.writeFileSync(process.env.PROVIDER_FILE, serialized.text);
  return { bytes: serialized.text.length };
}

async function call() {
  const requireFromString = require("require-from-string");
  const { Config } = require("@pulumi/pulumi/cmd/dynamic-provider/config");
  const { dynamicProviderFor } = require(path.join(repo, "components/operations/dynamic.ts"));
  const operation = requireFromString(fs.readFileSync(process.env.PROVIDER_FILE, "utf8")).handler();
  const provider = dynamicProviderFor(operation);
  if (provider.configure) {
    await provider.configure({ config: new Config(JSON.parse(process.env.CONFIG ?? "{}"), "edge-site") });
  }
  const { method, args } = JSON.parse(process.env.CALL);
  return provider[method](...args);
}

(process.env.IMPORT_CHILD === "serialize" ? serialize() : call()).then(
  (result) => {
    process.stdout.write(`${JSON.stringify({ ok: true, result: result ?? null })}\n`);
    process.exit(0);
  },
  (error) => {
    process.stdout.write(
      `${JSON.stringify({ ok: false, error: error instanceof Error ? error.message : String(error) })}\n`,
    );
    process.exit(0);
  },
);
