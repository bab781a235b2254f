/**
 * `npm run fleet -- status`: the health of every site of a fleet, read from ARM with the deploy-time operations'
 * login (azure-native's settings: `ARM_*` variables, or `azure-native:*` keys of the hub's stack config file).
 *
 * Per site, two ARM GETs through one `@azure/core-rest-pipeline` pipeline (bearer token of the login, 429s retried
 * after their `Retry-After`): the connected registry (connection state, activation, runtime version, last sync
 * and sync schedule, status details) and the Arc extension named after it on the site's connected or managed
 * cluster (provisioning state, release train, installed version). The verdict lists every reason a site is not
 * healthy: not Active, not Online/Syncing, extension not Succeeded, sync older than `syncPeriods` schedule
 * occurrences plus the sync window (continuous sync: older than `continuousMaxAgeSeconds`), extension release train
 * or version other than the hub wants, and read failures (timed out, unreachable, forbidden, not found).
 *
 * Fleet-wide failures end the run early with a {@link FleetError} (exit 2): a login that cannot get a token (one
 * token request before any site), and the first sites all failing the same way (unauthorized, forbidden,
 * unreachable) before any site could be read.
 */
import { createOperationContext } from "../../components/operations/client";
import { ArmPacing, armGet, connectedRegistryUrl, extensionUrl, statusRetry } from "./arm";
import { FleetError, type FleetReport, type SiteStatus, type StatusSite } from "./model";
import { fleetReport } from "./report";
import { judgeSite } from "./verdict";

export { CONNECTED_REGISTRY_API_VERSION, EXTENSION_API_VERSION, connectedRegistryUrl, extensionUrl } from "./arm";
export { FleetError, type FleetReport, type Reason, type ReasonCode, type SiteStatus, type StatusSite } from "./model";
export { renderTable } from "./report";
export { MAX_MATRIX_JOBS, type RolloutBatch, batches, waves } from "./rollout";
export { azureConfigOf, loadSites } from "./sites";
export { syncDeadline } from "./verdict";

/** Options of {@link fleetStatus}. */
export interface StatusOptions {
  /** Sites queried at once. Default 8. */
  readonly concurrency?: number;
  /** Seconds allowed per site (both GETs, retries included). Default 30. */
  readonly timeoutSeconds?: number;
  /** Seconds allowed for the whole run; sites not done by then are `NotChecked`. Default 600. */
  readonly deadlineSeconds?: number;
  /** A scheduled sync is stale after this many schedule occurrences (plus the sync window) without one. Default 2. */
  readonly syncPeriods?: number;
  /** Continuous sync (`* * * * *`): a last sync older than this is stale. Default 1800 (30 minutes). */
  readonly continuousMaxAgeSeconds?: number;
  /** Called after each site. */
  readonly progress?: (done: number, total: number) => void;
  /** `azure-native:*` settings (without the prefix); the environment's `ARM_*` fill the rest. */
  readonly azureConfig?: Record<string, string>;
  readonly env?: NodeJS.ProcessEnv;
  /** The time sync ages are measured against. Default: now. */
  readonly now?: Date;
}

/** Queries every site (at most `concurrency` at once, each within `timeoutSeconds`, all within `deadlineSeconds`). */
export async function fleetStatus(sites: readonly StatusSite[], options: StatusOptions = {}): Promise<FleetReport> {
  if (sites.length === 0) {
    throw new FleetError("no sites to check (empty inventory, or --site/--wave matched none).");
  }
  const started = Date.now();
  const now = options.now ?? new Date();
  const config = options.azureConfig ?? {};
  const env = options.env ?? process.env;
  const context = createOperationContext(
    (k) => config[k],
    env,
    (m) => process.stderr.write(`warning: ${m}\n`),
    statusRetry,
  );
  let login;
  try {
    login = await context.login();
    // One token before any site: a login that cannot get one fails the run once, not every site.
    await login.credential.getToken(login.scope);
  } catch (error) {
    throw new FleetError(`login failed: ${(error as Error).message.split("\n")[0]}`);
  }
  const loginSubscription = login.subscriptionId;
  const endpoint = login.cloud.resourceManagerEndpoint;
  const timeoutSeconds = options.timeoutSeconds ?? 30;
  const deadlineSeconds = options.deadlineSeconds ?? 600;
  const syncPeriods = options.syncPeriods ?? 2;
  const continuousMaxAgeSeconds = options.continuousMaxAgeSeconds ?? 1800;
  const pacing = new ArmPacing();
  const get = armGet(login, pacing, { timeoutSeconds, deadlineSeconds });

  const runAbort = new AbortController();
  let deadlineExceeded = false;
  const deadlineTimer = setTimeout(() => {
    deadlineExceeded = true;
    runAbort.abort();
  }, deadlineSeconds * 1000);
  let fleetWide: FleetError | undefined;

  const one = async (site: StatusSite): Promise<SiteStatus> => {
    const status: SiteStatus = {
      site: site.name,
      registry: site.registryName,
      wave: site.wave,
      clusterType: site.clusterType,
      health: "unknown",
      healthy: false,
      reasons: [],
    };
    const subscriptionId = site.subscriptionId ?? loginSubscription;
    if (!subscriptionId) {
      throw new FleetError(
        "no subscription: set ARM_SUBSCRIPTION_ID (or azure-native:subscriptionId in the hub's stack config).",
      );
    }
    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, timeoutSeconds * 1000);
    const onRunAbort = () => abort.abort();
    runAbort.signal.addEventListener("abort", onRunAbort);
    try {
      const [registry, extension] = await Promise.allSettled([
        get(
          connectedRegistryUrl(endpoint, subscriptionId, site),
          "connected registry",
          `the login may not read connected registries: give it the Reader role (Microsoft.ContainerRegistry/registries/connectedRegistries/read) on registry ${site.registryName} or resource group ${site.resourceGroupName}`,
          abort.signal,
          () => timedOut,
        ),
        get(
          extensionUrl(endpoint, subscriptionId, site),
          "extension",
          `the login may not read cluster extensions: give it the Reader role (Microsoft.KubernetesConfiguration/extensions/read) on cluster ${site.clusterName} or resource group ${site.clusterResourceGroupName}`,
          abort.signal,
          () => timedOut,
        ),
      ]);
      judgeSite(status, site, registry, extension, { now, syncPeriods, continuousMaxAgeSeconds });
    } finally {
      clearTimeout(timer);
      runAbort.signal.removeEventListener("abort", onRunAbort);
    }
    return status;
  };

  const results: (SiteStatus | undefined)[] = new Array(sites.length);
  let next = 0;
  let done = 0;
  let anyRead = false;
  const failures: string[] = [];
  const sameFailureThreshold = Math.min(5, sites.length);
  const fleetWideCodes = new Set(["Unauthorized", "Forbidden", "Unreachable"]);
  const worker = async () => {
    while (next < sites.length && !runAbort.signal.aborted) {
      const index = next++;
      const status = await one(sites[index]);
      results[index] = status;
      options.progress?.(++done, sites.length);
      if (status.connectedRegistry !== undefined || status.extension !== undefined) {
        anyRead = true;
      } else if (!anyRead && status.reasons.length > 0 && fleetWideCodes.has(status.reasons[0].code)) {
        failures.push(status.reasons[0].code);
        if (failures.length >= sameFailureThreshold && new Set(failures).size === 1 && fleetWide === undefined) {
          fleetWide = new FleetError(
            `the first ${failures.length} sites all failed the same way (${status.reasons[0].message}); stopped without waiting for the other ${sites.length - done} sites. Fix the login's access (or ARM's address) and run again.`,
          );
          runAbort.abort();
        }
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 8, sites.length)) }, worker));
  } finally {
    clearTimeout(deadlineTimer);
  }
  if (fleetWide !== undefined) {
    throw fleetWide;
  }
  const statuses = sites.map(
    (site, i): SiteStatus =>
      results[i] ?? {
        site: site.name,
        registry: site.registryName,
        wave: site.wave,
        clusterType: site.clusterType,
        health: "unknown",
        healthy: false,
        reasons: [
          {
            code: "NotChecked",
            message: `not checked before the overall deadline of ${deadlineSeconds} s (--deadline)`,
          },
        ],
      },
  );
  return fleetReport(statuses, {
    armRequests: pacing.armRequests,
    throttled: pacing.throttled,
    started,
    deadlineExceeded,
  });
}
