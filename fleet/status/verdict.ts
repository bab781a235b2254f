/**
 * The health judgement of one site from what ARM returned: every reason it is not healthy (not Active, not
 * Online/Syncing, extension not Succeeded, sync older than its deadline, release train or version other than the
 * hub wants, status details, read failures) and whether the findings are complete (`unknown` when not).
 */
import { durationSeconds } from "../../components/lib/duration";
import { isContinuous, parseCron, previousOccurrences } from "../../components/lib/cron";
import type { ReadFailure } from "./arm";
import type { Document, ReasonCode, SiteStatus, StatusSite } from "./model";

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

function notFound(result: PromiseSettledResult<unknown>): number {
  return result.status === "rejected" && (result.reason as ReadFailure).code === "NotFound" ? 1 : 0;
}

/** When a sync is stale (see `syncPeriods` and `continuousMaxAgeSeconds` of the status options). */
export interface SyncLimits {
  /** The time sync ages are measured against. */
  readonly now: Date;
  readonly syncPeriods: number;
  readonly continuousMaxAgeSeconds: number;
}

/**
 * Fills `status` from the two reads (the connected registry's and the extension's document, or why each could not
 * be read): what ARM reports, the reasons the site is not healthy, and its health.
 */
export function judgeSite(
  status: SiteStatus,
  site: StatusSite,
  registry: PromiseSettledResult<Document>,
  extension: PromiseSettledResult<Document>,
  limits: SyncLimits,
): void {
  const { now, syncPeriods, continuousMaxAgeSeconds } = limits;
  const reason = (code: ReasonCode, message: string) => status.reasons.push({ code, message });
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
}
