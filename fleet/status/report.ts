/** What `fleet status` prints: the report's summary from the sites' statuses, and the plain-text table. */
import type { FleetReport, SiteStatus } from "./model";

/** The summary of a run (counts per health and reason, ARM requests, timing, exit code) and its sites. */
export function fleetReport(
  statuses: SiteStatus[],
  run: { armRequests: number; throttled: number; started: number; deadlineExceeded: boolean },
): FleetReport {
  const { armRequests, throttled, started, deadlineExceeded } = run;
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
