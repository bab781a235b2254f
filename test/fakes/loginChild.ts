/**
 * One login case in a fresh process (run by test/harness/loginCases.ts for the test/login*.test.ts files, as
 * `node -r test/fakes/loopbackOnly.js -r bin/register.js test/fakes/loginChild.ts`, with
 * `NODE_EXTRA_CA_CERTS` = the fake's CA and the case's environment).
 *
 * `LOGIN_CASE` (JSON): `{ config: {<azure-native key>: value}, resourceGroup, subscriptionId?, probe? }`.
 * Resolves the login through `createOperationContext` exactly as an operation's host does, makes one ARM
 * call (`registries.get(resourceGroup, "acr")`) and prints one JSON line: the login's method, subscription,
 * cloud and the registry id, or the error message. With `probe`, it instead tries to reach the given
 * outside URLs (to prove the loopback-only preload refuses them).
 */
import { createOperationContext } from "../../components/operations/client";

interface LoginCase {
  readonly config: Record<string, string>;
  readonly resourceGroup: string;
  readonly subscriptionId?: string;
  readonly probe?: string[];
  /**
   * Control case: a plain `ClientSecretCredential` on this authority host WITHOUT `disableInstanceDiscovery`
   * (what the login must not do on a custom cloud), asked for `scope`.
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
      await new identity.ClientSecretCredential(tenantId, clientId, secret, { authorityHost }).getToken(scope);
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

main().then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    process.stdout.write(`${JSON.stringify({ ok: false, error: `crash: ${String(error)}` })}\n`);
    process.exit(0);
  },
);
