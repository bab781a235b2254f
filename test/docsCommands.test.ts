/**
 * Every planner and fleet command that README.md and docs/*.md show runs as written (issue 25: the README's
 * `npm run plan -- . --stack example --json > plan.json` put npm's banner into plan.json).
 *
 * Commands are taken from the docs themselves: the lines of ```bash code blocks and the inline code spans that
 * start with `npm run [--silent] plan|fleet -- ` (in prose, only those with options: a bare `npm run fleet -- status`
 * names the command), split at `&&` (the `npm ci` before one is the install step, not run here). A synopsis with
 * placeholders (`<file>`, `[--json]`) is not a command and is skipped. The commands of
 * one code block run in order, in the repository root, through npm and bash exactly as a reader would type them;
 * blocks run concurrently; a command shown twice runs once. Files they write are removed afterwards.
 *
 * The offline plan's two documented diffs are also checked for what they show (a TLS mode change of the root
 * program, a mode change in the nested hierarchy): these runs are the plans of those changes.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const repo = path.resolve(__dirname, "..");
const docs = ["README.md", ...fs.readdirSync(path.join(repo, "docs")).map((f) => path.join("docs", f))].filter((f) =>
  f.endsWith(".md"),
);

const commandPattern = /^npm run (?:--silent |-s )?(?:plan|fleet) -- /; // a bare `npm run plan` names the script
const isSynopsis = (command: string) => /[<[\]|…]/.test(command.replace(/\s>\s*\S+$/, ""));

/** The commands of one document, grouped by code block (an inline span is a group of its own). */
export function documentedCommands(markdown: string): string[][] {
  const groups: string[][] = [];
  const fence = /^```(\w*)\n([\s\S]*?)^```/gm;
  for (const [, language, body] of markdown.matchAll(fence)) {
    if (!["bash", "sh", "shell", ""].includes(language)) {
      continue;
    }
    const commands = body
      .split("\n")
      .map((line) => line.replace(/\s+#.*$/, "").trim())
      .flatMap((line) => line.split("&&").map((part) => part.trim()))
      .filter((command) => commandPattern.test(command) && !isSynopsis(command));
    if (commands.length > 0) {
      groups.push(commands);
    }
  }
  const prose = markdown.replace(fence, "");
  for (const [, span] of prose.matchAll(/`([^`\n]+)`/g)) {
    for (const command of span.split("&&").map((part) => part.trim())) {
      // In prose, `npm run fleet -- status` names a command; one with options (`--stack x`) shows one.
      const shown = / -- .*\s--?\w/.test(command);
      if (commandPattern.test(command) && !isSynopsis(command) && shown) {
        groups.push([command]);
      }
    }
  }
  return groups;
}

interface Run {
  command: string;
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string): Promise<Run> {
  const env = { ...process.env };
  delete env.INIT_CWD; // npm sets it to where the reader typed the command: here, the repository root
  return new Promise((resolve) => {
    execFile("bash", ["-c", command], { cwd: repo, env, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ command, code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** The files a command writes: `--out <file>` and `> <file>`. */
function writtenFiles(command: string): string[] {
  return [...command.matchAll(/(?:--out|>)\s+(\S+)/g)].map((m) => path.join(repo, m[1]));
}

const groups = docs.flatMap((doc) => documentedCommands(fs.readFileSync(path.join(repo, doc), "utf8")));
const distinct = [...new Map(groups.map((group) => [group.join("\n"), group])).values()];
const runs = new Map<string, Promise<Run>>();
const results = new Map<string, Run>();
const written = new Set<string>();

beforeAll(async () => {
  const existing = new Set(
    distinct
      .flat()
      .flatMap(writtenFiles)
      .filter((file) => fs.existsSync(file)),
  );
  expect([...existing]).toEqual([]); // never overwrite a file of the checkout
  await Promise.all(
    distinct.map(async (group) => {
      for (const command of group) {
        writtenFiles(command).forEach((file) => written.add(file));
        // A command shown twice with the same text (the README's first one is also the offline plan's first
        // one) runs once: the block that reaches it second waits for that run.
        if (!runs.has(command)) {
          runs.set(command, run(command));
        }
        results.set(command, await runs.get(command)!);
      }
    }),
  );
}, 300000);

/** The offline plan's recipe: the root program's TLS mode change, diffed against the JSON plan of the example. */
const siteDiffCommand = "npm run plan -- . --stack example-certificate --diff plan.json";
/** The nested hierarchy's mode change: its `readonly-onprem` stack diffed against the JSON plan of `dev`. */
const modeDiffCommand = "npm run plan -- examples/nested-hierarchy --stack readonly-onprem --diff dev.json";
const siteDiff = () => results.get(siteDiffCommand)!;
const modeDiff = () => results.get(modeDiffCommand)!;

afterAll(() => {
  for (const file of written) {
    fs.rmSync(file, { force: true });
  }
});

describe("the commands the docs show", () => {
  it("are found, the README's first one and the offline plan's recipe among them, in a bounded set", () => {
    const all = distinct.flat();
    expect(all).toContain("npm run plan -- examples/quickstart");
    expect(all).toContain("npm run plan -- . --stack example --json --out plan.json");
    expect(all).toContain(siteDiffCommand);
    expect(all).toContain("npm run plan -- examples/nested-hierarchy --json --out dev.json");
    expect(all).toContain(modeDiffCommand);
    expect(all).toContain("npm run --silent fleet -- stacks --hub fleet/hub/Pulumi.example.yaml --wave canary");
    expect(new Set(all).size).toBeLessThanOrEqual(12);
  });

  it("each runs as written: exit 0, no error, and the JSON it writes is JSON", () => {
    for (const command of new Set(distinct.flat())) {
      const result = results.get(command)!;
      const errors = result.code === 0 ? result.stderr.match(/^error.*$/gm) : result.stderr.split("\n").slice(0, 10);
      expect({ command, code: result.code, errors }).toEqual({ command, code: 0, errors: null });
      for (const file of writtenFiles(command).filter((f) => f.endsWith(".json"))) {
        expect(() => JSON.parse(fs.readFileSync(file, "utf8"))).not.toThrow();
      }
      if (command.startsWith("npm run --silent fleet -- stacks")) {
        expect(JSON.parse(result.stdout)).toEqual(expect.any(Array));
      }
    }
    const canary = results.get("npm run --silent fleet -- stacks --hub fleet/hub/Pulumi.example.yaml --wave canary")!;
    expect(JSON.parse(canary.stdout)).toEqual(["store001"]);
    expect(siteDiff().stdout).toContain("### Offline plan: edge-registry-site (example-certificate)");
  });

  it("skips synopses and the install step, and splits chains", () => {
    expect(
      documentedCommands(
        "```bash\nnpm ci && npm run plan -- a   # note\nnpm test\n```\n" +
          "Run `npm run plan -- <dir> [--json]` or `npm run fleet -- stacks --hub x.yaml`, see `npm run fleet -- status`.\n",
      ),
    ).toEqual([["npm run plan -- a"], ["npm run fleet -- stacks --hub x.yaml"]]);
  });
});

describe("what the offline plan's documented diffs show", () => {
  // Issue: a reviewer sees exactly what a TLS mode change does.
  it("CertManager → Certificate adds the certificate resources and changes only the extension's settings", () => {
    expect(siteDiff().code).toBe(0);
    const created = [...siteDiff().stdout.matchAll(/^- ➕ <code>([^<]+)<\/code> \*\*([^*]+)\*\*$/gm)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    expect(created.sort()).toEqual(
      [
        "edge-registry:index:RegistryCertificate site-extension-tls",
        "tls:index/certRequest:CertRequest site-extension-tls-server",
        "tls:index/locallySignedCert:LocallySignedCert site-extension-tls-server",
        "tls:index/privateKey:PrivateKey site-extension-tls-ca",
        "tls:index/privateKey:PrivateKey site-extension-tls-server",
        "tls:index/selfSignedCert:SelfSignedCert site-extension-tls-ca",
      ].sort(),
    );
    expect(siteDiff().stdout).toContain("0 to delete");
    const updated = [...siteDiff().stdout.matchAll(/^- ✏️ <code>([^<]+)<\/code> \*\*([^*]+)\*\*/gm)].map((m) => m[1]);
    expect(updated.sort()).toEqual(["azure-native:kubernetesconfiguration:Extension", "pulumi:pulumi:Stack"].sort());
    // The extension's protected settings now come from the new certificate: an update, saying so.
    expect(siteDiff().stdout).toContain(
      "- ✏️ <code>azure-native:kubernetesconfiguration:Extension</code> **site-extension**: update (depends on " +
        "<code>tls:index/locallySignedCert:LocallySignedCert</code> **site-extension-tls-server**)",
    );
    expect(siteDiff().stdout).toContain(
      '| <code>configurationSettings["cert-manager.enabled"]</code> | (none) | <code>"false"</code> |',
    );
    expect(siteDiff().stdout).toContain(
      '| <code>configurationSettings["cert-manager.install"]</code> | (none) | <code>"false"</code> |',
    );
  });

  // Issue 14: in the nested hierarchy, a mode change is a replacement.
  it("announces a mode change as a replacement of the connected registry, saying why", () => {
    expect(modeDiff().code).toBe(0);
    expect(modeDiff().stdout).toMatch(
      /^- 🔁 <code>azure-native:containerregistry:ConnectedRegistry<\/code> \*\*factory-onprem\*\*: \*\*replace\*\*, forced by <code>mode<\/code> \(replaceOnChanges option\); ⚠️ \*\*deleted before its replacement is created\*\*/m,
    );
    expect(modeDiff().stdout).toContain('| <code>mode</code> | <code>"ReadWrite"</code> | <code>"ReadOnly"</code> |');
    expect(modeDiff().stdout).toContain("⚠️ **1 of the updates replaces the resource**, 1 deleting the old one first");
    // The sync scope map only loses the write actions: an update, not a replacement.
    expect(modeDiff().stdout).toMatch(
      /^- ✏️ <code>azure-native:containerregistry:ScopeMap<\/code> \*\*factory-onprem-sync\*\*$/m,
    );
  });
});
