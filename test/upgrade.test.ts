/**
 * No surprise replacements on upgrade: every resource a previous release planned is planned again, under the
 * same URN or covered by an alias, and the offline plan diff marks forced replacements with their cause and
 * delete-before-replace outages.
 *
 * `test/fixtures/urns-*.json` hold the URNs (without stack and project) of the root program and every example
 * as an earlier version planned them, recorded with `node -r ./bin/register.js plan/urns.ts --all <checkout>`:
 * `urns-main-41be14b.json` is main before the first release; record `urns-v<version>.json` at each release
 * (docs/development.md "Releases"). Every recorded version is checked.
 *
 * No `./mocks` import: the plan installs its own preview mocks in a child process.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PlannedResource } from "../plan/model";
import { diffPlans, renderDiff } from "../plan/diff";
import { azureNativePathParameters, forcedChanges } from "../plan/replacements";

const repo = path.resolve(__dirname, "..");

function planUrns(): Promise<{ [label: string]: { [key: string]: string[] } }> {
  const planUrnsModule = JSON.stringify(path.join(repo, "plan", "urns.ts"));
  return new Promise((resolve, reject) => {
    // Like `plan/urns.ts --all`, but with every resource's alias keys too (--all prints the keys only).
    execFile(
      process.execPath,
      [
        "-r",
        path.join(repo, "bin", "register.js"),
        "-e",
        `console.log=console.error;require(${planUrnsModule}).checkoutUrns(${JSON.stringify(repo)})` +
          ".then((u)=>process.stdout.write(JSON.stringify(u)))",
      ],
      { cwd: repo, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => (error ? reject(new Error(`planUrns: ${stderr}`)) : resolve(JSON.parse(stdout))),
    );
  });
}

const fixtures = path.join(__dirname, "fixtures");
const recorded = fs
  .readdirSync(fixtures)
  .filter((file) => /^urns-.+\.json$/.test(file))
  .sort()
  .map((file) => ({
    version: file.slice("urns-".length, -".json".length),
    programs: JSON.parse(fs.readFileSync(path.join(fixtures, file), "utf8")) as { [label: string]: string[] },
  }));

let planned: ReturnType<typeof planUrns> | undefined;

describe.each(recorded)("upgrading from $version", ({ programs }) => {
  let current: { [label: string]: { [key: string]: string[] } };
  beforeAll(async () => {
    current = await (planned ??= planUrns()); // one evaluation of this checkout for every recorded version
  }, 120000);

  it("plans every program and stack of that version", () => {
    expect(Object.keys(current)).toEqual(expect.arrayContaining(Object.keys(programs)));
  });

  it.each(Object.keys(programs))("%s: every resource keeps its URN or is covered by an alias", (label) => {
    const covered = new Set(Object.values(current[label]).flat());
    expect(programs[label].filter((key) => !covered.has(key))).toEqual([]);
  });
});

const resource = (
  type: string,
  name: string,
  inputs: PlannedResource["inputs"],
  extra: Partial<PlannedResource> = {},
): PlannedResource => ({
  urn: `urn:pulumi:dev::p::${type}::${name}`,
  type,
  name,
  parent: "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev",
  custom: true,
  inputs,
  ...extra,
});
const REGISTRY = "azure-native:containerregistry:Registry";

describe("the plan diff marks replacements", () => {
  it("reads azure-native's URL path parameters from the package's get functions", () => {
    expect(azureNativePathParameters(REGISTRY)).toEqual(["registryName", "resourceGroupName"]);
    expect(azureNativePathParameters("azure-native:containerregistry:ConnectedRegistry")).toEqual([
      "connectedRegistryName",
      "registryName",
      "resourceGroupName",
    ]);
    expect(azureNativePathParameters("azure-native:kubernetesconfiguration:Extension")).toEqual([
      "clusterName",
      "clusterResourceName",
      "clusterRp",
      "extensionName",
      "resourceGroupName",
    ]);
  });

  it("a changed path parameter forces a replacement; a tag does not", async () => {
    const before = [resource(REGISTRY, "acr", { registryName: "old01", resourceGroupName: "rg", tags: { a: "1" } })];
    const tagged = [resource(REGISTRY, "acr", { registryName: "old01", resourceGroupName: "rg", tags: { a: "2" } })];
    const renamed = [
      resource(
        REGISTRY,
        "acr",
        { registryName: "new01", resourceGroupName: "rg", tags: { a: "1" } },
        { deleteBeforeReplace: true },
      ),
    ];
    expect((await diffPlans(before, tagged)).updated[0].forced).toEqual([]);
    const diff = await diffPlans(before, renamed);
    expect(diff.updated[0].forced).toEqual([{ path: "registryName", source: "ARM path parameter" }]);
    expect(diff.updated[0].deleteBeforeReplace).toBe(true);
    const markdown = renderDiff("Plan", diff);
    expect(markdown).toContain("⚠️ **1 of the updates replaces the resource**, 1 deleting the old one first");
    expect(markdown).toContain(
      "- 🔁 <code>azure-native:containerregistry:Registry</code> **acr**: **replace**, forced by " +
        "<code>registryName</code> (ARM path parameter); ⚠️ **deleted before its replacement is created** (outage)\n",
    );
  });

  it("Kubernetes: the provider's immutable fields, and delete-before-replace for named objects", async () => {
    const deployment = (app: string, name?: string) =>
      resource("kubernetes:apps/v1:Deployment", "web", {
        metadata: name ? { name, namespace: "apps" } : { namespace: "apps" },
        spec: { selector: { matchLabels: { app } }, replicas: 1 },
      });
    const named = (await diffPlans([deployment("a", "web")], [deployment("b", "web")])).updated[0];
    expect(named.forced.map((f) => f.path)).toEqual(["spec.selector.matchLabels.app"]);
    expect(named.deleteBeforeReplace).toBe(true);
    const autoNamed = (await diffPlans([deployment("a")], [deployment("b")])).updated[0];
    expect(autoNamed.deleteBeforeReplace).toBe(false);
    expect(
      forcedChanges("kubernetes:apps/v1:Deployment", ["spec.replicas", "spec.template.spec.containers[0].image"]),
    ).toEqual([]);
    expect(forcedChanges("kubernetes:core/v1:Secret", ['data[".dockerconfigjson"]'])).toHaveLength(1);
  });

  it("honours the resource's own replaceOnChanges option", async () => {
    const before = [resource("tls:index/privateKey:PrivateKey", "key", { rsaBits: 2048 })];
    const after = [
      resource("tls:index/privateKey:PrivateKey", "key", { rsaBits: 4096 }, { replaceOnChanges: ["rsaBits"] }),
    ];
    expect((await diffPlans(before, after)).updated[0].forced).toEqual([
      { path: "rsaBits", source: "replaceOnChanges option" },
    ]);
  });
});

describe("the plan diff follows aliases", () => {
  const OLD = "edge-registry:index:LegacyRegistry";
  const NEW = "edge-registry:index:ContainerRegistry";
  const component = (type: string, extra: Partial<PlannedResource> = {}) =>
    resource(type, "acr", {}, { custom: false, ...extra });
  const child = (parentType: string) => ({
    ...resource(REGISTRY, "acr", { registryName: "acr01", resourceGroupName: "rg" }),
    urn: `urn:pulumi:dev::p::${parentType}$${REGISTRY}::acr`,
    parent: `urn:pulumi:dev::p::${parentType}::acr`,
  });
  const before = [component(OLD), child(OLD)];

  it("a component whose type changed with an alias moves, and its child follows through the inherited alias", async () => {
    const after = [component(NEW, { aliases: [`${OLD}::acr`] }), child(NEW)];
    const diff = await diffPlans(before, after);
    expect(diff.created).toEqual([]);
    expect(diff.deleted).toEqual([]);
    expect(diff.unaliasedMoves).toEqual([]);
    expect(diff.updated.map((u) => [u.after.type, u.movedFrom, u.forced])).toEqual([
      [NEW, `${OLD}::acr`, []],
      [REGISTRY, `${OLD}$${REGISTRY}::acr`, []],
    ]);
    expect(renderDiff("Plan", diff)).toContain(`URN changed from <code>${OLD}::acr</code> (alias: no replacement)`);
  });

  it("without an alias the same change deletes and creates the registry, and says so", async () => {
    const diff = await diffPlans(before, [component(NEW), child(NEW)]);
    expect(diff.deleted.map((r) => r.type)).toEqual([OLD, REGISTRY]);
    expect(diff.created.map((r) => r.type)).toEqual([NEW, REGISTRY]);
    expect(diff.unaliasedMoves.map((m) => m.after.type)).toEqual([REGISTRY]);
    expect(renderDiff("Plan", diff)).toContain("**1 resource changed URN without an alias**");
  });
});
