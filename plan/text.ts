/** Renders an offline plan for people: the resource tree with inputs, stack outputs and counts by type. */
import { PlannedResource, PlanValue, SECRET, UNKNOWN, compare, elide, treeOrder } from "./model";

/** One scalar as printed: strings quoted (JSON), long ones summarised, the two markers bare. */
export function formatScalar(value: PlanValue): string {
  if (typeof value === "string") {
    if (value === SECRET || value === UNKNOWN) {
      return value;
    }
    const shown = elide(value);
    return shown === value ? JSON.stringify(value) : shown;
  }
  return JSON.stringify(value);
}

/** A value as indented YAML-like lines. */
export function formatValue(value: PlanValue, indent: string): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) {
      return [];
    }
    return value.flatMap((element) => {
      const [first, ...rest] = isNested(element) ? formatValue(element, `${indent}  `) : [formatScalar(element)];
      return isNested(element) ? [`${indent}- ${first.trimStart()}`, ...rest] : [`${indent}- ${first}`];
    });
  }
  if (value !== null && typeof value === "object") {
    return Object.keys(value).flatMap((key) => formatEntry(key, value[key], indent));
  }
  return [`${indent}${formatScalar(value)}`];
}

/** `key: value`, or `key:` followed by the nested value one level deeper. */
export function formatEntry(key: string, value: PlanValue, indent: string): string[] {
  const label = /^[A-Za-z0-9_.\-/]+$/.test(key) ? key : JSON.stringify(key);
  if (isNested(value)) {
    return [`${indent}${label}:`, ...formatValue(value, `${indent}    `)];
  }
  const empty = Array.isArray(value) ? "[]" : value !== null && typeof value === "object" ? "{}" : undefined;
  return [`${indent}${label}: ${empty ?? formatScalar(value)}`];
}

function isNested(value: PlanValue): value is PlanValue[] | { [key: string]: PlanValue } {
  return value !== null && typeof value === "object" && Object.keys(value).length > 0;
}

/** Number of resources per type (the stack included, as preview counts it), sorted by type. */
export function countsByType(resources: readonly PlannedResource[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const resource of resources) {
    counts.set(resource.type, (counts.get(resource.type) ?? 0) + 1);
  }
  return [...counts.entries()].sort(([a], [b]) => compare(a, b));
}

/** The whole plan as text, like `pulumi preview --diff` shows a first deployment. */
export function renderText(project: string, stack: string, resources: readonly PlannedResource[]): string {
  const lines = [`Previewing update (${stack}) of project ${project}, offline: no cloud, values from mocks`, ""];
  const depth = new Map<string | null, number>([[null, 0]]);
  const ordered = treeOrder(resources);
  for (const resource of ordered) {
    const level = (depth.get(resource.parent) ?? 0) + 1;
    depth.set(resource.urn, level);
    const indent = "    ".repeat(level - 1);
    lines.push(`${indent}${resource.read ? "= (read)" : "+"} ${resource.type}  ${resource.name}`);
    for (const key of Object.keys(resource.inputs)) {
      lines.push(...formatEntry(key, resource.inputs[key], `${indent}    `));
    }
  }
  const stackResource = ordered.find((r) => r.type === "pulumi:pulumi:Stack");
  const outputs = stackResource?.outputs ?? {};
  if (Object.keys(outputs).length > 0) {
    lines.push("", "Outputs:");
    for (const key of Object.keys(outputs)) {
      lines.push(...formatEntry(key, outputs[key], "    "));
    }
  }
  const counts = countsByType(resources);
  const total = counts.reduce((sum, [, count]) => sum + count, 0);
  lines.push("", "Resources:", `    + ${total} to create`);
  const width = Math.max(0, ...counts.map(([type]) => type.length));
  for (const [type, count] of counts) {
    lines.push(`      ${type.padEnd(width)}  ${count}`);
  }
  return lines.join("\n") + "\n";
}
