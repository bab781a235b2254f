/**
 * The settings azure-native v3's login reads, and how it reads them (pulumi-azure-native
 * `provider/pkg/provider/auth_azidentity.go`, `readAuthConfig`): stack config `azure-native:<key>` first,
 * else the environment variable(s). The docs/authentication.md table is this table.
 */

/** Reads stack config `azure-native:<key>` (undefined when unset). */
export type ConfigReader = (key: string) => string | undefined;

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
    description: "Path of a client certificate with its key: PKCS#12 (PFX), or PEM without a password",
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
    description:
      "`public` (default), `usgovernment`, `china` or one of their upstream aliases; anything else is an error",
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

/** The name of a login setting. */
export type SettingName = keyof typeof loginSettings;

/** `azure-native:<key> / ENV_VAR`, how errors name a setting. */
export function settingLabel(name: SettingName): string {
  const setting: LoginSetting = loginSettings[name];
  return `azure-native:${setting.key} / ${setting.env.join(" / ")}`;
}

/** A login configuration error or a failed login; the message names the settings involved. */
export class AzureLoginError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AzureLoginError";
  }
}

/**
 * Reads settings as azure-native's `getConfig` does: a key present in the stack config is used as it is (even
 * empty: the environment is then not read), else the first non-empty environment variable; empty = unset.
 */
export class Settings {
  constructor(
    private readonly config: ConfigReader,
    readonly env: NodeJS.ProcessEnv,
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

  /** Whether the setting has a value. */
  has(name: SettingName): boolean {
    return this.get(name) !== undefined;
  }

  /** azure-native's booleans: exactly `"true"`. */
  flag(name: SettingName): boolean {
    return this.get(name) === "true";
  }

  /** `auxiliaryTenantIds`, a JSON list of strings (azure-native's `json.Unmarshal` into `[]string`). */
  auxiliaryTenants(): string[] {
    const text = this.get("auxiliaryTenantIds");
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
}
