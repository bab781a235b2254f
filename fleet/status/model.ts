/**
 * The data of `fleet status`: where a site is (what the hub file gives), its status and the reasons it is not
 * healthy, the whole report (its JSON form is fleet/status/status.schema.json), and the run's error.
 */

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

/** A JSON object as ARM and the hub file hold it. */
export type Document = Record<string, unknown>;

export function isObject(value: unknown): value is Document {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
