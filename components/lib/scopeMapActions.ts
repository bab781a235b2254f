/**
 * Scope-map actions exactly as `az acr connected-registry create` builds them (platform-facts §1):
 * `<prefix>/<resource lowercased>/<action>`, repositories first (in the given order), then the gateway. The one
 * home of every scope map's actions: a client token's, and a sync scope map's with its descendants'.
 *
 * Nested connected registries: az, creating a child top-down, adds to every ancestor's sync scope map the child's
 * gateway actions and the child's repositories with the child's mode actions (a set union); `delete --cleanup`
 * removes the child's gateway actions from the ancestors. Declared as a tree, each node's scope map is therefore
 * its own actions ∪ those of every descendant; with the rule that a child's repositories are synced by its parent
 * (`hierarchy.ts`), the descendants' repository actions are already among each ancestor's own, so removing a child
 * removes exactly its gateway actions, as `delete --cleanup` does.
 */

/** Repository actions a ReadOnly connected registry's sync token gets. */
export const readOnlyRepositoryActions: readonly string[] = ["content/read", "metadata/read"];

/** Repository actions a ReadWrite connected registry's sync token gets. */
export const readWriteRepositoryActions: readonly string[] = [
  "content/read",
  "content/write",
  "content/delete",
  "metadata/read",
  "metadata/write",
];

/** Gateway actions every sync token gets on its own connected registry. */
export const gatewayActions: readonly string[] = ["config/read", "config/write", "message/read", "message/write"];

/** The repository actions of a connected registry mode (`ReadOnly` or `ReadWrite`). */
export function repositoryActionsForMode(mode: string): readonly string[] {
  return mode === "ReadWrite" ? readWriteRepositoryActions : readOnlyRepositoryActions;
}

/** `repositories/<repo>/<action>` for every repository and action, repositories lowercased. */
export function repositoryScopeActions(repositories: readonly string[], actions: readonly string[]): string[] {
  return repositories.flatMap((repository) =>
    actions.map((action) => `repositories/${repository.toLowerCase()}/${action}`),
  );
}

/** `gateway/<connected registry lowercased>/<action>` for the four gateway actions. */
export function gatewayScopeActions(connectedRegistryName: string): string[] {
  return gatewayActions.map((action) => `gateway/${connectedRegistryName.toLowerCase()}/${action}`);
}

/** A connected registry below another one, as far as the ancestors' sync scope maps are concerned. */
export interface DescendantActions {
  /** Connected registry name. */
  name: string;
  /** `ReadOnly` or `ReadWrite`. */
  mode: string;
  /** Repositories it syncs. */
  repositories: readonly string[];
}

/** One connected registry's own sync actions: repository actions of its mode, then its gateway actions. */
function ownSyncActions(connectedRegistryName: string, mode: string, repositories: readonly string[]): string[] {
  return [
    ...repositoryScopeActions(repositories, repositoryActionsForMode(mode)),
    ...gatewayScopeActions(connectedRegistryName),
  ];
}

/**
 * The sync scope map's actions: its own (repository actions of the mode, then the gateway actions), then what
 * each descendant adds (the same actions of the descendant, az's union: no action twice, in first-seen order).
 */
export function syncScopeMapActions(
  connectedRegistryName: string,
  mode: string,
  repositories: readonly string[],
  descendants: readonly DescendantActions[] = [],
): string[] {
  const actions = ownSyncActions(connectedRegistryName, mode, repositories);
  const seen = new Set(actions);
  for (const descendant of descendants) {
    for (const action of ownSyncActions(descendant.name, descendant.mode, descendant.repositories)) {
      if (!seen.has(action)) {
        seen.add(action);
        actions.push(action);
      }
    }
  }
  return actions;
}
