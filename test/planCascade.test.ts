/**
 * Replacements cascade in the offline plan diff (issue 25): the root program's example stack against a registry
 * rename, a location change and a connected-registry mode change. Each shows every resource the change replaces
 * or updates, why, and the chain of causes back to the change, as `npm run plan -- --diff` prints it (the three
 * stacks in one run: `--stack` given three times).
 *
 * The stacks live in a temporary directory whose Pulumi.yaml runs this repository's root program, so the
 * repository keeps only its documented stack files. No `./harness/mocks` import: the plan runs in a child process.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const repo = path.resolve(__dirname, "..");

function plan(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const command = ["-r", path.join(repo, "bin", "register.js"), path.join(repo, "bin", "plan.ts"), ...args];
  return new Promise((resolve) => {
    execFile(process.execPath, command, { cwd: repo, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** `- <icon> <code>type</code> **name**...` lines of a diff: icon, type and name of every updated resource. */
function updates(markdown: string): string[] {
  return [...markdown.matchAll(/^- (🔁|✏️|❔) <code>([^<]+)<\/code> \*\*([^*]+)\*\*/gm)]
    .map((m) => `${m[1]} ${m[2].split(":").pop()} ${m[3]}`)
    .sort();
}

/** The resource's own bullet (its first line) and its cause line. */
function entry(markdown: string, type: string, name: string): { line: string; cause: string | undefined } {
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => l.replace(/^- \S+ /, "").startsWith(`<code>${type}</code> **${name}**`));
  expect(start).toBeGreaterThan(0);
  const next = lines.findIndex((l, i) => i > start && l.startsWith("- "));
  const cause = lines.slice(start + 1, next < 0 ? undefined : next).find((l) => l.startsWith("  Cause: "));
  return { line: lines[start], cause };
}

const REGISTRY = "azure-native:containerregistry:Registry";
const CONNECTED = "azure-native:containerregistry:ConnectedRegistry";
const PASSWORD = "pulumi-nodejs:dynamic/edge-registry:TokenPassword";

/** What a change of the registry replaces: every ARM child of the registry, and what holds their secrets. */
const registryCascade = [
  "🔁 ConnectedRegistry site-connected",
  "🔁 ConnectedRegistryDeactivation site-extension-deactivation",
  "🔁 ImageImport site-registry-import-hello-world-v1",
  "🔁 Registry site-registry",
  "🔁 ScopeMap site-connected-client-myconnectedregistryclient",
  "🔁 ScopeMap site-connected-sync",
  "🔁 Secret site-pull",
  "🔁 Token site-connected-client-myconnectedregistryclient",
  "🔁 Token site-connected-sync",
  "🔁 TokenPassword site-connected-client-myconnectedregistryclient-password",
  "🔁 TokenPassword site-connected-sync-password",
  "✏️ Deployment site-workload",
  "✏️ Extension site-extension",
];

let rename: string;
let location: string;
let mode: string;

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cascade-"));
  const project = fs
    .readFileSync(path.join(repo, "Pulumi.yaml"), "utf8")
    .replace(/^main: .*$/m, `main: ${repo}/program/`);
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), project);
  const example = fs.readFileSync(path.join(repo, "Pulumi.example.yaml"), "utf8");
  fs.writeFileSync(path.join(dir, "Pulumi.example.yaml"), example);
  const variant = (stack: string, text: string) => {
    expect(text).not.toBe(example);
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text);
  };
  variant("rename", example.replace("registryName: myacrregistry", "registryName: myacrregistry2"));
  variant("location", example.replace("location: eastus", "location: westeurope"));
  variant("mode", `${example}  edge-registry-site:connectedRegistryMode: ReadWrite\n`);
  const base = await plan([dir, "--stack", "example", "--json", "--out", path.join(dir, "example.json")]);
  expect(base).toMatchObject({ code: 0, stdout: "" });
  // One run plans the three stacks in turn, each diff under its own heading (as three runs would print them).
  const stacks = ["rename", "location", "mode"];
  const run = await plan([
    dir,
    ...stacks.flatMap((stack) => ["--stack", stack]),
    "--diff",
    path.join(dir, "example.json"),
  ]);
  expect(run.stderr).not.toMatch(/^error/m);
  expect(run.code).toBe(0);
  const diffs = run.stdout.split(/^(?=### )/m);
  expect(diffs.map((diff) => diff.split("\n")[0])).toEqual(
    stacks.map((stack) => `### Offline plan: edge-registry-site (${stack})`),
  );
  [rename, location, mode] = diffs;
  fs.rmSync(dir, { recursive: true, force: true });
}, 120000);

describe("a registry rename", () => {
  it("replaces the registry and everything in its ARM path, and what holds their credentials", () => {
    expect(updates(rename)).toEqual([...registryCascade].sort());
    expect(rename).toContain("**0 to create, 13 to update, 0 to delete**, 9 unchanged.");
    expect(rename).toContain("⚠️ **11 of the updates replace the resource**");
  });

  it("says why each dependent is replaced, with the chain of causes back to the rename", () => {
    const token = entry(rename, "azure-native:containerregistry:Token", "site-connected-sync");
    expect(token.line).toContain(
      "**replace**, forced by <code>registryName</code> (ARM path parameter) (depends on " +
        `<code>${REGISTRY}</code> **site-registry**, <code>azure-native:containerregistry:ScopeMap</code> **site-connected-sync**)`,
    );
    const password = entry(rename, PASSWORD, "site-connected-sync-password");
    expect(password.line).toContain("forced by <code>tokenId</code> (edge-registry TokenPassword diff)");
    expect(password.cause).toBe(
      `  Cause: <code>${REGISTRY}</code> **site-registry** replaced (<code>registryName</code> changed: ARM path parameter)` +
        " → <code>azure-native:containerregistry:Token</code> **site-connected-sync** replaced (its <code>registryName</code>: ARM path parameter)" +
        ` → <code>${PASSWORD}</code> **site-connected-sync-password** replaced (its <code>tokenId</code>: edge-registry TokenPassword diff)`,
    );
    // Values known only after deployment no longer compare equal: the row says where the value comes from.
    expect(rename).toContain(
      `| <code>tokenId</code> | <code>(known after deploy)</code> | <code>(known after deploy)</code> from <code>azure-native:containerregistry:Token</code> **site-connected-sync** |`,
    );
    // The connected registry is deleted first (an outage at the edge); the extension only gets new settings.
    expect(entry(rename, CONNECTED, "site-connected").line).toContain(
      "⚠️ **deleted before its replacement is created**",
    );
    expect(entry(rename, "azure-native:kubernetesconfiguration:Extension", "site-extension").line).toContain(
      `update (depends on <code>${CONNECTED}</code> **site-connected**)`,
    );
  });
});

describe("a location change", () => {
  it("replaces the registry (location is create-only in the REST spec) with the same cascade", () => {
    expect(updates(location)).toEqual([...registryCascade].sort());
    expect(entry(location, REGISTRY, "site-registry").line).toContain(
      "**replace**, forced by <code>location</code> (create-only in the Azure REST spec 2023-01-01-preview)",
    );
    expect(entry(location, "azure-native:containerregistry:ScopeMap", "site-connected-sync").cause).toMatch(
      /^ {2}Cause: <code>azure-native:containerregistry:Registry<\/code> \*\*site-registry\*\* replaced \(<code>location<\/code> changed: create-only in the Azure REST spec 2023-01-01-preview\) → /,
    );
  });
});

describe("a connected-registry mode change", () => {
  it("replaces the connected registry and its deactivation, updates the extension and the sync scope map", () => {
    expect(updates(mode)).toEqual(
      [
        "🔁 ConnectedRegistry site-connected",
        "🔁 ConnectedRegistryDeactivation site-extension-deactivation",
        "✏️ Extension site-extension",
        "✏️ ScopeMap site-connected-sync",
      ].sort(),
    );
    expect(entry(mode, CONNECTED, "site-connected").line).toContain(
      "**replace**, forced by <code>mode</code> (replaceOnChanges option); ⚠️ **deleted before its replacement is created**",
    );
    expect(
      entry(mode, "pulumi-nodejs:dynamic/edge-registry:ConnectedRegistryDeactivation", "site-extension-deactivation")
        .cause,
    ).toContain(
      `<code>${CONNECTED}</code> **site-connected** replaced (<code>mode</code> changed: replaceOnChanges option) → `,
    );
    expect(entry(mode, "azure-native:kubernetesconfiguration:Extension", "site-extension").cause).toContain(
      "updated (its <code>configurationProtectedSettings</code>)",
    );
  });
});
