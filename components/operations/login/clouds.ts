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
 * Every cloud name azure-native v3 maps, lower-cased, and its cloud: pulumi-azure-native
 * `provider/pkg/azure/cloud/cloud.go`, `FromName` (and its test `cloud_test.go`, `TestFromName`). The Azure
 * CLI's names (`AzureCloud`, `AzureChinaCloud`, `AzureUSGovernment`) are among them. Names upstream does not
 * map (e.g. Terraform's `usgovernmentl5`/`dod`, go-autorest's `AzurePublicCloud`) are not guessed.
 */
export const cloudAliases: Readonly<Record<string, AzureCloud>> = {
  public: clouds.public,
  azurecloud: clouds.public,
  china: clouds.china,
  azurechinacloud: clouds.china,
  usgov: clouds.usgovernment,
  usgovernment: clouds.usgovernment,
  azureusgovernment: clouds.usgovernment,
  azureusgovernmentcloud: clouds.usgovernment,
  usgovernmentl4: clouds.usgovernment,
};

/** The well-known cloud called `name` (case-insensitive, any alias of {@link cloudAliases}), or undefined. */
export function wellKnownCloud(name: string): AzureCloud | undefined {
  return Object.prototype.hasOwnProperty.call(cloudAliases, name.toLowerCase())
    ? cloudAliases[name.toLowerCase()]
    : undefined;
}

/**
 * The cloud of an `environment` setting. azure-native falls back to the public cloud for a name it does not
 * know (`FromName`'s `ok` is ignored); here that is an error naming the setting, so a typo never deploys to
 * the public cloud.
 */
export function cloudByName(name: string): AzureCloud {
  const cloud = wellKnownCloud(name);
  if (cloud === undefined) {
    throw new AzureLoginError(
      `Unknown Azure cloud "${name}" in ${settingLabel("environment")}: use one of ${Object.keys(cloudAliases).join(", ")} ` +
        "(case-insensitive), or set the custom-cloud triple azure-native:activeDirectoryAuthorityHost, " +
        "azure-native:resourceManagerAudience and azure-native:resourceManagerEndpoint instead.",
    );
  }
  return cloud;
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
