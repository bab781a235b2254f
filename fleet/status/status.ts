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
import * as fs from "node:fs";
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createPipelineFromOptions,
  createPipelineRequest,
  type PipelinePolicy,
  type PipelineRequest,
} from "@azure/core-rest-pipeline";
import type { ArmRetryOptions } from "../../components/operations/armRetry";
import { createOperationContext } from "../../components/operations/client";
import { loginSettings } from "../../components/operations/login";
import { durationSeconds } from "../../components/lib/connectedRegistryChecks";
import { isContinuous, parseCron, previousOccurrences } from "../../components/lib/cron";
import { DEFAULT_RELEASE_TRAIN, InventoryError, parseInventory } from "../hub/inventory";
import { yaml } from "../../plan/program";

/** An error of the whole run (bad input, login, fleet-wide failure): the CLI prints it and exits 2. */
export class FleetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FleetError";
  }
}

/** Where a site's resources are, as the status needs them, and what the hub wants it to run. */
export interface StatusSite {
  readonly name: string;
  readonly subscriptionId?: string;
  readonly resourceGroupName: string;
  readonly registryName: string;
  readonly connectedRegistryName: string;
  readonly clusterName: string;
  readonly clusterResourceGroupName: string;
  /** `ConnectedClusters` (Arc) or `ManagedClusters` (AKS): where the extension is. */
  readonly clusterType: string;
  /** Rollout wave (`canary` or `rest`). */
  readonly wave: string;
  /** The extension release train the hub wants. */
  readonly releaseTrain: string;
  /** The extension version the hub pins, if any. */
  readonly extensionVersion?: string;
}

/** Why a site is not healthy: a stable `code` for scripts and a sentence for people. */
export interface Reason {
  code: ReasonCode;
  message: string;
}

/** Reason codes (the JSON Schema lists the same). */
export type ReasonCode =
  | "NotActive"
  | "NotOnline"
  | "ExtensionNotSucceeded"
  | "NeverSynced"
  | "SyncStale"
  | "ReleaseTrainMismatch"
  | "VersionOutdated"
  | "StatusDetail"
  | "NotFound"
  | "Forbidden"
  | "Unauthorized"
  | "TimedOut"
  | "Unreachable"
  | "HttpError"
  | "NotChecked";

/** One site's status. */
export interface SiteStatus {
  site: string;
  registry: string;
  wave: string;
  clusterType: string;
  /** `healthy`, `unhealthy` (read, with findings) or `unknown` (could not be read: see reasons). */
  health: "healthy" | "unhealthy" | "unknown";
  healthy: boolean;
  reasons: Reason[];
  connectedRegistry?: {
    /** `Online`, `Offline`, `Syncing`, `Unhealthy`. */
    connectionState: string;
    /** `Active`, `Inactive`. */
    activation: string;
    /** The connected registry's runtime version, when reported. */
    version?: string;
    /** Last sync with the parent (ISO 8601), if any. */
    lastSync?: string;
    /** The sync schedule (cron) and window as ARM holds them. */
    schedule?: string;
    syncWindow?: string;
    /** Syncs older than this are stale (ISO 8601). */
    syncDeadline?: string;
    /**
     * The REST spec's `statusDetails` as returned (type, code, description, timestamp). The 2025-11-01 spec defines
     * no disk or storage figures; whatever the service reports (e.g. a storage warning) is in `description`.
     */
    statusDetails: { type?: string; code?: string; description?: string; timestamp?: string }[];
  };
  extension?: {
    provisioningState: string;
    /** The installed version (`currentVersion`), when reported. */
    version?: string;
    releaseTrain?: string;
    /** What the hub wants. */
    wantedReleaseTrain: string;
    wantedVersion?: string;
  };
}

/** The JSON output of `fleet status --json` (fleet/status/status.schema.json). */
export interface FleetReport {
  summary: {
    total: number;
    healthy: number;
    unhealthy: number;
    /** Sites that could not be read (timed out, unreachable, forbidden) or were not reached before the deadline. */
    unknown: number;
    /** Sites per reason code. */
    reasons: { [code: string]: number };
    /** ARM requests sent (retries included) and per site. */
    armRequests: number;
    armRequestsPerSite: number;
    /** 429 answers received (each retried after its `Retry-After`). */
    throttled: number;
    startedAt: string;
    durationMs: number;
    /** 0 all healthy, 1 some not healthy, 2 the run ended at the overall deadline. */
    exitCode: 0 | 1 | 2;
    /** Set when the overall deadline cut the run short. */
    deadlineExceeded: boolean;
  };
  sites: SiteStatus[];
}

/** The ARM API versions: the extension (Microsoft.KubernetesConfiguration, GA) and the connected registry. */
export const EXTENSION_API_VERSION = "2023-05-01";
export const CONNECTED_REGISTRY_API_VERSION = "2025-11-01";

type Document = Record<string, unknown>;

function isObject(value: unknown): value is Document {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * The `azure-native:*` settings of a hub stack config, for the login. An encrypted value (`secure: v1:…`, as
 * `pulumi config set --secret` writes it) cannot be read here: it is taken from its `ARM_*` variable when that is
 * set, and is otherwise an error naming the key, never dropped (dropping it would log in as someone else).
 */
export function azureConfigOf(config: Document, file: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (!key.startsWith("azure-native:")) {
      continue;
    }
    const name = key.slice("azure-native:".length);
    if (isObject(value) && "secure" in value) {
      const variables: readonly string[] =
        (loginSettings as Record<string, { env: readonly string[] }>)[name]?.env ?? [];
      if (variables.some((v) => (env[v] ?? "") !== "")) {
        continue; // Provided by its variable: the login reads it from there.
      }
      const ways = [
        ...variables.map((v) => `set ${v}`),
        `put the plain value in ${file} (pulumi config set ${key} <value>, without --secret)`,
      ];
      throw new FleetError(
        `${key} in ${file} is encrypted (secure: …), and fleet status cannot decrypt stack secrets; rather than log in without it (as another identity), it stops: ${ways.join(", or ")}.`,
      );
    }
    if (typeof value === "string" || typeof value === "boolean" || typeof value === "number") {
      settings[name] = String(value);
    }
  }
  return settings;
}

/**
 * Reads the sites from `file`: the hub's stack outputs (`pulumi stack output --json`, its `sites` map) or the hub's
 * stack config (`Pulumi.<stack>.yaml`: `registries`, `resourceGroupName`, `sites`). Also returns the
 * `azure-native:*` settings of a stack config (see {@link azureConfigOf}). An empty fleet is an error.
 */
export function loadSites(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): { sites: StatusSite[]; azureConfig: Record<string, string> } {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new FleetError(`--hub ${file}: ${(error as Error).message}`);
  }
  const parsed = yaml.load(text);
  if (!isObject(parsed)) {
    throw new FleetError(
      `${file}: neither hub stack outputs (pulumi stack output --json) nor a hub stack config file.`,
    );
  }
  if (isObject(parsed.sites)) {
    const sites = Object.entries(parsed.sites as Record<string, Record<string, string>>).map(
      ([name, s]): StatusSite => {
        const id = /^\/subscriptions\/([^/]+)\//i.exec(s.connectedRegistryId ?? "");
        return {
          name,
          subscriptionId: id?.[1],
          resourceGroupName: s.resourceGroupName,
          registryName: s.registryName,
          connectedRegistryName: s.connectedRegistryName ?? name,
          clusterName: s.clusterName,
          clusterResourceGroupName: s.clusterResourceGroupName ?? s.resourceGroupName,
          clusterType: s.clusterType ?? "ConnectedClusters",
          wave: s.wave ?? "rest",
          releaseTrain: s.releaseTrain ?? DEFAULT_RELEASE_TRAIN,
          extensionVersion: s.extensionVersion,
        };
      },
    );
    if (sites.length === 0) {
      throw new FleetError(`${file}: the hub has no sites (its "sites" output is empty); add sites to its inventory.`);
    }
    return { sites, azureConfig: {} };
  }
  const config = isObject(parsed.config) ? parsed.config : {};
  const key = (name: string) =>
    Object.keys(config).find((k) => k.endsWith(`:${name}`) && !k.startsWith("azure-native:"));
  const sitesKey = key("sites");
  if (sitesKey === undefined) {
    throw new FleetError(`${file}: no "sites" (hub stack outputs) and no "<project>:sites" config (hub stack config).`);
  }
  const project = sitesKey.slice(0, -":sites".length);
  const resourceGroupName = config[`${project}:resourceGroupName`];
  if (typeof resourceGroupName !== "string") {
    throw new FleetError(`${file}: ${project}:resourceGroupName is required.`);
  }
  const subscriptionId = config[`${project}:subscriptionId`];
  let inventory;
  try {
    inventory = parseInventory(config[`${project}:registries`], config[sitesKey]);
  } catch (error) {
    throw error instanceof InventoryError ? new FleetError(error.message) : error;
  }
  const azureConfig = azureConfigOf(config, file, env);
  const sites = inventory.sites.map((s): StatusSite => ({
    name: s.name,
    subscriptionId: typeof subscriptionId === "string" ? subscriptionId : undefined,
    resourceGroupName,
    registryName: s.registry,
    connectedRegistryName: s.name,
    clusterName: s.clusterName,
    clusterResourceGroupName: s.clusterResourceGroupName ?? resourceGroupName,
    clusterType: s.clusterType,
    wave: s.wave,
    releaseTrain: s.releaseTrain,
    extensionVersion: s.extensionVersion,
  }));
  return { sites, azureConfig };
}

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

const enc = encodeURIComponent;

function clusterProvider(clusterType: string): string {
  return clusterType === "ManagedClusters"
    ? "Microsoft.ContainerService/managedClusters"
    : "Microsoft.Kubernetes/connectedClusters";
}

/** The extension's ARM URL (named after the connected registry, as the site program names it). */
export function extensionUrl(endpoint: string, subscriptionId: string, site: StatusSite): string {
  return (
    `${endpoint.replace(/\/+$/, "")}/subscriptions/${enc(subscriptionId)}/resourceGroups/${enc(site.clusterResourceGroupName)}` +
    `/providers/${clusterProvider(site.clusterType)}/${enc(site.clusterName)}/providers/Microsoft.KubernetesConfiguration/extensions/` +
    `${enc(site.connectedRegistryName)}?api-version=${EXTENSION_API_VERSION}`
  );
}

/** The connected registry's ARM URL. */
export function connectedRegistryUrl(endpoint: string, subscriptionId: string, site: StatusSite): string {
  return (
    `${endpoint.replace(/\/+$/, "")}/subscriptions/${enc(subscriptionId)}/resourceGroups/${enc(site.resourceGroupName)}` +
    `/providers/Microsoft.ContainerRegistry/registries/${enc(site.registryName)}/connectedRegistries/` +
    `${enc(site.connectedRegistryName)}?api-version=${CONNECTED_REGISTRY_API_VERSION}`
  );
}

/** A failed read, classified. */
class ReadFailure extends Error {
  constructor(
    readonly code: "NotFound" | "Forbidden" | "Unauthorized" | "TimedOut" | "Unreachable" | "HttpError" | "NotChecked",
    message: string,
  ) {
    super(message);
  }
}

/** Attempts of one request that ARM throttles (429) before its 429 is the answer. */
const MAX_THROTTLED_ATTEMPTS = 10;

/** Waits `ms`, or rejects when `signal` aborts first. */
function pause(ms: number, signal: PipelineRequest["abortSignal"]): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new Error("aborted"));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error("aborted"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function notFound(result: PromiseSettledResult<unknown>): number {
  return result.status === "rejected" && (result.reason as ReadFailure).code === "NotFound" ? 1 : 0;
}

const networkCodes = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "EPIPE",
  "REQUEST_SEND_ERROR",
]);

function armErrorMessage(body: string | undefined): string {
  try {
    const parsed = JSON.parse(body ?? "") as { error?: { code?: string; message?: string } };
    return [parsed.error?.code, parsed.error?.message].filter(Boolean).join(": ").slice(0, 300);
  } catch {
    return (body ?? "").slice(0, 200);
  }
}

/** A site's sync deadline: syncs before it are stale. Undefined when the schedule has no occurrence to measure. */
export function syncDeadline(
  schedule: string,
  syncWindow: string | undefined,
  now: Date,
  syncPeriods: number,
  continuousMaxAgeSeconds: number,
): Date | undefined {
  if (isContinuous(schedule)) {
    return new Date(now.getTime() - continuousMaxAgeSeconds * 1000);
  }
  // A sync of an occurrence can take the whole window: only occurrences whose window has closed count, and the
  // k-th most recent of those must have been synced (at or after its start).
  const windowMs = (syncWindow === undefined ? 0 : (durationSeconds(syncWindow) ?? 0)) * 1000;
  const occurrences = previousOccurrences(parseCron(schedule), new Date(now.getTime() - windowMs), syncPeriods);
  return occurrences.length < syncPeriods ? undefined : occurrences[syncPeriods - 1];
}

/**
 * Retries of the status queries (login and reads): a read-only report bounded by `timeoutSeconds` per site, so
 * shorter than the deploy-time operations' azure-native back-off (20-120 s): at most 3, from 0.5 s, 10 s each.
 * 429s are paced separately (see `pacing` in {@link fleetStatus}).
 */
const statusRetry: ArmRetryOptions = { maxRetries: 3, retryDelayInMs: 500, maxRetryDelayInMs: 10_000 };

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

  let armRequests = 0;
  let throttled = 0;
  // A 429 pauses every request of the run until its Retry-After has passed (ARM throttles per subscription, so
  // the other sites' requests would be throttled too): one shared pause instead of a retry storm.
  let pausedUntil = 0;
  const pacing: PipelinePolicy = {
    name: "fleetStatusPacing",
    async sendRequest(request, next) {
      for (let attempt = 1; ; attempt++) {
        const wait = pausedUntil - Date.now();
        if (wait > 0) {
          // Spread over a second, so the paused requests do not all hit the refilled bucket at once.
          await pause(wait + Math.random() * 1000, request.abortSignal);
        }
        armRequests++;
        const response = await next(request);
        if (response.status !== 429) {
          return response;
        }
        throttled++;
        const seconds = Number(response.headers.get("retry-after"));
        pausedUntil = Math.max(
          pausedUntil,
          Date.now() + (Number.isFinite(seconds) && seconds > 0 ? seconds : 1) * 1000,
        );
        if (attempt >= MAX_THROTTLED_ATTEMPTS) {
          return response;
        }
      }
    },
  };
  // Retries: 5xx and dropped connections exponentially (at most 3, from 0.5 s); 429s in `pacing`, up to
  // MAX_THROTTLED_ATTEMPTS each (the per-site timeout bounds them all).
  const pipeline = createPipelineFromOptions({ retryOptions: statusRetry });
  pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential: login.credential, scopes: [login.scope] }));
  // After the retry policies: every attempt waits for a pause and is counted.
  pipeline.addPolicy(pacing, { afterPhase: "Retry" });
  const http = createDefaultHttpClient();
  const timeoutSeconds = options.timeoutSeconds ?? 30;
  const deadlineSeconds = options.deadlineSeconds ?? 600;
  const syncPeriods = options.syncPeriods ?? 2;
  const continuousMaxAgeSeconds = options.continuousMaxAgeSeconds ?? 1800;

  const runAbort = new AbortController();
  let deadlineExceeded = false;
  const deadlineTimer = setTimeout(() => {
    deadlineExceeded = true;
    runAbort.abort();
  }, deadlineSeconds * 1000);
  let fleetWide: FleetError | undefined;

  const get = async (
    url: string,
    what: string,
    forbiddenHint: string,
    signal: AbortSignal,
    timedOut: () => boolean,
  ) => {
    try {
      const response = await pipeline.sendRequest(
        http,
        createPipelineRequest({ url, method: "GET", abortSignal: signal }),
      );
      if (response.status === 200) {
        return JSON.parse(response.bodyAsText ?? "{}") as Document;
      }
      const detail = armErrorMessage(response.bodyAsText ?? undefined);
      if (response.status === 404) {
        throw new ReadFailure("NotFound", `${what} not found`);
      }
      if (response.status === 403) {
        throw new ReadFailure("Forbidden", `${what}: forbidden (HTTP 403): ${forbiddenHint}`);
      }
      if (response.status === 401) {
        throw new ReadFailure("Unauthorized", `${what}: unauthorized (HTTP 401): ${detail}`);
      }
      throw new ReadFailure("HttpError", `${what}: HTTP ${response.status}${detail ? `: ${detail}` : ""}`);
    } catch (error) {
      if (error instanceof ReadFailure) {
        throw error;
      }
      if (signal.aborted) {
        throw timedOut()
          ? new ReadFailure("TimedOut", `${what}: timed out after ${timeoutSeconds} s (--timeout)`)
          : new ReadFailure(
              "NotChecked",
              `${what}: not read before the overall deadline of ${deadlineSeconds} s (--deadline)`,
            );
      }
      const code = (error as { code?: string }).code ?? "";
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? "";
      if (networkCodes.has(code) || networkCodes.has(cause)) {
        throw new ReadFailure(
          "Unreachable",
          `${what}: ARM unreachable at ${endpoint} (${(error as Error).message.split("\n")[0]})`,
        );
      }
      throw new ReadFailure("HttpError", `${what}: ${(error as Error).message.split("\n")[0]}`);
    }
  };

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
    const reason = (code: ReasonCode, message: string) => status.reasons.push({ code, message });
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
      let read = 0;
      if (registry.status === "fulfilled") {
        read++;
        const properties = (registry.value.properties ?? {}) as Document;
        const sync = ((properties.parent as Document | undefined)?.syncProperties ?? {}) as Record<string, string>;
        const cr: NonNullable<SiteStatus["connectedRegistry"]> = {
          connectionState: String(properties.connectionState ?? "Unknown"),
          activation: String((properties.activation as Document | undefined)?.status ?? "Unknown"),
          ...(typeof properties.version === "string" ? { version: properties.version } : {}),
          ...(sync.lastSyncTime ? { lastSync: new Date(sync.lastSyncTime).toISOString() } : {}),
          ...(sync.schedule ? { schedule: sync.schedule } : {}),
          ...(sync.syncWindow ? { syncWindow: sync.syncWindow } : {}),
          statusDetails: ((properties.statusDetails ?? []) as Record<string, string>[]).map((d) => ({
            ...(d.type ? { type: d.type } : {}),
            ...(d.code ? { code: d.code } : {}),
            ...(d.description ? { description: d.description } : {}),
            ...(d.timestamp ? { timestamp: new Date(d.timestamp).toISOString() } : {}),
          })),
        };
        status.connectedRegistry = cr;
        if (cr.activation !== "Active") {
          reason("NotActive", `connected registry is ${cr.activation}, not Active`);
        }
        if (!["Online", "Syncing"].includes(cr.connectionState)) {
          reason("NotOnline", `connected registry is ${cr.connectionState}`);
        }
        const schedule = cr.schedule ?? "* * * * *";
        let deadline: Date | undefined;
        try {
          deadline = syncDeadline(schedule, cr.syncWindow, now, syncPeriods, continuousMaxAgeSeconds);
        } catch {
          deadline = undefined; // A schedule ARM holds but this parser refuses: no age verdict.
        }
        if (deadline !== undefined) {
          cr.syncDeadline = deadline.toISOString();
        }
        if (cr.activation === "Active") {
          if (cr.lastSync === undefined) {
            reason("NeverSynced", "connected registry has never synced");
          } else if (deadline !== undefined && new Date(cr.lastSync) < deadline) {
            const what = isContinuous(schedule)
              ? `continuous sync, limit ${Math.round(continuousMaxAgeSeconds / 60)} min (--continuous-max-age)`
              : `schedule "${schedule}"${cr.syncWindow ? ` with window ${cr.syncWindow}` : ""}: ${syncPeriods} occurrences missed (--sync-periods)`;
            reason("SyncStale", `last sync ${cr.lastSync} is stale (${what})`);
          }
        }
        for (const d of cr.statusDetails) {
          if (/error|fail|warn|full|low/i.test(`${d.code ?? ""} ${d.type ?? ""}`)) {
            reason("StatusDetail", `${d.type ?? "status"} ${d.code ?? ""}: ${d.description ?? ""}`.trim());
          }
        }
      } else {
        const failure = registry.reason as ReadFailure;
        reason(failure.code ?? "HttpError", failure.message);
      }
      if (extension.status === "fulfilled") {
        read++;
        const properties = (extension.value.properties ?? {}) as Record<string, unknown>;
        const ext: NonNullable<SiteStatus["extension"]> = {
          provisioningState: String(properties.provisioningState ?? "Unknown"),
          ...(typeof properties.currentVersion === "string" ? { version: properties.currentVersion } : {}),
          ...(typeof properties.releaseTrain === "string" ? { releaseTrain: properties.releaseTrain } : {}),
          wantedReleaseTrain: site.releaseTrain,
          ...(site.extensionVersion === undefined ? {} : { wantedVersion: site.extensionVersion }),
        };
        status.extension = ext;
        if (ext.provisioningState !== "Succeeded") {
          reason("ExtensionNotSucceeded", `extension is ${ext.provisioningState}`);
        }
        if (ext.releaseTrain !== undefined && ext.releaseTrain.toLowerCase() !== site.releaseTrain.toLowerCase()) {
          reason(
            "ReleaseTrainMismatch",
            `extension is on release train ${ext.releaseTrain}, the hub wants ${site.releaseTrain}`,
          );
        }
        if (site.extensionVersion !== undefined && ext.version !== site.extensionVersion) {
          reason(
            "VersionOutdated",
            `extension runs ${ext.version ?? "an unreported version"}, the hub wants ${site.extensionVersion} (outdated)`,
          );
        }
      } else {
        const failure = extension.reason as ReadFailure;
        reason(failure.code ?? "HttpError", failure.message);
      }
      status.healthy = status.reasons.length === 0;
      // Unknown: a resource could not be read (other than not found), so the findings may be incomplete.
      status.health = status.healthy
        ? "healthy"
        : read + notFound(registry) + notFound(extension) < 2
          ? "unknown"
          : "unhealthy";
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
  const reasons: { [code: string]: number } = {};
  for (const s of statuses) {
    for (const code of new Set(s.reasons.map((r) => r.code))) {
      reasons[code] = (reasons[code] ?? 0) + 1;
    }
  }
  const healthy = statuses.filter((s) => s.health === "healthy").length;
  const unknown = statuses.filter((s) => s.health === "unknown").length;
  return {
    summary: {
      total: statuses.length,
      healthy,
      unhealthy: statuses.length - healthy - unknown,
      unknown,
      reasons,
      armRequests,
      armRequestsPerSite: Math.round((armRequests / statuses.length) * 100) / 100,
      throttled,
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      exitCode: deadlineExceeded ? 2 : healthy === statuses.length ? 0 : 1,
      deadlineExceeded,
    },
    sites: statuses,
  };
}

/** A plain-text table of the statuses (one line per site), then a summary line. */
export function renderTable(report: FleetReport): string {
  const header = [
    "SITE",
    "REGISTRY",
    "CONNECTION",
    "ACTIVATION",
    "LAST SYNC",
    "EXTENSION",
    "VERSION",
    "HEALTH",
    "REASONS",
  ];
  const rows = report.sites.map((s) => [
    s.site,
    s.registry,
    s.connectedRegistry?.connectionState ?? "-",
    s.connectedRegistry?.activation ?? "-",
    s.connectedRegistry?.lastSync ?? "-",
    s.extension?.provisioningState ?? "-",
    s.extension ? `${s.extension.releaseTrain ?? "?"}/${s.extension.version ?? "?"}` : "-",
    s.health === "healthy" ? "healthy" : s.health.toUpperCase(),
    s.reasons.map((r) => r.message).join("; ") || "-",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  const { total, healthy, unhealthy, unknown } = report.summary;
  const parts = [`${healthy} of ${total} sites healthy`];
  if (unhealthy > 0) {
    parts.push(`${unhealthy} unhealthy`);
  }
  if (unknown > 0) {
    parts.push(`${unknown} unknown`);
  }
  return [line(header), ...rows.map(line), "", `${parts.join(", ")}.`].join("\n");
}

/**
 * The rollout waves: `canary` = the sites marked `wave: canary` (the first site when none is), `rest` = the others,
 * in inventory order (the site stacks' names).
 */
export function waves(sites: readonly StatusSite[]): { canary: string[]; rest: string[] } {
  const marked = sites.filter((s) => s.wave === "canary").map((s) => s.name);
  const canary = marked.length > 0 ? marked : sites.slice(0, 1).map((s) => s.name);
  return { canary, rest: sites.map((s) => s.name).filter((name) => !canary.includes(name)) };
}

/** Matrix jobs GitHub Actions allows per job (docs: "A matrix will generate a maximum of 256 jobs per workflow run"). */
export const MAX_MATRIX_JOBS = 256;

/** One job of a rollout matrix: a batch of site stacks, deployed by one runner with bounded parallelism. */
export interface RolloutBatch {
  /** 1-based, in rollout order. */
  readonly index: number;
  /** The site stacks, space-separated (a shell word list for the job's script). */
  readonly sites: string;
  readonly count: number;
}

/**
 * Splits `names` into at most {@link MAX_MATRIX_JOBS} batches of at most `size` sites each (larger batches when
 * `size` would need more jobs), in order.
 */
export function batches(names: readonly string[], size: number): RolloutBatch[] {
  const perBatch = Math.max(size, Math.ceil(names.length / MAX_MATRIX_JOBS));
  const out: RolloutBatch[] = [];
  for (let i = 0; i < names.length; i += perBatch) {
    const slice = names.slice(i, i + perBatch);
    out.push({ index: out.length + 1, sites: slice.join(" "), count: slice.length });
  }
  return out;
}
