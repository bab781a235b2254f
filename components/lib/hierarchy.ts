/**
 * Nested connected registries (platform-facts §1): the rules `az acr connected-registry create --parent`
 * enforces (a parent's mode, a child's repositories among its parent's), and a tree's order, as pure functions of
 * the tree. The sync scope maps a tree ends up with (each node's own actions ∪ its descendants'):
 * `scopeMapActions.ts`.
 */

/** One connected registry of a tree, as far as scope maps and the parent rules are concerned. */
export interface HierarchyNode {
  /** Connected registry name. */
  name: string;
  /** Name of the parent connected registry; undefined for a child of the cloud registry. */
  parentName?: string;
  /** `ReadOnly` or `ReadWrite`. */
  mode: string;
  /** Repositories it syncs. */
  repositories: readonly string[];
}

/** Why a `childMode` connected registry cannot have a `parentMode` parent (az's rule), or undefined. */
export function parentModeProblem(parentMode: string, childMode: string): string | undefined {
  return parentMode === "ReadWrite" || parentMode === childMode
    ? undefined
    : `a ${parentMode} parent can only have ${parentMode} children, and this connected registry is ${childMode}; make the parent ReadWrite or this connected registry ${parentMode}.`;
}

/** The first of `repositories` its parent does not sync (compared lowercased), or undefined. */
export function repositoryNotSyncedByParent(
  parentRepositories: readonly string[],
  repositories: readonly string[],
): string | undefined {
  const synced = new Set(parentRepositories.map((r) => r.toLowerCase()));
  return repositories.find((r) => !synced.has(r.toLowerCase()));
}

/** A problem found in a tree: the index of the node and the field it is about. */
export interface TreeProblem {
  index: number;
  field: "name" | "parentName" | "mode" | "repositories";
  reason: string;
}

/**
 * Checks a tree given as a flat list (each node names its parent): unique names, known parents, no cycles,
 * parent modes and parent repositories. Returns the first problem, or the nodes in top-down order (every parent
 * before its children, siblings in the given order).
 */
export function orderTree<T extends HierarchyNode>(nodes: readonly T[]): T[] | TreeProblem {
  const byName = new Map<string, number>();
  for (const [index, node] of nodes.entries()) {
    const key = node.name.toLowerCase();
    if (byName.has(key)) {
      return {
        index,
        field: "name",
        reason: `"${node.name}" is used twice (connected registry names are case-insensitive); give each node its own name.`,
      };
    }
    byName.set(key, index);
  }
  for (const [index, node] of nodes.entries()) {
    if (node.parentName === undefined) {
      continue;
    }
    const parentIndex = byName.get(node.parentName.toLowerCase());
    if (parentIndex === undefined) {
      const names = nodes.map((n) => n.name).join(", ");
      return {
        index,
        field: "parentName",
        reason: `"${node.parentName}" is not a node of this tree (nodes: ${names}); name one of them, or omit parentName for a child of the cloud registry.`,
      };
    }
    const parent = nodes[parentIndex];
    const modeProblem = parentModeProblem(parent.mode, node.mode);
    if (modeProblem !== undefined) {
      return { index, field: "mode", reason: `parent "${parent.name}": ${modeProblem}` };
    }
    const missing = repositoryNotSyncedByParent(parent.repositories, node.repositories);
    if (missing !== undefined) {
      return {
        index,
        field: "repositories",
        reason: `"${missing}" is not synced by the parent "${parent.name}" (a child can only sync what its parent has); add it to the parent's repositories, or remove it here.`,
      };
    }
  }
  const ordered: T[] = [];
  const visit = (parentName: string | undefined) => {
    for (const node of nodes) {
      if ((node.parentName?.toLowerCase() ?? undefined) === parentName) {
        ordered.push(node);
        visit(node.name.toLowerCase());
      }
    }
  };
  visit(undefined);
  if (ordered.length < nodes.length) {
    const index = nodes.findIndex((node) => !ordered.includes(node));
    return {
      index,
      field: "parentName",
      reason: `"${nodes[index].parentName}" makes a cycle (a node is its own ancestor); every chain of parents must end at a node without parentName.`,
    };
  }
  return ordered;
}

/** Every descendant of `name` (children, grandchildren, …) in top-down order. */
export function descendantsOf<T extends HierarchyNode>(nodes: readonly T[], name: string): T[] {
  const children = nodes.filter((node) => node.parentName?.toLowerCase() === name.toLowerCase());
  return children.flatMap((child) => [child, ...descendantsOf(nodes, child.name)]);
}
