/**
 * `ConnectedRegistry`'s clients: the generated client tokens (`clientTokens`, checked and defaulted) and the
 * existing ones (`existingClientTokens`, resolved to ARM ids), at most {@link maxClients} in all.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ConnectedRegistryArgs, ClientTokenSpec } from "../../connectedRegistry";
import { registryChildId, tokenNameOf } from "../armId";
import { checkClientTokenName, checkRepository, checkTokenName } from "../connectedRegistryChecks";
import { mapAll } from "../inputs";
import { readOnlyRepositoryActions, readWriteRepositoryActions } from "../scopeMapActions";
import {
  Check,
  Gate,
  allGates,
  firstDuplicate,
  gateTogether,
  inputError,
  isKnown,
  knownValue,
  oneOf,
  validateKnown,
  validateList,
  validateWhenKnown,
} from "../validation";
import { passwordSlots, readOnlyMode } from "./enums";

/** At most this many clients per connected registry (docs 2025; older docs said 20). */
export const maxClients = 50;

/** A repository list: at least one, none twice (compared lowercased). */
export const notEmptyUnique: Check<readonly string[]> = (items) => {
  if (items.length === 0) {
    return 'is empty; list at least one repository to sync, e.g. ["hello-world"].';
  }
  const duplicate = firstDuplicate(items, (r) => r.toLowerCase());
  return duplicate === undefined
    ? undefined
    : `lists "${duplicate}" twice (names are compared lowercased); remove one.`;
};

/** A client token, validated: name known now; repositories and actions plain when known, else outputs. */
export interface ClientToken {
  name: string;
  repositories: pulumi.Input<pulumi.Input<string>[]>;
  actions: pulumi.Input<string[]>;
  /** The slot its password may take over (`ClientTokenSpec.takeOverPasswordSlot`), validated. */
  takeOverPasswordSlot: pulumi.Input<string> | undefined;
  /** The deploy-time checks of this token, to put on the inputs of its scope map and token. */
  gate: Gate;
}

/** Checks `clientTokens` (names now; repositories and actions now or when known) and fills in defaults. */
export function planClientTokens(
  clientTokens: ConnectedRegistryArgs["clientTokens"],
  sync: {
    modeInput: pulumi.Input<string>;
    nameInput: pulumi.Input<string>;
    repositories: pulumi.Input<pulumi.Input<string>[]> | undefined;
  },
): ClientToken[] {
  if (clientTokens === undefined) {
    return [];
  }
  const specs = knownValue(clientTokens);
  if (specs === undefined || !specs.every((spec) => isKnown(spec) && isKnown(spec.name))) {
    throw inputError(
      "clientTokens",
      "must be known at preview (plain values, not outputs of other resources): each client token creates resources.",
    );
  }
  const tokens = specs as ClientTokenSpec[];
  if (tokens.length > maxClients) {
    throw inputError(
      "clientTokens",
      `has ${tokens.length} tokens; a connected registry accepts at most ${maxClients} clients.`,
    );
  }
  const names = tokens.map((spec) => spec.name as string);
  return tokens.map((spec, i) => {
    const path = `clientTokens[${i}]`;
    validateKnown(`${path}.name`, names[i], checkClientTokenName);
    if (names.slice(0, i).some((other) => other.toLowerCase() === names[i].toLowerCase())) {
      throw inputError(
        `${path}.name`,
        `"${names[i]}" is used twice (token names are case-insensitive); give each client token its own name.`,
      );
    }
    const nameGate = gateTogether<[string]>(`${path}.name`, [sync.nameInput], ([syncName]) =>
      syncName.toLowerCase() === names[i].toLowerCase()
        ? `"${names[i]}" is the sync token's name (the connected registry name); choose another name.`
        : undefined,
    );
    const takeOverPasswordSlot =
      spec.takeOverPasswordSlot === undefined
        ? undefined
        : validateWhenKnown(`${path}.takeOverPasswordSlot`, spec.takeOverPasswordSlot, oneOf(passwordSlots));
    const actionsInput = spec.actions ?? [...readOnlyRepositoryActions];
    const actions = validateList(`${path}.actions`, actionsInput, oneOf([...readWriteRepositoryActions]), (list) =>
      list.length === 0 ? "is empty; omit it for read access, or list the actions." : undefined,
    );
    const actionsGate = gateTogether<[string, string[]]>(
      `${path}.actions`,
      [sync.modeInput, actionsInput],
      ([mode, list]) => {
        const write = list.find((action) => !readOnlyRepositoryActions.includes(action));
        return mode === readOnlyMode && write !== undefined
          ? `"${write}" is not allowed on a ReadOnly connected registry (its clients can only pull); use content/read and metadata/read, or set mode to ReadWrite.`
          : undefined;
      },
    );
    const synced = sync.repositories;
    if (synced === undefined) {
      if (spec.repositories === undefined) {
        throw inputError(
          `${path}.repositories`,
          "is required with syncTokenName: the existing sync token decides what syncs, so list the repositories this client may use.",
        );
      }
      const own = validateList(`${path}.repositories`, spec.repositories, checkRepository, notEmptyUnique);
      return {
        name: names[i],
        repositories: own,
        actions,
        takeOverPasswordSlot,
        gate: allGates([nameGate, actionsGate]),
      };
    }
    const repositoriesInput = spec.repositories ?? synced;
    const repositories =
      spec.repositories === undefined
        ? synced
        : validateList(`${path}.repositories`, spec.repositories, checkRepository, notEmptyUnique);
    const repositoriesGate = gateTogether<[string[], string[]]>(
      `${path}.repositories`,
      [synced, repositoriesInput],
      ([all, own]) => {
        const missing = own.find((r) => !all.some((s) => s.toLowerCase() === r.toLowerCase()));
        return missing === undefined
          ? undefined
          : `"${missing}" is not synced to this connected registry; add it to repositories, or remove it here.`;
      },
    );
    return {
      name: names[i],
      repositories,
      actions,
      takeOverPasswordSlot,
      gate: allGates([nameGate, actionsGate, repositoriesGate]),
    };
  });
}

/** Where a token given by name lives: the registry's subscription (asked for only when needed), group and name. */
export interface TokenScope {
  subscription: () => pulumi.Input<string>;
  resourceGroupName: pulumi.Input<string>;
  registryName: pulumi.Input<string>;
}

/** The ARM id of an existing token given by name or id (`path` names the argument in errors). */
export function existingTokenId(scope: TokenScope, path: string, nameOrId: pulumi.Input<string>): pulumi.Input<string> {
  const checked = validateWhenKnown(path, nameOrId, (value) => {
    const tokenName = tokenNameOf(value);
    return tokenName === undefined
      ? `"${value}" is not a token ARM id (/subscriptions/<guid>/resourceGroups/<group>/providers/Microsoft.ContainerRegistry/registries/<registry>/tokens/<name>) nor a token name.`
      : checkTokenName(tokenName);
  });
  const known = knownValue(checked);
  if (known !== undefined && known.startsWith("/")) {
    return known;
  }
  const subscriptionId = scope.subscription();
  return mapAll([subscriptionId, scope.resourceGroupName, scope.registryName, checked], ([sub, rg, registry, value]) =>
    registryChildId({ subscriptionId: sub, resourceGroupName: rg, registryName: registry }, "tokens", value),
  );
}

/** The ARM ids of `existingClientTokens`, checked (at most {@link maxClients} clients with the generated ones). */
export function existingClientTokenIds(
  existingClientTokens: ConnectedRegistryArgs["existingClientTokens"],
  scope: TokenScope,
  generated: number,
): pulumi.Input<string>[] {
  if (existingClientTokens === undefined) {
    return [];
  }
  const list = knownValue(existingClientTokens);
  if (list === undefined) {
    throw inputError(
      "existingClientTokens",
      "must be a list known at preview (its items may be outputs): each entry becomes a client token id.",
    );
  }
  if (list.length + generated > maxClients) {
    throw inputError(
      "existingClientTokens",
      `with clientTokens makes ${list.length + generated} clients; a connected registry accepts at most ${maxClients}.`,
    );
  }
  return list.map((item, i) => existingTokenId(scope, `existingClientTokens[${i}]`, item));
}
