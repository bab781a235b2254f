/**
 * The hub program (fleet/hub): its example inventory → resources under mocks (a nested site included), its outputs
 * (secret half secret), config errors naming the key, and the offline plan's diff when a site is added or removed
 * (`npm run plan -- <dir> --stack … --json --out <dir>/{stack}.json`, one child process for the four stacks,
 * compared with `diffPlans`).
 */
import { cloud, resetCloud, settle, unwrap } from "./harness/mocks";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { loadProgram } from "../plan/program";
import { diffPlans } from "../plan/diff";
import { PlannedResource } from "../plan/model";
import { deployHub } from "../fleet/hub/hub";

const repo = path.resolve(__dirname, "..");
const hubDir = path.join(repo, "fleet", "hub");
const project = pulumi.getProject();
const CONNECTED = "azure-native:containerregistry:ConnectedRegistry";

/** The example hub stack's config in the test project's namespace (mocks run as project `edge-registry`). */
function exampleConfig(): Record<string, string> {
  const settings = loadProgram(hubDir, "example");
  expect(settings.project).toBe("edge-registry-hub");
  return Object.fromEntries(
    Object.entries(settings.config).map(([key, value]) => [key.replace(/^edge-registry-hub:/, `${project}:`), value]),
  );
}

it("deploys the example inventory: one registry, one connected registry per site, the floor nested", async () => {
  resetCloud();
  pulumi.runtime.setAllConfig(exampleConfig());
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require("../fleet/hub/index.ts");
  await settle();
  expect(cloud.duplicateUrns).toEqual([]);
  expect(cloud.ofType("azure-native:containerregistry:Registry")).toHaveLength(1);
  expect(
    cloud
      .ofType(CONNECTED)
      .map((r) => r.inputs.connectedRegistryName)
      .sort(),
  ).toEqual(["factory01", "factory01floor1", "store001", "store002"]);
  const factory = cloud.ofType(CONNECTED).find((r) => r.inputs.connectedRegistryName === "factory01")!;
  const floor = cloud.ofType(CONNECTED).find((r) => r.inputs.connectedRegistryName === "factory01floor1")!;
  expect(floor.inputs.parent).toEqual({ id: factory.id, syncProperties: expect.anything() });
  expect(factory.inputs.mode).toBe("ReadWrite");
  // Client tokens: the default `<site>client`, and the floor's own name.
  const tokens = cloud.ofType("azure-native:containerregistry:Token").map((t) => t.inputs.tokenName);
  expect(tokens).toEqual(expect.arrayContaining(["store001client", "store002client", "factory01client", "floor1pull"]));

  const sites = await unwrap(program.sites);
  expect(Object.keys(sites).sort()).toEqual(["factory01", "factory01floor1", "store001", "store002"]);
  expect(sites.factory01floor1).toMatchObject({
    registryName: "fleetacr1",
    registryLoginServer: "fleetacr1.azurecr.io",
    resourceGroupName: "fleet-rg",
    connectedRegistryName: "factory01floor1",
    connectedRegistryId: floor.id,
    parent: "factory01",
    clusterName: "factory01floor1-arc",
    clusterResourceGroupName: "fleet-rg",
    clientTokenName: "floor1pull",
  });
  expect(sites.store001.wave).toBe("canary");
  expect(await pulumi.isSecret(program.sites)).toBe(false);
  expect(await pulumi.isSecret(program.siteSecrets)).toBe(true);
  const secrets = await unwrap(program.siteSecrets);
  expect(secrets.factory01floor1.connectionString).toContain("ConnectedRegistryName=factory01floor1;");
  expect(secrets.factory01floor1.connectionString).toContain("ParentGatewayEndpoint=10.20.0.10;");
  expect(secrets.store002.clientCredentials.store002client.username).toBe("store002client");
  expect(secrets.store002.clientCredentials.store002client.password).toMatch(/.{16,}/);
});

describe("config errors name the key", () => {
  const withSites = (sites: unknown, extra: Record<string, string> = {}) => {
    pulumi.runtime.setAllConfig({ ...exampleConfig(), [`${project}:sites`]: JSON.stringify(sites), ...extra });
    return () => deployHub(new pulumi.Config());
  };
  const s = (name: string) => ({ name, repositories: ["hello-world"], clusterName: `${name}-arc` });
  it("a typo in a site key", () => {
    const typo = withSites([s("a1234"), s("b1234"), s("c1234"), { ...s("d1234"), repositries: ["x"] }]);
    expect(typo).toThrow(`Configuration '${project}:sites[3].repositries': unknown key; did you mean repositories?`);
    // A RunError: the Node language host prints it without a stack trace (sdk/nodejs/cmd/run/run.ts).
    expect(typo).toThrow(pulumi.RunError);
  });
  it("a duplicate site", () => {
    expect(withSites([s("a1234"), s("a1234")])).toThrow(`'${project}:sites[1].name': "a1234" is already sites[0]`);
  });
  it("a typo in a hub key", () => {
    const typo = withSites([s("a1234")], { [`${project}:registry`]: "x" });
    expect(typo).toThrow(`Configuration '${project}:registry' is not a key of the hub; did you mean 'registries'?`);
    expect(typo).toThrow(pulumi.RunError);
  });
});

/**
 * Runs the offline plan of the hub once for several stacks, each with the given sites (`--json --out
 * <dir>/{stack}.json`: one process, one plan file per stack); returns each stack's planned resources.
 */
async function planStacks(dir: string, stacks: Record<string, unknown[]>): Promise<PlannedResource[][]> {
  for (const [stack, sites] of Object.entries(stacks)) {
    fs.writeFileSync(
      path.join(dir, `Pulumi.${stack}.yaml`),
      JSON.stringify({
        config: {
          "edge-registry-hub:resourceGroupName": "fleet-rg",
          "edge-registry-hub:registries": ["fleetacr1"],
          "edge-registry-hub:sites": sites,
        },
      }),
    );
  }
  const env = { ...process.env };
  delete env.INIT_CWD;
  const args = [
    "-r",
    path.join(repo, "bin", "register.js"),
    path.join(repo, "bin", "plan.ts"),
    dir,
    ...Object.keys(stacks).flatMap((stack) => ["--stack", stack]),
    "--json",
    "--out",
    path.join(dir, "plans", "{stack}.json"),
  ];
  await new Promise<void>((resolve, reject) =>
    execFile(process.execPath, args, { cwd: repo, env, maxBuffer: 64 << 20 }, (error, out, err) =>
      error ? reject(new Error(`plan failed: ${err}${out}`)) : resolve(),
    ),
  );
  return Object.keys(stacks).map(
    (stack) => JSON.parse(fs.readFileSync(path.join(dir, "plans", `${stack}.json`), "utf8")) as PlannedResource[],
  );
}

describe("adding or removing a site changes only that site's resources", () => {
  const s = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    repositories: ["hello-world"],
    clusterName: `${name}-arc`,
    ...extra,
  });
  const base = [s("store001", { mode: "ReadWrite", gatewayEndpoint: "10.0.0.1" }), s("store002"), s("store003")];
  let dir: string;
  let before: PlannedResource[];
  let added: PlannedResource[];
  let removed: PlannedResource[];
  let nested: PlannedResource[];
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-hub-"));
    // The hub program itself, under another project directory holding only stack files.
    fs.writeFileSync(
      path.join(dir, "Pulumi.yaml"),
      JSON.stringify({ name: "edge-registry-hub", runtime: "nodejs", main: path.join(hubDir, "index.ts") }),
    );
    [before, added, removed, nested] = await planStacks(dir, {
      before: base,
      added: [...base.slice(0, 2), s("store004"), base[2]],
      removed: [base[0], base[2]],
      nested: [...base, s("store001floor", { parent: "store001" })],
    });
  }, 120_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const names = (resources: PlannedResource[]) => resources.map((r) => `${r.type}::${r.name}`).sort();

  it("adding store004 creates only store004's resources", async () => {
    const diff = await diffPlans(before, added);
    expect(diff.deleted).toEqual([]);
    expect(diff.updated).toEqual([]);
    expect(diff.created.length).toBeGreaterThan(3);
    expect(diff.created.every((r) => r.name.includes("store004"))).toBe(true);
    expect(names(diff.created)).toEqual(
      expect.arrayContaining([
        `${CONNECTED}::sites-fleetacr1-store004`,
        "azure-native:containerregistry:Token::sites-fleetacr1-store004-client-store004client",
      ]),
    );
  });

  it("removing store002 deletes only store002's resources", async () => {
    const diff = await diffPlans(before, removed);
    expect(diff.created).toEqual([]);
    expect(diff.updated).toEqual([]);
    expect(diff.deleted.length).toBeGreaterThan(3);
    expect(diff.deleted.every((r) => r.name.includes("store002"))).toBe(true);
  });

  it("adding a nested site also widens its parent's sync scope map, as az does", async () => {
    const diff = await diffPlans(before, nested);
    expect(diff.deleted).toEqual([]);
    expect(diff.created.every((r) => r.name.includes("store001floor"))).toBe(true);
    expect(diff.updated.map((u) => `${u.after.type}::${u.after.name}`)).toEqual([
      "azure-native:containerregistry:ScopeMap::sites-fleetacr1-store001-sync",
    ]);
  });
});
