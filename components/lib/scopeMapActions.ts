/**
 * Scope-map actions exactly as `az acr connected-registry create` builds them (platform-facts §1):
 * `<prefix>/<resource lowercased>/<action>`, repositories first (in the given order), then the gateway.
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

/** The sync scope map's actions: repository actions of the mode, then the gateway actions. */
export function syncScopeMapActions(
  connectedRegistryName: string,
  mode: string,
  repositories: readonly string[],
): string[] {
  return [
    ...repositoryScopeActions(repositories, repositoryActionsForMode(mode)),
    ...gatewayScopeActions(connectedRegistryName),
  ];
}
