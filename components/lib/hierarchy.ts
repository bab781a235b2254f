/**
 * Nested connected registries (platform-facts §1): the rules `az acr connected-registry create --parent`
 * enforces and the sync scope maps its incremental updates end up with, as pure functions of the tree.
 *
 * az, creating a child top-down, adds to every ancestor's sync scope map the child's gateway actions
 * (`gateway/<child>/{config,message}/{read,write}`) and the child's repositories with the child's mode actions
 * (a set union); `delete --cleanup` removes the child's gateway actions from the ancestors. Declared as a
 * tree, each node's scope map is therefore its own actions ∪ the gateway and repository actions of every
 * descendant; with the rule that a child's repositories are synced by its parent (checked here), the
 * descendants' repository actions are already among each ancestor's own, so removing a child removes exactly
 * its gateway actions, as `delete --cleanup` does.
 */
import { gatewayScopeActions, repositoryActionsForMode, repositoryScopeActions } from "./scopeMapActions";

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

/** A descendant's contribution to its ancestors' sync scope maps. */
export interface DescendantActions {
  name: string;
  mode: string;
  repositories: readonly string[];
}

/**
 * The actions a descendant adds to each ancestor's sync scope map, as az adds them: its repositories with its
 * mode's actions, then its gateway actions.
 */
export function descendantActions(descendant: DescendantActions): string[] {
  return [
    ...repositoryScopeActions(descendant.repositories, repositoryActionsForMode(descendant.mode)),
    ...gatewayScopeActions(descendant.name),
  ];
}

/** `own` ∪ every descendant's actions, without duplicates: `own` in its order, then what each descendant adds. */
export function unionSyncActions(own: readonly string[], descendants: readonly DescendantActions[]): string[] {
  const actions = [...own];
  const seen = new Set(own);
  for (const action of descendants.flatMap(descendantActions)) {
    if (!seen.has(action)) {
      seen.add(action);
      actions.push(action);
    }
  }
  return actions;
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
