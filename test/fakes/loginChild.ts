/**
 * Login cases in a child process (run by test/harness/loginCases.ts for the test/login*.test.ts files, as
 * `node -r test/fakes/loopbackOnly.js -r bin/register.js test/fakes/loginChild.ts`, with
 * `NODE_EXTRA_CA_CERTS` = the fake's CA).
 *
 * One case (a fresh process): the process environment is the case's, and `LOGIN_CASE` (JSON) is
 * `{ config: {<azure-native key>: value}, resourceGroup, subscriptionId?, probe? }`. Resolves the login through
 * `createOperationContext` exactly as an operation's host does, makes one ARM call
 * (`registries.get(resourceGroup, "acr")`) and prints one JSON line: the case's resource group and the login's
 * method, subscription, cloud and the registry id, or the error message. With `probe`, it instead tries to
 * reach the given outside URLs (to prove the loopback-only preload refuses them).
 *
 * A batch (`LOGIN_BATCH_FILE`: a JSON list of case environments, each with its `LOGIN_CASE`): the cases one
 * after the other, each with `process.env` replaced by exactly its environment (restored after) and its own
 * context and credentials, one JSON line each. The preload's log is fixed at start-up, so the refusals recorded
 * while a case ran are moved to the case's own `LOOPBACK_ONLY_LOG`. Only for cases that read nothing once per
 * process (the harness decides which: `freshProcessReason`).
 */
import * as fs from "node:fs";
import { createOperationContext } from "../../components/operations/client";

interface LoginCase {
  readonly config: Record<string, string>;
  readonly resourceGroup: string;
  readonly subscriptionId?: string;
  readonly probe?: string[];
  /**
   * Control case: a plain `ClientSecretCredential` on this authority host WITHOUT `disableInstanceDiscovery`
   * (what the login must not do on a custom cloud), asked for `scope`. Its pipeline retries the refused
   * discovery request as always, with millisecond back-off instead of the default 0.8-3.2 s (~5 s of waiting).
   */
  readonly withInstanceDiscovery?: {
    tenantId: string;
    clientId: string;
    secret: string;
    authorityHost: string;
    scope: string;
  };
}

async function main(): Promise<unknown> {
  const spec = JSON.parse(process.env.LOGIN_CASE ?? "{}") as LoginCase;
  if (spec.probe) {
    const results: string[] = [];
    for (const url of spec.probe) {
      try {
        const response = await fetch(url);
        results.push(`${url}: HTTP ${response.status}`);
      } catch (error) {
        results.push(`${url}: ${String((error as Error).cause ?? error)}`);
      }
    }
    return { ok: true, probe: results };
  }
  if (spec.withInstanceDiscovery) {
    const { tenantId, clientId, secret, authorityHost, scope } = spec.withInstanceDiscovery;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const identity = require("@azure/identity") as typeof import("@azure/identity");
    try {
      await new identity.ClientSecretCredential(tenantId, clientId, secret, {
        authorityHost,
        retryOptions: { retryDelayInMs: 5, maxRetryDelayInMs: 20 },
      }).getToken(scope);
      return { ok: true };
    } catch (error) {
      return { ok: false, error: String(error) };
    }
  }
  const context = createOperationContext(
    (key) => spec.config[key],
    process.env,
    () => undefined,
  );
  try {
    const client = await context.client(spec.subscriptionId);
    const login = await context.login();
    const registry = await client.registries.get(spec.resourceGroup, "acr");
    return {
      ok: true,
      method: login.method,
      subscriptionId: login.subscriptionId,
      tenantId: login.tenantId,
      clientId: login.clientId,
      cloud: login.cloud,
      scope: login.scope,
      registryId: registry.id,
    };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

/** Runs `task` with `env` as the whole process environment, then puts the previous environment back. */
async function inEnvironment<T>(env: Record<string, string>, task: () => Promise<T>): Promise<T> {
  const replace = (next: NodeJS.ProcessEnv) => {
    for (const name of Object.keys(process.env)) {
      delete process.env[name];
    }
    Object.assign(process.env, next);
  };
  const previous = { ...process.env };
  replace(env);
  try {
    return await task();
  } finally {
    replace(previous);
  }
}

/** The case of the current environment, as one JSON line (a crash of the case is its error). */
async function runCurrentCase(): Promise<string> {
  const { resourceGroup } = JSON.parse(process.env.LOGIN_CASE ?? "{}") as LoginCase;
  const result = await main().catch((error: unknown) => ({ ok: false, error: `crash: ${String(error)}` }));
  return `${JSON.stringify({ resourceGroup, ...(result as object) })}\n`;
}

/** Moves what the preload appended to `log` after `offset` into `caseLog`; returns the new end of `log`. */
function moveRefusals(log: string | undefined, offset: number, caseLog: string | undefined): number {
  if (!log || !fs.existsSync(log) || log === caseLog) {
    return offset;
  }
  const content = fs.readFileSync(log);
  if (caseLog && content.length > offset) {
    fs.appendFileSync(caseLog, content.subarray(offset));
  }
  return content.length;
}

async function runAll(): Promise<void> {
  const batchFile = process.env.LOGIN_BATCH_FILE;
  if (!batchFile) {
    process.stdout.write(await runCurrentCase());
    return;
  }
  const preloadLog = process.env.LOOPBACK_ONLY_LOG; // what the preload read at start-up
  const environments = JSON.parse(fs.readFileSync(batchFile, "utf8")) as Record<string, string>[];
  let offset = 0;
  for (const env of environments) {
    const line = await inEnvironment(env, runCurrentCase);
    offset = moveRefusals(preloadLog, offset, env.LOOPBACK_ONLY_LOG);
    process.stdout.write(line);
  }
}

runAll().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`loginChild: ${String(error)}\n`);
    process.exit(1);
  },
);
