/**
 * The offline plan (`npm run plan`), run as the command users and CI run, on a small fixture program
 * (`test/fixtures/plan-program`: raw azure-native and kubernetes resources, a component, secrets from
 * config and from code, values known only after deployment). The pure helpers are tested in-process.
 *
 * No `./mocks` import: the plan installs its own preview mocks in a child process.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PlannedResource, SECRET, UNKNOWN, elide, redact, resourceKey } from "../plan/model";
import { comparePaths, diffPlans, renderDiff } from "../plan/diff";
import { forcedChanges, underPath } from "../plan/replacements";
import { SECRET_PLACEHOLDER, loadProgram, missingStackHint, parseArgs, readPlan } from "../plan/program";
import { opensslSelfSigned } from "./harness/certificates";

const repo = path.resolve(__dirname, "..");
const fixture = path.join(__dirname, "fixtures", "plan-program");
const example = path.join(repo, "examples", "registry-sync");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npm run plan -- <args>` (without npm) from `cwd`. */
function plan(args: string[], cwd = repo): Promise<Run> {
  const env = { ...process.env };
  delete env.INIT_CWD;
  const command = ["-r", path.join(repo, "bin", "register.js"), path.join(repo, "bin", "plan.ts"), ...args];
  return new Promise((resolve) => {
    execFile(process.execPath, command, { cwd, env }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Secret material of the fixture: a secret from code, the ciphertext of secret config, and its placeholder. */
const secretMarkers = [
  "code-secret-marker-4b1d9e",
  "v1:AAABAHNlY3JldC1jb25maWctbWFya2VyLTdmM2E5YzE=",
  "AAABAHNlY3JldC1jb25maWctbWFya2VyLTdmM2E5YzE",
  SECRET_PLACEHOLDER,
];

let text: Run;
let json: Run;
let bad: Run;
let diff: Run;
let exampleRun: Run;
let exampleRunAgain: Run;
let resources: PlannedResource[];

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-test-"));
  [text, json, bad, exampleRun] = await Promise.all([
    plan([fixture]),
    plan([fixture, "--json"]),
    plan([fixture, "--stack", "bad"]),
    plan([example]),
  ]);
  fs.writeFileSync(path.join(dir, "dev.json"), json.stdout);
  [diff, exampleRunAgain] = await Promise.all([
    // Two stacks in one run: the second (dev again) must find the plan it was diffed against, unchanged.
    plan([fixture, "--stack", "changed", "--stack", "dev", "--diff", path.join(dir, "dev.json")]),
    plan(["registry-sync"], path.dirname(example)),
  ]);
  resources = JSON.parse(json.stdout) as PlannedResource[];
}, 120000);

const find = (type: string, name: string) => {
  const found = resources.find((r) => r.type === type && r.name === name);
  if (!found) {
    throw new Error(`no ${type} ${name} in the plan`);
  }
  return found;
};

describe("npm run plan", () => {
  it("prints the resource tree with children under their parent, inputs and counts", () => {
    expect(text.stderr).not.toMatch(/^error/m);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      [
        "    + plan-fixture:index:PullSecret  pull",
        "        + kubernetes:core/v1:Secret  pull",
        '            apiVersion: "v1"',
        '            kind: "Secret"',
        "            metadata:",
        '                name: "pull"',
        '                namespace: "apps"',
        "            stringData: [secret]",
        '            type: "kubernetes.io/dockerconfigjson"',
      ].join("\n"),
    );
    expect(text.stdout).toContain(
      [
        "Resources:",
        "    + 7 to create",
        "      azure-native:containerregistry:Registry  1",
        "      azure-native:resources:ResourceGroup     1",
        "      kubernetes:core/v1:ConfigMap             1",
        "      kubernetes:core/v1:Namespace             1",
        "      kubernetes:core/v1:Secret                1",
        "      plan-fixture:index:PullSecret            1",
        "      pulumi:pulumi:Stack                      1",
      ].join("\n"),
    );
  });

  it("plans a real example (components, dynamic resources) without provider code, byte-identical across runs", () => {
    expect(exampleRun.stderr).toBe("");
    expect(exampleRun.code).toBe(0);
    // The second run was started elsewhere with a relative program directory.
    expect(exampleRunAgain.code).toBe(0);
    expect(exampleRunAgain.stdout).toBe(exampleRun.stdout);
    // Components record no inputs (their children carry every value), so a component line is followed by its children.
    expect(exampleRun.stdout).toContain(
      "    + edge-registry:index:ConnectedRegistry  edge\n" +
        "        + azure-native:containerregistry:ConnectedRegistry  edge\n" +
        "            clientTokenIds:\n" +
        "                - (known after deploy)\n",
    );
    expect(exampleRun.stdout).toContain('            scopeMapName: "myclienttoken-scope-map"\n');
    expect(exampleRun.stdout).toContain(
      "        + pulumi-nodejs:dynamic/edge-registry:TokenPassword  edge-sync-password\n" +
        "            tokenId: (known after deploy)\n",
    );
    expect(exampleRun.stdout).toContain("    connectionString: [secret]\n");
    expect(exampleRun.stdout).not.toContain("__provider");
  });

  it("applies the stack config, including objects and numbers", () => {
    const namespace = find("kubernetes:core/v1:Namespace", "apps");
    expect(namespace.inputs.metadata).toEqual({ name: "apps", labels: { team: "edge", tier: "web" } });
    expect(find("azure-native:containerregistry:Registry", "registry").inputs.tags).toEqual({ replicas: "2" });
  });

  it("shows values known only after deployment as unknown, and inputs echoed by providers as known", () => {
    expect(find("azure-native:containerregistry:Registry", "registry").inputs.resourceGroupName).toBe(UNKNOWN);
    const stack = find("pulumi:pulumi:Stack", "plan-fixture-dev");
    expect(stack.outputs).toEqual({
      loginServer: UNKNOWN,
      namespaceFromOutput: "apps",
      namespaceName: "apps",
      pullSecretData: SECRET,
      token: SECRET,
    });
    expect(text.stdout).toContain("        resourceGroupName: (known after deploy)\n");
  });

  it("summarises long values (PEM) with their length and a hash", () => {
    const data = find("kubernetes:core/v1:ConfigMap", "trust").inputs.data as { [key: string]: string };
    expect(data["ca.crt"]).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    expect(text.stdout).toContain(`ca.crt: ${elide(data["ca.crt"])}\n`);
    expect(elide(data["ca.crt"])).toMatch(/^<PEM CERTIFICATE, 455 chars, sha256 [0-9a-f]{12}>$/);
  });

  it("never prints a secret value: secrets from code and config, the config ciphertext or its placeholder", () => {
    for (const run of [text, json, diff, bad]) {
      for (const marker of secretMarkers) {
        expect(run.stdout).not.toContain(marker);
        expect(run.stderr).not.toContain(marker);
      }
    }
    // The secrets are there, redacted: a secret input, a secret from code, secret config read with `get`.
    expect(find("kubernetes:core/v1:Secret", "pull").inputs.stringData).toBe(SECRET);
    expect(find("kubernetes:core/v1:ConfigMap", "trust").inputs.metadata).toEqual({
      namespace: "apps",
      labels: { leaked: SECRET },
    });
    expect(diff.stdout).toContain('    stringData: [secret]\n    type: "kubernetes.io/tls"\n');
  });

  it("--json is a list of resources with URNs and parent links", () => {
    expect(json.code).toBe(0);
    expect(Array.isArray(resources)).toBe(true);
    expect(resources.map((r) => Object.keys(r).slice(0, 4))).toEqual(
      resources.map(() => ["urn", "type", "name", "parent"]),
    );
    const stack = find("pulumi:pulumi:Stack", "plan-fixture-dev");
    const component = find("plan-fixture:index:PullSecret", "pull");
    const child = find("kubernetes:core/v1:Secret", "pull");
    expect(stack.parent).toBeNull();
    expect(component.parent).toBe(stack.urn);
    expect(child.parent).toBe(component.urn);
    expect(child.urn).toBe(
      "urn:pulumi:dev::plan-fixture::plan-fixture:index:PullSecret$kubernetes:core/v1:Secret::pull",
    );
  });

  it("fails like preview on a validation error: `error: <message>` naming the argument, exit code 1", () => {
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toContain("error: replicas: must be at least 1 (set it with `pulumi config set replicas 2`)\n");
  });

  it("--diff shows created, deleted and updated resources with each changed property", () => {
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain("**1 to create, 3 to update, 2 to delete**, 2 unchanged.");
    expect(diff.stdout).toContain("#### Created\n\n- ➕ <code>kubernetes:core/v1:Secret</code> **tls**\n");
    expect(diff.stdout).toContain(
      "#### Deleted\n\n- ➖ <code>plan-fixture:index:PullSecret</code> **pull**\n" +
        "- ➖ <code>kubernetes:core/v1:Secret</code> **pull**\n",
    );
    expect(diff.stdout).toContain(
      "- ✏️ <code>azure-native:containerregistry:Registry</code> **registry**\n\n" +
        "  | Property | Before | After |\n  |---|---|---|\n" +
        '  | <code>tags.replicas</code> | <code>"2"</code> | <code>"3"</code> |\n',
    );
    expect(diff.stdout).toContain('  | <code>data.replicas</code> | <code>"2"</code> | <code>"3"</code> |\n');
    // ConfigMap data is immutable to the Kubernetes provider: a replacement, with its cause.
    expect(diff.stdout).toContain("⚠️ **1 of the updates replaces the resource**.");
    expect(diff.stdout).toContain(
      "- 🔁 <code>kubernetes:core/v1:ConfigMap</code> **trust**: **replace**, forced by <code>data.replicas</code> " +
        "(kubernetes provider (pulumi-kubernetes forceNewProperties))\n",
    );
    expect(diff.stdout).toContain("  | <code>outputs.pullSecretData</code> | <code>[secret]</code> | (none) |\n");
    expect(diff.stdout).not.toContain("ResourceGroup</code> **edge**");
  });

  it("plans several --stack in one run, each from its own config: the second starts where the first is forgotten", () => {
    const [changed, dev, ...rest] = diff.stdout.split(/^(?=### )/m);
    expect(rest).toEqual([]);
    expect(changed).toMatch(/^### Offline plan: plan-fixture \(changed\)\n/);
    expect(dev).toBe("### Offline plan: plan-fixture (dev)\n\nNo changes (7 resources unchanged).\n");
  });
});

describe("a stack whose privateKeyPem is a secure: value (the README's recommended set-up)", () => {
  it("plans the root program: the placeholder is an unknown secret, never checked as a key, never printed", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-secure-"));
    const certificate = opensslSelfSigned("IP:192.100.100.1");
    fs.writeFileSync(
      path.join(dir, "Pulumi.yaml"),
      `name: edge-registry-site\nruntime: nodejs\nmain: ${path.join(repo, "program")}/\n`,
    );
    const stack = [
      "config:",
      "  edge-registry-site:resourceGroupName: rg",
      "  edge-registry-site:clusterName: arc",
      "  edge-registry-site:serviceClusterIP: 192.100.100.1",
      "  edge-registry-site:tlsMode: Certificate",
      `  edge-registry-site:certificatePem: ${JSON.stringify(certificate.certificatePem)}`,
      "  edge-registry-site:privateKeyPem:",
      "    secure: v1:AAABAHNlY3JldC1jb25maWctbWFya2VyLTdmM2E5YzE=",
      "  edge-registry-site:kubeconfig:",
      "    secure: v1:AAABAHNlY3JldC1jb25maWctbWFya2VyLTdmM2E5YzE=",
    ].join("\n");
    fs.writeFileSync(path.join(dir, "Pulumi.secure.yaml"), `${stack}\n`);
    try {
      const run = await plan([dir, "--stack", "secure", "--json"]);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      const planned = JSON.parse(run.stdout) as PlannedResource[];
      const extension = planned.find((r) => r.type === "azure-native:kubernetesconfiguration:Extension");
      expect(extension?.inputs.configurationProtectedSettings).toBe(SECRET);
      expect(planned.find((r) => r.type === "pulumi:providers:kubernetes")?.inputs.kubeconfig).toBe(SECRET);
      for (const marker of secretMarkers) {
        expect(run.stdout).not.toContain(marker);
      }
      // A real key that does not match the certificate still fails, as in preview.
      const other = opensslSelfSigned("IP:192.100.100.1");
      fs.writeFileSync(
        path.join(dir, "Pulumi.secure.yaml"),
        `${stack.replace(/privateKeyPem:\n {4}secure: .*/, `privateKeyPem: ${JSON.stringify(other.privateKeyPem)}`)}\n`,
      );
      const mismatch = await plan([dir, "--stack", "secure"]);
      expect(mismatch.code).toBe(1);
      expect(mismatch.stderr).toMatch(/certificate\.privateKeyPem/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120000);
});

describe("plan helpers", () => {
  const sig = "4dabf18193072939515e22adb298388d";
  const secret = (value: unknown) => ({ [sig]: "1b47061264138c4ac30d75fd1eb44270", value });

  it("redacts wire values: nested secrets, unknowns, secret output values, resource references, placeholders", () => {
    const wire = {
      zeta: [1, secret("hidden"), { deep: secret({ x: "hidden" }) }],
      alpha: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
      output: { [sig]: "d0e6a833031e9bbcd3f4e8bde6ca49a4", value: "hidden", secret: true },
      pending: { [sig]: "d0e6a833031e9bbcd3f4e8bde6ca49a4" },
      ref: { [sig]: "5cf8f73096256a8f31e491e813e4eb8e", urn: "urn:pulumi:s::p::t::n", id: "hidden-id" },
      config: `prefix-${SECRET_PLACEHOLDER}`,
      none: null,
    };
    const redacted = redact(wire, [SECRET_PLACEHOLDER]);
    expect(redacted).toEqual({
      alpha: UNKNOWN,
      config: SECRET,
      none: null,
      output: SECRET,
      pending: UNKNOWN,
      ref: "urn:pulumi:s::p::t::n",
      zeta: [1, SECRET, { deep: SECRET }],
    });
    expect(Object.keys(redacted as object)).toEqual(["alpha", "config", "none", "output", "pending", "ref", "zeta"]);
    expect(JSON.stringify(redacted)).not.toContain("hidden");
  });

  it("leaves short values alone and summarises long base64 deterministically", () => {
    expect(elide("short")).toBe("short");
    const blob = "QUJD".repeat(50);
    expect(elide(blob)).toBe(elide(blob));
    expect(elide(blob)).toMatch(/^<base64, 200 chars, sha256 [0-9a-f]{12}>$/);
    expect(elide(blob + "x")).not.toBe(elide(blob));
  });

  it("matches resources across stacks by URN without stack and project", () => {
    const urn = "urn:pulumi:dev::proj::my:index:Site$kubernetes:core/v1:Secret::s";
    expect(resourceKey({ urn, type: "kubernetes:core/v1:Secret" })).toBe("my:index:Site$kubernetes:core/v1:Secret::s");
    expect(
      resourceKey({ urn: "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev", type: "pulumi:pulumi:Stack" }),
    ).toBe("pulumi:pulumi:Stack");
  });

  it("diffs added and removed properties, and reports no changes as such", async () => {
    const resource = (inputs: PlannedResource["inputs"]): PlannedResource => ({
      urn: "urn:pulumi:dev::p::t::n",
      type: "t",
      name: "n",
      parent: null,
      custom: true,
      inputs,
    });
    const changes = await diffPlans(
      [resource({ a: 1, b: { "x.y": [] } })],
      [resource({ b: { "x.y": ["v"] }, c: SECRET })],
    );
    expect(changes.updated[0].changes).toEqual([
      { path: "a", before: "1", after: undefined },
      { path: 'b["x.y"]', before: "[]", after: undefined },
      { path: 'b["x.y"][0]', before: undefined, after: '"v"' },
      { path: "c", before: undefined, after: "[secret]" },
    ]);
    expect(renderDiff("Plan", await diffPlans([resource({ a: 1 })], [resource({ a: 1 })]))).toBe(
      "### Plan\n\nNo changes (1 resources unchanged).\n",
    );
  });

  it("matches list items by name or key, and orders indexes numerically", async () => {
    const resource = (inputs: PlannedResource["inputs"]): PlannedResource => ({
      urn: "urn:pulumi:dev::p::t::n",
      type: "t",
      name: "n",
      parent: null,
      custom: true,
      inputs,
    });
    const env = (names: string[]) => names.map((name) => ({ name, value: name.toUpperCase() }));
    // A reordered list of named items is no change at all; a changed item is one row, named.
    const reordered = await diffPlans(
      [resource({ env: env(["a", "b", "c"]) })],
      [resource({ env: env(["c", "a", "b"]) })],
    );
    expect(reordered.updated).toEqual([]);
    const changed = await diffPlans(
      [resource({ env: env(["a", "b"]) })],
      [
        resource({
          env: [
            { name: "b", value: "B" },
            { name: "a", value: "x" },
          ],
        }),
      ],
    );
    expect(changed.updated[0].changes).toEqual([{ path: 'env[name="a"].value', before: '"A"', after: '"x"' }]);
    // Keyed items (tolerations, settings) match by key.
    const keyed = await diffPlans(
      [
        resource({
          t: [
            { key: "k1", effect: "NoSchedule" },
            { key: "k2", effect: "NoSchedule" },
          ],
        }),
      ],
      [
        resource({
          t: [
            { key: "k2", effect: "NoExecute" },
            { key: "k1", effect: "NoSchedule" },
          ],
        }),
      ],
    );
    expect(keyed.updated[0].changes.map((c) => c.path)).toEqual(['t[key="k2"].effect']);
    // Without an identity (or with duplicates), by position, in numeric order: [2] before [10].
    const list = Array.from({ length: 12 }, (_, i) => `v${i}`);
    const positional = await diffPlans(
      [resource({ l: list })],
      [resource({ l: list.map((v, i) => (i === 2 || i === 10 ? `${v}!` : v)) })],
    );
    expect(positional.updated[0].changes.map((c) => c.path)).toEqual(["l[2]", "l[10]"]);
    expect(comparePaths("a[2].b", "a[10].b")).toBeLessThan(0);
    expect(comparePaths("a[10]", "a[9]")).toBeGreaterThan(0);
    // A forced-new rule still applies to an item matched by identity.
    expect(
      forcedChanges("kubernetes:apps/v1:Deployment", ['spec.selector.matchExpressions[key="tier"].values']),
    ).toHaveLength(1);
    expect(underPath('spec.template.spec.containers[name="app"].image', "spec.template.spec.containers[*]")).toBe(true);
  });

  it("loads the stack config: secure values become a placeholder secret, objects and numbers JSON", () => {
    const settings = loadProgram(fixture);
    expect(settings).toEqual({
      project: "plan-fixture",
      stack: "dev",
      entry: fixture,
      config: {
        "azure-native:location": "westeurope",
        "plan-fixture:labels": '{"team":"edge","tier":"web"}',
        "plan-fixture:namespace": "apps",
        "plan-fixture:registryPassword": SECRET_PLACEHOLDER,
        "plan-fixture:replicas": "2",
      },
      secretKeys: ["plan-fixture:registryPassword"],
    });
    expect(() => loadProgram(fixture, "nope")).toThrow(
      /^no stack config Pulumi\.nope\.yaml in .* for --stack nope; the stack files there are Pulumi\.bad\.yaml, Pulumi\.changed\.yaml, Pulumi\.dev\.yaml \(--stack bad\)$/,
    );
    // No --stack and no Pulumi.dev.yaml: a failure names the stacks there are (the root program has example
    // stacks only); a program with a dev stack, or with no stack files, gets no hint.
    expect(missingStackHint(repo, undefined)).toBe(
      " (no --stack was given and there is no Pulumi.dev.yaml, so only the project's defaults applied; the stack " +
        "files are Pulumi.example.yaml, Pulumi.example-certificate.yaml: pass --stack example or --stack example-certificate)",
    );
    expect(missingStackHint(repo, "example")).toBe("");
    expect(missingStackHint(fixture, undefined)).toBe("");
    expect(() => loadProgram(__dirname)).toThrow(/no Pulumi\.yaml in/);
  });

  it("uses project config defaults and Pulumi.yaml main when a program has them", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-project-"));
    fs.writeFileSync(
      path.join(dir, "Pulumi.yaml"),
      "name: site\nruntime: nodejs\nmain: program/\nconfig:\n  size:\n    type: integer\n    default: 3\n  region: west\n",
    );
    const settings = loadProgram(dir);
    expect(settings.entry).toBe(path.join(dir, "program"));
    expect(settings.config).toEqual({ "site:size": "3", "site:region": "west" });
    expect(settings.secretKeys).toEqual([]);
  });

  it("reads an old plan for --diff even after npm's banner, and says what is wrong with anything else", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "read-plan-"));
    const file = path.join(dir, "plan.json");
    fs.writeFileSync(
      file,
      '\n> edge-registry@0.1.0 plan\n> node -r ./bin/register.js bin/plan.ts . --json\n\n[{"urn":"u"}]\n',
    );
    expect(readPlan(file)).toEqual([{ urn: "u" }]);
    fs.writeFileSync(file, "{}");
    expect(() => readPlan(file)).toThrow(
      `${file} is not a plan: write one with npm run plan -- <program dir> --json --out plan.json`,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("parses arguments and rejects bad ones with the usage", () => {
    expect(parseArgs(["dir", "--stack", "prod", "--json"])).toEqual({ programDir: "dir", stack: "prod", json: true });
    expect(parseArgs(["--diff", "old.json", "dir"])).toEqual({ programDir: "dir", json: false, diff: "old.json" });
    expect(() => parseArgs([])).toThrow(/^usage: npm run plan/);
    expect(() => parseArgs(["dir", "--stack"])).toThrow(/--stack needs a value/);
    expect(() => parseArgs(["dir", "--json", "--diff", "x"])).toThrow(/cannot be combined/);
    expect(parseArgs(["dir", "-s", "a", "--stack", "b", "--stack", "c", "--diff", "x"])).toEqual({
      programDir: "dir",
      stack: "a",
      moreStacks: ["b", "c"],
      json: false,
      diff: "x",
    });
    // Several stacks as JSON: one plan file per stack, so --out must name where ({stack} in it).
    const severalJson = /--json with several --stack writes one plan file per stack .* --out plans\/\{stack\}\.json/;
    expect(() => parseArgs(["dir", "--stack", "a", "--stack", "b", "--json"])).toThrow(severalJson);
    expect(() => parseArgs(["dir", "--stack", "a", "--stack", "b", "--json", "--out", "p.json"])).toThrow(severalJson);
    expect(parseArgs(["dir", "--stack", "a", "--stack", "b", "--json", "--out", "p/{stack}.json"])).toEqual({
      programDir: "dir",
      stack: "a",
      moreStacks: ["b"],
      json: true,
      out: "p/{stack}.json",
    });
    expect(() => parseArgs(["dir", "other"])).toThrow(/unexpected argument other/);
  });
});

describe("bin/register.js", () => {
  it("resolves edge-registry to the nearest enclosing edge-registry checkout, and @pulumi/pulumi to this one", async () => {
    const checkout = fs.mkdtempSync(path.join(os.tmpdir(), "plan-checkout-"));
    fs.writeFileSync(path.join(checkout, "package.json"), JSON.stringify({ name: "edge-registry" }));
    fs.writeFileSync(path.join(checkout, "index.ts"), "export const where: string = 'base checkout';\n");
    fs.mkdirSync(path.join(checkout, "examples", "demo"), { recursive: true });
    fs.writeFileSync(
      path.join(checkout, "examples", "demo", "index.ts"),
      'import { where } from "edge-registry";\n' +
        'console.log(JSON.stringify({ where, pulumi: require.resolve("@pulumi/pulumi") }));\n',
    );
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ["-r", path.join(repo, "bin", "register.js"), path.join(checkout, "examples", "demo", "index.ts")],
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      );
    });
    expect(JSON.parse(output)).toEqual({
      where: "base checkout",
      pulumi: fs.realpathSync(path.join(repo, "node_modules", "@pulumi", "pulumi", "index.js")),
    });
  });
});

describe("examples/nested-hierarchy's plan (issue 14: the whole tree)", () => {
  // Its mode change as a replacement: the docs' two commands for it, in test/docsCommands.test.ts.
  let tree: Run;
  beforeAll(async () => {
    tree = await plan([path.join(repo, "examples", "nested-hierarchy")]);
  }, 120000);

  it("shows every connected registry of the tree, with onprem's scope map holding both floors' gateways", () => {
    expect(tree.code).toBe(0);
    for (const level of ["onprem", "floor1", "floor2"]) {
      expect(tree.stdout).toContain(`+ azure-native:containerregistry:ConnectedRegistry  factory-${level}\n`);
      expect(tree.stdout).toContain(`+ azure-native:kubernetesconfiguration:Extension  ${level}-extension\n`);
    }
    const onpremScopeMap = tree.stdout.split("ScopeMap  factory-onprem-sync\n")[1].split("description:")[0];
    expect(onpremScopeMap).toContain('- "gateway/floor1/message/write"');
    expect(onpremScopeMap).toContain('- "gateway/floor2/config/read"');
    expect(tree.stdout).toContain("+ edge-registry:index:NodeRegistryTrust  floor1-onprem-trust\n");
  });
});
