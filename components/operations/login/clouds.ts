/**
 * Cloud resolution: which Entra ID authority and which ARM endpoint the login uses.
 *
 * The custom triple (`activeDirectoryAuthorityHost` + `resourceManagerAudience` + `resourceManagerEndpoint`)
 * wins over `environment` (pulumi-azure-native `auth_azidentity.go`, `getCloud`); `environment` is read from
 * `ARM_ENVIRONMENT`, then `AZURE_ENVIRONMENT`.
 */
import { AzureLoginError, ConfigReader, settingLabel, Settings } from "./settings";

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
export function isWellKnownCloudName(name: string): boolean {
  return /^(public|azurecloud|china|azurechinacloud|usgov|usgovernment|azureusgovernment|azureusgovernmentcloud)$/i.test(
    name,
  );
}

/** Two authority hosts (or endpoints) are the same, trailing slashes and case aside. */
export const sameHost = (a: string, b: string): boolean =>
  a.replace(/\/+$/, "").toLowerCase() === b.replace(/\/+$/, "").toLowerCase();

/**
 * The configured cloud, or undefined when none is (public, unless the Azure CLI says otherwise).
 * The custom triple wins over `environment`; a partial triple is an error naming the missing settings.
 */
export function resolveCloud(config: ConfigReader, env: NodeJS.ProcessEnv): AzureCloud | undefined {
  return configuredCloud(new Settings(config, env));
}

/** {@link resolveCloud} from already-wrapped settings. */
export function configuredCloud(settings: Settings): AzureCloud | undefined {
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
