/**
 * The hub at fleet scale: `npm run plan` (the offline plan, a fresh process per run) of the hub program (fleet/hub)
 * with an inventory of N sites, 50 per registry (Azure's limit), each syncing one repository with one client
 * token. Reports per N: wall time, CPU, peak RSS and the planned resources, then the RSS growth per site between
 * sizes (memory linear in sites = a constant growth per site).
 *
 *   node -r ./bin/register.js bench/hub.ts [N ...]        (default 50 100 250 500)
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { MAX_SITES_PER_REGISTRY } from "../fleet/hub/inventory";
import { now, report } from "./measure";

const root = path.resolve(__dirname, "..");

/** A hub stack config with `count` sites. */
export function hubInventory(count: number): object {
  const registries = Array.from({ length: Math.ceil(count / MAX_SITES_PER_REGISTRY) }, (_, i) => `fleetacr${i + 1}`);
  const sites = Array.from({ length: count }, (_, i) => ({
    name: `site${String(i).padStart(4, "0")}`,
    registry: registries[Math.floor(i / MAX_SITES_PER_REGISTRY)],
    repositories: ["hello-world"],
    clusterName: `site${i}-arc`,
  }));
  return {
    config: {
      "edge-registry-hub:resourceGroupName": "fleet-rg",
      "edge-registry-hub:registries": registries,
      "edge-registry-hub:imports": ["mcr.microsoft.com/mcr/hello-world:latest"],
      "edge-registry-hub:sites": sites,
    },
  };
}

interface HubRun {
  sites: number;
  wallMs: number;
  cpuMs: number;
  peakRssMiB: number;
  resources: number;
}

function planHub(dir: string, count: number): HubRun {
  fs.writeFileSync(path.join(dir, `Pulumi.n${count}.yaml`), JSON.stringify(hubInventory(count)));
  const start = now();
  const args = [
    "-r",
    "./bench/rssAtExit.js",
    "-r",
    "./bin/register.js",
    "bin/plan.ts",
    dir,
    "--stack",
    `n${count}`,
    "--json",
  ];
  let stdout: string;
  try {
    stdout = execFileSync(process.execPath, args, {
      cwd: root,
      encoding: "utf8",
      maxBuffer: 1024 * 1024 * 1024,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    throw new Error(`plan of ${count} sites failed: ${String((error as { stderr?: string }).stderr ?? error)}`);
  }
  const wallMs = now() - start;
  // execFileSync gives no stderr on success: rerunning would double the time, so the preload also appends to a file.
  const last = fs
    .readFileSync(path.join(dir, "rss.log"), "utf8")
    .trim()
    .split("\n")
    .filter((l) => l.startsWith("BENCH_RSS "))
    .pop()!;
  const usage = JSON.parse(last.slice("BENCH_RSS ".length)) as { peakRssMiB: number; cpuMs: number };
  return {
    sites: count,
    wallMs,
    cpuMs: usage.cpuMs,
    peakRssMiB: usage.peakRssMiB,
    resources: (JSON.parse(stdout) as unknown[]).length,
  };
}

function main(): void {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "edge-registry-hub-bench-"));
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    JSON.stringify({ name: "edge-registry-hub", runtime: "nodejs", main: path.join(root, "fleet", "hub", "index.ts") }),
  );
  process.env.BENCH_RSS_LOG = path.join(dir, "rss.log");
  const runs: HubRun[] = [];
  for (const count of sizes.length > 0 ? sizes : [50, 100, 250, 500]) {
    const run = planHub(dir, count);
    runs.push(run);
    process.stderr.write(
      `${run.sites} sites: ${run.resources} resources, ${(run.wallMs / 1000).toFixed(1)} s wall, ${(run.cpuMs / 1000).toFixed(1)} s CPU, peak RSS ${run.peakRssMiB.toFixed(0)} MiB\n`,
    );
  }
  const growth = runs.slice(1).map((run, i) => ({
    from: runs[i].sites,
    to: run.sites,
    rssPerSiteMiB: (run.peakRssMiB - runs[i].peakRssMiB) / (run.sites - runs[i].sites),
  }));
  for (const g of growth) {
    process.stderr.write(`RSS growth ${g.from} → ${g.to} sites: ${g.rssPerSiteMiB.toFixed(2)} MiB per site\n`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  report({ runs, growth });
}

main();
