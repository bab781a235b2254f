/**
 * Which changed properties force a resource to be replaced (deleted and created again) rather than updated,
 * for the offline plan diff, so a pull request shows replacements and the property that causes each.
 *
 * Sources, in the order they apply (each machine-read, none a hand-kept list of Azure properties):
 * - the resource's own `replaceOnChanges` option (as the engine receives it);
 * - azure-native: the resource's ARM path parameters (its name and its parents' names: a different path is a
 *   different Azure resource, so the provider replaces). They are read from the package itself: each resource's
 *   `get<Resource>` function invokes `azure-native:<module>:get<Resource>` with exactly those parameters
 *   (`@pulumi/azure-native/<module>/get<Resource>.js`);
 * - azure-native: create-only body properties, which azure-native's generator marks force-new
 *   (`x-ms-mutability` with `create` but not `update` on a top-level or flattened property, pulumi-azure-native
 *   `provider/pkg/gen/schema.go`, `propChangeForcesRecreate`; plus its own `forceNewMap` in `gen/forcenew.go`).
 *   That metadata is compiled into the provider plugin and not shipped in the npm package, so it is extracted
 *   from the REST specifications of the API versions this azure-native uses by `plan/data/createOnly.ts` into
 *   `plan/data/azure-create-only.json` (which names the specs' commit);
 * - the package's own deploy-time operations (`pulumi-nodejs:dynamic/edge-registry:<Name>`): their real `diff`
 *   (pure, no Azure call) is asked whether a change of the property replaces;
 * - kubernetes: `metadata.name`, `metadata.namespace` and the per-kind table of pulumi-kubernetes'
 *   `provider/pkg/provider/diff.go` (`forceNewProperties`), which is Go code inside the plugin, not shipped in
 *   the npm package; the kinds this package creates are copied below with the commit they come from.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { AnyOperation } from "../provider/schema";
import { PlanValue, SECRET, UNKNOWN } from "./model";

/** Why a changed property forces a replacement. */
export interface ForcedChange {
  /** The changed property path, as the diff prints it. */
  path: string;
  /** Where the rule comes from. */
  source: string;
}

/**
 * pulumi-kubernetes `forceNewProperties` (provider/pkg/provider/diff.go at commit 00302beb58ae, Apache-2.0),
 * for the kinds edge-registry creates; `[*]` matches any list index. Every kind also has `.metadata.name` and
 * `.metadata.namespace`.
 */
const kubernetesForceNew: { [kind: string]: string[] } = {
  "core/v1:ConfigMap": [".binaryData", ".data"],
  "core/v1:Secret": [".type", ".stringData", ".data"],
  "core/v1:Service": [".spec.clusterIP"],
  "apps/v1:Deployment": [".spec.selector"],
  "apps/v1:DaemonSet": [".spec.selector"],
  "apps/v1:StatefulSet": [
    ".spec.podManagementPolicy",
    ".spec.revisionHistoryLimit",
    ".spec.selector",
    ".spec.serviceName",
    ".spec.volumeClaimTemplates",
  ],
  "batch/v1:Job": [".spec.completions", ".spec.parallelism", ".spec.selector", ".spec.template"],
};
const kubernetesSource = "kubernetes provider (pulumi-kubernetes forceNewProperties)";

/** `a.b[3]["x.y"]` → segments `a`, `b`, `[*]`, `x.y`; a list item matched by identity (`[name="app"]`) is `[*]`. */
function segments(property: string): string[] {
  const result: string[] = [];
  const pattern =
    /\.?([A-Za-z_$][A-Za-z0-9_$-]*)|\[(\d+|\*|[A-Za-z]+=(?:"(?:[^"\\]|\\.)*"|\d+))\]|\[("(?:[^"\\]|\\.)*")\]/g;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(property)) !== null) {
    if (match[1] !== undefined) {
      result.push(match[1]);
    } else if (match[2] !== undefined) {
      result.push("[*]");
    } else {
      result.push(JSON.parse(match[3]) as string);
    }
  }
  return result;
}

/** Whether `changed` is `rule` or lies under it (list indexes match `[*]`). */
export function underPath(changed: string, rule: string): boolean {
  const [c, r] = [segments(changed), segments(rule)];
  return r.length > 0 && r.length <= c.length && r.every((segment, i) => segment === c[i]);
}

const pathParameterCache = new Map<string, string[]>();

/** The URL path parameters of an azure-native resource type, from its `get<Resource>` invoke; [] when unknown. */
export function azureNativePathParameters(type: string): string[] {
  const cached = pathParameterCache.get(type);
  if (cached) {
    return cached;
  }
  const match = /^azure-native:([a-z0-9]+):([A-Za-z0-9]+)$/.exec(type);
  let parameters: string[] = [];
  if (match) {
    const [, module, resource] = match;
    const root = path.dirname(require.resolve("@pulumi/azure-native/package.json"));
    const file = path.join(root, module, `get${resource}.js`);
    if (fs.existsSync(file)) {
      const source = fs.readFileSync(file, "utf8");
      const invoke = new RegExp(`invoke(?:Output)?\\("azure-native:${module}:get${resource}", \\{([^}]*)\\}`).exec(
        source,
      );
      parameters = invoke ? [...invoke[1].matchAll(/"([A-Za-z0-9]+)":/g)].map((m) => m[1]).sort() : [];
    }
  }
  pathParameterCache.set(type, parameters);
  return parameters;
}

interface AzureCreateOnly {
  source: { repository: string; commit: string; generator: string };
  types: { [type: string]: { apiVersion: string; specFile: string; pathParameters: string[]; createOnly: string[] } };
  /** Types whose PUT the generator did not find: their create-only properties stay unknown. */
  missing?: string[];
}

let azureCreateOnlyData: AzureCreateOnly | undefined;

/** The generated table of azure-native create-only properties (plan/data/azure-create-only.json). */
export function azureCreateOnly(): AzureCreateOnly {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  azureCreateOnlyData ??= require("./data/azure-create-only.json") as AzureCreateOnly;
  return azureCreateOnlyData;
}

/** The package's deploy-time operations, loaded only when a plan has one of their resources. */
function operationNamed(type: string): AnyOperation | undefined {
  const match = /^pulumi-nodejs:dynamic\/edge-registry:([A-Za-z]+)$/.exec(type);
  if (!match) {
    return undefined;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { operations } = require("../provider/operations") as { operations: readonly AnyOperation[] };
  return operations.find((operation) => operation.name === match[1]);
}

/** A value the operation's diff is sure to see as different from any real one. */
const PROBE = "offline-plan-probe-value";

/**
 * Whether the operation's own `diff` replaces the resource when `property` changes from its value in `before`
 * to its value in `after` (or, when that is unknown or the same, to a value no real input has).
 */
async function operationReplaces(
  operation: AnyOperation,
  property: string,
  before: { [key: string]: PlanValue },
  after: { [key: string]: PlanValue },
): Promise<boolean | undefined> {
  const next = after[property];
  const changed = next === undefined || next === UNKNOWN || next === SECRET || next === before[property] ? PROBE : next;
  try {
    const diff = await operation.diff("", before as never, { ...before, [property]: changed } as never);
    return (diff.replaces ?? []).includes(property);
  } catch {
    return undefined; // the diff cannot judge these inputs offline
  }
}

/** How a resource's create-only properties are known offline. */
export interface CreateOnlyRules {
  rules: { rule: string; source: string }[];
  /** True when every create-only property of the type is known (false: a change may still replace). */
  complete: boolean;
  /** The package's own operation, whose diff decides. */
  operation?: AnyOperation;
}

/** The create-only rules of a resource type. */
export function createOnlyRules(type: string, replaceOnChanges: readonly string[] = []): CreateOnlyRules {
  const kubernetes = /^kubernetes:(.+)$/.exec(type);
  const azure = azureCreateOnly().types[type];
  const operation = operationNamed(type);
  const rules = [
    ...replaceOnChanges.map((rule) => ({ rule, source: "replaceOnChanges option" })),
    ...azureNativePathParameters(type).map((rule) => ({ rule, source: "ARM path parameter" })),
    ...(azure?.createOnly ?? []).map((rule) => ({
      rule,
      source: `create-only in the Azure REST spec ${azure.apiVersion}`,
    })),
    ...(kubernetes
      ? [".metadata.name", ".metadata.namespace", ...(kubernetesForceNew[kubernetes[1]] ?? [])].map((rule) => ({
          rule,
          source: kubernetesSource,
        }))
      : []),
  ];
  const complete = azure !== undefined || (kubernetes !== null && kubernetes[1] in kubernetesForceNew);
  return { rules, complete, operation };
}

/** The changed properties of a resource of `type` that force its replacement, with the rule's source. */
export function forcedChanges(type: string, changedPaths: readonly string[], replaceOnChanges: readonly string[] = []) {
  const { rules } = createOnlyRules(type, replaceOnChanges);
  const forced: ForcedChange[] = [];
  for (const changed of changedPaths) {
    const rule = rules.find((r) => underPath(changed, r.rule));
    if (rule) {
      forced.push({ path: changed, source: rule.source });
    }
  }
  return forced;
}

/**
 * Like {@link forcedChanges}, and for the package's own operations asks their diff (with the inputs before and
 * after) about each changed top-level property.
 */
export async function forcedChangesOf(
  resource: { type: string; replaceOnChanges?: string[]; inputs: { [key: string]: PlanValue } },
  before: { [key: string]: PlanValue },
  changedPaths: readonly string[],
): Promise<ForcedChange[]> {
  const forced = forcedChanges(resource.type, changedPaths, resource.replaceOnChanges);
  const { operation } = createOnlyRules(resource.type);
  if (operation === undefined) {
    return forced;
  }
  for (const changed of changedPaths) {
    const property = segments(changed)[0];
    if (
      !forced.some((f) => f.path === changed) &&
      (await operationReplaces(operation, property, before, resource.inputs))
    ) {
      forced.push({ path: changed, source: `edge-registry ${operation.name} diff` });
    }
  }
  return forced;
}
