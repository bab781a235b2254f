/**
 * azure-native v3's login, reproduced for the deploy-time operations (platform-facts §10).
 *
 * Every setting is read from stack config `azure-native:<key>` first, else from its environment variable
 * (same keys, same variables as azure-native's `readAuthConfig`). The first configured method wins, in
 * azure-native's order, and a configured method that fails is an error naming its settings — never a
 * fall-through to the next method:
 *
 * 1. `useDefaultAzureCredential` → `DefaultAzureCredential`;
 * 2. `clientCertificatePath` (PFX, optional `clientCertificatePassword`) → client certificate;
 * 3. `clientSecret` → client secret;
 * 4. `useOidc` → OIDC: `oidcToken`, else the file `oidcTokenFilePath`, else the GitHub Actions exchange
 *    (`oidcRequestUrl` + `oidcRequestToken`, audience `oidcAudience` or `api://AzureADTokenExchange`),
 *    used as a client assertion;
 * 5. `useMsi` → managed identity (user-assigned when `clientId` is set);
 * 6. otherwise the Azure CLI (subscription and cloud from `az account show`).
 *
 * Clouds: `environment` (`ARM_ENVIRONMENT`, then `AZURE_ENVIRONMENT`) = public / usgovernment / china, or
 * the custom triple `activeDirectoryAuthorityHost` + `resourceManagerAudience` + `resourceManagerEndpoint`.
 * The token scope is `<resource manager audience>/.default`, the authority host the cloud's.
 *
 * Nothing here is stored in the Pulumi state: the host calls `resolveLogin` at deploy time with the
 * stack config it received (`configure`) and the process environment.
 *
 * Deliberate differences from azure-native (each stricter or needed to stay on the configured cloud):
 * - an incomplete custom-cloud triple is an error naming the missing settings (azure-native silently
 *   ignores it and uses `environment`, i.e. usually the public cloud);
 * - the OIDC token and token-file credentials use the configured cloud's authority host (azure-native
 *   builds them without client options, i.e. against the public cloud's login endpoint);
 * - with a custom cloud, MSAL's instance discovery (a request to login.microsoftonline.com) is disabled
 *   for every credential that supports it, as it is when `disableInstanceDiscovery` is set.
 */
import { execFile } from "node:child_process";
// Named imports: the dynamic provider serializes this module by value, and a namespace import compiled by swc is
// a copy of node's module that the closure serializer cannot recognise as `require("crypto")`.
import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";

/** Reads stack config `azure-native:<key>` (undefined when unset). */
export type ConfigReader = (key: string) => string | undefined;

/** The login methods, in azure-native's order of precedence. */
export enum LoginMethod {
  DefaultAzureCredential = "DefaultAzureCredential",
  ClientCertificate = "ClientCertificate",
  ClientSecret = "ClientSecret",
  OidcToken = "OidcToken",
  OidcTokenFile = "OidcTokenFile",
  OidcGitHub = "OidcGitHub",
  ManagedIdentity = "ManagedIdentity",
  AzureCli = "AzureCli",
}

/** An Azure cloud: where to log in and where ARM is. */
export interface AzureCloud {
  /** `public`, `usgovernment`, `china`, `custom`, or the Azure CLI's name of a custom cloud. */
  readonly name: string;
  /** ARM endpoint, e.g. `https://management.azure.com`. */
  readonly resourceManagerEndpoint: string;
  /** ARM token audience; the token scope is this + `/.default`. */
  readonly resourceManagerAudience: string;
  /** Microsoft Entra ID authority host, e.g. `https://login.microsoftonline.com/`. */
  readonly activeDirectoryAuthorityHost: string;
}

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

/** One login setting: its stack config key and environment variable(s). */
export interface LoginSetting {
  /** Key under the `azure-native` config namespace. */
  readonly key: string;
  /** Environment variables, in order. */
  readonly env: readonly string[];
  /** What it is (docs/authentication.md table). */
  readonly description: string;
}

/** Every setting azure-native's login reads, keyed by config key (the docs/authentication.md table is generated from this). */
export const loginSettings = {
  clientId: {
    key: "clientId",
    env: ["ARM_CLIENT_ID"],
    description: "Client (application) id; with `useMsi`, the user-assigned identity",
  },
  tenantId: { key: "tenantId", env: ["ARM_TENANT_ID"], description: "Tenant id" },
  subscriptionId: {
    key: "subscriptionId",
    env: ["ARM_SUBSCRIPTION_ID"],
    description: "Subscription (required except with the Azure CLI)",
  },
  auxiliaryTenantIds: {
    key: "auxiliaryTenantIds",
    env: ["ARM_AUXILIARY_TENANT_IDS"],
    description: "JSON list of additionally allowed tenants",
  },
  clientSecret: { key: "clientSecret", env: ["ARM_CLIENT_SECRET"], description: "Client secret" },
  clientCertificatePath: {
    key: "clientCertificatePath",
    env: ["ARM_CLIENT_CERTIFICATE_PATH"],
    description: "Path of a PFX (PKCS#12) client certificate",
  },
  clientCertificatePassword: {
    key: "clientCertificatePassword",
    env: ["ARM_CLIENT_CERTIFICATE_PASSWORD"],
    description: "Password of the PFX",
  },
  useMsi: { key: "useMsi", env: ["ARM_USE_MSI"], description: "`true`: managed identity" },
  useOidc: { key: "useOidc", env: ["ARM_USE_OIDC"], description: "`true`: OIDC (workload identity federation)" },
  oidcAudience: {
    key: "oidcAudience",
    env: ["ARM_OIDC_AUDIENCE"],
    description: "Audience of the GitHub token (default `api://AzureADTokenExchange`)",
  },
  oidcToken: { key: "oidcToken", env: ["ARM_OIDC_TOKEN"], description: "OIDC token" },
  oidcTokenFilePath: {
    key: "oidcTokenFilePath",
    env: ["ARM_OIDC_TOKEN_FILE_PATH"],
    description: "File holding the OIDC token",
  },
  oidcRequestToken: {
    key: "oidcRequestToken",
    env: ["ACTIONS_ID_TOKEN_REQUEST_TOKEN"],
    description: "GitHub Actions OIDC request token",
  },
  oidcRequestUrl: {
    key: "oidcRequestUrl",
    env: ["ACTIONS_ID_TOKEN_REQUEST_URL"],
    description: "GitHub Actions OIDC request URL",
  },
  useDefaultAzureCredential: {
    key: "useDefaultAzureCredential",
    env: ["ARM_USE_DEFAULT_AZURE_CREDENTIAL"],
    description: "`true`: `DefaultAzureCredential` (reads `AZURE_*`)",
  },
  disableInstanceDiscovery: {
    key: "disableInstanceDiscovery",
    env: ["ARM_DISABLE_INSTANCE_DISCOVERY"],
    description: "`true`: no authority instance discovery",
  },
  environment: {
    key: "environment",
    env: ["ARM_ENVIRONMENT", "AZURE_ENVIRONMENT"],
    description: "`public` (default), `usgovernment` or `china`",
  },
  activeDirectoryAuthorityHost: {
    key: "activeDirectoryAuthorityHost",
    env: ["ARM_ACTIVE_DIRECTORY_AUTHORITY_HOST"],
    description: "Custom cloud: authority host",
  },
  resourceManagerAudience: {
    key: "resourceManagerAudience",
    env: ["ARM_RESOURCE_MANAGER_AUDIENCE"],
    description: "Custom cloud: ARM token audience",
  },
  resourceManagerEndpoint: {
    key: "resourceManagerEndpoint",
    env: ["ARM_RESOURCE_MANAGER_ENDPOINT"],
    description: "Custom cloud: ARM endpoint",
  },
} as const satisfies Record<string, LoginSetting>;

type SettingName = keyof typeof loginSettings;

/** `azure-native:<key> / ENV_VAR`, how errors name a setting. */
export function settingLabel(name: SettingName): string {
  const setting: LoginSetting = loginSettings[name];
  return `azure-native:${setting.key} / ${setting.env.join(" / ")}`;
}

/** The well-known clouds (azcore's `AzurePublic`, `AzureGovernment`, `AzureChina` with their ARM services). */
export const clouds = {
  public: {
    name: "public",
    resourceManagerEndpoint: "https://management.azure.com",
    resourceManagerAudience: "https://management.core.windows.net/",
    activeDirectoryAuthorityHost: "https://login.microsoftonline.com/",
  },
  usgovernment: {
    name: "usgovernment",
    resourceManagerEndpoint: "https://management.usgovcloudapi.net",
    resourceManagerAudience: "https://management.core.usgovcloudapi.net",
    activeDirectoryAuthorityHost: "https://login.microsoftonline.us/",
  },
  china: {
    name: "china",
    resourceManagerEndpoint: "https://management.chinacloudapi.cn",
    resourceManagerAudience: "https://management.core.chinacloudapi.cn",
    activeDirectoryAuthorityHost: "https://login.chinacloudapi.cn/",
  },
} as const satisfies Record<string, AzureCloud>;

/** A login configuration error or a failed login; the message names the settings involved. */
export class AzureLoginError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AzureLoginError";
  }
}

/**
 * azure-native's `GetCloudByName`: `china`/`AzureChinaCloud`, `usgov`/`usgovernment`/`AzureUSGovernment`/
 * `AzureUSGovernmentCloud` (case-insensitive); anything else is the public cloud.
 */
export function cloudByName(name: string): AzureCloud {
  switch (name.toLowerCase()) {
    case "china":
    case "azurechinacloud":
      return clouds.china;
    case "usgov":
    case "usgovernment":
    case "azureusgovernment":
    case "azureusgovernmentcloud":
      return clouds.usgovernment;
    default:
      return clouds.public;
  }
}

/** Whether `name` is one of the names azure-native knows (the Azure CLI's `AzureCloud` included). */
function isWellKnownCloudName(name: string): boolean {
  return /^(public|azurecloud|china|azurechinacloud|usgov|usgovernment|azureusgovernment|azureusgovernmentcloud)$/i.test(
    name,
  );
}

/**
 * Reads settings as azure-native's `getConfig` does: a key present in the stack config is used as it is (even
 * empty: the environment is then not read), else the first non-empty environment variable; empty = unset.
 */
class Settings {
  constructor(
    private readonly config: ConfigReader,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  get(name: SettingName): string | undefined {
    const setting: LoginSetting = loginSettings[name];
    const fromConfig = this.config(setting.key);
    if (fromConfig !== undefined) {
      return fromConfig === "" ? undefined : fromConfig;
    }
    for (const variable of setting.env) {
      const value = this.env[variable];
      if (value !== undefined && value !== "") {
        return value;
      }
    }
    return undefined;
  }

  /** azure-native's booleans: exactly `"true"`. */
  flag(name: SettingName): boolean {
    return this.get(name) === "true";
  }
}

/**
 * The configured cloud, or undefined when none is (public, unless the Azure CLI says otherwise).
 * The custom triple wins over `environment`; a partial triple is an error naming the missing settings.
 */
export function resolveCloud(config: ConfigReader, env: NodeJS.ProcessEnv): AzureCloud | undefined {
  return configuredCloud(new Settings(config, env));
}

function configuredCloud(settings: Settings): AzureCloud | undefined {
  const triple = ["activeDirectoryAuthorityHost", "resourceManagerAudience", "resourceManagerEndpoint"] as const;
  const values = triple.map((name) => settings.get(name));
  const missing = triple.filter((_, index) => values[index] === undefined);
  if (missing.length === 0) {
    return {
      name: "custom",
      activeDirectoryAuthorityHost: values[0] as string,
      resourceManagerAudience: values[1] as string,
      resourceManagerEndpoint: (values[2] as string).replace(/\/+$/, ""),
    };
  }
  if (missing.length < triple.length) {
    throw new AzureLoginError(
      `A custom Azure cloud needs all three of ${triple.map(settingLabel).join(", ")}; missing: ${missing
        .map(settingLabel)
        .join(", ")}. Set the missing ones, or unset all three to use azure-native:environment.`,
    );
  }
  const name = settings.get("environment");
  return name === undefined ? undefined : cloudByName(name);
}

/** Parses `auxiliaryTenantIds` (a JSON list of strings). */
function auxiliaryTenants(settings: Settings): string[] {
  const text = settings.get("auxiliaryTenantIds");
  if (text === undefined) {
    return [];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((t) => typeof t === "string")) {
    throw new AzureLoginError(
      `failed to unmarshal '${text}' as Auxiliary Tenants (${settingLabel("auxiliaryTenantIds")}): expected a JSON list of tenant ids, e.g. ["<tenant id>"].`,
    );
  }
  return parsed as string[];
}

const methodDescriptions: Record<LoginMethod, { text: string; settings: SettingName[] }> = {
  [LoginMethod.DefaultAzureCredential]: {
    text: "using the Default Azure Credential",
    settings: ["useDefaultAzureCredential"],
  },
  [LoginMethod.ClientCertificate]: {
    text: "as a Service Principal using a Client Certificate",
    settings: ["clientCertificatePath", "clientCertificatePassword"],
  },
  [LoginMethod.ClientSecret]: { text: "as a Service Principal using a Client Secret", settings: ["clientSecret"] },
  [LoginMethod.OidcToken]: { text: "with OIDC", settings: ["useOidc", "oidcToken"] },
  [LoginMethod.OidcTokenFile]: { text: "with OIDC", settings: ["useOidc", "oidcTokenFilePath"] },
  [LoginMethod.OidcGitHub]: {
    text: "with OIDC",
    settings: ["useOidc", "oidcRequestUrl", "oidcRequestToken", "oidcAudience"],
  },
  [LoginMethod.ManagedIdentity]: { text: "as a Managed Identity using MSI", settings: ["useMsi", "clientId"] },
  [LoginMethod.AzureCli]: { text: "using the Azure CLI", settings: [] },
};

/** azure-native's "A %s must be configured when authenticating ..." check, naming the setting. */
function requireSetting(settings: Settings, name: SettingName, label: string, method: LoginMethod): string {
  const value = settings.get(name);
  if (value === undefined) {
    const chosenBy = methodDescriptions[method].settings[0];
    throw new AzureLoginError(
      `A ${label} must be configured when authenticating ${methodDescriptions[method].text}: set ${settingLabel(name)}` +
        (chosenBy ? ` (this method was chosen because ${settingLabel(chosenBy)} is set).` : "."),
    );
  }
  return value;
}

/** Wraps a credential so a failed token request names the login method and its settings. */
function namedCredential(credential: TokenCredential, method: LoginMethod): TokenCredential {
  const described = methodDescriptions[method];
  const settingsText = described.settings.length
    ? ` (settings: ${described.settings.map(settingLabel).join("; ")})`
    : " (no azure-native login setting is configured, so the Azure CLI is used; run `az login` or configure a method)";
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
      try {
        const token = await credential.getToken(scopes, options);
        if (!token) {
          throw new Error("no token was returned");
        }
        return token;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new AzureLoginError(
          `Logging in to Azure ${described.text} failed${settingsText}; azure-native's login does not fall back to another method: ${message}`,
        );
      }
    },
  };
}

/** A PFX converted to the PEM `@azure/identity` takes (private key + certificate chain, leaf first). */
export function pfxToPem(pfx: Buffer, password: string | undefined): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const forge = require("node-forge") as typeof import("node-forge");
  const parse = () => forge.asn1.fromDer(forge.util.createBuffer(pfx.toString("binary")));
  let p12: ReturnType<typeof forge.pkcs12.pkcs12FromAsn1>;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(parse(), false, password ?? "");
  } catch (error) {
    // OpenSSL 3 derives the MAC key from the password as BMPString (what forge does with a JS string) but
    // feeds PBES2 (AES) the password's UTF-8 bytes (forge takes a binary string there). A non-ASCII password
    // whose MAC verified (the error is not forge's MAC error) is therefore retried with its UTF-8 bytes for
    // decryption, the already-verified MAC left out.
    if (!password || !/[^\x20-\x7e]/.test(password) || /MAC could not be verified/.test(String(error))) {
      throw error;
    }
    const withoutMac = parse();
    (withoutMac.value as unknown[]).splice(2);
    p12 = forge.pkcs12.pkcs12FromAsn1(withoutMac, false, forge.util.encodeUtf8(password));
  }
  const oids = forge.pki.oids;
  const keyBags = [
    ...(p12.getBags({ bagType: oids.pkcs8ShroudedKeyBag })[oids.pkcs8ShroudedKeyBag] ?? []),
    ...(p12.getBags({ bagType: oids.keyBag })[oids.keyBag] ?? []),
  ];
  const certBags = p12.getBags({ bagType: oids.certBag })[oids.certBag] ?? [];
  // forge decodes RSA keys; other key types stay as their PrivateKeyInfo ASN.1, which node:crypto reads.
  const bag = keyBags.find((candidate) => candidate.key || candidate.asn1);
  if (!bag) {
    throw new Error("no private key found in the PFX");
  }
  const keyInfo = bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)) : bag.asn1;
  const privateKey = createPrivateKey({
    key: Buffer.from(forge.asn1.toDer(keyInfo).getBytes(), "binary"),
    format: "der",
    type: "pkcs8",
  });
  const certificates = certBags.flatMap((candidate) =>
    candidate.cert ? [forge.pki.certificateToPem(candidate.cert)] : [],
  );
  if (certificates.length === 0) {
    throw new Error("no certificates found in the PFX");
  }
  // The certificate of the key first: @azure/identity takes the first certificate as the one to present.
  const publicKey = createPublicKey(privateKey).export({ type: "spki", format: "pem" });
  const isLeaf = (pem: string) =>
    new X509Certificate(pem).publicKey.export({ type: "spki", format: "pem" }) === publicKey;
  certificates.sort((a, b) => Number(isLeaf(b)) - Number(isLeaf(a)));
  if (!isLeaf(certificates[0])) {
    throw new Error("no certificate in the PFX matches its private key");
  }
  return (privateKey.export({ type: "pkcs8", format: "pem" }) as string) + certificates.join("");
}

/** The GitHub Actions OIDC exchange: GET `<url>&audience=<aud>` with the bearer request token → `value`. */
function gitHubAssertion(requestUrl: string, requestToken: string, audience: string): () => Promise<string> {
  return async () => {
    const url = new URL(requestUrl);
    url.searchParams.set("audience", audience);
    let response: Response;
    try {
      response = await fetch(url, {
        headers: {
          Accept: "application/json",
          Authorization: `Bearer ${requestToken}`,
          "Content-Type": "application/x-www-form-urlencoded",
        },
      });
    } catch (error) {
      throw new Error(
        `GitHub OIDC: couldn't request token: ${error instanceof Error ? ((error.cause as Error)?.message ?? error.message) : String(error)}`,
      );
    }
    const body = await response.text();
    if (response.status < 200 || response.status > 299) {
      throw new Error(`GitHub OIDC: ${response.status} with response: ${body}`);
    }
    let value: unknown;
    try {
      value = (JSON.parse(body) as { value?: unknown }).value;
    } catch (error) {
      throw new Error(`GitHub OIDC: cannot unmarshal response: ${String(error)}`);
    }
    if (typeof value !== "string" || value === "") {
      throw new Error("GitHub OIDC: the response has no token in `value`");
    }
    return value;
  };
}

/** Runs `az` with `args` and parses its JSON output (azure-native's `runAzCommand`). */
function runAz(args: string[], env: NodeJS.ProcessEnv): Promise<unknown> {
  return new Promise((resolve, reject) => {
    execFile("az", args, { env, encoding: "utf8", timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) {
        const notFound =
          (error as NodeJS.ErrnoException).code === "ENOENT" || (error as { code?: unknown }).code === 127;
        reject(new Error(notFound ? "Azure CLI not found on path" : stderr.trim() || error.message));
        return;
      }
      try {
        resolve(JSON.parse(stdout));
      } catch (parseError) {
        reject(new Error(`az ${args.join(" ")} printed no JSON: ${String(parseError)}`));
      }
    });
  });
}

const sameHost = (a: string, b: string) => a.replace(/\/+$/, "").toLowerCase() === b.replace(/\/+$/, "").toLowerCase();

/** The subscription and cloud of the Azure CLI (`az account show`, and `az cloud show` for a custom cloud). */
async function azureCliAccount(
  subscriptionId: string | undefined,
  configured: AzureCloud | undefined,
  env: NodeJS.ProcessEnv,
): Promise<{ subscriptionId: string; cloud: AzureCloud }> {
  const fail = (message: string) =>
    new AzureLoginError(
      `Logging in to Azure using the Azure CLI failed: ${message}. No azure-native login method is configured ` +
        `(e.g. ${settingLabel("clientSecret")}, ${settingLabel("useOidc")}, ${settingLabel("useMsi")}), so azure-native ` +
        "uses the Azure CLI: run `az login`, or configure a method.",
    );
  let account: { id?: unknown; environmentName?: unknown };
  try {
    account = (await runAz(
      ["account", "show", "-o", "json", ...(subscriptionId ? ["--subscription", subscriptionId] : [])],
      env,
    )) as typeof account;
  } catch (error) {
    throw fail(error instanceof Error ? error.message : String(error));
  }
  if (typeof account.id !== "string" || account.id === "") {
    throw fail("`az account show` names no subscription");
  }
  const environmentName = typeof account.environmentName === "string" ? account.environmentName : "";
  let cloud: AzureCloud;
  if (environmentName === "" || isWellKnownCloudName(environmentName)) {
    cloud = cloudByName(environmentName);
  } else {
    let shown: { endpoints?: Record<string, unknown> };
    try {
      shown = (await runAz(["cloud", "show", "--name", environmentName, "-o", "json"], env)) as typeof shown;
    } catch (error) {
      throw fail(error instanceof Error ? error.message : String(error));
    }
    const endpoint = (name: string) => {
      const value = shown.endpoints?.[name];
      if (typeof value !== "string" || value === "") {
        throw fail(`the Azure CLI cloud "${environmentName}" has no "${name}" endpoint`);
      }
      return value;
    };
    cloud = {
      name: environmentName,
      activeDirectoryAuthorityHost: endpoint("activeDirectory").replace(/\/+$/, "") + "/",
      resourceManagerAudience: endpoint("activeDirectoryResourceId"),
      resourceManagerEndpoint: endpoint("resourceManager").replace(/\/+$/, ""),
    };
  }
  if (configured && !sameHost(configured.activeDirectoryAuthorityHost, cloud.activeDirectoryAuthorityHost)) {
    throw new AzureLoginError(
      `The configured Azure cloud '${configured.name}' does not match the active cloud '${environmentName}'. ` +
        "When authenticating using the Azure CLI, the configured cloud needs to match the one shown by 'az account show'. " +
        "You can change clouds using 'az cloud set --name <cloud>'.",
    );
  }
  return { subscriptionId: account.id, cloud: configured ?? cloud };
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
  const cloud = configured ?? clouds.public;
  const additionallyAllowedTenants = auxiliaryTenants(settings);
  const subscriptionId = settings.get("subscriptionId");
  const tenantId = settings.get("tenantId");
  const clientId = settings.get("clientId");
  const disableInstanceDiscovery = settings.flag("disableInstanceDiscovery") || cloud.name === "custom";
  const authorityHost = cloud.activeDirectoryAuthorityHost;
  const login = (method: LoginMethod, credential: TokenCredential, resolved = { subscriptionId, cloud }) => ({
    credential: namedCredential(credential, method),
    method,
    subscriptionId: resolved.subscriptionId,
    tenantId,
    clientId,
    cloud: resolved.cloud,
    scope: `${resolved.cloud.resourceManagerAudience}/.default`,
  });
  const servicePrincipal = (method: LoginMethod) => ({
    subscription: requireSetting(settings, "subscriptionId", "Subscription ID", method),
    tenant: requireSetting(settings, "tenantId", "Tenant ID", method),
    client: requireSetting(settings, "clientId", "Client ID", method),
  });

  if (settings.flag("useDefaultAzureCredential")) {
    requireSetting(settings, "subscriptionId", "Subscription ID", LoginMethod.DefaultAzureCredential);
    return login(
      LoginMethod.DefaultAzureCredential,
      new identity.DefaultAzureCredential({ authorityHost, additionallyAllowedTenants, disableInstanceDiscovery }),
    );
  }

  const certificatePath = settings.get("clientCertificatePath");
  if (certificatePath !== undefined) {
    const { tenant, client } = servicePrincipal(LoginMethod.ClientCertificate);
    let certificate: string;
    try {
      certificate = pfxToPem(readFileSync(certificatePath), settings.get("clientCertificatePassword"));
    } catch (error) {
      throw new AzureLoginError(
        `the Client Certificate Path is not a valid pfx file (${settingLabel("clientCertificatePath")} = ${certificatePath}, ` +
          `password from ${settingLabel("clientCertificatePassword")}): ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return login(
      LoginMethod.ClientCertificate,
      new identity.ClientCertificateCredential(
        tenant,
        client,
        { certificate },
        { authorityHost, additionallyAllowedTenants, disableInstanceDiscovery },
      ),
    );
  }

  const clientSecret = settings.get("clientSecret");
  if (clientSecret !== undefined) {
    const { tenant, client } = servicePrincipal(LoginMethod.ClientSecret);
    return login(
      LoginMethod.ClientSecret,
      new identity.ClientSecretCredential(tenant, client, clientSecret, {
        authorityHost,
        additionallyAllowedTenants,
        disableInstanceDiscovery,
      }),
    );
  }

  if (settings.flag("useOidc")) {
    const oidcToken = settings.get("oidcToken");
    const tokenFile = settings.get("oidcTokenFilePath");
    const requestUrl = settings.get("oidcRequestUrl");
    const requestToken = settings.get("oidcRequestToken");
    const method =
      oidcToken !== undefined
        ? LoginMethod.OidcToken
        : tokenFile !== undefined
          ? LoginMethod.OidcTokenFile
          : LoginMethod.OidcGitHub;
    const { tenant, client } = servicePrincipal(method);
    const assertionCredential = (assertion: () => Promise<string>) =>
      new identity.ClientAssertionCredential(tenant, client, assertion, { authorityHost, disableInstanceDiscovery });
    if (oidcToken !== undefined) {
      return login(
        method,
        assertionCredential(async () => oidcToken),
      );
    }
    if (tokenFile !== undefined) {
      let token: string;
      try {
        token = readFileSync(tokenFile, "utf8");
      } catch (error) {
        throw new AzureLoginError(
          `failed to read OIDC token from ${tokenFile} (${settingLabel("oidcTokenFilePath")}): ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      return login(
        method,
        assertionCredential(async () => token),
      );
    }
    if (requestUrl !== undefined && requestToken !== undefined) {
      const audience = settings.get("oidcAudience") ?? "api://AzureADTokenExchange";
      return login(method, assertionCredential(gitHubAssertion(requestUrl, requestToken, audience)));
    }
    throw new AzureLoginError(
      `A OIDC token or request URL and token must be configured when authenticating with OIDC: set ` +
        `${settingLabel("oidcToken")}, or ${settingLabel("oidcTokenFilePath")}, or both ${settingLabel("oidcRequestUrl")} ` +
        `and ${settingLabel("oidcRequestToken")} (this method was chosen because ${settingLabel("useOidc")} is true).`,
    );
  }

  if (settings.flag("useMsi")) {
    requireSetting(settings, "subscriptionId", "Subscription ID", LoginMethod.ManagedIdentity);
    return login(
      LoginMethod.ManagedIdentity,
      clientId !== undefined
        ? new identity.ManagedIdentityCredential({ clientId })
        : new identity.ManagedIdentityCredential(),
    );
  }

  const account = await azureCliAccount(subscriptionId, configured, env);
  return login(
    LoginMethod.AzureCli,
    new identity.AzureCliCredential({
      additionallyAllowedTenants,
      ...(subscriptionId !== undefined ? { subscription: subscriptionId } : {}),
    }),
    account,
  );
}
