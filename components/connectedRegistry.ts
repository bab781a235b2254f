/**
 * `ConnectedRegistry`: what `az acr connected-registry create` + `get-settings --generate-password 1`
 * do, declaratively (platform-facts §1, §2):
 *
 * - a sync scope map and a sync token, both named after the connected registry (token enabled);
 * - the token's passwords (TokenPassword, components/operations/tokenPassword.ts): generated once (never on
 *   preview, never again on an unchanged `pulumi up`); rotated without downtime by changing `passwordExpiry`
 *   or `passwordRotationTrigger` (the other password slot is generated and becomes current, the previous
 *   password stays valid until the following rotation);
 * - the `containerregistry.ConnectedRegistry` (cloud parent: no `parent.id`; a nested one, az `--parent`: the
 *   parent connected registry's ARM id, with az's parent rules checked, see `lib/hierarchy.ts`);
 * - its sync scope map also holds its descendants' actions (`descendants`, az's union; `ConnectedRegistryTree`);
 * - per client token: a scope map `<token>-scope-map`, a token and a generated password, passed as
 *   `clientTokenIds` (with existing tokens, as az's `--client-tokens`);
 * - the connection string the Arc extension needs, as a secret.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import { connectedRegistryIdProblem, registryChildId, tokenNameOf } from "./lib/armId";
import {
  StatefulResourceOptions,
  checkedStatefulOptions,
  withLifecycleOptions,
  withStatefulOptions,
} from "./lib/childOptions";
import {
  checkClientTokenName,
  checkConnectedRegistryName,
  checkCron,
  checkDurationWithin,
  checkNotification,
  checkRegistryName,
  checkRepository,
  checkTimestamp,
  checkTokenName,
  clientScopeMapName,
  connectedRegistryNamePattern,
  continuousSchedule,
  normalizeCron,
  passwordExpiryWarning,
} from "./lib/connectedRegistryChecks";
import { formatConnectionString } from "./lib/connectionString";
import { parentModeProblem, repositoryNotSyncedByParent, unionSyncActions } from "./lib/hierarchy";
import { operationResource } from "./operations/register";
import { tokenPassword, TokenPasswordInputs } from "./operations/tokenPassword";
import {
  readOnlyRepositoryActions,
  readWriteRepositoryActions,
  repositoryScopeActions,
  syncScopeMapActions,
} from "./lib/scopeMapActions";
import {
  Check,
  firstDuplicate,
  inputError,
  isKnown,
  knownValue,
  oneOf,
  validateKnown,
  validateWhenKnown,
} from "./lib/validation";
import { mapAll, mapInput } from "./lib/inputs";

/** What a connected registry may do with the repositories it syncs. */
export enum ConnectedRegistryMode {
  /** Pull only (the secure default of the Arc docs). Client tokens may only have read actions. */
  ReadOnly = "ReadOnly",
  /** Pull and push; pushed content syncs back to the cloud registry. */
  ReadWrite = "ReadWrite",
}

/** How a child connected registry reaches its parent connected registry (az `--parent-protocol`). */
export enum ParentEndpointProtocol {
  /** TLS (the parent's extension serves HTTPS; the child's cluster must trust the parent's CA). */
  Https = "https",
  /** Plain HTTP, for a parent whose extension runs with `httpEnabled` (development only). */
  Http = "http",
}

/** Verbosity of the logs the connected registry keeps. */
export enum ConnectedRegistryLogLevel {
  Debug = "Debug",
  Information = "Information",
  Warning = "Warning",
  Error = "Error",
  None = "None",
}

/**
 * One of a token's two password slots. Generating a slot revokes the password it held; these components
 * regenerate only slots they generated themselves, unless told to take one over (`takeOverPasswordSlot`).
 */
export enum TokenPasswordSlot {
  Password1 = "password1",
  Password2 = "password2",
}

/** A token that clients (e.g. kubelet) use to pull from (or push to) the connected registry. */
export interface ClientTokenSpec {
  /**
   * Name of the token in the cloud registry: 5-40 letters, digits and hyphens, unique (case-insensitive) and
   * different from the connected registry name (the sync token's). Its scope map is named `<name>-scope-map`, as
   * `az acr token create --repository` names it. Must be known at preview.
   */
  readonly name: pulumi.Input<string>;
  /** Repositories the token may use; each must be one of the synced `repositories`. Default: all of them. */
  readonly repositories?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Repository actions: `content/read`, `metadata/read` (the default), and for a ReadWrite connected
   * registry also `content/write`, `content/delete`, `metadata/write`.
   */
  readonly actions?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * The password slot this token's generated password may take over (regenerate, revoking the password in it)
   * although this stack did not generate that password: needed only when the token already has passwords in
   * both slots (or in the slot a rotation moves to), e.g. an existing token reused by name. Default: unset —
   * deployment stops with an error naming this argument instead of revoking a password an edge device or client
   * may be using.
   */
  readonly takeOverPasswordSlot?: pulumi.Input<TokenPasswordSlot>;
}

/**
 * The parent of a nested (child) connected registry (az `--parent`): another connected registry of the same
 * cloud registry, instead of the cloud registry itself.
 */
export interface ConnectedRegistryParent {
  /** ARM id of the parent connected registry (its `connectedRegistryId` output); sent as `parent.id`. */
  readonly connectedRegistryId: pulumi.Input<string>;
  /**
   * The parent's address as its clients reach it, `host` or `host:port` without a scheme: the parent extension's
   * `service.clusterIP` (or the address in front of it that this connected registry's network can route to).
   * Becomes `ParentGatewayEndpoint` in the connection string. Required.
   */
  readonly gatewayEndpoint: pulumi.Input<string>;
  /** `ParentEndpointProtocol` of the connection string. Default `https`; `http` only for a parent in HTTP mode. */
  readonly endpointProtocol?: pulumi.Input<ParentEndpointProtocol>;
  /** The parent's mode; when given, checked: a parent must be ReadWrite or of this connected registry's mode. */
  readonly mode?: pulumi.Input<ConnectedRegistryMode>;
  /** The parent's repositories; when given, every one of `repositories` must be among them. */
  readonly repositories?: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * A connected registry below this one (a child, grandchild, …): its sync needs this connected registry's sync
 * token to carry its gateway and repository actions, which az adds to every ancestor when it creates the child.
 */
export interface ConnectedRegistryDescendant {
  /** Name of the descendant connected registry. */
  readonly connectedRegistryName: pulumi.Input<string>;
  /** Its mode. Default `ReadOnly`. */
  readonly mode?: pulumi.Input<ConnectedRegistryMode>;
  /** The repositories it syncs. */
  readonly repositories: pulumi.Input<pulumi.Input<string>[]>;
}

/** One entry of a connected registry's `statusDetails` as Azure reports it. */
export interface ConnectedRegistryStatusDetail {
  /** Component the status is about, e.g. `connected-registry`. */
  readonly type?: string;
  /** Status code, e.g. `Healthy`. */
  readonly code?: string;
  /** Human-readable description. */
  readonly description?: string;
  /** When it was reported (RFC 3339). */
  readonly timestamp?: string;
  /** Correlation id for support requests. */
  readonly correlationId?: string;
}

/** Garbage collection on the connected registry. */
export interface ConnectedRegistryGarbageCollection {
  /** Whether garbage collection runs. Default: the service's (off). */
  readonly enabled?: pulumi.Input<boolean>;
  /** 5-field cron expression for when it runs, e.g. `0 5 * * *`. */
  readonly schedule?: pulumi.Input<string>;
}

/** A client token's login. */
export interface ClientCredential {
  /** User name (the token name). */
  readonly username: string;
  /** Generated password. */
  readonly password: string;
}

/** Arguments of {@link ConnectedRegistry}. */
export interface ConnectedRegistryArgs {
  /** Resource group of the cloud registry. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** Name of the cloud (parent) registry: Premium, with its data endpoint enabled. */
  readonly registryName: pulumi.Input<string>;
  /**
   * Name of the connected registry, also the name of its sync scope map and sync token: 5-50 letters
   * and digits. Default: the resource name without other characters (it must then be valid). Changing it
   * replaces everything, including the password.
   */
  readonly connectedRegistryName?: pulumi.Input<string>;
  /**
   * Access mode. Default: `ReadOnly` (the az CLI defaults to ReadWrite; the Arc docs recommend ReadOnly).
   * **Cannot change in place** (the REST update has no mode, `az ... update` has no `--mode`): changing it
   * replaces the connected registry (deleted, then created again in the new mode, inactive until its extension
   * activates it again); `pulumi preview` shows the replacement.
   */
  readonly mode?: pulumi.Input<ConnectedRegistryMode>;
  /**
   * Repositories to sync (lowercased, OCI names such as `hello-world`; no duplicates, at least one). Required
   * unless `syncTokenName` is given; conflicts with it (as az's `--repository` and `--sync-token`).
   */
  readonly repositories?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Cron schedule of syncs (5 fields; extra spaces are the same schedule and are sent normalised). Default:
   * `* * * * *` (continuous).
   */
  readonly syncSchedule?: pulumi.Input<string>;
  /** ISO 8601 duration of each sync, PT1H..P7D (the service's limits). Optional; default unset. */
  readonly syncWindow?: pulumi.Input<string>;
  /** ISO 8601 time sync messages are kept in the cloud, P1D..P90D. Default: `P2D`. */
  readonly messageTtl?: pulumi.Input<string>;
  /** Log level. Default: `Information`. */
  readonly logLevel?: pulumi.Input<ConnectedRegistryLogLevel>;
  /** Whether audit logs are synced to the cloud. Default: false. */
  readonly auditLogEnabled?: pulumi.Input<boolean>;
  /**
   * Artifact notification patterns, `<repository>:<tag>:<action>` or `<repository>@<digest>:<action>`,
   * action `push`, `delete` or `*`, wildcards allowed (e.g. `hello-world:*:*`). Default: none.
   */
  readonly notifications?: pulumi.Input<pulumi.Input<string>[]>;
  /** Garbage collection settings. Default: the service's. */
  readonly garbageCollection?: pulumi.Input<ConnectedRegistryGarbageCollection>;
  /**
   * Client tokens, each with a scope map and a generated password. Must be known at preview. With
   * `existingClientTokens`, at most 50 clients in all.
   */
  readonly clientTokens?: pulumi.Input<pulumi.Input<ClientTokenSpec>[]>;
  /**
   * Existing tokens (names or ARM ids) allowed as clients, like az's `--client-tokens`: passed in
   * `clientTokenIds`, without generating passwords (their owners have them). Default: none.
   */
  readonly existingClientTokens?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Use this existing token (name or ARM id) as the sync token, like az's `--sync-token`: no sync scope map or
   * token is created (the token's scope map decides what syncs), but its password is still generated and the
   * connection string built. Conflicts with `repositories` and `descendants`. Default: a sync scope map and
   * token named after the connected registry.
   */
  readonly syncTokenName?: pulumi.Input<string>;
  /**
   * The parent connected registry, for a nested connected registry (az `--parent`). Default: the cloud registry
   * (no `parent.id`; the connection string points at the registry's data endpoint over https).
   */
  readonly parentConnectedRegistry?: pulumi.Input<ConnectedRegistryParent>;
  /**
   * Every connected registry below this one (children, grandchildren, …): their gateway actions and their
   * repositories with their mode's actions are added to this sync scope map (az's set union when they are
   * created; removing one removes what it alone brought, as `delete --cleanup`). `ConnectedRegistryTree` fills
   * this in. Conflicts with `syncTokenName`. Default: none.
   */
  readonly descendants?: pulumi.Input<pulumi.Input<ConnectedRegistryDescendant>[]>;
  /**
   * RFC 3339 expiry of the generated passwords (e.g. `2027-12-31T23:59:59Z`), in the future. Default: no
   * expiry. Changing it generates new passwords (new connection string and client credentials).
   */
  readonly passwordExpiry?: pulumi.Input<string>;
  /** Any value; changing it generates new passwords (rotation). Default: unset. */
  readonly passwordRotationTrigger?: pulumi.Input<string>;
  /**
   * The password slot of the sync token that its generated password may take over (regenerate, revoking the
   * password in it) although this stack did not generate that password: needed only when the token already has
   * passwords in both slots (or in the slot a rotation moves to), e.g. with `syncTokenName` or after
   * `az acr connected-registry get-settings --generate-password`. Default: unset — deployment stops with an error
   * naming this argument instead of revoking a password an edge device may be using. Client tokens:
   * `clientTokens[].takeOverPasswordSlot`.
   */
  readonly takeOverPasswordSlot?: pulumi.Input<TokenPasswordSlot>;
  /** Subscription used to generate passwords. Default: the one in the tokens' ARM ids. */
  readonly subscriptionId?: pulumi.Input<string>;
  /**
   * Resource options of the `containerregistry.ConnectedRegistry` child (`protect`, `retainOnDelete`,
   * `ignoreChanges`). Plain values. Default: none (the component's own `protect` option still reaches it).
   */
  readonly connectedRegistryOptions?: StatefulResourceOptions;
  /**
   * Resource options of every scope map and token (sync and client), e.g. `{ retainOnDelete: true }` to keep
   * the credentials edge sites use when the stack is destroyed; `protect` and `retainOnDelete` also reach the
   * tokens' generated passwords (a retained token keeps its password). Plain values. Default: none.
   */
  readonly tokenOptions?: StatefulResourceOptions;
}

/** `host` or `host:port` (IPv6 in brackets), without scheme or path. */
const gatewayEndpointCheck: Check<string> = (value) =>
  /^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+|[0-9a-fA-F:]+)(?::\d{1,5})?$/.test(value) && value !== ""
    ? undefined
    : `"${value}" is not a gateway address; give the parent's host or host:port (e.g. its service cluster IP 192.100.100.1), without scheme or path.`;

/**
 * The generated passwords of a token (`pulumi-nodejs:dynamic/edge-registry:TokenPassword`): two slots,
 * `value` is the current one (see components/operations/tokenPassword.ts for the rotation sequence).
 */
function tokenPasswords(
  name: string,
  props: { [K in keyof TokenPasswordInputs]: pulumi.Input<TokenPasswordInputs[K]> | undefined },
  opts: pulumi.CustomResourceOptions,
) {
  return operationResource(tokenPassword, name, props, ["username", "value"], opts);
}

/** Validates a list argument: each item with `path[i]`, then the whole list with `path`. */
function validateList(
  path: string,
  value: pulumi.Input<pulumi.Input<string>[]>,
  item: Check<string>,
  list: Check<string[]> = () => undefined,
): pulumi.Input<string[]> {
  const run = (items: string[]): string[] => {
    items.forEach((entry, i) => {
      const reason = item(entry);
      if (reason !== undefined) {
        throw inputError(`${path}[${i}]`, reason);
      }
    });
    const reason = list(items);
    if (reason !== undefined) {
      throw inputError(path, reason);
    }
    return items;
  };
  return mapInput(value, (items) => run(items));
}

const notEmptyUnique: Check<string[]> = (items) => {
  if (items.length === 0) {
    return 'is empty; list at least one repository to sync, e.g. ["hello-world"].';
  }
  const duplicate = firstDuplicate(items, (r) => r.toLowerCase());
  return duplicate === undefined
    ? undefined
    : `lists "${duplicate}" twice (names are compared lowercased); remove one.`;
};

/** Default connected registry name: the resource name without characters other than letters and digits. */
function defaultConnectedRegistryName(name: string): string {
  const derived = name.replace(/[^a-zA-Z0-9]/g, "");
  if (!connectedRegistryNamePattern.test(derived)) {
    throw inputError(
      "connectedRegistryName",
      `is not set, and the resource name "${name}" does not give a valid one ("${derived}"); set connectedRegistryName to 5-50 letters and digits.`,
    );
  }
  return derived;
}

/** Passes a value on to the resources that take it only once a check passed (see {@link gateTogether}). */
type Gate = <V>(value: pulumi.Input<V>) => pulumi.Input<V>;

/**
 * Checks several inputs together: now when all are known (a failure throws at preview), else inside the
 * `apply` that produces the value the gate is put on, so a failed check stops every resource that takes
 * that value — never in an `apply` beside them. Unset (`undefined`) inputs count as known.
 */
function gateTogether<T extends unknown[]>(path: string, values: unknown[], check: Check<T>): Gate {
  const run = (resolved: T): void => {
    const reason = check(resolved);
    if (reason !== undefined) {
      throw inputError(path, reason);
    }
  };
  const plain = values.map((value) => knownValue(value));
  if (values.every((value, i) => value === undefined || plain[i] !== undefined)) {
    run(plain as unknown as T);
    return (value) => value;
  }
  return <V>(value: pulumi.Input<V>) =>
    pulumi.all([value, pulumi.all(values)]).apply(([resolvedValue, resolved]) => {
      run(resolved as unknown as T);
      return resolvedValue;
    }) as pulumi.Output<V>;
}

/** Applies gates in turn. */
const allGates =
  (gates: Gate[]): Gate =>
  (value) =>
    gates.reduce((gated, gate) => gate(gated), value);

/** At most this many clients per connected registry (docs 2025; older docs said 20). */
const maxClients = 50;

/** A client token, validated: name known now; repositories and actions plain when known, else outputs. */
interface ClientToken {
  name: string;
  repositories: pulumi.Input<pulumi.Input<string>[]>;
  actions: pulumi.Input<string[]>;
  /** The slot its password may take over (`ClientTokenSpec.takeOverPasswordSlot`), validated. */
  takeOverPasswordSlot: pulumi.Input<string> | undefined;
  /** The deploy-time checks of this token, to put on the inputs of its scope map and token. */
  gate: Gate;
}

const passwordSlotCheck = oneOf(Object.values(TokenPasswordSlot));

/** Checks `clientTokens` (names now; repositories and actions now or when known) and fills in defaults. */
function validateClientTokens(
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
        : validateWhenKnown(`${path}.takeOverPasswordSlot`, spec.takeOverPasswordSlot, passwordSlotCheck);
    const actionsInput = spec.actions ?? [...readOnlyRepositoryActions];
    const actions = validateList(`${path}.actions`, actionsInput, oneOf([...readWriteRepositoryActions]), (list) =>
      list.length === 0 ? "is empty; omit it for read access, or list the actions." : undefined,
    );
    const actionsGate = gateTogether<[string, string[]]>(
      `${path}.actions`,
      [sync.modeInput, actionsInput],
      ([mode, list]) => {
        const write = list.find((action) => !readOnlyRepositoryActions.includes(action));
        return mode === ConnectedRegistryMode.ReadOnly && write !== undefined
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

/** The parent connected registry, validated: each field plain when known, else checked once known. */
interface ParentPlan {
  id: pulumi.Input<string>;
  gatewayEndpoint: pulumi.Input<string>;
  protocol: pulumi.Input<string>;
}

/** Checks `parentConnectedRegistry` (and this registry's mode and repositories against the parent's). */
function validateParent(
  args: ConnectedRegistryArgs,
  mode: pulumi.Input<string>,
  repositories: pulumi.Input<string[]> | undefined,
): ParentPlan | undefined {
  if (args.parentConnectedRegistry === undefined) {
    return undefined;
  }
  const parent = knownValue(args.parentConnectedRegistry);
  if (parent === undefined) {
    throw inputError(
      "parentConnectedRegistry",
      "must be known when the program runs (an object; its fields may be outputs): it decides what the connection string points at.",
    );
  }
  for (const field of ["connectedRegistryId", "gatewayEndpoint"] as const) {
    if (parent[field] === undefined || parent[field] === null) {
      throw inputError(
        `parentConnectedRegistry.${field}`,
        field === "gatewayEndpoint"
          ? "is required for a nested connected registry: give the parent's address as this registry reaches it (e.g. the parent extension's service cluster IP), or the connection string would have no ParentGatewayEndpoint."
          : "is required: the parent connected registry's ARM id (its connectedRegistryId output).",
      );
    }
  }
  const parentId = validateWhenKnown(
    "parentConnectedRegistry.connectedRegistryId",
    parent.connectedRegistryId,
    connectedRegistryIdProblem,
  );
  const gatewayEndpoint = validateWhenKnown(
    "parentConnectedRegistry.gatewayEndpoint",
    parent.gatewayEndpoint,
    gatewayEndpointCheck,
  );
  const protocol = validateWhenKnown(
    "parentConnectedRegistry.endpointProtocol",
    parent.endpointProtocol ?? ParentEndpointProtocol.Https,
    oneOf(Object.values(ParentEndpointProtocol)),
  );
  // az's rules, checked now when everything is known, else in the apply that produces `parent.id`.
  const rules = mapAll(
    [mode, parent.mode, repositories, parent.repositories],
    ([childMode, parentMode, own, parentRepositories]) => {
      const modeProblem = parentMode === undefined ? undefined : parentModeProblem(parentMode, childMode);
      if (modeProblem !== undefined) {
        throw inputError("parentConnectedRegistry.mode", modeProblem);
      }
      const missing =
        own === undefined || parentRepositories === undefined
          ? undefined
          : repositoryNotSyncedByParent(parentRepositories, own);
      if (missing !== undefined) {
        throw inputError(
          "repositories",
          `"${missing}" is not synced by the parent connected registry (a child can only sync what its parent has); add it to the parent's repositories, or remove it here.`,
        );
      }
      return true;
    },
  );
  const id = mapAll([parentId, rules], ([checkedId]) => checkedId);
  return { id, gatewayEndpoint, protocol };
}

/** The sync scope map's actions: this registry's own (as az builds them) ∪ every descendant's (az's union). */
function syncActions(
  connectedRegistryName: pulumi.Input<string>,
  mode: pulumi.Input<string>,
  repositories: pulumi.Input<string[]>,
  descendants: ConnectedRegistryArgs["descendants"],
): pulumi.Input<string[]> {
  return mapAll([connectedRegistryName, mode, repositories, descendants], ([crName, m, repos, below]) =>
    unionSyncActions(
      syncScopeMapActions(crName, m, repos),
      (below ?? []).map((descendant, i) => {
        const path = `descendants[${i}]`;
        const problem = checkConnectedRegistryName(descendant.connectedRegistryName);
        if (problem !== undefined) {
          throw inputError(`${path}.connectedRegistryName`, problem);
        }
        const descendantMode = descendant.mode ?? ConnectedRegistryMode.ReadOnly;
        const modeProblem = oneOf(Object.values(ConnectedRegistryMode))(descendantMode);
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

/** Checks the exclusive sync arguments: `repositories` or `syncTokenName`, and `descendants` only with the former. */
function validateSyncSource(args: ConnectedRegistryArgs): void {
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
 * An ACR connected registry with its sync scope map, sync token, generated sync password and connection
 * string, plus optional client tokens with generated passwords. Its parent is the cloud registry, or another
 * connected registry (`parentConnectedRegistry`, az `--parent`).
 */
export class ConnectedRegistry extends pulumi.ComponentResource {
  /** `ConnectedRegistryName=…;SyncTokenName=…;SyncTokenPassword=…;ParentGatewayEndpoint=…;ParentEndpointProtocol=https|http` (secret). */
  public readonly connectionString: pulumi.Output<string>;
  /** Name of the connected registry (also of its sync scope map and sync token). */
  public readonly connectedRegistryName: pulumi.Output<string>;
  /** ARM id of the connected registry (a child's `parentConnectedRegistry.connectedRegistryId`). */
  public readonly connectedRegistryId: pulumi.Output<string>;
  /** Name of the sync token. */
  public readonly syncTokenName: pulumi.Output<string>;
  /** ARM id of the sync token. */
  public readonly syncTokenId: pulumi.Output<string>;
  /** The sync scope map's actions (own ∪ descendants'); empty with `syncTokenName` (that scope map is not managed here). */
  public readonly syncActions: pulumi.Output<string[]>;
  /** Client token logins by token name (secret). Empty when there are no client tokens. */
  public readonly clientCredentials: pulumi.Output<{ [tokenName: string]: ClientCredential }>;
  /**
   * The parent's gateway endpoint: the cloud registry's data endpoint (e.g. `myacr.eastus.data.azurecr.io`), or
   * for a nested connected registry `parentConnectedRegistry.gatewayEndpoint`.
   */
  public readonly gatewayEndpoint: pulumi.Output<string>;
  /** Connection state reported by Azure (`Offline` until the Arc extension connects). */
  public readonly connectionState: pulumi.Output<string>;
  /** Activation status (`Inactive` until the Arc extension activates it). */
  public readonly activationStatus: pulumi.Output<string>;
  /** Last time the connected registry reached the cloud. */
  public readonly lastActivityTime: pulumi.Output<string>;
  /** The connected registry resource, for `dependsOn` or any of its outputs. */
  public readonly connectedRegistry: containerregistry.ConnectedRegistry;
  /**
   * The sync token resource (its password is in `connectionString`); undefined when `syncTokenName` names an
   * existing token, which this component does not manage.
   */
  public readonly syncToken: containerregistry.Token | undefined;
  /** Last time it synced with its parent (reported by Azure). */
  public readonly lastSyncTime: pulumi.Output<string | undefined>;
  /** Version of the connected registry software that runs it (reported once it connects). */
  public readonly version: pulumi.Output<string | undefined>;
  /** Status details the connected registry reports (health of its parts). */
  public readonly statusDetails: pulumi.Output<ConnectedRegistryStatusDetail[]>;
  /** Login server host of the connected registry as Azure reports it. */
  public readonly loginServer: pulumi.Output<string | undefined>;

  constructor(name: string, args: ConnectedRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("edge-registry:index:ConnectedRegistry", name, {}, opts);

    validateSyncSource(args);
    const modeInput = args.mode ?? ConnectedRegistryMode.ReadOnly;
    const mode = validateWhenKnown("mode", modeInput, oneOf(Object.values(ConnectedRegistryMode)));
    const nameInput = args.connectedRegistryName ?? defaultConnectedRegistryName(name);
    const connectedRegistryName = validateWhenKnown("connectedRegistryName", nameInput, checkConnectedRegistryName);
    const registryName = validateWhenKnown("registryName", args.registryName, checkRegistryName);
    const repositories =
      args.repositories === undefined
        ? undefined
        : validateList("repositories", args.repositories, checkRepository, notEmptyUnique);
    const schedule = mapInput(
      validateWhenKnown("syncSchedule", args.syncSchedule ?? continuousSchedule, checkCron),
      normalizeCron,
    );
    const syncWindow =
      args.syncWindow === undefined
        ? undefined
        : validateWhenKnown("syncWindow", args.syncWindow, checkDurationWithin("PT1H", "P7D"));
    const messageTtl = validateWhenKnown("messageTtl", args.messageTtl ?? "P2D", checkDurationWithin("P1D", "P90D"));
    const logLevel = validateWhenKnown(
      "logLevel",
      args.logLevel ?? ConnectedRegistryLogLevel.Information,
      oneOf(Object.values(ConnectedRegistryLogLevel)),
    );
    const notifications =
      args.notifications === undefined
        ? undefined
        : validateList("notifications", args.notifications, checkNotification, (items) => {
            const duplicate = firstDuplicate(items);
            return duplicate === undefined ? undefined : `lists "${duplicate}" twice; remove one.`;
          });
    const knownGarbageCollection = knownValue(args.garbageCollection);
    const garbageCollection =
      knownGarbageCollection?.schedule === undefined
        ? args.garbageCollection
        : {
            ...knownGarbageCollection,
            schedule: validateWhenKnown("garbageCollection.schedule", knownGarbageCollection.schedule, checkCron),
          };
    // An expiry that has passed (or is near) is a warning, not an error: see passwordExpiryWarning.
    const passwordExpiry =
      args.passwordExpiry === undefined
        ? undefined
        : mapInput(validateWhenKnown("passwordExpiry", args.passwordExpiry, checkTimestamp), (expiry) => {
            const warning = passwordExpiryWarning(expiry);
            if (warning !== undefined) {
              void pulumi.log.warn(warning, this);
            }
            return expiry;
          });
    const clientTokens = validateClientTokens(args.clientTokens, {
      modeInput,
      nameInput,
      repositories: args.repositories,
    });
    // The subscription of tokens given by name: one client-config call per component at most, and only when needed.
    let subscriptionId: pulumi.Input<string> | undefined;
    const subscription = () =>
      (subscriptionId ??=
        args.subscriptionId ?? authorization.getClientConfigOutput({ parent: this }).apply((c) => c.subscriptionId));
    const existingClientTokens = this.existingTokenIds(args, subscription, clientTokens.length);
    const parent = validateParent(args, mode, repositories);

    const connectedRegistryOptions = checkedStatefulOptions("connectedRegistryOptions", args.connectedRegistryOptions);
    const tokenOptions = checkedStatefulOptions("tokenOptions", args.tokenOptions);
    const common = { resourceGroupName: args.resourceGroupName, registryName };
    const syncTakeOver =
      args.takeOverPasswordSlot === undefined
        ? undefined
        : validateWhenKnown("takeOverPasswordSlot", args.takeOverPasswordSlot, passwordSlotCheck);
    const passwordOptions = (
      tokenId: pulumi.Input<string>,
      takeOverPasswordSlot: pulumi.Input<string> | undefined,
    ) => ({
      subscriptionId: args.subscriptionId,
      tokenId,
      expiry: passwordExpiry,
      rotationTrigger: args.passwordRotationTrigger,
      takeOverPasswordSlot,
    });

    let syncTokenId: pulumi.Input<string>;
    let syncTokenName: pulumi.Input<string>;
    let syncPassword: ReturnType<typeof tokenPasswords>;
    let syncToken: containerregistry.Token | undefined;
    let actions: pulumi.Input<string[]> = [];
    if (repositories !== undefined) {
      actions = syncActions(connectedRegistryName, mode, repositories, args.descendants);
      const syncScopeMap = new containerregistry.ScopeMap(
        `${name}-sync`,
        {
          ...common,
          scopeMapName: connectedRegistryName,
          description: mapInput(connectedRegistryName, (n) => `Created by connected registry sync token: ${n}`),
          actions,
        },
        withStatefulOptions({ parent: this, deleteBeforeReplace: true }, tokenOptions),
      );
      syncToken = this.token(`${name}-sync`, connectedRegistryName, syncScopeMap, common, tokenOptions);
      syncTokenId = syncToken.id;
      syncTokenName = syncToken.name;
      syncPassword = tokenPasswords(
        `${name}-sync-password`,
        passwordOptions(syncToken.id, syncTakeOver),
        withLifecycleOptions({ parent: this, replaceWith: [syncToken], deletedWith: syncToken }, tokenOptions),
      );
    } else {
      const existing = args.syncTokenName!;
      syncTokenId = this.tokenId(args, subscription, "syncTokenName", existing);
      syncTokenName = mapInput(syncTokenId, (id) => tokenNameOf(id) as string);
      syncPassword = tokenPasswords(
        `${name}-sync-password`,
        passwordOptions(syncTokenId, syncTakeOver),
        withLifecycleOptions({ parent: this }, tokenOptions),
      );
    }

    const clients = clientTokens.map((client) => {
      // az's name and description (`az acr token create --repository`): a client token named like a connected
      // registry no longer collides with that registry's sync scope map. Names differ from the old ones (the
      // token name alone), so a rename creates the new scope map before the token moves to it and the old goes.
      const scopeMap = new containerregistry.ScopeMap(
        `${name}-client-${client.name}`,
        {
          ...common,
          scopeMapName: clientScopeMapName(client.name),
          description: `Created by token: ${client.name}`,
          // The token's deploy-time checks gate its scope map, and through the scope map's id its token and password.
          actions: client.gate(mapAll([client.repositories, client.actions], ([r, a]) => repositoryScopeActions(r, a))),
        },
        withStatefulOptions({ parent: this }, tokenOptions),
      );
      const token = this.token(
        `${name}-client-${client.name}`,
        client.gate(client.name),
        scopeMap,
        common,
        tokenOptions,
      );
      const password = tokenPasswords(
        `${name}-client-${client.name}-password`,
        passwordOptions(token.id, client.takeOverPasswordSlot),
        withLifecycleOptions({ parent: this, replaceWith: [token], deletedWith: token }, tokenOptions),
      );
      return { name: client.name, token, password };
    });

    const clientTokenIds = [...clients.map((c) => c.token.id), ...existingClientTokens];
    const connectedRegistry = new containerregistry.ConnectedRegistry(
      name,
      {
        ...common,
        connectedRegistryName,
        mode,
        parent: {
          id: parent?.id,
          syncProperties: { tokenId: syncTokenId, schedule, syncWindow, messageTtl },
        },
        logging: {
          logLevel,
          auditLogStatus: mapInput(args.auditLogEnabled, (on) => (on ? "Enabled" : "Disabled")),
        },
        notificationsList: notifications,
        garbageCollection,
        clientTokenIds: clientTokenIds.length > 0 ? clientTokenIds : undefined,
      },
      // The REST update has no `mode`: a mode change is a new connected registry (same name, so the old one goes
      // first), shown by `pulumi preview` as a replacement.
      withStatefulOptions(
        { parent: this, deleteBeforeReplace: true, replaceOnChanges: ["mode"] },
        connectedRegistryOptions,
      ),
    );
    this.connectedRegistry = connectedRegistry;
    this.syncToken = syncToken;

    const protocol = parent?.protocol ?? ParentEndpointProtocol.Https;
    this.gatewayEndpoint = parent
      ? pulumi.output(parent.gatewayEndpoint)
      : connectedRegistry.parent.apply((p) => p.syncProperties.gatewayEndpoint);
    this.connectionString = pulumi.secret(
      pulumi
        .all([connectedRegistry.name, syncPassword.username, syncPassword.value, this.gatewayEndpoint, protocol])
        .apply(([crName, user, password, gateway, scheme]) =>
          formatConnectionString(crName, user, password, gateway, scheme),
        ),
    );
    this.connectedRegistryName = connectedRegistry.name;
    this.connectedRegistryId = connectedRegistry.id;
    this.syncTokenName = pulumi.output(syncTokenName);
    this.syncTokenId = pulumi.output(syncTokenId);
    this.syncActions = pulumi.output(actions);
    this.clientCredentials = pulumi.secret(
      pulumi
        .all(clients.map((c) => pulumi.all([c.password.username, c.password.value])))
        .apply((logins) =>
          Object.fromEntries(
            logins.map(([username, password], i) => [clients[i].name, { username, password } as ClientCredential]),
          ),
        ),
    );
    this.connectionState = connectedRegistry.connectionState;
    this.activationStatus = connectedRegistry.activation.apply((a) => a.status);
    this.lastActivityTime = connectedRegistry.lastActivityTime;
    this.lastSyncTime = connectedRegistry.parent.apply((p) => p?.syncProperties?.lastSyncTime);
    this.version = connectedRegistry.version;
    this.statusDetails = connectedRegistry.statusDetails.apply((details) =>
      (details ?? []).map(({ type, code, description, timestamp, correlationId }) => ({
        type,
        code,
        description,
        timestamp,
        correlationId,
      })),
    );
    this.loginServer = connectedRegistry.loginServer.apply((server) => server?.host);

    this.registerOutputs();
  }

  /** The ARM id of an existing token given by name or id (`path` names the argument in errors). */
  private tokenId(
    args: ConnectedRegistryArgs,
    subscription: () => pulumi.Input<string>,
    path: string,
    nameOrId: pulumi.Input<string>,
  ): pulumi.Input<string> {
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
    const subscriptionId = subscription();
    return mapAll([subscriptionId, args.resourceGroupName, args.registryName, checked], ([sub, rg, registry, value]) =>
      registryChildId({ subscriptionId: sub, resourceGroupName: rg, registryName: registry }, "tokens", value),
    );
  }

  /** The ARM ids of `existingClientTokens`, checked (at most 50 clients with the generated ones). */
  private existingTokenIds(
    args: ConnectedRegistryArgs,
    subscription: () => pulumi.Input<string>,
    generated: number,
  ): pulumi.Input<string>[] {
    if (args.existingClientTokens === undefined) {
      return [];
    }
    const list = knownValue(args.existingClientTokens);
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
    return list.map((item, i) => this.tokenId(args, subscription, `existingClientTokens[${i}]`, item));
  }

  /**
   * A token with `status: enabled` and no `credentials` input: passwords come only from the generated
   * TokenPassword. `ignoreChanges: ["credentials"]` keeps a refresh (which reads the password metadata)
   * from turning into a token PUT without credentials, which was reported to wipe the passwords.
   */
  private token(
    resourceName: string,
    tokenName: pulumi.Input<string>,
    scopeMap: containerregistry.ScopeMap,
    common: { resourceGroupName: pulumi.Input<string>; registryName: pulumi.Input<string> },
    options: StatefulResourceOptions | undefined,
  ): containerregistry.Token {
    return new containerregistry.Token(
      resourceName,
      { ...common, tokenName, scopeMapId: scopeMap.id, status: "enabled" },
      withStatefulOptions({ parent: this, deleteBeforeReplace: true, ignoreChanges: ["credentials"] }, options),
    );
  }
}
