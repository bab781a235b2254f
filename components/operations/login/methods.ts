/**
 * The login methods, as one ordered table: azure-native's `newSingleMethodAuthCredential`
 * (pulumi-azure-native `provider/pkg/provider/auth_azidentity.go`). The login uses the **first** method whose
 * `applies` is true; a method that applies but cannot be built is an error naming its settings, never a
 * fall-through to the next one.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import { readFileSync } from "node:fs";
import { clientCertificatePem } from "./certificate";
import type { AzureCloud } from "./clouds";
import { gitHubAssertion, tokenFileAssertion } from "./oidc";
import { azureCliAccount } from "./subscription";
import { AzureLoginError, SettingName, settingLabel, Settings } from "./settings";

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

/** What a method is built from: the settings and what the login already resolved from them. */
export interface MethodInput {
  readonly settings: Settings;
  /** `@azure/identity`, required lazily by the caller. */
  readonly identity: typeof import("@azure/identity");
  /** The configured cloud, if any. */
  readonly configured: AzureCloud | undefined;
  /** The cloud used (the configured one, else public). */
  readonly cloud: AzureCloud;
  readonly additionallyAllowedTenants: string[];
  readonly disableInstanceDiscovery: boolean;
}

/** A built method: its credential, and for the Azure CLI the subscription and cloud it found. */
export interface BuiltMethod {
  readonly credential: TokenCredential;
  readonly subscriptionId?: string;
  readonly cloud?: AzureCloud;
}

/** One row of the table. */
export interface LoginMethodEntry {
  readonly method: LoginMethod;
  /** azure-native's wording, as in its "A %s must be configured when authenticating ..." errors. */
  readonly text: string;
  /** The settings it reads; the first is the one that chooses it. */
  readonly settings: readonly SettingName[];
  /** Whether this method is the configured one (the first entry that applies wins). */
  applies(settings: Settings): boolean;
  /** Builds the credential; throws {@link AzureLoginError} naming the setting when it cannot. */
  build(input: MethodInput): BuiltMethod | Promise<BuiltMethod>;
}

/** azure-native's "A %s must be configured when authenticating ..." check, naming the setting. */
function required(entry: LoginMethodEntry, settings: Settings, name: SettingName, label: string): string {
  const value = settings.get(name);
  if (value === undefined) {
    const chosenBy = entry.settings[0];
    throw new AzureLoginError(
      `A ${label} must be configured when authenticating ${entry.text}: set ${settingLabel(name)}` +
        (chosenBy ? ` (this method was chosen because ${settingLabel(chosenBy)} is set).` : "."),
    );
  }
  return value;
}

/** Subscription, tenant and client id of a service principal (certificate, secret, OIDC), in azure-native's order. */
function servicePrincipal(entry: LoginMethodEntry, settings: Settings) {
  required(entry, settings, "subscriptionId", "Subscription ID");
  return {
    tenant: required(entry, settings, "tenantId", "Tenant ID"),
    client: required(entry, settings, "clientId", "Client ID"),
  };
}

/** The client options every Entra ID credential of the configured cloud gets. */
const entraOptions = (input: MethodInput) => ({
  authorityHost: input.cloud.activeDirectoryAuthorityHost,
  disableInstanceDiscovery: input.disableInstanceDiscovery,
});

/**
 * `tenantId`, when configured, for the default and Azure CLI credentials: azure-native sets their `TenantID`
 * option from it (`newSingleMethodAuthCredential`, `if authConf.tenantId != "" { options.TenantID = ... }`).
 * The Azure CLI then asks `az account get-access-token --tenant <id>`.
 */
const tenantOption = (settings: Settings): { tenantId?: string } =>
  settings.has("tenantId") ? { tenantId: settings.get("tenantId") } : {};

/** An OIDC client-assertion credential (the token, the file and the GitHub exchange differ only in `assertion`). */
function assertionCredential(entry: LoginMethodEntry, input: MethodInput, assertion: () => Promise<string>) {
  const { tenant, client } = servicePrincipal(entry, input.settings);
  return { credential: new input.identity.ClientAssertionCredential(tenant, client, assertion, entraOptions(input)) };
}

/** The table, in azure-native's order. */
export const loginMethods: readonly LoginMethodEntry[] = [
  {
    method: LoginMethod.DefaultAzureCredential,
    text: "using the Default Azure Credential",
    settings: ["useDefaultAzureCredential"],
    applies: (s) => s.flag("useDefaultAzureCredential"),
    build(input) {
      required(this, input.settings, "subscriptionId", "Subscription ID");
      return {
        credential: new input.identity.DefaultAzureCredential({
          ...entraOptions(input),
          additionallyAllowedTenants: input.additionallyAllowedTenants,
          ...tenantOption(input.settings),
        }),
      };
    },
  },
  {
    method: LoginMethod.ClientCertificate,
    text: "as a Service Principal using a Client Certificate",
    settings: ["clientCertificatePath", "clientCertificatePassword"],
    applies: (s) => s.has("clientCertificatePath"),
    build(input) {
      const { tenant, client } = servicePrincipal(this, input.settings);
      const path = input.settings.get("clientCertificatePath") as string;
      let certificate: string;
      try {
        certificate = clientCertificatePem(readFileSync(path), input.settings.get("clientCertificatePassword"));
      } catch (error) {
        throw new AzureLoginError(
          `the Client Certificate Path is not a valid pfx file, nor a PEM file with its key (${settingLabel("clientCertificatePath")} = ${path}, ` +
            `password from ${settingLabel("clientCertificatePassword")}): ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      return {
        credential: new input.identity.ClientCertificateCredential(
          tenant,
          client,
          { certificate },
          { ...entraOptions(input), additionallyAllowedTenants: input.additionallyAllowedTenants },
        ),
      };
    },
  },
  {
    method: LoginMethod.ClientSecret,
    text: "as a Service Principal using a Client Secret",
    settings: ["clientSecret"],
    applies: (s) => s.has("clientSecret"),
    build(input) {
      const { tenant, client } = servicePrincipal(this, input.settings);
      const secret = input.settings.get("clientSecret") as string;
      return {
        credential: new input.identity.ClientSecretCredential(tenant, client, secret, {
          ...entraOptions(input),
          additionallyAllowedTenants: input.additionallyAllowedTenants,
        }),
      };
    },
  },
  {
    method: LoginMethod.OidcToken,
    text: "with OIDC",
    settings: ["useOidc", "oidcToken"],
    applies: (s) => s.flag("useOidc") && s.has("oidcToken"),
    build(input) {
      const token = input.settings.get("oidcToken") as string;
      return assertionCredential(this, input, async () => token);
    },
  },
  {
    method: LoginMethod.OidcTokenFile,
    text: "with OIDC",
    settings: ["useOidc", "oidcTokenFilePath"],
    applies: (s) => s.flag("useOidc") && s.has("oidcTokenFilePath"),
    build(input) {
      // Read again for every token request (a projected service-account token rotates); read once now too,
      // so a missing file is reported before any Azure call. azure-native reads it once, at start-up.
      const assertion = tokenFileAssertion(input.settings.get("oidcTokenFilePath") as string);
      const built = assertionCredential(this, input, assertion.read);
      assertion.check();
      return built;
    },
  },
  {
    method: LoginMethod.OidcGitHub,
    text: "with OIDC",
    settings: ["useOidc", "oidcRequestUrl", "oidcRequestToken", "oidcAudience"],
    // Any other `useOidc`: the GitHub exchange, or the error saying what OIDC needs (no fall-through to MSI).
    applies: (s) => s.flag("useOidc"),
    build(input) {
      const { settings } = input;
      const url = settings.get("oidcRequestUrl");
      const requestToken = settings.get("oidcRequestToken");
      servicePrincipal(this, settings);
      if (url === undefined || requestToken === undefined) {
        throw new AzureLoginError(
          `A OIDC token or request URL and token must be configured when authenticating with OIDC: set ` +
            `${settingLabel("oidcToken")}, or ${settingLabel("oidcTokenFilePath")}, or both ${settingLabel("oidcRequestUrl")} ` +
            `and ${settingLabel("oidcRequestToken")} (this method was chosen because ${settingLabel("useOidc")} is true).`,
        );
      }
      const audience = settings.get("oidcAudience") ?? "api://AzureADTokenExchange";
      return assertionCredential(this, input, gitHubAssertion(url, requestToken, audience));
    },
  },
  {
    method: LoginMethod.ManagedIdentity,
    text: "as a Managed Identity using MSI",
    settings: ["useMsi", "clientId"],
    applies: (s) => s.flag("useMsi"),
    build(input) {
      required(this, input.settings, "subscriptionId", "Subscription ID");
      const clientId = input.settings.get("clientId");
      return {
        credential:
          clientId !== undefined
            ? new input.identity.ManagedIdentityCredential({ clientId })
            : new input.identity.ManagedIdentityCredential(),
      };
    },
  },
  {
    method: LoginMethod.AzureCli,
    text: "using the Azure CLI",
    settings: [],
    applies: () => true,
    async build(input) {
      const subscriptionId = input.settings.get("subscriptionId");
      const account = await azureCliAccount(subscriptionId, input.configured, input.settings.env);
      return {
        credential: new input.identity.AzureCliCredential({
          additionallyAllowedTenants: input.additionallyAllowedTenants,
          ...tenantOption(input.settings),
          ...(subscriptionId !== undefined ? { subscription: subscriptionId } : {}),
        }),
        subscriptionId: account.subscriptionId,
        cloud: account.cloud,
      };
    },
  },
];

/** The method the settings choose: the first entry whose `applies` is true (the Azure CLI always applies). */
export function chooseMethod(settings: Settings): LoginMethodEntry {
  return loginMethods.find((entry) => entry.applies(settings)) as LoginMethodEntry;
}

/** Wraps a credential so a failed token request names the login method and its settings. */
export function namedCredential(credential: TokenCredential, entry: LoginMethodEntry): TokenCredential {
  const settingsText = entry.settings.length
    ? ` (settings: ${entry.settings.map(settingLabel).join("; ")})`
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
          `Logging in to Azure ${entry.text} failed${settingsText}; azure-native's login does not fall back to another method: ${message}`,
        );
      }
    },
  };
}
