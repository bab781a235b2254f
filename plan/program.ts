/**
 * The offline plan's command line and what it reads: the program's `Pulumi.yaml` and stack config file, and the
 * old plan given to `--diff`. Nothing here loads the Pulumi SDK.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { PlannedResource } from "./model";

/** js-yaml, as the Pulumi SDK (a runtime dependency) installs it, wherever npm placed it. */
export const yaml = (() => {
  const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(require.resolve("js-yaml", { paths: [sdk] })) as { load(text: string): unknown };
})();

/** What a program receives for a `secure:` config value (never a real secret: offline there is no key). */
export const SECRET_PLACEHOLDER = "offline-plan-placeholder-secret";

/** In `--out`, replaced by each stack's name: one output file per stack. */
export const STACK_PLACEHOLDER = "{stack}";

/** Command-line options. */
export interface PlanOptions {
  programDir: string;
  stack?: string;
  /** The stacks after the first when `--stack` is given several times: each is planned in turn, in one run. */
  moreStacks?: string[];
  json: boolean;
  diff?: string;
  /**
   * Write the output to this file instead of stdout (`npm run` prints its own banner on stdout). With `{stack}`
   * in it, each stack's output goes to its own file, `{stack}` replaced by the stack's name.
   */
  out?: string;
}

/** Parses `argv` (without node and script); throws a usage message on bad arguments. */
export function parseArgs(argv: readonly string[]): PlanOptions {
  const usage =
    "usage: npm run plan -- <program dir> [--stack <name>]... [--json] [--diff <old plan.json>] [--out <file>]";
  const options: Partial<PlanOptions> = { json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length || argv[i + 1].startsWith("--")) {
        throw new Error(`${arg} needs a value; ${usage}`);
      }
      return argv[++i];
    };
    if (arg === "--stack" || arg === "-s") {
      const stack = value();
      if (options.stack === undefined) {
        options.stack = stack;
      } else {
        (options.moreStacks ??= []).push(stack);
      }
    } else if (arg === "--json") {
      options.json = true;
    } else if (arg === "--diff") {
      options.diff = value();
    } else if (arg === "--out" || arg === "-o") {
      options.out = value();
    } else if (arg.startsWith("-") || options.programDir !== undefined) {
      throw new Error(`unexpected argument ${arg}; ${usage}`);
    } else {
      options.programDir = arg;
    }
  }
  if (options.programDir === undefined) {
    throw new Error(usage);
  }
  if (options.json && options.diff !== undefined) {
    throw new Error(`--json and --diff cannot be combined; ${usage}`);
  }
  if (options.json && options.moreStacks !== undefined && !options.out?.includes(STACK_PLACEHOLDER)) {
    throw new Error(
      `--json with several --stack writes one plan file per stack (a JSON plan is one list of resources): ` +
        `give --out a name with ${STACK_PLACEHOLDER} in it, e.g. --out plans/${STACK_PLACEHOLDER}.json; ${usage}`,
    );
  }
  return options as PlanOptions;
}

/** A program's project file and stack config, as `pulumi preview` would load them. */
export interface ProgramSettings {
  project: string;
  stack: string;
  entry: string;
  config: { [key: string]: string };
  secretKeys: string[];
}

function readYaml(file: string): { [key: string]: unknown } {
  const parsed = yaml.load(fs.readFileSync(file, "utf8"));
  return parsed !== null && typeof parsed === "object" ? (parsed as { [key: string]: unknown }) : {};
}

/** Replaces every `{secure: ...}` in a config value by the placeholder; reports whether there was one. */
function withoutCiphertext(value: unknown): { value: unknown; secret: boolean } {
  if (value !== null && typeof value === "object") {
    if (!Array.isArray(value) && "secure" in value) {
      return { value: SECRET_PLACEHOLDER, secret: true };
    }
    let secret = false;
    const entries = Object.entries(value).map(([key, element]) => {
      const inner = withoutCiphertext(element);
      secret ||= inner.secret;
      return [key, inner.value] as const;
    });
    const rebuilt = Array.isArray(value) ? entries.map(([, v]) => v) : Object.fromEntries(entries);
    return { value: rebuilt, secret };
  }
  return { value, secret: false };
}

/** The stacks of a program: the `<name>` of every `Pulumi.<name>.yaml` in its directory, sorted. */
export function stackNames(programDir: string): string[] {
  return fs
    .readdirSync(programDir)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort();
}

/**
 * When a plan run without `--stack` fails and the program has no `Pulumi.dev.yaml` (so it ran on the project's
 * defaults alone), the stacks it could have used, as the end of the error line; otherwise "".
 */
export function missingStackHint(programDir: string, requestedStack: string | undefined): string {
  if (
    requestedStack !== undefined ||
    !fs.existsSync(programDir) ||
    fs.existsSync(path.join(programDir, "Pulumi.dev.yaml"))
  ) {
    return "";
  }
  const stacks = stackNames(programDir);
  return stacks.length === 0
    ? ""
    : ` (no --stack was given and there is no Pulumi.dev.yaml, so only the project's defaults applied; ` +
        `the stack files are ${stacks.map((name) => `Pulumi.${name}.yaml`).join(", ")}: pass --stack ${stacks.join(" or --stack ")})`;
}

/** Loads `Pulumi.yaml` (name, main, project config defaults) and `Pulumi.<stack>.yaml` from `programDir`. */
export function loadProgram(programDir: string, requestedStack?: string): ProgramSettings {
  const projectFile = path.join(programDir, "Pulumi.yaml");
  if (!fs.existsSync(projectFile)) {
    throw new Error(`no Pulumi.yaml in ${programDir}: pass the directory of a Pulumi program`);
  }
  const projectYaml = readYaml(projectFile);
  const project = String(projectYaml.name ?? path.basename(programDir));
  const stack = requestedStack ?? "dev";
  const stackFile = path.join(programDir, `Pulumi.${stack}.yaml`);
  if (requestedStack !== undefined && !fs.existsSync(stackFile)) {
    const stacks = stackNames(programDir);
    throw new Error(
      `no stack config Pulumi.${stack}.yaml in ${programDir} for --stack ${stack}; ` +
        (stacks.length > 0
          ? `the stack files there are ${stacks.map((name) => `Pulumi.${name}.yaml`).join(", ")} (--stack ${stacks[0]})`
          : "it has no stack files"),
    );
  }
  const qualify = (key: string) => (key.includes(":") ? key : `${project}:${key}`);
  const config: { [key: string]: string } = {};
  const secretKeys = new Set<string>();
  const set = (key: string, raw: unknown) => {
    const { value, secret } = withoutCiphertext(raw);
    config[qualify(key)] = typeof value === "string" ? value : JSON.stringify(value);
    if (secret) {
      secretKeys.add(qualify(key));
    } else {
      secretKeys.delete(qualify(key));
    }
  };
  const declared = (projectYaml.config ?? {}) as { [key: string]: unknown };
  for (const [key, spec] of Object.entries(declared)) {
    const isSpec = spec !== null && typeof spec === "object" && !Array.isArray(spec) && !("secure" in spec);
    const specValue = isSpec
      ? ((spec as { value?: unknown; default?: unknown }).value ?? (spec as { default?: unknown }).default)
      : spec;
    if (specValue !== undefined) {
      set(key, specValue);
    }
  }
  if (fs.existsSync(stackFile)) {
    for (const [key, value] of Object.entries((readYaml(stackFile).config ?? {}) as { [key: string]: unknown })) {
      set(key, value);
    }
  }
  const main = typeof projectYaml.main === "string" ? projectYaml.main : ".";
  return { project, stack, entry: path.resolve(programDir, main), config, secretKeys: [...secretKeys].sort() };
}

/**
 * Reads a plan written by `--json`. A plan redirected from `npm run plan` (without `--silent`) starts with npm's
 * banner (`> edge-registry@… plan`): the banner is skipped, anything else that is not a plan is an error saying so.
 */
export function readPlan(file: string): PlannedResource[] {
  const text = fs.readFileSync(file, "utf8");
  const start = text.startsWith("[") ? 0 : text.search(/^\[/m);
  try {
    const plan = JSON.parse(text.slice(Math.max(start, 0))) as unknown;
    if (Array.isArray(plan)) {
      return plan as PlannedResource[];
    }
  } catch {
    // reported below
  }
  throw new Error(
    `${file} is not a plan: write one with npm run plan -- <program dir> --json --out ${path.basename(file)}`,
  );
}
