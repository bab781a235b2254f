/**
 * Offline plan: what `pulumi preview` would create, without cloud credentials or the Pulumi CLI.
 *
 *   npm run plan -- <program dir> [--stack <name>]... [--json] [--diff <old plan.json>] [--out <file>]
 *
 * Evaluates the Pulumi program in `<program dir>` (its `Pulumi.yaml` `main`) under Pulumi mocks in preview
 * mode, with the config of `Pulumi.<stack>.yaml` (default stack `dev` when that file exists). Every value a
 * provider would compute is unknown, so it prints as `(known after deploy)`; secrets print as `[secret]`.
 * Encrypted config values cannot be decrypted offline: secret getters return an unknown secret (see secrets.ts).
 * Validation errors print as `error: <message>` and the exit code is 1. With several `--stack`, the program is
 * planned for each in turn and the plans (or diffs) follow each other; the first failing stack ends the run.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { PlannedResource, compare, redactObject, treeOrder, urnKey } from "./model";
import { renderText } from "./text";
import { diffPlans, renderDiff } from "./diff";
import {
  ProgramSettings,
  SECRET_PLACEHOLDER,
  STACK_PLACEHOLDER,
  loadProgram,
  missingStackHint,
  parseArgs,
  readPlan,
} from "./program";
import { unknownSecretConfig } from "./secrets";
import { skipUnreadPromiseStacks, skipUnreadSourcePositions } from "./mockRuntime";

let unreadStacksSkipped = false;
/** The SDK's per-resource and per-promise stacks, which the mock monitor never reads (plan/mockRuntime.ts), off. */
function skipUnreadStacks(): void {
  if (!unreadStacksSkipped) {
    unreadStacksSkipped = true;
    skipUnreadPromiseStacks();
    skipUnreadSourcePositions();
  }
}

// The parts of the SDK's mock monitor and gRPC messages the plan hooks into (`@pulumi/pulumi/runtime/mocks`).
interface Struct {
  toJavaScript(): { [key: string]: unknown };
}
interface AliasSpec {
  getName(): string;
  getType(): string;
  getParenturn(): string;
  getNoparent(): boolean;
}
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): Struct | undefined;
  getDeletebeforereplace?(): boolean;
  getReplaceonchangesList?(): string[];
  getAliasesList?(): { getUrn(): string; getSpec(): AliasSpec | undefined }[];
  getDependenciesList?(): string[];
  getPropertydependenciesMap?(): {
    forEach(callback: (value: { getUrnsList(): string[] }, key: string) => void): void;
  };
}
interface ReadRequest extends RegisterRequest {
  getProperties(): Struct | undefined;
}
type Callback = (error: unknown, response?: unknown) => void;
interface MockMonitor {
  newUrn(parent: string, type: string, name: string): string;
  registerResource(req: RegisterRequest, callback: Callback): Promise<void>;
  readResource(req: ReadRequest, callback: Callback): Promise<void>;
  registerResourceOutputs(req: { getUrn(): string; getOutputs(): Struct | undefined }, callback: Callback): void;
  invoke(req: { getTok(): string }, callback: Callback): Promise<void>;
}
interface Settings {
  getMonitor(): MockMonitor;
  waitForRPCs(): Promise<void>;
}

/** Evaluates the program under preview mocks and returns its resources, redacted. Throws the program's error. */
export async function evaluate(settings: ProgramSettings): Promise<PlannedResource[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runtimeSettings = require("@pulumi/pulumi/runtime/settings") as Settings;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const resproto = require("@pulumi/pulumi/proto/resource_pb") as {
    ResourceInvokeResponse: new () => { setUnknown(unknown: boolean): void };
  };
  const secrets = [SECRET_PLACEHOLDER];
  const resources = new Map<string, PlannedResource>();
  const duplicates: string[] = [];
  const record = (req: RegisterRequest, object: Struct | undefined, read: boolean) => {
    const urn = monitor.newUrn(req.getParent(), req.getType(), req.getName());
    if (resources.has(urn)) {
      duplicates.push(urn);
    }
    resources.set(urn, {
      urn,
      type: req.getType(),
      name: req.getName(),
      parent: req.getParent() || null,
      custom: read || req.getCustom(),
      ...(read ? { read: true } : {}),
      inputs: redactObject(object?.toJavaScript(), secrets),
      ...replacementOptions(req),
      ...dependencyLists(req),
    });
  };
  /**
   * What the resource depends on, as the engine receives it: `dependsOn` and every resource an input came from
   * (`dependencies`), and per top-level input the resources its value came from (`propertyDependencies`).
   */
  const dependencyLists = (req: RegisterRequest): Partial<PlannedResource> => {
    const result: Partial<PlannedResource> = {};
    const dependencies = [...new Set(req.getDependenciesList?.() ?? [])].sort(compare);
    if (dependencies.length > 0) {
      result.dependencies = dependencies;
    }
    const byProperty: { [property: string]: string[] } = {};
    req.getPropertydependenciesMap?.()?.forEach((value, key) => {
      const urns = [...new Set(value.getUrnsList())].sort(compare);
      if (urns.length > 0) {
        byProperty[key] = urns;
      }
    });
    if (Object.keys(byProperty).length > 0) {
      result.propertyDependencies = Object.fromEntries(
        Object.keys(byProperty)
          .sort(compare)
          .map((key) => [key, byProperty[key]]),
      );
    }
    return result;
  };
  /** The options that decide how the engine replaces the resource, and its aliases as keys. */
  const replacementOptions = (req: RegisterRequest): Partial<PlannedResource> => {
    const options: Partial<PlannedResource> = {};
    if (req.getDeletebeforereplace?.()) {
      options.deleteBeforeReplace = true;
    }
    const replaceOnChanges = req.getReplaceonchangesList?.() ?? [];
    if (replaceOnChanges.length > 0) {
      options.replaceOnChanges = replaceOnChanges;
    }
    const aliases = (req.getAliasesList?.() ?? []).map((alias) => {
      const spec = alias.getSpec();
      if (!spec) {
        return urnKey(alias.getUrn());
      }
      const parent = spec.getNoparent() ? "" : spec.getParenturn() || req.getParent();
      return urnKey(monitor.newUrn(parent, spec.getType() || req.getType(), spec.getName() || req.getName()));
    });
    if (aliases.length > 0) {
      options.aliases = [...new Set(aliases)];
    }
    return options;
  };

  // Preview: providers echo the inputs (secrets stay wrapped as secrets) and compute nothing else, so every
  // other output stays unknown, as does the id.
  const mocks: pulumi.runtime.Mocks = {
    newResource: (args) => ({ id: undefined, state: withAutoNameUnknown(args.type, args.inputs) }),
    call: () => ({}),
  };
  await pulumi.runtime.setMocks(mocks, settings.project, settings.stack, true);
  skipUnreadStacks();
  pulumi.runtime.setAllConfig(settings.config, settings.secretKeys);
  unknownSecretConfig(); // a secure: placeholder is never checked as the real value
  const monitor = runtimeSettings.getMonitor();
  // URNs as the engine makes them (the mock monitor drops the parent chain and adds the stack's type).
  monitor.newUrn = (parent, type, name) => {
    const parentType = parent ? parent.split("::")[2] : pulumi.runtime.rootPulumiStackTypeName;
    const qualified = parentType === pulumi.runtime.rootPulumiStackTypeName ? type : `${parentType}$${type}`;
    return `urn:pulumi:${settings.stack}::${settings.project}::${qualified}::${name}`;
  };
  const { registerResource, readResource, registerResourceOutputs, invoke } = monitor;
  monitor.registerResource = (req, callback) => {
    record(req, req.getObject(), false);
    return registerResource.call(monitor, req, callback);
  };
  monitor.readResource = (req, callback) => {
    record(req, req.getProperties(), true);
    return readResource.call(monitor, req, callback);
  };
  monitor.registerResourceOutputs = (req, callback) => {
    const resource = resources.get(req.getUrn());
    if (resource?.type === pulumi.runtime.rootPulumiStackTypeName) {
      resource.outputs = redactObject(req.getOutputs()?.toJavaScript(), secrets);
    }
    registerResourceOutputs.call(monitor, req, callback);
  };
  monitor.invoke = async (req, callback) => {
    if (req.getTok() === "pulumi:pulumi:getResource") {
      return invoke.call(monitor, req, callback);
    }
    // Data sources (e.g. the client config) answer only with real credentials: unknown in an offline preview.
    const response = new resproto.ResourceInvokeResponse();
    response.setUnknown(true);
    callback(null, response);
  };

  process.chdir(path.dirname(settings.entry));
  await pulumi.runtime.runInPulumiStack(async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const program = require(settings.entry) as unknown;
    const main = typeof program === "function" ? program : (program as { default?: unknown })?.default;
    return typeof main === "function" ? await (main as () => unknown)() : program;
  });
  await runtimeSettings.waitForRPCs();
  if (duplicates.length > 0) {
    throw new Error(`Duplicate resource URN '${duplicates[0]}'; try giving it a unique name`);
  }
  return treeOrder([...resources.values()]);
}

/**
 * An error as preview shows it: only the message for validation, configuration and resource errors and for
 * errors of the command itself (`entry` undefined); with the stack trace for any other error of the program.
 */
export function describeError(error: unknown, entry: string | undefined): string {
  if (!(error instanceof Error)) {
    return `error: ${String(error)}`;
  }
  const expected = entry === undefined || isPulumiError(error);
  if (expected) {
    return `error: ${error.message}`;
  }
  return `error: Running program '${entry}' failed with an unhandled exception:\n${error.stack ?? error.message}`;
}

function isPulumiError(error: unknown): boolean {
  return (
    pulumi.InputPropertyError.isInstance(error) ||
    pulumi.InputPropertiesError.isInstance(error) ||
    pulumi.RunError.isInstance(error) ||
    pulumi.ResourceError.isInstance(error)
  );
}

/**
 * Before a program is planned again with another stack in the same process: forgets the modules of the
 * program's folder that the last plan loaded (`loadedBefore` holds what was loaded before the first), so that
 * the program and its own modules run again, as in a new process, and read the new stack's config. Libraries
 * (installed packages, a checkout's components) stay loaded: they hold no stack's state.
 */
function forgetProgramModules(entry: string, loadedBefore: ReadonlySet<string>): void {
  const folder = fs.statSync(entry).isDirectory() ? entry : path.dirname(entry);
  for (const file of Object.keys(require.cache)) {
    const relative = path.relative(folder, file);
    const inProgram = !relative.startsWith("..") && !path.isAbsolute(relative);
    if (inProgram && !loadedBefore.has(file) && !file.split(path.sep).includes("node_modules")) {
      delete require.cache[file];
    }
  }
}

/** Runs the command; returns the exit code. Output goes to stdout, diagnostics to stderr. */
export async function main(argv: readonly string[]): Promise<number> {
  let firstError: unknown;
  const onError = (error: unknown) => {
    firstError ??= error;
  };
  process.on("uncaughtException", onError);
  process.on("unhandledRejection", onError);
  // The program's and the SDK's console output (`info: ...`) must not mix with the plan on stdout.
  const consoleLog = console.log;
  console.log = console.error;
  /** Each planned stack's output, in the order given. */
  const outputs: { stack: string; text: string }[] = [];
  let entry: string | undefined;
  let out: string | undefined;
  let hint = "";
  try {
    const options = parseArgs(argv);
    const base = process.env.INIT_CWD ?? process.cwd();
    out = options.out === undefined ? undefined : path.resolve(base, options.out);
    hint = missingStackHint(path.resolve(base, options.programDir), options.stack);
    const stacks = [options.stack, ...(options.moreStacks ?? [])];
    const programs = stacks.map((stack) => loadProgram(path.resolve(base, options.programDir), stack));
    const previous = options.diff === undefined ? undefined : readPlan(path.resolve(base, options.diff));
    const loadedBefore = new Set(Object.keys(require.cache));
    for (const [index, settings] of programs.entries()) {
      if (index > 0) {
        forgetProgramModules(settings.entry, loadedBefore);
      }
      entry = settings.entry;
      const resources = await evaluate(settings);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const log = require("@pulumi/pulumi/log") as { hasErrors(): boolean };
      if (firstError === undefined && log.hasErrors()) {
        firstError = new Error("the program logged errors (see above)");
      }
      if (firstError !== undefined) {
        break;
      }
      if (previous !== undefined) {
        const heading = `Offline plan: ${settings.project} (${settings.stack})`;
        outputs.push({ stack: settings.stack, text: renderDiff(heading, await diffPlans(previous, resources)) });
      } else if (options.json) {
        const text = JSON.stringify(
          resources.map((r) => ({ ...r, aliases: undefined })),
          null,
          2,
        );
        outputs.push({ stack: settings.stack, text: text + "\n" });
      } else {
        outputs.push({ stack: settings.stack, text: renderText(settings.project, settings.stack, resources) });
      }
    }
  } catch (error) {
    onError(error);
  } finally {
    console.log = consoleLog;
  }
  if (firstError !== undefined) {
    const [first, ...rest] = describeError(firstError, entry).split("\n");
    process.stderr.write([`${first}${hint}`, ...rest].join("\n") + "\n");
    return 1;
  }
  if (out?.includes(STACK_PLACEHOLDER)) {
    for (const { stack, text } of outputs) {
      const file = out.split(STACK_PLACEHOLDER).join(stack);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
    }
  } else if (out !== undefined) {
    fs.writeFileSync(out, outputs.map((o) => o.text).join("\n"));
  } else {
    process.stdout.write(outputs.map((o) => o.text).join("\n"));
  }
  return 0;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

/**
 * Kubernetes objects without `metadata.name` are auto-named by the provider: in a real preview that name is
 * unknown, so dependants (e.g. a pod's `imagePullSecrets`) must show `(known after deploy)`, not nothing.
 */
function withAutoNameUnknown(type: string, inputs: { [key: string]: any }): { [key: string]: any } {
  const metadata = inputs.metadata;
  if (!type.startsWith("kubernetes:") || metadata === null || typeof metadata !== "object" || "name" in metadata) {
    return inputs;
  }
  return { ...inputs, metadata: { ...metadata, name: pulumi.runtime.unknownValue } };
}
