/**
 * `fleet status` of a large fleet against the fake Entra ID + ARM (test/fakes/azure.ts, test/fakes/fleet.ts), run
 * as users run it (a child `node` per run, the custom-cloud ARM_* variables, NODE_EXTRA_CA_CERTS = the fake's CA).
 * Every GET answers after `latencyMs` (a stand-in for ARM's latency); every site is healthy. Reports per run: wall
 * time (process included) and the status's own time (its JSON summary's durationMs), ARM requests per site (from the CLI's JSON summary and from the fake's log), 429s.
 *
 *   node -r ./bin/register.js bench/fleetStatus.ts [sites (500)] [latencyMs (100)]
 *
 * Runs: concurrency 8 and 32 unthrottled; the same with ARM's read throttling modelled as a token bucket (250
 * reads, 25 per second, 429 with Retry-After 1 s when empty).
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { startFakeAzure, type FakeAzure } from "../test/fakes/azure";
import { addFakeFleet, type FakeFleetSite, type FakeThrottle } from "../test/fakes/fleet";
import type { FleetReport } from "../fleet/status/status";
import { now } from "./measure";

const root = path.resolve(__dirname, "..");
const count = Number(process.argv[2] ?? 500);
const latencyMs = Number(process.argv[3] ?? 100);

function sitesOf(prefix: string): FakeFleetSite[] {
  const recent = new Date(Date.now() - 60_000).toISOString();
  return Array.from({ length: count }, (_, i) => ({
    name: `${prefix}${String(i + 1).padStart(4, "0")}`,
    resourceGroupName: "fleet-rg",
    registryName: `${prefix}acr${Math.floor(i / 50) + 1}`,
    clusterResourceGroupName: "edge-rg",
    clusterName: `${prefix}${i + 1}-arc`,
    connectedRegistry: { connectionState: "Online", activation: "Active", lastSyncTime: recent },
    extension: { provisioningState: "Succeeded" },
    delayMs: latencyMs,
  }));
}

function outputsFile(fake: FakeAzure, sites: FakeFleetSite[], file: string): string {
  const entries = sites.map((s) => [
    s.name,
    {
      registryName: s.registryName,
      resourceGroupName: s.resourceGroupName,
      connectedRegistryName: s.name,
      connectedRegistryId: `/subscriptions/${fake.subscriptionId}/resourceGroups/${s.resourceGroupName}/providers/Microsoft.ContainerRegistry/registries/${s.registryName}/connectedRegistries/${s.name}`,
      clusterName: s.clusterName,
      clusterResourceGroupName: s.clusterResourceGroupName,
      clusterType: "ConnectedClusters",
      wave: "rest",
      releaseTrain: "preview",
    },
  ]);
  fs.writeFileSync(file, JSON.stringify({ sites: Object.fromEntries(entries) }));
  return file;
}

function run(fake: FakeAzure, file: string, concurrency: number): Promise<{ report: FleetReport; wallS: number }> {
  const started = now();
  const env = { PATH: process.env.PATH ?? "", HOME: fake.dir, NODE_EXTRA_CA_CERTS: fake.caFile, ...fake.env() };
  const args = ["-r", "./bin/register.js", "bin/fleet.ts", "status", "--hub", file, "--json"];
  args.push("--concurrency", String(concurrency), "--deadline", "3600");
  return new Promise((resolve, reject) =>
    execFile(process.execPath, args, { cwd: root, env, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const wallS = (now() - started) / 1000;
      try {
        resolve({ report: JSON.parse(stdout) as FleetReport, wallS });
      } catch {
        reject(new Error(`fleet status failed (${error?.message}): ${stderr.slice(-2000)}`));
      }
    }),
  );
}

async function main(): Promise<void> {
  const throttle: FakeThrottle = { bucket: 250, refillPerSecond: 25, retryAfterSeconds: 1 };
  const rows: string[] = [];
  for (const throttled of [false, true]) {
    for (const concurrency of [8, 32]) {
      // A fresh fake per run: its own request log, and (throttled) a full bucket.
      const fake = await startFakeAzure();
      try {
        const prefix = `s${concurrency}${throttled ? "t" : "u"}`;
        const sites = sitesOf(prefix);
        addFakeFleet(fake, sites, throttled ? throttle : undefined);
        const file = outputsFile(fake, sites, path.join(fake.dir, "outputs.json"));
        const { report, wallS } = await run(fake, file, concurrency);
        const armGets = fake.requests.filter((r) => r.path.startsWith("/subscriptions/")).length;
        const line = `| ${count} | ${concurrency} | ${throttled ? "250 + 25/s, Retry-After 1 s" : "none"} | ${wallS.toFixed(1)} | ${(report.summary.durationMs / 1000).toFixed(1)} | ${(armGets / count).toFixed(2)} | ${report.summary.armRequestsPerSite} | ${report.summary.throttled} | ${report.summary.healthy}/${report.summary.total} |`;
        rows.push(line);
        process.stderr.write(`${line}\n`);
      } finally {
        await fake.close();
      }
    }
  }
  process.stdout.write(
    [
      `fleet status, ${count} sites, ${latencyMs} ms per ARM GET (${new Date().toISOString()}):`,
      "",
      "| sites | concurrency | ARM throttling | wall s | status s | ARM requests per site (fake's log) | per site (CLI summary) | 429s | healthy |",
      "| ----: | ----------: | :------------- | -----: | -------: | ---------------------------------: | --------------------: | ---: | ------: |",
      ...rows,
      "",
    ].join("\n"),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
