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
 */
import { PlannedResource, PlanValue, compare, resourceKey, treeOrder } from "./model";
import { formatEntry, formatScalar } from "./text";
import { ForcedChange, forcedChanges } from "./replacements";

/** One changed property of an updated resource. */
export interface PropertyChange {
  path: string;
  before?: string;
  after?: string;
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

/** Flattens a value into `path -> printed leaf` pairs (`a.b[0]`, `labels["app.kubernetes.io/name"]`). */
export function flatten(value: PlanValue, path: string, into = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value)) {
    if (value.length === 0) {
      into.set(path, "[]");
    }
    value.forEach((element, index) => flatten(element, `${path}[${index}]`, into));
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

/** Computes what changes from `before` to `after`. */
export function diffPlans(before: readonly PlannedResource[], after: readonly PlannedResource[]): PlanDiff {
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
  for (const resource of ordered) {
    const match = previousOf.get(resource);
    if (!match) {
      diff.created.push(resource);
      continue;
    }
    const { previous, key } = match;
    const [was, now] = [properties(previous), properties(resource)];
    const paths = [...new Set([...was.keys(), ...now.keys()])].sort(compare);
    const changes = paths
      .filter((path) => was.get(path) !== now.get(path))
      .map((path) => ({ path, before: was.get(path), after: now.get(path) }));
    const movedFrom = key === resourceKey(resource) ? undefined : key;
    if (changes.length > 0 || movedFrom !== undefined) {
      const forced = forcedChanges(
        resource.type,
        changes.map((c) => c.path),
        resource.replaceOnChanges,
      );
      const deleteBeforeReplace =
        forced.length > 0 && (resource.deleteBeforeReplace === true || kubernetesNamed(resource));
      diff.updated.push({ before: previous, after: resource, changes, forced, deleteBeforeReplace, movedFrom });
    } else {
      diff.unchanged++;
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
  const replaced = updated.filter((u) => u.forced.length > 0);
  const outages = replaced.filter((u) => u.deleteBeforeReplace);
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
    for (const { after, changes, forced, deleteBeforeReplace, movedFrom } of updated) {
      const notes: string[] = [];
      if (forced.length > 0) {
        const causes = forced.map((f) => `${code(f.path)} (${f.source})`).join(", ");
        notes.push(`**replace**, forced by ${causes}`);
        if (deleteBeforeReplace) {
          notes.push("⚠️ **deleted before its replacement is created** (outage)");
        }
      }
      if (movedFrom !== undefined) {
        notes.push(`URN changed from ${code(movedFrom)} (alias: no replacement)`);
      }
      const icon = forced.length > 0 ? "🔁" : "✏️";
      lines.push("", `- ${icon} ${title(after)}${notes.length > 0 ? `: ${notes.join("; ")}` : ""}`);
      if (changes.length === 0) {
        continue;
      }
      lines.push("", "  | Property | Before | After |", "  |---|---|---|");
      for (const change of changes) {
        const cell = (value: string | undefined) => (value === undefined ? "(none)" : code(value));
        lines.push(`  | ${code(change.path)} | ${cell(change.before)} | ${cell(change.after)} |`);
      }
    }
  }
  if (deleted.length > 0) {
    lines.push("", "#### Deleted", "", ...deleted.map((r) => `- ➖ ${title(r)}`));
  }
  return lines.join("\n") + "\n";
}
