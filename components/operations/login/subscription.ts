/**
 * Subscription (and cloud) resolution for the Azure CLI login: azure-native's `NewAzCoreIdentity` asks
 * `az account show` for the given (or default) subscription and takes its cloud from the account's
 * `environmentName` (pulumi-azure-native `auth_azidentity.go`); other methods use the configured
 * `subscriptionId`.
 */
import { execFile } from "node:child_process";
import { AzureCloud, clouds, sameHost, wellKnownCloud } from "./clouds";
import { AzureLoginError, settingLabel } from "./settings";

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

/** The subscription and cloud of the Azure CLI (`az account show`, and `az cloud show` for a custom cloud). */
export async function azureCliAccount(
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
  const known = environmentName === "" ? clouds.public : wellKnownCloud(environmentName);
  if (known !== undefined) {
    cloud = known;
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
