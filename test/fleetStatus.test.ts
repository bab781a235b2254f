/**
 * `npm run fleet -- status`, run as users run it (a child `node`, NODE_EXTRA_CA_CERTS = the fake's CA, the
 * custom-cloud ARM_* variables and a client-secret login, outside connections refused by loopbackOnly.js), against
 * the fake Entra ID + ARM (test/fakes/azure.ts) serving a fleet's connected registries and extensions
 * (test/fakes/fleet.ts) in every state: healthy, offline, failed, missing, stale, outdated, forbidden, on AKS,
 * scheduled; logins that must not switch identity; unreachable ARM, 429s, per-site and overall time bounds. The JSON
 * output is validated against the committed schema (fleet/status/status.schema.json).
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import Ajv from "ajv";
import { FakeAzure, startFakeAzure } from "./fakes/azure";
import { FakeFleetSite, addFakeFleet } from "./fakes/fleet";
// From the modules themselves, not fleet/status/status.ts: this process needs neither the ARM pipeline nor the login.
import type { FleetReport, SiteStatus } from "../fleet/status/model";
import { waves } from "../fleet/status/rollout";
import { loadSites } from "../fleet/status/sites";
import { syncDeadline } from "../fleet/status/verdict";

const repo = path.resolve(__dirname, "..");
let fake: FakeAzure;
let fleet: { maxInFlight(siteNames?: readonly string[]): number };

const site = (name: string, extra: Partial<FakeFleetSite>): FakeFleetSite => ({
  name,
  resourceGroupName: "fleet-rg",
  registryName: "fleetacr1",
  clusterResourceGroupName: "edge-rg",
  clusterName: `${name}-arc`,
  ...extra,
});
// Sync times relative to the run, so the verdicts do not age with the calendar.
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString().replace(/\.\d+Z$/, "Z");
const recent = minutesAgo(3);
const online = { connectionState: "Online", activation: "Active", lastSyncTime: recent };
const ok = { provisioningState: "Succeeded" };
const sites: FakeFleetSite[] = [
  site("store001", { connectedRegistry: online, extension: ok }),
  site("store002", {
    connectedRegistry: { connectionState: "Offline", activation: "Active", lastSyncTime: recent },
    extension: ok,
  }),
  site("store003", {
    connectedRegistry: {
      connectionState: "Unhealthy",
      activation: "Active",
      statusDetails: [{ type: "Sync", code: "SyncFailed", description: "the sync token's password has expired" }],
    },
    extension: { provisioningState: "Failed" },
  }),
  site("store004", {}),
  // Online, but last synced 9 days ago on the every-minute (continuous) schedule.
  site("store005", { connectedRegistry: { ...online, lastSyncTime: minutesAgo(9 * 24 * 60) }, extension: ok }),
  // Left behind by a rollout: another release train, another version than the hub pins.
  site("store006", {
    connectedRegistry: online,
    extension: { provisioningState: "Succeeded", releaseTrain: "stable", currentVersion: "0.9.0" },
  }),
  // The login has no read role on this site's resources.
  site("store007", { forbidden: true }),
  // An AKS site: its extension is under Microsoft.ContainerService/managedClusters.
  site("aks001", { clusterType: "ManagedClusters", connectedRegistry: online, extension: ok }),
  // Hourly with a 1-hour window: a sync 70 minutes ago is within 2 occurrences, one 5 hours ago is not.
  site("sched001", {
    connectedRegistry: { ...online, schedule: "0 * * * *", syncWindow: "PT1H", lastSyncTime: minutesAgo(70) },
    extension: ok,
  }),
  site("sched002", {
    connectedRegistry: { ...online, schedule: "0 * * * *", syncWindow: "PT1H", lastSyncTime: minutesAgo(300) },
    extension: ok,
  }),
  // ARM throttles the reads of this one (the 429 test; no other run reads it).
  site("throttled001", { connectedRegistry: online, extension: ok }),
  // Slow sites (concurrency and time bounds): the --timeout run reads slow001-004 and stuck001, the --deadline run
  // the others, so that the two can run at once.
  ...["slow001", "slow002", "slow003", "slow004", "slow005", "slow006"].map((n) =>
    site(n, { connectedRegistry: online, extension: ok, delayMs: 300 }),
  ),
  ...["stuck001", "stuck002"].map((n) => site(n, { connectedRegistry: online, extension: ok, delayMs: 20_000 })),
];
/** What the hub wants of a site's extension, where it pins something. */
const hubWants: Record<string, { extensionVersion?: string }> = { store006: { extensionVersion: "1.2.0" } };

/** The hub's `pulumi stack output --json` for some of the sites (secret outputs print as "[secret]"). */
function hubOutputsFile(names: string[]): string {
  const file = path.join(fake.dir, `outputs-${names.join("-")}.json`);
  const sitesJson = Object.fromEntries(
    names.map((name) => {
      const s = sites.find((x) => x.name === name)!;
      return [
        name,
        {
          registryName: s.registryName,
          registryLoginServer: `${s.registryName}.azurecr.io`,
          resourceGroupName: s.resourceGroupName,
          connectedRegistryName: name,
          connectedRegistryId: `/subscriptions/${fake.subscriptionId}/resourceGroups/${s.resourceGroupName}/providers/Microsoft.ContainerRegistry/registries/${s.registryName}/connectedRegistries/${name}`,
          clusterName: s.clusterName,
          clusterResourceGroupName: s.clusterResourceGroupName,
          clusterType: s.clusterType ?? "ConnectedClusters",
          wave: name === "store001" ? "canary" : "rest",
          releaseTrain: "preview",
          ...hubWants[name],
          clientTokenName: `${name}client`,
        },
      ];
    }),
  );
  fs.writeFileSync(file, JSON.stringify({ sites: sitesJson, siteSecrets: "[secret]", registryLoginServers: {} }));
  return file;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  refused: string[];
  /** The files the run loaded (test/harness/loadedModules.js). */
  loaded: string[];
}

/** Children running at once, at most: more only contend for the cores (and spend CPU doing so). */
const MAX_CHILDREN = 3;
let children = 0;
const waitingChildren: (() => void)[] = [];

/** Runs `npm run fleet -- <args>` as users run it (see the top of this file), at most MAX_CHILDREN at once. */
async function runFleet(args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  if (children < MAX_CHILDREN) {
    children++;
  } else {
    await new Promise<void>((resolve) => waitingChildren.push(resolve));
  }
  try {
    return await runFleetNow(args, extraEnv);
  } finally {
    // The slot passes to the next waiting run, if any.
    const next = waitingChildren.shift();
    if (next) {
      next();
    } else {
      children--;
    }
  }
}

function runFleetNow(args: string[], extraEnv: Record<string, string>): Promise<Run> {
  const id = Math.random().toString(36).slice(2);
  const refusedLog = path.join(fake.dir, `refused-${id}.jsonl`);
  const loadedLog = path.join(fake.dir, `loaded-${id}.json`);
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: fake.dir,
    NODE_EXTRA_CA_CERTS: fake.caFile,
    LOOPBACK_ONLY_LOG: refusedLog,
    LOADED_MODULES_LOG: loadedLog,
    ...fake.env(),
    ...extraEnv,
  };
  const preloads = ["-r", "./test/fakes/loopbackOnly.js", "-r", "./test/harness/loadedModules.js"];
  const command = [...preloads, "-r", "./bin/register.js", "bin/fleet.ts", ...args];
  return new Promise((resolve) =>
    execFile(process.execPath, command, { cwd: repo, env, timeout: 110_000 }, (error, stdout, stderr) =>
      resolve({
        code: error ? Number((error as { code?: number }).code ?? 1) : 0,
        stdout,
        stderr,
        refused: fs.existsSync(refusedLog)
          ? fs.readFileSync(refusedLog, "utf8").trim().split("\n").filter(Boolean)
          : [],
        loaded: fs.existsSync(loadedLog) ? (JSON.parse(fs.readFileSync(loadedLog, "utf8")) as string[]) : [],
      }),
    ),
  );
}

/** The Pulumi SDK's files a run loaded: `fleet status` is an operator's CLI and needs none of it. */
const pulumiSdk = (run: Run) => run.loaded.filter((file) => file.includes(`${path.sep}@pulumi${path.sep}`));

/**
 * Most runs start together, as soon as the fake serves (a fresh `node` each mostly waits: on its start-up, on slow
 * sites, on ARM's back-off): {@link atOnce} registers one, its test awaits it. Each reads fake state no other run
 * changes: its own sites, its own fault. The runs that assert what the fake saw during them (no ARM request at all)
 * or how long they took run alone, after the others ({@link allAtOnce}).
 */
const startAll: (() => void)[] = [];
const runsAtOnce: Promise<unknown>[] = [];
function atOnce<T>(start: () => Promise<T>): () => Promise<T> {
  let run: Promise<T> | undefined;
  startAll.push(() => runsAtOnce.push((run = start())));
  return () => run!;
}
/** Every run started at once, finished. */
const allAtOnce = () => Promise.all(runsAtOnce);

beforeAll(async () => {
  fake = await startFakeAzure();
  fleet = addFakeFleet(fake, sites);
  startAll.forEach((start) => start());
});
afterAll(async () => {
  await allAtOnce();
  await fake.close();
});

const schema = JSON.parse(fs.readFileSync(path.join(repo, "fleet", "status", "status.schema.json"), "utf8")) as object;
// ajv is installed (a dependency of eslint); the committed schema is what scripts rely on.
const validate = new Ajv({ allErrors: true }).compile(schema);
function checkedReport(run: Run): FleetReport {
  const report = JSON.parse(run.stdout) as FleetReport;
  expect(validate(report) ? [] : validate.errors).toEqual([]);
  return report;
}
const codes = (s: SiteStatus) => s.reasons.map((r) => r.code);

describe("a fleet in every state", () => {
  const names = [
    "store001",
    "store002",
    "store003",
    "store004",
    "store005",
    "store006",
    "store007",
    "aks001",
    "sched001",
    "sched002",
  ];
  let json: Run;
  let table: Run;
  let report: FleetReport;
  const bySite = (name: string) => report.sites.find((s) => s.site === name)!;
  const runs = atOnce(() => {
    const file = hubOutputsFile(names);
    return Promise.all([runFleet(["status", "--hub", file, "--json"]), runFleet(["status", "--hub", file])]);
  });
  beforeAll(async () => {
    [json, table] = await runs();
    report = checkedReport(json);
  }, 120_000);

  it("gives every site a verdict with its reasons, a summary, and exits 1", () => {
    expect(json.stderr).toContain("querying sites: 10/10");
    expect(json.code).toBe(1);
    expect(report.summary).toMatchObject({
      total: 10,
      healthy: 3,
      unhealthy: 6,
      unknown: 1,
      exitCode: 1,
      deadlineExceeded: false,
      reasons: {
        NotOnline: 2,
        NeverSynced: 1,
        ExtensionNotSucceeded: 1,
        StatusDetail: 1,
        NotFound: 1,
        SyncStale: 2,
        ReleaseTrainMismatch: 1,
        VersionOutdated: 1,
        Forbidden: 1,
      },
    });
    expect(report.sites.filter((s) => s.healthy).map((s) => s.site)).toEqual(["store001", "aks001", "sched001"]);
  });

  it("healthy: Online, Active, synced recently, extension Succeeded on the release train the hub wants", () => {
    expect(bySite("store001")).toMatchObject({
      health: "healthy",
      healthy: true,
      reasons: [],
      wave: "canary",
      connectedRegistry: { connectionState: "Online", activation: "Active", version: "1.0.0", schedule: "* * * * *" },
      extension: {
        provisioningState: "Succeeded",
        releaseTrain: "preview",
        version: "1.2.0",
        wantedReleaseTrain: "preview",
      },
    });
  });

  it("tells stale from healthy: continuous sync 9 days ago, a scheduled sync 5 hours ago on an hourly schedule", () => {
    expect(codes(bySite("store005"))).toEqual(["SyncStale"]);
    expect(bySite("store005").reasons[0].message).toMatch(/continuous sync, limit 30 min \(--continuous-max-age\)/);
    expect(codes(bySite("sched001"))).toEqual([]);
    expect(codes(bySite("sched002"))).toEqual(["SyncStale"]);
    expect(bySite("sched002").reasons[0].message).toContain('schedule "0 * * * *" with window PT1H');
  });

  it("offline, failed, never synced, missing, outdated, forbidden", () => {
    expect(codes(bySite("store002"))).toEqual(["NotOnline"]);
    expect(codes(bySite("store003"))).toEqual(["NotOnline", "NeverSynced", "StatusDetail", "ExtensionNotSucceeded"]);
    expect(bySite("store003").reasons[2].message).toBe("Sync SyncFailed: the sync token's password has expired");
    expect(bySite("store004")).toMatchObject({
      health: "unhealthy",
      reasons: [
        { code: "NotFound", message: "connected registry not found" },
        { code: "NotFound", message: "extension not found" },
      ],
    });
    expect(bySite("store006").reasons.map((r) => r.message)).toEqual([
      "extension is on release train stable, the hub wants preview",
      "extension runs 0.9.0, the hub wants 1.2.0 (outdated)",
    ]);
    const forbidden = bySite("store007");
    expect(forbidden.health).toBe("unknown");
    expect(codes(forbidden)).toEqual(["Forbidden", "Forbidden"]);
    expect(forbidden.reasons[0].message).toContain("give it the Reader role");
    expect(forbidden.reasons[0].message).toContain("Microsoft.ContainerRegistry/registries/connectedRegistries/read");
  });

  it("reads an AKS site's extension under managedClusters", () => {
    expect(bySite("aks001")).toMatchObject({ clusterType: "ManagedClusters", healthy: true });
    expect(fake.requests.some((r) => /managedClusters\/aks001-arc\/.*\/extensions\/aks001$/i.test(r.path))).toBe(true);
  });

  it("prints a readable table", () => {
    expect(table.code).toBe(1);
    const lines = table.stdout.trim().split("\n");
    expect(lines[0]).toMatch(
      /^SITE\s+REGISTRY\s+CONNECTION\s+ACTIVATION\s+LAST SYNC\s+EXTENSION\s+VERSION\s+HEALTH\s+REASONS$/,
    );
    expect(lines[1]).toMatch(
      /^store001\s+fleetacr1\s+Online\s+Active\s+\S+Z\s+Succeeded\s+preview\/1\.2\.0\s+healthy\s+-$/,
    );
    expect(lines[4]).toMatch(
      /^store004\s+fleetacr1\s+-\s+-\s+-\s+-\s+-\s+UNHEALTHY\s+connected registry not found; extension not found$/,
    );
    expect(lines.at(-1)).toBe("3 of 10 sites healthy, 6 unhealthy, 1 unknown.");
  });

  it("logged in as azure-native would, with at most 3 ARM requests per site, and touched nothing outside loopback", () => {
    const armGets = fake.requests.filter((r) => /\/(connectedRegistries|extensions)\/[a-z0-9]+$/i.test(r.path));
    expect(armGets.every((r) => r.claims?.appid === fake.defaultClient.clientId)).toBe(true);
    expect(report.summary.armRequests).toBe(20);
    expect(report.summary.armRequestsPerSite).toBeLessThanOrEqual(3);
    expect(new Set(armGets.filter((r) => r.path.includes("/extensions/")).map((r) => r.apiVersion))).toEqual(
      new Set(["2023-05-01"]),
    );
    expect(new Set(armGets.filter((r) => r.path.includes("/connectedRegistries/")).map((r) => r.apiVersion))).toEqual(
      new Set(["2025-11-01"]),
    );
    expect([...json.refused, ...table.refused]).toEqual([]);
  });

  it("loads no Pulumi SDK: an operator's CLI that starts fast", () => {
    // Checked against what the runs did load, so an empty list cannot pass by accident.
    expect(json.loaded.some((file) => file.endsWith(path.join("fleet", "status", "verdict.ts")))).toBe(true);
    expect([...pulumiSdk(json), ...pulumiSdk(table)]).toEqual([]);
  });
});

describe("sync deadlines from the cron schedule", () => {
  const now = new Date("2026-12-07T10:30:00Z");
  it("k occurrences whose window has closed; continuous: a fixed age", () => {
    expect(syncDeadline("0 9 * * *", undefined, now, 2, 1800)?.toISOString()).toBe("2026-12-06T09:00:00.000Z");
    // The 09:00 window (PT2H) is still open at 10:30: the two closed ones are yesterday's and the day before's.
    expect(syncDeadline("0 9 * * *", "PT2H", now, 2, 1800)?.toISOString()).toBe("2026-12-05T09:00:00.000Z");
    expect(syncDeadline("*/15 * * * *", undefined, now, 3, 1800)?.toISOString()).toBe("2026-12-07T10:00:00.000Z");
    expect(syncDeadline("* * * * *", undefined, now, 2, 1800)?.toISOString()).toBe("2026-12-07T10:00:00.000Z");
    // Mondays (2026-12-07 is a Monday) or the 1st: either day field matches.
    expect(syncDeadline("0 0 1 * 1", undefined, now, 3, 1800)?.toISOString()).toBe("2026-11-30T00:00:00.000Z");
    expect(syncDeadline("0 0 1 1 *", undefined, now, 2, 1800)?.toISOString()).toBe("2025-01-01T00:00:00.000Z");
    expect(syncDeadline("0 0 31 2 *", undefined, now, 1, 1800)).toBeUndefined();
  });
});

const helpRuns = atOnce(() =>
  Promise.all([runFleet(["status", "--help"]), runFleet(["status", "--hub", "x", "--concurency", "2"])]),
);
it("--help prints the usage and exits 0", async () => {
  const [run, bad] = await helpRuns();
  expect(run.code).toBe(0);
  expect(run.stdout).toContain("Exit codes: 0 all healthy, 1 some site unhealthy or unknown, 2 usage");
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain("error: unknown option --concurency for status.");
}, 120_000);

const stackConfigRun = atOnce(() => {
  const file = path.join(fake.dir, "Pulumi.prod.yaml");
  fs.writeFileSync(
    file,
    [
      "config:",
      "  edge-registry-hub:resourceGroupName: fleet-rg",
      "  edge-registry-hub:registries: [fleetacr1]",
      "  edge-registry-hub:sites:",
      "    - { name: store001, repositories: [hello-world], clusterName: store001-arc, clusterResourceGroupName: edge-rg }",
      "",
    ].join("\n"),
  );
  return runFleet(["status", "--hub", file]);
});
it("reads the hub's stack config (inventory) and exits 0 when every site is healthy", async () => {
  const run = await stackConfigRun();
  expect(run.stderr).toContain("querying sites: 1/1");
  expect(run.stdout).toContain("1 of 1 sites healthy.");
  expect(run.code).toBe(0);
  // The inventory's checks (fleet/hub/inventory.ts) come without the components and their SDK.
  expect(run.loaded.some((file) => file.endsWith(path.join("fleet", "hub", "inventory.ts")))).toBe(true);
  expect(pulumiSdk(run)).toEqual([]);
}, 120_000);

describe("logins never switch identity", () => {
  const configWithSecret = () => {
    const file = path.join(fake.dir, "Pulumi.secret.yaml");
    fs.writeFileSync(
      file,
      [
        "config:",
        `  azure-native:clientId: ${fake.defaultClient.clientId}`,
        "  azure-native:clientSecret:",
        "    secure: v1:Zm9vYmFyYmF6cXV4:c2VjcmV0IGJ5dGVzIGhlcmU=",
        "  edge-registry-hub:resourceGroupName: fleet-rg",
        "  edge-registry-hub:registries: [fleetacr1]",
        "  edge-registry-hub:sites:",
        "    - { name: store001, repositories: [hello-world], clusterName: store001-arc, clusterResourceGroupName: edge-rg }",
        "",
      ].join("\n"),
    );
    return file;
  };

  const withSecretRun = atOnce(() => runFleet(["status", "--hub", configWithSecret()]));

  it("an encrypted azure-native:clientSecret stops the run, naming the key and the ways to provide it (exit 2)", async () => {
    await allAtOnce(); // no other run may read ARM meanwhile: this one must read nothing
    const before = fake.requests.length;
    const run = await runFleet(["status", "--hub", configWithSecret()], { ARM_CLIENT_SECRET: "" });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("error: azure-native:clientSecret in");
    expect(run.stderr).toContain("is encrypted");
    expect(run.stderr).toContain("set ARM_CLIENT_SECRET");
    expect(run.stderr).toContain("pulumi config set azure-native:clientSecret <value>, without --secret");
    expect(run.stdout).toBe("");
    expect(fake.requests.length).toBe(before);
  }, 120_000);

  it("the same config with ARM_CLIENT_SECRET set logs in with it", async () => {
    const run = await withSecretRun();
    expect(run.stdout).toContain("1 of 1 sites healthy.");
    expect(run.code).toBe(0);
  }, 120_000);

  it("a wrong ARM_CLIENT_SECRET is a login error (exit 2), found before any site is read", async () => {
    await allAtOnce(); // no other run may read a connected registry meanwhile
    const before = fake.requests.filter((r) => r.path.includes("/connectedRegistries/")).length;
    const run = await runFleet(["status", "--hub", hubOutputsFile(["store001", "store002"])], {
      ARM_CLIENT_SECRET: "wrong",
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: login failed: .*AADSTS7000215/m);
    expect(fake.requests.filter((r) => r.path.includes("/connectedRegistries/")).length).toBe(before);
  }, 120_000);
});

const unreachableRun = atOnce(async () => {
  const names = sites.filter((s) => s.connectedRegistry && !s.delayMs).map((s) => s.name);
  const closed = net.createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const port = (closed.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  // Five at once: the first five sites fail together, after one round of retries (each read retries a dropped
  // connection 3 times, from 0.5 s), and the others are never started.
  return runFleet(["status", "--hub", hubOutputsFile(names), "--concurrency", "5"], {
    ARM_RESOURCE_MANAGER_ENDPOINT: `https://127.0.0.1:${port}`,
  });
});
it("ARM unreachable for every site: a fleet-wide error (exit 2), stopped after the first sites", async () => {
  const run = await unreachableRun();
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(
    /error: the first 5 sites all failed the same way \(connected registry: ARM unreachable at https:\/\/127\.0\.0\.1:\d+/,
  );
  expect(run.stderr).toMatch(/stopped without waiting for the other \d+ sites/);
}, 120_000);

const emptyRun = atOnce(() => {
  const file = path.join(fake.dir, "outputs-empty.json");
  fs.writeFileSync(file, JSON.stringify({ sites: {}, siteSecrets: "[secret]" }));
  return runFleet(["status", "--hub", file]);
});
it("an empty fleet is an error", async () => {
  const run = await emptyRun();
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('the hub has no sites (its "sites" output is empty)');
}, 120_000);

const choiceRuns = atOnce(() => {
  const file = hubOutputsFile(["store001", "store002", "aks001"]);
  return Promise.all([
    runFleet(["status", "--hub", file, "--json", "--site", "store002", "--site", "aks001"]),
    runFleet(["status", "--hub", file, "--json", "--wave", "canary"]),
    runFleet(["status", "--hub", file, "--site", "nosuchsite"]),
  ]);
});
it("--site and --wave choose the sites", async () => {
  const [some, canary, unknown] = await choiceRuns();
  expect(checkedReport(some).sites.map((s) => s.site)).toEqual(["store002", "aks001"]);
  expect(some.code).toBe(1);
  expect(checkedReport(canary).sites.map((s) => s.site)).toEqual(["store001"]);
  expect(canary.code).toBe(0);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain("--site nosuchsite: not a site of the hub");
}, 120_000);

const throttledRun = atOnce(() => {
  fake.faults.add({ kind: "throttle", path: /\/connectedRegistries\/throttled001$/i, times: 2, retryAfterSeconds: 1 });
  return runFleet(["status", "--hub", hubOutputsFile(["throttled001"]), "--json"]);
});
it("429s are retried after their Retry-After and counted", async () => {
  const run = await throttledRun();
  const report = checkedReport(run);
  expect(report.summary).toMatchObject({ healthy: 1, throttled: 2, armRequests: 4 });
  expect(report.summary.durationMs).toBeGreaterThanOrEqual(2000);
  expect(run.code).toBe(0);
}, 120_000);

it("queries at most --concurrency sites at once and gives up on a site after --timeout", async () => {
  // Alone: the time it takes is part of what is asserted.
  await allAtOnce();
  const timeoutSites = ["slow001", "slow002", "slow003", "slow004", "stuck001"];
  const file = hubOutputsFile(timeoutSites);
  const started = Date.now();
  const run = await runFleet(["status", "--hub", file, "--json", "--concurrency", "2", "--timeout", "2"]);
  const elapsed = Date.now() - started;
  const report = checkedReport(run);
  expect(report.sites.filter((s) => s.healthy).map((s) => s.site)).toEqual([
    "slow001",
    "slow002",
    "slow003",
    "slow004",
  ]);
  const stuck = report.sites.find((s) => s.site === "stuck001")!;
  expect(stuck.health).toBe("unknown");
  expect(stuck.reasons).toEqual([
    { code: "TimedOut", message: "connected registry: timed out after 2 s (--timeout)" },
    { code: "TimedOut", message: "extension: timed out after 2 s (--timeout)" },
  ]);
  expect(run.code).toBe(1);
  // stuck001 answers only after 20 s: finishing before that proves the CLI gave up on it (even on a busy machine).
  expect(elapsed).toBeLessThan(19_000);
  // Two sites at a time, two GETs each.
  expect(fleet.maxInFlight(timeoutSites)).toBeLessThanOrEqual(4);
}, 120_000);

const deadlineRun = atOnce(() => {
  const file = hubOutputsFile(["stuck002", "slow005", "slow006"]);
  return runFleet(["status", "--hub", file, "--json", "--concurrency", "1", "--deadline", "2"]);
});
it("stops at the overall deadline: sites not done are NotChecked, exit 2", async () => {
  const run = await deadlineRun();
  const report = checkedReport(run);
  expect(report.summary).toMatchObject({ deadlineExceeded: true, exitCode: 2, unknown: 3 });
  expect(report.sites.map((s) => codes(s))).toEqual([["NotChecked", "NotChecked"], ["NotChecked"], ["NotChecked"]]);
  expect(run.stderr).toContain("error: the overall deadline (--deadline 2) passed before every site was checked.");
  expect(run.code).toBe(2);
}, 120_000);

const badInventoryRun = atOnce(() => {
  const file = path.join(fake.dir, "Pulumi.bad.yaml");
  fs.writeFileSync(
    file,
    "config:\n  edge-registry-hub:resourceGroupName: rg\n  edge-registry-hub:registries: [acr1]\n  edge-registry-hub:sites:\n    - { name: s1234, repositries: [x], clusterName: c }\n",
  );
  return runFleet(["status", "--hub", file]);
});
it("refuses a bad inventory, naming the key", async () => {
  const run = await badInventoryRun();
  expect(run.code).toBe(2);
  expect(run.stderr).toContain("error: sites[0].repositries: unknown key; did you mean repositories?");
}, 120_000);

const stacksRun = atOnce(() =>
  runFleet(["stacks", "--hub", path.join(repo, "fleet", "hub", "Pulumi.example.yaml"), "--wave", "rest"]),
);
it("splits the example inventory into the rollout waves (`fleet stacks`)", async () => {
  const { sites: example } = loadSites(path.join(repo, "fleet", "hub", "Pulumi.example.yaml"));
  expect(waves(example)).toEqual({ canary: ["store001"], rest: ["store002", "factory01", "factory01floor1"] });
  // No site marked canary: the first site is the canary wave.
  expect(waves(example.map((s) => ({ ...s, wave: "rest" }))).canary).toEqual(["store001"]);
  const run = await stacksRun();
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout)).toEqual(["store002", "factory01", "factory01floor1"]);
}, 120_000);
