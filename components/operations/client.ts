/**
 * The Azure SDK client of the deploy-time operations, logged in as azure-native would be (login.ts).
 *
 * `createOperationContext` is what an operation's host (the dynamic provider's `configure`, or the
 * provider plugin) builds from the stack config it received: nothing is resolved until the first
 * `client()` call, and the login is then cached for the process. The management client talks to the
 * cloud's ARM endpoint with the scope `<audience>/.default` and retries as azure-native does (armRetry.ts:
 * 408/429/5xx, dropped connections and 409 `AnotherOperationInProgress`, 3 retries, 20-120 s back-off or
 * the answer's `Retry-After`).
 *
 * Long-running calls poll at the SDK's interval (2 s, or the answer's `Retry-After`), as azure-native's
 * do at azcore's; `EDGE_REGISTRY_LRO_POLL_INTERVAL_MS` ({@link pollIntervalVariable}) shortens it for tests.
 *
 * The SDKs are required lazily, so programs that only preview never load them.
 */
import type { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import { ArmRetryOptions, armRetryOptions, armRetryOptionsFrom, useArmRetries } from "./armRetry";
import type { OperationContext, RegistryClient } from "./operation";
import { AzureLogin, AzureLoginError, ConfigReader, resolveLogin, settingLabel } from "./login";

/**
 * The environment variable that sets {@link OperationContext.pollIntervalMs} in milliseconds: the interval
 * between status polls of the operations' long-running calls and the base of the image import's back-off
 * before it resumes a lost poll. Unset (production): the SDK's 2 s (or the answer's `Retry-After`) and 1 s.
 * For a test harness that drives the operations, in another process too, against a local fake whose
 * operations finish at once (test/fakes/azure.ts sets it in `cloudEnv()`).
 */
export const pollIntervalVariable = "EDGE_REGISTRY_LRO_POLL_INTERVAL_MS";

/** The poll interval {@link pollIntervalVariable} sets in `env`, or undefined (the SDK's own). */
export function pollIntervalFrom(env: NodeJS.ProcessEnv): number | undefined {
  const text = env[pollIntervalVariable];
  const interval = text === undefined || text === "" ? NaN : Number(text);
  return Number.isFinite(interval) && interval > 0 ? interval : undefined;
}

/** An {@link OperationContext} that also exposes the resolved login (e.g. for a data-plane client). */
export interface AzureOperationContext extends OperationContext {
  /** The resolved login (resolved on first use, then cached). */
  login(): Promise<AzureLogin>;
}

/** Builds a management client for `subscriptionId` from a resolved login, retrying as azure-native does. */
export function managementClient(
  login: AzureLogin,
  subscriptionId: string,
  retry: ArmRetryOptions = armRetryOptions,
): ContainerRegistryManagementClient {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require("@azure/arm-containerregistry") as typeof import("@azure/arm-containerregistry");
  const client = new sdk.ContainerRegistryManagementClient(login.credential, subscriptionId, {
    endpoint: login.cloud.resourceManagerEndpoint,
    credentials: { scopes: [login.scope] },
  });
  return useArmRetries(client, retry);
}

/**
 * The context the operations get: `config(key)` reads stack config `azure-native:<key>` (as captured by
 * `configure`), `env` the environment (default `process.env`), `warn` reports warnings (default: stderr),
 * `retry` the ARM retry numbers (default azure-native's, with the base delay from
 * `EDGE_REGISTRY_ARM_RETRY_DELAY_MS` in `env` when set), `pollIntervalMs` the interval between the polls of
 * long-running calls (default the SDK's, or `EDGE_REGISTRY_LRO_POLL_INTERVAL_MS` in `env`). `client(subscriptionId?)` uses the login's
 * subscription when none is given (an error naming `azure-native:subscriptionId / ARM_SUBSCRIPTION_ID` when
 * there is none).
 */
export function createOperationContext(
  config: ConfigReader,
  env: NodeJS.ProcessEnv = process.env,
  warn: (message: string) => void = (message) => process.stderr.write(`warning: ${message}\n`),
  retry: ArmRetryOptions = armRetryOptionsFrom(env),
  pollIntervalMs: number | undefined = pollIntervalFrom(env),
): AzureOperationContext {
  let login: Promise<AzureLogin> | undefined;
  const clients = new Map<string, RegistryClient>();
  const resolve = () => {
    login ??= resolveLogin(config, env);
    // A failed resolution is not cached: the next call reports the (possibly fixed) configuration again.
    login.catch(() => (login = undefined));
    return login;
  };
  return {
    login: resolve,
    async client(subscriptionId?: string): Promise<RegistryClient> {
      const resolved = await resolve();
      const subscription = subscriptionId ?? resolved.subscriptionId;
      if (!subscription) {
        throw new AzureLoginError(
          `No subscription: set ${settingLabel("subscriptionId")}, or give the resource's subscriptionId.`,
        );
      }
      let client = clients.get(subscription);
      if (!client) {
        client = managementClient(resolved, subscription, retry);
        clients.set(subscription, client);
      }
      return client;
    },
    warn,
    ...(pollIntervalMs === undefined ? {} : { pollIntervalMs }),
  };
}
