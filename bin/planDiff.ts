/**
 * Compares two offline plans (`--json` output) and renders the difference as Markdown for a pull request
 * comment: resources created, deleted and updated, with every changed property before and after.
 *
 * Resources are matched by URN without stack and project, so plans of two stacks of one program compare too.
 */
import { PlannedResource, PlanValue, compare, resourceKey, treeOrder } from "./planModel";
import { formatEntry, formatScalar } from "./planText";

/** One changed property of an updated resource. */
export interface PropertyChange {
  path: string;
  before?: string;
  after?: string;
}

/** The difference between two plans. */
export interface PlanDiff {
  created: PlannedResource[];
  deleted: PlannedResource[];
  updated: { before: PlannedResource; after: PlannedResource; changes: PropertyChange[]; replacedBy?: string[] }[];
  unchanged: number;
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

/** Computes what changes from `before` to `after`. */
export function diffPlans(before: readonly PlannedResource[], after: readonly PlannedResource[]): PlanDiff {
  const old = new Map(before.map((r) => [resourceKey(r), r]));
  const current = new Map(after.map((r) => [resourceKey(r), r]));
  const diff: PlanDiff = { created: [], deleted: [], updated: [], unchanged: 0 };
  for (const resource of treeOrder(after)) {
    const previous = old.get(resourceKey(resource));
    if (!previous) {
      diff.created.push(resource);
      continue;
    }
    const [was, now] = [properties(previous), properties(resource)];
    const paths = [...new Set([...was.keys(), ...now.keys()])].sort(compare);
    const changes = paths
      .filter((path) => was.get(path) !== now.get(path))
      .map((path) => ({ path, before: was.get(path), after: now.get(path) }));
    if (changes.length > 0) {
      const replacedBy = replacingPaths(resource.replaceOnChanges ?? [], changes);
      diff.updated.push({
        before: previous,
        after: resource,
        changes,
        ...(replacedBy.length > 0 ? { replacedBy } : {}),
      });
    } else {
      diff.unchanged++;
    }
  }
  diff.deleted = treeOrder(before).filter((r) => !current.has(resourceKey(r)));
  return diff;
}

/** The `replaceOnChanges` paths (`mode`, `parent.id`, `tags.*`) that one of `changes` touches. */
function replacingPaths(replaceOnChanges: readonly string[], changes: readonly PropertyChange[]): string[] {
  return replaceOnChanges.filter((pattern) => {
    const prefix = pattern.replace(/\.?\*$/, "");
    return changes.some(
      (change) =>
        pattern === "*" ||
        change.path === prefix ||
        change.path.startsWith(`${prefix}.`) ||
        change.path.startsWith(`${prefix}[`),
    );
  });
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
  const { created, deleted, updated, unchanged } = diff;
  const lines = [`### ${heading}`, ""];
  if (created.length + deleted.length + updated.length === 0) {
    lines.push(`No changes (${unchanged} resources unchanged).`);
    return lines.join("\n") + "\n";
  }
  const replaced = updated.filter((u) => u.replacedBy !== undefined).length;
  lines.push(
    `**${created.length} to create, ${updated.length - replaced} to update, ${replaced > 0 ? `${replaced} to replace, ` : ""}${deleted.length} to delete**, ${unchanged} unchanged.`,
  );
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
    for (const { after, changes, replacedBy } of updated) {
      const how =
        replacedBy === undefined
          ? `- ✏️ ${title(after)}`
          : `- 🔁 ${title(after)} **replaced**: ${replacedBy.map(code).join(", ")} cannot change in place, so it is deleted and created again (\`replaceOnChanges\`)`;
      lines.push("", how, "", "  | Property | Before | After |", "  |---|---|---|");
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
