/**
 * `npm run fleet -- status`, run as users run it (a child `node`, NODE_EXTRA_CA_CERTS = the fake's CA, the
 * custom-cloud ARM_* variables and a client-secret login, outside connections refused by loopbackOnly.js), against
 * the fake Entra ID + ARM (test/fakes/azure.ts) serving a fleet's connected registries and extensions
 * (test/fakes/fleet.ts): a healthy, an offline, a failed and a missing site; the hub's stack outputs and its stack
 * config as inputs; bounded concurrency and time.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { FakeAzure, startFakeAzure } from "./fakes/azure";
import { FakeFleetSite, addFakeFleet } from "./fakes/fleet";
import { type SiteStatus, loadSites, waves } from "../fleet/status/status";

const repo = path.resolve(__dirname, "..");
let fake: FakeAzure;
let fleet: { maxInFlight(): number };

const site = (name: string, extra: Partial<FakeFleetSite>): FakeFleetSite => ({
  name,
  resourceGroupName: "fleet-rg",
  registryName: "fleetacr1",
  clusterResourceGroupName: "edge-rg",
  clusterName: `${name}-arc`,
  ...extra,
});
const online = { connectionState: "Online", activation: "Active", lastSyncTime: "2026-12-01T21:30:00Z" };
const sites: FakeFleetSite[] = [
  site("store001", { connectedRegistry: online, extension: { provisioningState: "Succeeded" } }),
  site("store002", {
    connectedRegistry: { connectionState: "Offline", activation: "Active", lastSyncTime: "2026-11-28T08:00:00Z" },
    extension: { provisioningState: "Succeeded" },
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
  // Slow sites (concurrency and time bounds).
  ...["slow001", "slow002", "slow003", "slow004"].map((n) =>
    site(n, { connectedRegistry: online, extension: { provisioningState: "Succeeded" }, delayMs: 300 }),
  ),
  site("stuck001", { connectedRegistry: online, extension: { provisioningState: "Succeeded" }, delayMs: 20_000 }),
];

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
          clusterType: "ConnectedClusters",
          wave: "rest",
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
}

function runFleet(args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  const refusedLog = path.join(fake.dir, `refused-${Math.random().toString(36).slice(2)}.jsonl`);
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: fake.dir,
    NODE_EXTRA_CA_CERTS: fake.caFile,
    LOOPBACK_ONLY_LOG: refusedLog,
    ...fake.env(),
    ...extraEnv,
  };
  const command = ["-r", "./test/fakes/loopbackOnly.js", "-r", "./bin/register.js", "bin/fleet.ts", ...args];
  return new Promise((resolve) =>
    execFile(process.execPath, command, { cwd: repo, env, timeout: 110_000 }, (error, stdout, stderr) =>
      resolve({
        code: error ? Number((error as { code?: number }).code ?? 1) : 0,
        stdout,
        stderr,
        refused: fs.existsSync(refusedLog)
          ? fs.readFileSync(refusedLog, "utf8").trim().split("\n").filter(Boolean)
          : [],
      }),
    ),
  );
}

beforeAll(async () => {
  fake = await startFakeAzure();
  fleet = addFakeFleet(fake, sites);
});
afterAll(() => fake.close());

describe("four sites: healthy, offline, failed, missing", () => {
  let json: Run;
  let table: Run;
  beforeAll(async () => {
    const file = hubOutputsFile(["store001", "store002", "store003", "store004"]);
    [json, table] = await Promise.all([
      runFleet(["status", "--hub", file, "--json"]),
      runFleet(["status", "--hub", file]),
    ]);
  }, 120_000);

  it("reports each site's connected registry and extension, and exits 1", () => {
    expect(json.stderr).toContain("querying sites: 4/4");
    expect(json.code).toBe(1);
    const statuses = JSON.parse(json.stdout) as SiteStatus[];
    expect(statuses).toEqual([
      {
        site: "store001",
        registry: "fleetacr1",
        connectionState: "Online",
        activation: "Active",
        lastSync: "2026-12-01T21:30:00.000Z",
        statusDetails: [],
        extensionProvisioningState: "Succeeded",
        healthy: true,
        problems: [],
      },
      {
        site: "store002",
        registry: "fleetacr1",
        connectionState: "Offline",
        activation: "Active",
        lastSync: "2026-11-28T08:00:00.000Z",
        statusDetails: [],
        extensionProvisioningState: "Succeeded",
        healthy: false,
        problems: ["connected registry is Offline"],
      },
      {
        site: "store003",
        registry: "fleetacr1",
        connectionState: "Unhealthy",
        activation: "Active",
        statusDetails: ["Sync SyncFailed: the sync token's password has expired"],
        extensionProvisioningState: "Failed",
        healthy: false,
        problems: ["connected registry is Unhealthy", "extension is Failed"],
      },
      {
        site: "store004",
        registry: "fleetacr1",
        connectionState: "Missing",
        activation: "Missing",
        statusDetails: [],
        extensionProvisioningState: "Missing",
        healthy: false,
        problems: ["connected registry not found", "extension not found"],
      },
    ]);
  });

  it("prints a readable table", () => {
    expect(table.code).toBe(1);
    const lines = table.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^SITE\s+REGISTRY\s+CONNECTION\s+ACTIVATION\s+LAST SYNC\s+EXTENSION\s+HEALTH\s+DETAILS$/);
    expect(lines[1]).toMatch(
      /^store001\s+fleetacr1\s+Online\s+Active\s+2026-12-01T21:30:00.000Z\s+Succeeded\s+healthy\s+-$/,
    );
    expect(lines[4]).toMatch(
      /^store004\s+fleetacr1\s+Missing\s+Missing\s+-\s+Missing\s+UNHEALTHY\s+connected registry not found; extension not found$/,
    );
    expect(lines.at(-1)).toBe("1 of 4 sites healthy, 3 unhealthy.");
  });

  it("logged in as azure-native would (the client secret's app), and touched nothing outside loopback", () => {
    const armGets = fake.requests.filter((r) => /\/(connectedRegistries|extensions)\/store00[1-4]$/i.test(r.path));
    expect(armGets).toHaveLength(16);
    expect(armGets.every((r) => r.claims?.appid === fake.defaultClient.clientId)).toBe(true);
    expect(new Set(armGets.filter((r) => r.path.includes("/extensions/")).map((r) => r.apiVersion))).toEqual(
      new Set(["2023-05-01"]),
    );
    expect(new Set(armGets.filter((r) => r.path.includes("/connectedRegistries/")).map((r) => r.apiVersion))).toEqual(
      new Set(["2025-11-01"]),
    );
    expect([...json.refused, ...table.refused]).toEqual([]);
  });
});

it("reads the hub's stack config (inventory) and exits 0 when every site is healthy", async () => {
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
  const run = await runFleet(["status", "--hub", file]);
  expect(run.stderr).toContain("querying sites: 1/1");
  expect(run.stdout).toContain("1 of 1 sites healthy.");
  expect(run.code).toBe(0);
}, 120_000);

it("queries at most --concurrency sites at once and gives up on a site after --timeout", async () => {
  const file = hubOutputsFile(["slow001", "slow002", "slow003", "slow004", "stuck001"]);
  const started = Date.now();
  const run = await runFleet(["status", "--hub", file, "--json", "--concurrency", "2", "--timeout", "3"]);
  const elapsed = Date.now() - started;
  const statuses = JSON.parse(run.stdout) as SiteStatus[];
  expect(statuses.filter((s) => s.healthy).map((s) => s.site)).toEqual(["slow001", "slow002", "slow003", "slow004"]);
  const stuck = statuses.find((s) => s.site === "stuck001")!;
  expect(stuck.healthy).toBe(false);
  expect(stuck.problems.join("; ")).toMatch(/timed out after 3s|abort/i);
  expect(run.code).toBe(1);
  // stuck001 answers only after 20 s: finishing before that proves the CLI gave up on it (even on a busy machine).
  expect(elapsed).toBeLessThan(19_000);
  // Two sites at a time, two GETs each.
  expect(fleet.maxInFlight()).toBeLessThanOrEqual(4);
}, 120_000);

it("refuses a bad inventory, naming the key", async () => {
  const file = path.join(fake.dir, "Pulumi.bad.yaml");
  fs.writeFileSync(
    file,
    "config:\n  edge-registry-hub:resourceGroupName: rg\n  edge-registry-hub:registries: [acr1]\n  edge-registry-hub:sites:\n    - { name: s1234, repositries: [x], clusterName: c }\n",
  );
  const run = await runFleet(["status", "--hub", file]);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain("error: sites[0].repositries: unknown key; did you mean repositories?");
}, 120_000);

it("splits the example inventory into the rollout waves (`fleet stacks`)", async () => {
  const { sites: example } = loadSites(path.join(repo, "fleet", "hub", "Pulumi.example.yaml"));
  expect(waves(example)).toEqual({ canary: ["store001"], rest: ["store002", "factory01", "factory01floor1"] });
  // No site marked canary: the first site is the canary wave.
  expect(waves(example.map((s) => ({ ...s, wave: "rest" }))).canary).toEqual(["store001"]);
  const run = await runFleet([
    "stacks",
    "--hub",
    path.join(repo, "fleet", "hub", "Pulumi.example.yaml"),
    "--wave",
    "rest",
  ]);
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout)).toEqual(["store002", "factory01", "factory01floor1"]);
}, 120_000);
