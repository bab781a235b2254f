/**
 * What `ConnectedRegistry` syncs: `repositories` (a sync scope map and token named after the connected registry,
 * holding its descendants' actions too) or `syncTokenName` (an existing token, whose scope map decides).
 */
import * as pulumi from "@pulumi/pulumi";
import type { ConnectedRegistryArgs } from "../../connectedRegistry";
import { checkConnectedRegistryName, checkRepository } from "../connectedRegistryChecks";
import { mapAll } from "../inputs";
import { syncScopeMapActions } from "../scopeMapActions";
import { inputError, oneOf } from "../validation";
import { modes, readOnlyMode } from "./enums";

/** Checks the exclusive sync arguments: `repositories` or `syncTokenName`, and `descendants` only with the former. */
export function checkSyncSource(args: ConnectedRegistryArgs): void {
  if (args.syncTokenName !== undefined && args.repositories !== undefined) {
    throw inputError(
      "syncTokenName",
      "cannot be combined with repositories (as az's --sync-token and --repository): the existing token's scope map decides what syncs; remove one of them.",
    );
  }
  if (args.syncTokenName === undefined && args.repositories === undefined) {
    throw inputError(
      "repositories",
      'is required (e.g. ["hello-world"]), unless syncTokenName names an existing sync token.',
    );
  }
  if (args.syncTokenName !== undefined && args.descendants !== undefined) {
    throw inputError(
      "descendants",
      "needs the sync scope map this component creates, and syncTokenName uses an existing token; add the descendants' actions to that token's scope map yourself, or remove syncTokenName.",
    );
  }
}

/**
 * The sync scope map's actions: this registry's own (as az builds them) ∪ every descendant's (az's union), each
 * descendant checked (`descendants[i]`) now when known, else in the apply that produces the actions.
 */
export function syncActions(
  connectedRegistryName: pulumi.Input<string>,
  mode: pulumi.Input<string>,
  repositories: pulumi.Input<string[]>,
  descendants: ConnectedRegistryArgs["descendants"],
): pulumi.Input<string[]> {
  return mapAll([connectedRegistryName, mode, repositories, descendants], ([crName, m, repos, below]) =>
    syncScopeMapActions(
      crName,
      m,
      repos,
      (below ?? []).map((descendant, i) => {
        const path = `descendants[${i}]`;
        const problem = checkConnectedRegistryName(descendant.connectedRegistryName);
        if (problem !== undefined) {
          throw inputError(`${path}.connectedRegistryName`, problem);
        }
        const descendantMode = descendant.mode ?? readOnlyMode;
        const modeProblem = oneOf(modes)(descendantMode);
        if (modeProblem !== undefined) {
          throw inputError(`${path}.mode`, modeProblem);
        }
        descendant.repositories.forEach((repository, j) => {
          const reason = checkRepository(repository);
          if (reason !== undefined) {
            throw inputError(`${path}.repositories[${j}]`, reason);
          }
        });
        return { name: descendant.connectedRegistryName, mode: descendantMode, repositories: descendant.repositories };
      }),
    ),
  );
}
