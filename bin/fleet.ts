/**
 * Fleet commands.
 *
 *   npm run fleet -- stacks --hub <same file> [--wave canary|rest]
 *     prints the site stacks as a JSON list (all, or one rollout wave: see `waves`), for a CI matrix.
 *   npm run fleet -- status --hub <hub stack outputs JSON | hub stack config YAML> [--json]
 *                           [--concurrency <n, default 8>] [--timeout <seconds per site, default 30>]
 *
 * Prints every site's connected registry (connection state, activation, last sync, status details) and Arc
 * extension (provisioning state) as a table (or JSON), with progress on stderr; exits 1 when any site is
 * unhealthy (2 on a usage or login error). Logs in as azure-native does (ARM_* variables, or the `azure-native:*`
 * keys of the given stack config): see fleet/status/status.ts.
 */
import { fleetStatus, loadSites, renderTable, waves } from "../fleet/status/status";

const usage = [
  "usage: npm run fleet -- status --hub <hub stack outputs JSON or hub stack config> [--json] [--concurrency N] [--timeout S]",
  "       npm run fleet -- stacks --hub <hub stack outputs JSON or hub stack config> [--wave canary|rest]",
].join("\n");

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

function positiveNumber(args: string[], name: string, fallback: number): number {
  const raw = option(args, name);
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`--${name} must be a positive number (got ${raw}).\n${usage}`);
  }
  return value;
}

async function main(args: string[]): Promise<number> {
  if (args[0] !== "status" && args[0] !== "stacks") {
    throw new Error(usage);
  }
  const hub = option(args, "hub");
  if (hub === undefined) {
    throw new Error(`--hub is required.\n${usage}`);
  }
  if (args[0] === "stacks") {
    const { sites } = loadSites(hub);
    const wave = option(args, "wave");
    if (wave !== undefined && wave !== "canary" && wave !== "rest") {
      throw new Error(`--wave must be canary or rest (got ${wave}).\n${usage}`);
    }
    const split = waves(sites);
    process.stdout.write(`${JSON.stringify(wave === undefined ? sites.map((s) => s.name) : split[wave])}\n`);
    return 0;
  }
  const json = args.includes("--json");
  const concurrency = Math.floor(positiveNumber(args, "concurrency", 8));
  const timeoutSeconds = positiveNumber(args, "timeout", 30);
  const { sites, azureConfig } = loadSites(hub);
  const tty = process.stderr.isTTY === true;
  let lastReported = -1;
  const statuses = await fleetStatus(sites, {
    concurrency,
    timeoutSeconds,
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
  process.stdout.write(json ? `${JSON.stringify(statuses, null, 2)}\n` : `${renderTable(statuses)}\n`);
  return statuses.every((s) => s.healthy) ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
