/**
 * Compares two offline plans (`--json` output) and renders the difference as Markdown for a pull request
 * comment: resources created, deleted and updated, with every changed property before and after.
 *
 * Resources are matched by URN without stack and project, so plans of two stacks of one program compare too,
 * and through the new plan's aliases (a resource's own, and those its ancestors' aliases give it, as the engine
 * computes them), so a renamed or re-parented resource with an alias is an update, not a replacement.
 * An update whose changed properties include one the provider cannot change in place is marked as a
 * replacement, with the property and the rule that forces it (replacements.ts), and with the outage
 * when the old resource is deleted before the new one exists (`deleteBeforeReplace`).
 *
 * Replacements cascade along the recorded property dependencies: the outputs of a replaced (or created)
 * resource are unknown until it exists, so every input of a dependent that came from it (its unknown and secret
 * values) may change. Where such an input is create-only for the dependent, the dependent is replaced too;
 * otherwise it is updated (or, when its create-only properties are unknowable offline, "update or replace").
 * Each such resource carries the chain of causes back to the change that started it.
 *
 * Lists are compared item by item matched by identity when every item has a distinct `name` (or `key`), and by
 * position otherwise; paths sort with numeric indexes in numeric order (`[2]` before `[10]`).
 */
import { PlannedResource, PlanValue, SECRET, UNKNOWN, compare, resourceKey, treeOrder } from "./model";
import { formatEntry, formatScalar } from "./text";
import { ForcedChange, createOnlyRules, forcedChangesOf } from "./replacements";

/** One changed property of an updated resource. */
export interface PropertyChange {
  path: string;
  before?: string;
  after?: string;
  /** Set when the value is unknown because it comes from a replaced or created resource: that resource. */
  from?: PlannedResource;
}

/** What happens to a resource of both plans. */
export type Outcome = "update" | "replace" | "update or replace";

/** One step of a chain of causes: the resource, what happens to it, and the property that carried the change. */
export interface CauseStep {
  resource: PlannedResource;
  outcome: Outcome | "create";
  /** The property of `resource` that changed (the first step) or that came from the previous step. */
  path?: string;
  /** Why that property decides the outcome (a create-only rule's source). */
  source?: string;
}

/** One resource present in both plans whose properties (or URN, through an alias) changed. */
export interface PlanUpdate {
  before: PlannedResource;
  after: PlannedResource;
  changes: PropertyChange[];
  /** The changes that force a replacement; empty for an update in place. */
  forced: ForcedChange[];
  /** True when a replacement deletes the old resource before creating the new one (an outage). */
  deleteBeforeReplace: boolean;
  /** The old key when the resource was matched through an alias (its URN changes, nothing is replaced). */
  movedFrom?: string;
  /** Replace, update, or (an input from a replaced resource, create-only rules unknown) update or replace. */
  outcome: Outcome;
  /** The resources it depends on whose replacement (or creation) makes some of its inputs unknown. */
  dependsOn: PlannedResource[];
  /** For a change that comes from another resource: the chain of causes, the original change first. */
  chain: CauseStep[];
}

/** The difference between two plans. */
export interface PlanDiff {
  created: PlannedResource[];
  deleted: PlannedResource[];
  updated: PlanUpdate[];
  unchanged: number;
  /** Created and deleted resources of the same type and name: a URN change without an alias (a replacement). */
  unaliasedMoves: { before: PlannedResource; after: PlannedResource }[];
}

/**
 * The identity field of a list's items: `name` (else `key`) when every item is an object with a distinct string
 * or number value there; undefined when items are matched by position.
 */
function identityField(list: readonly PlanValue[]): string | undefined {
  for (const field of ["name", "key"]) {
    const values = list.map((item) =>
      item !== null && typeof item === "object" && !Array.isArray(item) ? item[field] : undefined,
    );
    const usable = values.every((v) => typeof v === "string" || typeof v === "number");
    if (usable && new Set(values).size === values.length) {
      return field;
    }
  }
  return undefined;
}

/** Flattens a value into `path -> printed leaf` pairs (`a.b[0]`, `containers[name="app"].image`, `labels["x.y"]`). */
export function flatten(value: PlanValue, path: string, into = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value)) {
    if (value.length === 0) {
      into.set(path, "[]");
    }
    const field = value.length > 0 ? identityField(value) : undefined;
    value.forEach((element, index) => {
      const id = field === undefined ? undefined : (element as { [key: string]: PlanValue })[field];
      flatten(element, `${path}[${id === undefined ? index : `${field}=${JSON.stringify(id)}`}]`, into);
    });
  } else if (value !== null && typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length === 0) {
      into.set(path, "{}");
    }
    for (const key of keys) {
      const segment = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
      flatten(value[key], path === "" && segment.startsWith(".") ? segment.slice(1) : `${path}${segment}`, into);
    }
  } else {
    into.set(path, formatScalar(value));
  }
  return into;
}

/** Path order: numbers in numeric order (`[2]` before `[10]`), the rest by code unit (locale-independent). */
export function comparePaths(a: string, b: string): number {
  const tokens = (path: string) => path.match(/\d+|\D+/g) ?? [];
  const [x, y] = [tokens(a), tokens(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const numeric = /^\d/.test(x[i]) && /^\d/.test(y[i]);
    const order = numeric ? Number(x[i]) - Number(y[i]) || compare(x[i], y[i]) : compare(x[i], y[i]);
    if (order !== 0) {
      return order;
    }
  }
  return x.length - y.length;
}

/** Inputs by path; stack outputs under `outputs.` (the stack has no inputs). */
function properties(resource: PlannedResource): Map<string, string> {
  const paths = flatten(resource.inputs, "");
  if (resource.outputs) {
    flatten(resource.outputs, "outputs", paths);
  }
  return paths;
}

/**
 * The keys a resource of the new plan may have had: its own, its aliases, and the same type and name under
 * every key its parent may have had (the engine gives children of an aliased parent those aliases itself).
 */
export function candidateKeys(resource: PlannedResource, byUrn: ReadonlyMap<string, PlannedResource>): string[] {
  const own = [resourceKey(resource), ...(resource.aliases ?? [])];
  const parent = resource.parent === null ? undefined : byUrn.get(resource.parent);
  if (parent === undefined || parent.type === "pulumi:pulumi:Stack") {
    return [...new Set(own)];
  }
  const inherited = candidateKeys(parent, byUrn)
    .slice(1)
    .map((key) => (key === "pulumi:pulumi:Stack" ? "" : `${key.split("::")[0]}$`))
    .map((prefix) => `${prefix}${resource.type}::${resource.name}`);
  return [...new Set([...own, ...inherited])];
}

/** Whether the Kubernetes provider deletes before it replaces: it does for objects with a fixed `metadata.name`. */
function kubernetesNamed(resource: PlannedResource): boolean {
  const metadata = resource.inputs.metadata;
  return (
    resource.type.startsWith("kubernetes:") &&
    metadata !== null &&
    typeof metadata === "object" &&
    !Array.isArray(metadata) &&
    typeof metadata.name === "string"
  );
}

/** The leaves under `property` whose value may come from another resource (unknown or secret). */
function dependentLeaves(resource: PlannedResource, property: string): string[] {
  if (!(property in resource.inputs)) {
    return [];
  }
  const leaves = flatten({ [property]: resource.inputs[property] }, "");
  return [...leaves.entries()].filter(([, value]) => value === UNKNOWN || value === SECRET).map(([path]) => path);
}

/** Computes what changes from `before` to `after`. */
export async function diffPlans(
  before: readonly PlannedResource[],
  after: readonly PlannedResource[],
): Promise<PlanDiff> {
  const old = new Map(before.map((r) => [resourceKey(r), r]));
  const byUrn = new Map(after.map((r) => [r.urn, r]));
  const diff: PlanDiff = { created: [], deleted: [], updated: [], unchanged: 0, unaliasedMoves: [] };
  const matched = new Set<string>();
  const ordered = treeOrder(after);
  // Own keys first, so an alias never steals the resource that still has that URN.
  const previousOf = new Map<PlannedResource, { previous: PlannedResource; key: string }>();
  for (const resource of ordered) {
    const key = resourceKey(resource);
    const previous = old.get(key);
    if (previous) {
      previousOf.set(resource, { previous, key });
      matched.add(key);
    }
  }
  for (const resource of ordered) {
    if (previousOf.has(resource)) {
      continue;
    }
    const key = candidateKeys(resource, byUrn).find((k) => old.has(k) && !matched.has(k));
    if (key !== undefined) {
      previousOf.set(resource, { previous: old.get(key)!, key });
      matched.add(key);
    }
  }

  // Each resource's outcome, computed after those of the resources its inputs come from (memoized; the walk is
  // depth first and sequential, so a dependency still being judged is a cycle, impossible in a real program: it
  // counts as unchanged rather than waiting on itself).
  const results = new Map<PlannedResource, Promise<PlanUpdate | "create" | "same">>();
  const judging = new Set<PlannedResource>();
  const outcomeOf = (resource: PlannedResource): Promise<PlanUpdate | "create" | "same"> => {
    if (judging.has(resource)) {
      return Promise.resolve("same");
    }
    let result = results.get(resource);
    if (result === undefined) {
      judging.add(resource);
      result = judge(resource).finally(() => judging.delete(resource));
      results.set(resource, result);
    }
    return result;
  };
  const judge = async (resource: PlannedResource): Promise<PlanUpdate | "create" | "same"> => {
    const match = previousOf.get(resource);
    if (!match) {
      return "create";
    }
    const { previous, key } = match;
    const [was, now] = [properties(previous), properties(resource)];
    const paths = [...new Set([...was.keys(), ...now.keys()])].sort(comparePaths);
    const changes: PropertyChange[] = paths
      .filter((path) => was.get(path) !== now.get(path))
      .map((path) => ({ path, before: was.get(path), after: now.get(path) }));
    const forced = await forcedChangesOf(
      resource,
      previous.inputs,
      changes.map((c) => c.path),
    );
    // Inputs that come from a replaced or created resource: unknown until it exists, so they may change.
    const inherited: PropertyChange[] = [];
    const sources = new Map<PropertyChange, { dependency: PlannedResource; outcome: PlanUpdate | "create" }>();
    for (const [property, urns] of Object.entries(resource.propertyDependencies ?? {})) {
      for (const urn of urns) {
        const dependency = byUrn.get(urn);
        const outcome = dependency === undefined ? "same" : await outcomeOf(dependency);
        if (dependency === undefined || outcome === "same" || (outcome !== "create" && outcome.outcome === "update")) {
          continue; // an update in place keeps the resource's identity and the outputs dependents use
        }
        for (const path of dependentLeaves(resource, property)) {
          if (changes.some((c) => c.path === path) || inherited.some((c) => c.path === path)) {
            continue;
          }
          const change = { path, before: was.get(path), after: now.get(path), from: dependency };
          inherited.push(change);
          sources.set(change, { dependency, outcome });
        }
      }
    }
    const movedFrom = key === resourceKey(resource) ? undefined : key;
    if (changes.length === 0 && inherited.length === 0 && movedFrom === undefined) {
      return "same";
    }
    const inheritedForced = await forcedChangesOf(
      resource,
      previous.inputs,
      inherited.map((c) => c.path),
    );
    const rules = createOnlyRules(resource.type, resource.replaceOnChanges);
    const certain = (change: PropertyChange) => {
      const source = sources.get(change)!.outcome;
      return source === "create" || source.outcome === "replace";
    };
    const forcing = inherited.filter((c) => inheritedForced.some((f) => f.path === c.path));
    let outcome: Outcome = "update";
    let cause: { change: PropertyChange; source?: string } | undefined;
    if (forced.length > 0) {
      outcome = "replace";
    } else if (forcing.some(certain)) {
      outcome = "replace";
      const change = forcing.find(certain)!;
      cause = { change, source: inheritedForced.find((f) => f.path === change.path)?.source };
    } else if (forcing.length > 0) {
      outcome = "update or replace";
      cause = { change: forcing[0], source: inheritedForced.find((f) => f.path === forcing[0].path)?.source };
    } else if (inherited.length > 0 && (!rules.complete || !inherited.every(certain))) {
      // Create-only properties unknowable offline, or the source itself may or may not be replaced.
      outcome = "update or replace";
      cause = { change: inherited[0] };
    } else if (inherited.length > 0) {
      cause = { change: inherited[0] };
    }
    const allForced = [
      ...forced,
      ...inheritedForced.filter((f) => outcome !== "update" && forcing.some((c) => c.path === f.path)),
    ];
    let chain: CauseStep[] = [];
    if (cause !== undefined) {
      const { dependency, outcome: source } = sources.get(cause.change)!;
      const upstream: CauseStep[] =
        source === "create"
          ? [{ resource: dependency, outcome: "create" }]
          : source.chain.length > 0
            ? source.chain
            : [
                {
                  resource: dependency,
                  outcome: source.outcome,
                  path: source.forced[0]?.path ?? source.changes[0]?.path,
                  source: source.forced[0]?.source,
                },
              ];
      chain = [...upstream, { resource, outcome, path: cause.change.path, source: cause.source }];
    }
    const dependsOn = [...new Set([...sources.values()].map((s) => s.dependency))];
    const deleteBeforeReplace =
      outcome !== "update" && (resource.deleteBeforeReplace === true || kubernetesNamed(resource));
    return {
      before: previous,
      after: resource,
      changes: [...changes, ...inherited].sort((a, b) => comparePaths(a.path, b.path)),
      forced: allForced,
      deleteBeforeReplace,
      movedFrom,
      outcome,
      dependsOn,
      chain,
    };
  };

  for (const resource of ordered) {
    const result = await outcomeOf(resource);
    if (result === "create") {
      diff.created.push(resource);
    } else if (result === "same") {
      diff.unchanged++;
    } else {
      diff.updated.push(result);
    }
  }
  diff.deleted = treeOrder(before).filter((r) => !matched.has(resourceKey(r)));
  for (const gone of diff.deleted) {
    const same = diff.created.find((r) => r.type === gone.type && r.name === gone.name);
    if (same) {
      diff.unaliasedMoves.push({ before: gone, after: same });
    }
  }
  return diff;
}

function code(text: string): string {
  const escaped = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\|/g, "&#124;");
  return `<code>${escaped}</code>`;
}

function title(resource: PlannedResource): string {
  return `${code(resource.type)} **${resource.name.replace(/[\\`*_[\]<>|]/g, "\\$&")}**`;
}

function fenced(lines: string[]): string[] {
  const body = lines.join("\n");
  let fence = "```";
  while (body.includes(fence)) {
    fence += "`";
  }
  return [`${fence}text`, body, fence];
}

const verbs = { create: "created", replace: "replaced", update: "updated", "update or replace": "updated or replaced" };

/** One step of a chain of causes: `<type> **name** replaced (`path` changed, source)`. */
function causeStep(step: CauseStep, first: boolean): string {
  const detail =
    step.path === undefined
      ? ""
      : ` (${first ? "" : "its "}${code(step.path)}${first ? " changed" : ""}${step.source ? `: ${step.source}` : ""})`;
  return `${title(step.resource)} ${verbs[step.outcome]}${detail}`;
}

/** The difference as Markdown. */
export function renderDiff(heading: string, diff: PlanDiff): string {
  const { created, deleted, updated, unchanged, unaliasedMoves } = diff;
  const lines = [`### ${heading}`, ""];
  if (created.length + deleted.length + updated.length === 0) {
    lines.push(`No changes (${unchanged} resources unchanged).`);
    return lines.join("\n") + "\n";
  }
  lines.push(
    `**${created.length} to create, ${updated.length} to update, ${deleted.length} to delete**, ${unchanged} unchanged.`,
  );
  const replaced = updated.filter((u) => u.outcome === "replace");
  const outages = replaced.filter((u) => u.deleteBeforeReplace);
  const uncertain = updated.filter((u) => u.outcome === "update or replace");
  if (replaced.length > 0) {
    lines.push(
      "",
      `⚠️ **${replaced.length} of the updates replace${replaced.length === 1 ? "s" : ""} the resource**` +
        (outages.length > 0
          ? `, ${outages.length} deleting the old one first (an outage until the new one exists)`
          : "") +
        ".",
    );
  }
  if (uncertain.length > 0) {
    lines.push(
      "",
      `❔ **${uncertain.length} of the updates may replace the resource**: ` +
        "an input comes from a resource that is replaced, and offline the plan cannot tell whether that forces a replacement.",
    );
  }
  if (unaliasedMoves.length > 0) {
    lines.push(
      "",
      `⚠️ **${unaliasedMoves.length} resource${unaliasedMoves.length === 1 ? "" : "s"} changed URN without an alias** ` +
        "(deleted and created again; add an alias to keep it):",
      "",
      ...unaliasedMoves.map(
        (m) => `- ${title(m.after)}: ${code(resourceKey(m.before))} → ${code(resourceKey(m.after))}`,
      ),
    );
  }
  if (created.length > 0) {
    lines.push("", "#### Created", "");
    lines.push(...created.map((r) => `- ➕ ${title(r)}`));
    const inputs = created.flatMap((r) => [
      `+ ${r.type}  ${r.name}`,
      ...Object.keys(r.inputs).flatMap((key) => formatEntry(key, r.inputs[key], "    ")),
    ]);
    lines.push("", "<details><summary>Inputs of created resources</summary>", "", ...fenced(inputs), "", "</details>");
  }
  if (updated.length > 0) {
    lines.push("", "#### Updated");
    for (const update of updated) {
      const { after, changes, forced, deleteBeforeReplace, movedFrom, outcome, dependsOn, chain } = update;
      const notes: string[] = [];
      const origin = dependsOn.length > 0 ? ` (depends on ${dependsOn.map(title).join(", ")})` : "";
      if (outcome === "replace") {
        const causes = forced.map((f) => `${code(f.path)} (${f.source})`).join(", ");
        notes.push(`**replace**, forced by ${causes}${chain.length > 0 ? origin : ""}`);
      } else if (outcome === "update or replace") {
        notes.push(`**update or replace**${origin}`);
      } else if (dependsOn.length > 0) {
        notes.push(`update${origin}`);
      }
      if (deleteBeforeReplace) {
        notes.push("⚠️ **deleted before its replacement is created** (outage)");
      }
      if (movedFrom !== undefined) {
        notes.push(`URN changed from ${code(movedFrom)} (alias: no replacement)`);
      }
      const icon = outcome === "replace" ? "🔁" : outcome === "update or replace" ? "❔" : "✏️";
      lines.push("", `- ${icon} ${title(after)}${notes.length > 0 ? `: ${notes.join("; ")}` : ""}`);
      if (chain.length > 0) {
        lines.push("", `  Cause: ${chain.map((step, i) => causeStep(step, i === 0)).join(" → ")}`);
      }
      if (changes.length === 0) {
        continue;
      }
      lines.push("", "  | Property | Before | After |", "  |---|---|---|");
      for (const change of changes) {
        const cell = (value: string | undefined) => (value === undefined ? "(none)" : code(value));
        const from = change.from === undefined ? "" : ` from ${title(change.from)}`;
        lines.push(`  | ${code(change.path)} | ${cell(change.before)} | ${cell(change.after)}${from} |`);
      }
    }
  }
  if (deleted.length > 0) {
    lines.push("", "#### Deleted", "", ...deleted.map((r) => `- ➖ ${title(r)}`));
  }
  return lines.join("\n") + "\n";
}
