/**
 * azure-native v3's login, reproduced for the deploy-time operations (platform-facts §10).
 *
 * Every setting is read from stack config `azure-native:<key>` first, else from its environment variable
 * (same keys, same variables as azure-native's `readAuthConfig`). The first configured method wins, in
 * azure-native's order, and a configured method that fails is an error naming its settings — never a
 * fall-through to the next method. The methods are one ordered table (methods.ts, `loginMethods`: when each
 * applies, which settings it reads, how its credential is built); this module resolves "the first entry that
 * applies":
 *
 * 1. `useDefaultAzureCredential` → `DefaultAzureCredential`;
 * 2. `clientCertificatePath` (PKCS#12 with optional `clientCertificatePassword`, or PEM) → client certificate;
 * 3. `clientSecret` → client secret;
 * 4. `useOidc` → OIDC: `oidcToken`, else the file `oidcTokenFilePath` (read per token request), else the GitHub Actions exchange
 *    (`oidcRequestUrl` + `oidcRequestToken`, audience `oidcAudience` or `api://AzureADTokenExchange`),
 *    used as a client assertion;
 * 5. `useMsi` → managed identity (user-assigned when `clientId` is set);
 * 6. otherwise the Azure CLI (subscription and cloud from `az account show`).
 *
 * Clouds (clouds.ts): `environment` (`ARM_ENVIRONMENT`, then `AZURE_ENVIRONMENT`) = public / usgovernment /
 * china or an alias azure-native maps (an unknown name is an error naming the setting), or the custom triple `activeDirectoryAuthorityHost` + `resourceManagerAudience` + `resourceManagerEndpoint`.
 * The token scope is `<resource manager audience>/.default`, the authority host the cloud's.
 *
 * Nothing here is stored in the Pulumi state: the host calls `resolveLogin` at deploy time with the
 * stack config it received (`configure`) and the process environment.
 *
 * Deliberate differences from azure-native (each stricter or needed to stay on the configured cloud):
 * - an `environment` azure-native does not know is an error (azure-native uses the public cloud);
 * - the OIDC token file is read for every token request (azure-native reads it once);
 * - an incomplete custom-cloud triple is an error naming the missing settings (azure-native silently
 *   ignores it and uses `environment`, i.e. usually the public cloud);
 * - the OIDC token and token-file credentials use the configured cloud's authority host (azure-native
 *   builds them without client options, i.e. against the public cloud's login endpoint);
 * - with a custom cloud, MSAL's instance discovery (a request to login.microsoftonline.com) is disabled
 *   for every credential that supports it, as it is when `disableInstanceDiscovery` is set.
 */
import type { TokenCredential } from "@azure/identity";
import { AzureCloud, clouds, configuredCloud } from "./clouds";
import { chooseMethod, LoginMethod, namedCredential } from "./methods";
import { ConfigReader, Settings } from "./settings";

export { pfxToPem } from "./certificate";
export { cloudByName, clouds, resolveCloud } from "./clouds";
export type { AzureCloud } from "./clouds";
export { chooseMethod, LoginMethod, loginMethods } from "./methods";
export type { LoginMethodEntry } from "./methods";
export { AzureLoginError, loginSettings, settingLabel } from "./settings";
export type { ConfigReader, LoginSetting, SettingName } from "./settings";

/** The resolved login. */
export interface AzureLogin {
  /** Token credential of the chosen method (errors name the method's settings). */
  readonly credential: TokenCredential;
  /** Which method was chosen. */
  readonly method: LoginMethod;
  /** Subscription for ARM calls: configured, or the Azure CLI's. */
  readonly subscriptionId?: string;
  /** Configured tenant, if any. */
  readonly tenantId?: string;
  /** Configured client id, if any. */
  readonly clientId?: string;
  /** The cloud. */
  readonly cloud: AzureCloud;
  /** The token scope for ARM: `<audience>/.default`. */
  readonly scope: string;
}

/**
 * Resolves the login exactly as azure-native v3 does (see the module doc): `config(key)` reads stack config
 * `azure-native:<key>`, `env` the process environment. Throws {@link AzureLoginError} naming the setting
 * when the configured method is incomplete or its material unreadable; token failures later name it too.
 */
export async function resolveLogin(config: ConfigReader, env: NodeJS.ProcessEnv): Promise<AzureLogin> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const identity = require("@azure/identity") as typeof import("@azure/identity");
  const settings = new Settings(config, env);
  const configured = configuredCloud(settings);
  const cloud: AzureCloud = configured ?? clouds.public;
  const additionallyAllowedTenants = settings.auxiliaryTenants();
  const disableInstanceDiscovery = settings.flag("disableInstanceDiscovery") || cloud.name === "custom";
  const entry = chooseMethod(settings);
  const built = await entry.build({
    settings,
    identity,
    configured,
    cloud,
    additionallyAllowedTenants,
    disableInstanceDiscovery,
  });
  const resolvedCloud = built.cloud ?? cloud;
  return {
    credential: namedCredential(built.credential, entry),
    method: entry.method,
    subscriptionId: built.subscriptionId ?? settings.get("subscriptionId"),
    tenantId: settings.get("tenantId"),
    clientId: settings.get("clientId"),
    cloud: resolvedCloud,
    scope: `${resolvedCloud.resourceManagerAudience}/.default`,
  };
}
