/**
 * Fleet commands (thin: the work is in fleet/status/status.ts). `npm run fleet -- --help` for the usage.
 *
 * Exit codes: 0 every site healthy; 1 some site unhealthy or unknown; 2 usage, login, inventory or fleet-wide
 * errors (every site failing the same way, the overall deadline).
 */
// The light modules only: the status query (fleet/status/status.ts, with the ARM pipeline) is loaded when a status
// run gets that far, so `--help`, `stacks` and usage or inventory errors answer without loading it.
import { FleetError, type StatusSite } from "../fleet/status/model";
import { renderTable } from "../fleet/status/report";
import { MAX_MATRIX_JOBS, batches, waves } from "../fleet/status/rollout";
import { loadSites } from "../fleet/status/sites";
import { durationSeconds } from "../components/lib/duration";

const usage = `usage:
  npm run fleet -- status --hub <file> [--json] [--site NAME]... [--wave canary|rest]
                          [--concurrency N (8)] [--timeout SECONDS per site (30)] [--deadline SECONDS overall (600)]
                          [--sync-periods K (2)] [--continuous-max-age ISO8601 (PT30M)]
  npm run fleet -- stacks --hub <file> [--wave canary|rest] [--batches --batch-size N (10)]

  <file>: the hub's stack outputs (pulumi stack output --json) or the hub's stack config (Pulumi.<stack>.yaml).

status: every site's connected registry and extension from ARM, a verdict per site with its reasons.
  A scheduled sync is stale when the last sync is older than K schedule occurrences (whose sync window has
  closed); continuous sync ("* * * * *") when it is older than --continuous-max-age.
  Exit codes: 0 all healthy, 1 some site unhealthy or unknown, 2 usage, login, inventory or fleet-wide error.
stacks: the site stacks as a JSON list (all, or one wave); with --batches, a GitHub Actions matrix
  {"include":[{"index":1,"sites":"a b","count":2},...]} of at most ${MAX_MATRIX_JOBS} jobs.`;

class UsageError extends FleetError {}

interface Parsed {
  command: string;
  values: Map<string, string[]>;
  flags: Set<string>;
}

const valueOptions: Record<string, string[]> = {
  status: ["hub", "site", "wave", "concurrency", "timeout", "deadline", "sync-periods", "continuous-max-age"],
  stacks: ["hub", "wave", "batch-size"],
};
const flagOptions: Record<string, string[]> = { status: ["json"], stacks: ["batches"] };

function parse(args: string[]): Parsed | "help" {
  if (args.includes("--help") || args.includes("-h") || args[0] === "help") {
    return "help";
  }
  const command = args[0];
  if (command !== "status" && command !== "stacks") {
    throw new UsageError(command === undefined ? "a command is required." : `unknown command "${command}".`);
  }
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 1; i < args.length; i++) {
    const name = args[i].replace(/^--/, "");
    if (!args[i].startsWith("--")) {
      throw new UsageError(`unexpected argument "${args[i]}".`);
    }
    if (flagOptions[command].includes(name)) {
      flags.add(name);
    } else if (valueOptions[command].includes(name)) {
      const value = args[++i];
      if (value === undefined || value.startsWith("--")) {
        throw new UsageError(`--${name} needs a value.`);
      }
      values.set(name, [...(values.get(name) ?? []), value]);
    } else {
      throw new UsageError(`unknown option --${name} for ${command}.`);
    }
  }
  return { command, values, flags };
}

function one(parsed: Parsed, name: string): string | undefined {
  const all = parsed.values.get(name);
  if (all !== undefined && all.length > 1) {
    throw new UsageError(`--${name} is given ${all.length} times; give it once.`);
  }
  return all?.[0];
}

function positive(parsed: Parsed, name: string, fallback: number, integer = false): number {
  const raw = one(parsed, name);
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UsageError(`--${name} must be a positive ${integer ? "integer" : "number"} (got ${raw}).`);
  }
  return value;
}

function filterSites(parsed: Parsed, sites: StatusSite[]): StatusSite[] {
  const wave = one(parsed, "wave");
  if (wave !== undefined && wave !== "canary" && wave !== "rest") {
    throw new UsageError(`--wave must be canary or rest (got ${wave}).`);
  }
  let selected = sites;
  if (wave !== undefined) {
    const names = new Set(waves(sites)[wave]);
    selected = selected.filter((s) => names.has(s.name));
  }
  const wanted = (parsed.values.get("site") ?? []).flatMap((v) => v.split(",")).filter(Boolean);
  if (wanted.length > 0) {
    const unknown = wanted.filter((w) => !sites.some((s) => s.name.toLowerCase() === w.toLowerCase()));
    if (unknown.length > 0) {
      throw new UsageError(
        `--site ${unknown.join(", ")}: not a site of the hub (its sites: ${sites
          .slice(0, 10)
          .map((s) => s.name)
          .join(", ")}${sites.length > 10 ? ", …" : ""}).`,
      );
    }
    const set = new Set(wanted.map((w) => w.toLowerCase()));
    selected = selected.filter((s) => set.has(s.name.toLowerCase()));
  }
  return selected;
}

async function main(args: string[]): Promise<number> {
  const parsed = parse(args);
  if (parsed === "help") {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const hub = one(parsed, "hub");
  if (hub === undefined) {
    throw new UsageError("--hub is required.");
  }
  if (parsed.command === "stacks") {
    const { sites } = loadSites(hub);
    const selected = filterSites(parsed, sites).map((s) => s.name);
    if (parsed.flags.has("batches")) {
      const size = positive(parsed, "batch-size", 10, true);
      process.stdout.write(`${JSON.stringify({ include: batches(selected, size) })}\n`);
    } else {
      if (parsed.values.has("batch-size")) {
        throw new UsageError("--batch-size goes with --batches.");
      }
      process.stdout.write(`${JSON.stringify(selected)}\n`);
    }
    return 0;
  }
  const concurrency = positive(parsed, "concurrency", 8, true);
  const timeoutSeconds = positive(parsed, "timeout", 30);
  const deadlineSeconds = positive(parsed, "deadline", 600);
  const syncPeriods = positive(parsed, "sync-periods", 2, true);
  const maxAge = one(parsed, "continuous-max-age") ?? "PT30M";
  const continuousMaxAgeSeconds = durationSeconds(maxAge);
  if (continuousMaxAgeSeconds === undefined || continuousMaxAgeSeconds <= 0) {
    throw new UsageError(`--continuous-max-age must be an ISO 8601 duration such as PT30M or PT2H (got ${maxAge}).`);
  }
  const { sites, azureConfig } = loadSites(hub);
  const selected = filterSites(parsed, sites);
  const tty = process.stderr.isTTY === true;
  let lastReported = -1;
  const { fleetStatus } = await import("../fleet/status/status");
  const report = await fleetStatus(selected, {
    concurrency,
    timeoutSeconds,
    deadlineSeconds,
    syncPeriods,
    continuousMaxAgeSeconds,
    azureConfig,
    progress: (done, total) => {
      // A redrawn counter on a terminal; otherwise a line every tenth of the fleet (and the last).
      if (tty) {
        process.stderr.write(`\rquerying sites: ${done}/${total}${done === total ? "\n" : ""}`);
      } else if (done === total || Math.floor((done * 10) / total) > lastReported) {
        lastReported = Math.floor((done * 10) / total);
        process.stderr.write(`querying sites: ${done}/${total}\n`);
      }
    },
  });
  process.stdout.write(parsed.flags.has("json") ? `${JSON.stringify(report, null, 2)}\n` : `${renderTable(report)}\n`);
  if (report.summary.deadlineExceeded) {
    process.stderr.write(
      `error: the overall deadline (--deadline ${deadlineSeconds}) passed before every site was checked.\n`,
    );
  }
  return report.summary.exitCode;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`error: ${message}\n${error instanceof UsageError ? `${usage}\n` : ""}`);
    process.exitCode = 2;
  },
);
