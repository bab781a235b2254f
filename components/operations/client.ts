/**
 * The Azure SDK client of the deploy-time operations, logged in as azure-native would be (login.ts).
 *
 * `createOperationContext` is what an operation's host (the dynamic provider's `configure`, or the
 * provider plugin) builds from the stack config it received: nothing is resolved until the first
 * `client()` call, and the login is then cached for the process. The management client talks to the
 * cloud's ARM endpoint with the scope `<audience>/.default` and retries 429 (honouring `Retry-After`),
 * 5xx and dropped connections with the SDK's own bounded retry policy.
 *
 * The SDKs are required lazily, so programs that only preview never load them.
 */
import type { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import type { OperationContext, RegistryClient } from "./operation";
import { AzureLogin, AzureLoginError, ConfigReader, resolveLogin, settingLabel } from "./login";

/** Retry options of every management client: at most 4 retries, exponential from 1 s, capped at 30 s each. */
export const retryOptions = { maxRetries: 4, retryDelayInMs: 1000, maxRetryDelayInMs: 30_000 } as const;

/** An {@link OperationContext} that also exposes the resolved login (e.g. for a data-plane client). */
export interface AzureOperationContext extends OperationContext {
  /** The resolved login (resolved on first use, then cached). */
  login(): Promise<AzureLogin>;
}

/** Builds a management client for `subscriptionId` from a resolved login. */
export function managementClient(login: AzureLogin, subscriptionId: string): ContainerRegistryManagementClient {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require("@azure/arm-containerregistry") as typeof import("@azure/arm-containerregistry");
  return new sdk.ContainerRegistryManagementClient(login.credential, subscriptionId, {
    endpoint: login.cloud.resourceManagerEndpoint,
    credentials: { scopes: [login.scope] },
    retryOptions,
  });
}

/**
 * The context the operations get: `config(key)` reads stack config `azure-native:<key>` (as captured by
 * `configure`), `env` the environment (default `process.env`), `warn` reports warnings (default: stderr).
 * `client(subscriptionId?)` uses the login's subscription when none is given (an error naming
 * `azure-native:subscriptionId / ARM_SUBSCRIPTION_ID` when there is none).
 */
export function createOperationContext(
  config: ConfigReader,
  env: NodeJS.ProcessEnv = process.env,
  warn: (message: string) => void = (message) => process.stderr.write(`warning: ${message}\n`),
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
        client = managementClient(resolved, subscription);
        clients.set(subscription, client);
      }
      return client;
    },
    warn,
  };
}
