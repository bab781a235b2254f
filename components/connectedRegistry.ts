/**
 * `ConnectedRegistry`: what `az acr connected-registry create` + `get-settings --generate-password 1`
 * do, declaratively (platform-facts §1, §2):
 *
 * - a sync scope map and a sync token, both named after the connected registry (token enabled);
 * - the token's passwords (TokenPassword, components/operations/tokenPassword.ts): generated once (never on
 *   preview, never again on an unchanged `pulumi up`); rotated without downtime by changing `passwordExpiry`
 *   or `passwordRotationTrigger` (the other password slot is generated and becomes current, the previous
 *   password stays valid until the following rotation);
 * - the `containerregistry.ConnectedRegistry` (cloud parent: no `parent.id`);
 * - per client token: a scope map, a token and a generated password, passed as `clientTokenIds`;
 * - the connection string the Arc extension needs, as a secret.
 */
import * as pulumi from "@pulumi/pulumi";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import {
  checkConnectedRegistryName,
  checkCron,
  checkDurationWithin,
  checkTimestamp,
  checkNotification,
  checkRegistryName,
  checkRepository,
  checkTokenName,
  connectedRegistryNamePattern,
  continuousSchedule,
  passwordExpiryWarning,
  syncWindowProblem,
} from "./connectedRegistryChecks";
import { operationResource } from "./operations/register";
import { tokenPassword, TokenPasswordInputs } from "./operations/tokenPassword";
import {
  readOnlyRepositoryActions,
  readWriteRepositoryActions,
  repositoryScopeActions,
  syncScopeMapActions,
} from "./scopeMapActions";
import {
  Check,
  firstDuplicate,
  inputError,
  isKnown,
  knownValue,
  oneOf,
  validateKnown,
  validateWhenKnown,
} from "./validation";
import { mapAll, mapInput } from "./inputs";

/** What a connected registry may do with the repositories it syncs. */
export enum ConnectedRegistryMode {
  /** Pull only (the secure default of the Arc docs). Client tokens may only have read actions. */
  ReadOnly = "ReadOnly",
  /** Pull and push; pushed content syncs back to the cloud registry. */
  ReadWrite = "ReadWrite",
}

/** Verbosity of the logs the connected registry keeps. */
export enum ConnectedRegistryLogLevel {
  Debug = "Debug",
  Information = "Information",
  Warning = "Warning",
  Error = "Error",
  None = "None",
}

/** A token that clients (e.g. kubelet) use to pull from (or push to) the connected registry. */
export interface ClientTokenSpec {
  /**
   * Name of the token and of its scope map in the cloud registry: 5-50 letters, digits and hyphens,
   * unique (case-insensitive) and different from the connected registry name. Must be known at preview.
   */
  readonly name: pulumi.Input<string>;
  /** Repositories the token may use; each must be one of the synced `repositories`. Default: all of them. */
  readonly repositories?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Repository actions: `content/read`, `metadata/read` (the default), and for a ReadWrite connected
   * registry also `content/write`, `content/delete`, `metadata/write`.
   */
  readonly actions?: pulumi.Input<pulumi.Input<string>[]>;
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
   * Name of the connected registry, also the name of its sync scope map and sync token: 5-40 letters
   * and digits, starting with a letter. Default: the resource name without other characters (it must then
   * be valid). Changing it replaces everything, including the password.
   */
  readonly connectedRegistryName?: pulumi.Input<string>;
  /** Access mode. Default: `ReadOnly` (the az CLI defaults to ReadWrite; the Arc docs recommend ReadOnly). */
  readonly mode?: pulumi.Input<ConnectedRegistryMode>;
  /** Repositories to sync (lowercased, OCI names such as `hello-world`; no duplicates, at least one). */
  readonly repositories: pulumi.Input<pulumi.Input<string>[]>;
  /** Cron schedule of syncs (5 fields). Default: `* * * * *` (continuous). Other schedules need `syncWindow`. */
  readonly syncSchedule?: pulumi.Input<string>;
  /** ISO 8601 duration of each sync, PT3H..P7D. Required with a non-continuous `syncSchedule`; default unset. */
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
  /** Client tokens (at most 20), each with a scope map and a generated password. Must be known at preview. */
  readonly clientTokens?: pulumi.Input<pulumi.Input<ClientTokenSpec>[]>;
  /**
   * RFC 3339 expiry of the generated passwords (e.g. `2027-12-31T23:59:59Z`). Default: no expiry. Changing
   * it (to another instant: `…Z` and `….000Z` are the same) rotates the passwords without downtime: each
   * token's other password slot is generated and the connection string and client credentials move to it,
   * the previous password stays valid until the following rotation. A time that has passed, or is less than
   * 30 days away, is a warning at preview (rotate by setting a later time).
   */
  readonly passwordExpiry?: pulumi.Input<string>;
  /** Any value; changing it rotates the passwords as a new `passwordExpiry` does. Default: unset. */
  readonly passwordRotationTrigger?: pulumi.Input<string>;
  /** Subscription used to generate passwords. Default: the one in the tokens' ARM ids. */
  readonly subscriptionId?: pulumi.Input<string>;
}

/** Connection string as `az acr connected-registry get-settings` prints it (no trailing `;`). */
function formatConnectionString(name: string, tokenName: string, password: string, gateway: string): string {
  return [
    `ConnectedRegistryName=${name}`,
    `SyncTokenName=${tokenName}`,
    `SyncTokenPassword=${password}`,
    `ParentGatewayEndpoint=${gateway}`,
    "ParentEndpointProtocol=https",
  ].join(";");
}

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
      `is not set, and the resource name "${name}" does not give a valid one ("${derived}"); set connectedRegistryName to 5-40 letters and digits starting with a letter.`,
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

/** A client token, validated: name known now; repositories and actions plain when known, else outputs. */
interface ClientToken {
  name: string;
  repositories: pulumi.Input<pulumi.Input<string>[]>;
  actions: pulumi.Input<string[]>;
  /** The deploy-time checks of this token, to put on the inputs of its scope map and token. */
  gate: Gate;
}

/** Checks `clientTokens` (names now; repositories and actions now or when known) and fills in defaults. */
function validateClientTokens(
  clientTokens: ConnectedRegistryArgs["clientTokens"],
  sync: {
    modeInput: pulumi.Input<string>;
    nameInput: pulumi.Input<string>;
    repositories: pulumi.Input<pulumi.Input<string>[]>;
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
  if (tokens.length > 20) {
    throw inputError("clientTokens", `has ${tokens.length} tokens; a connected registry accepts at most 20 clients.`);
  }
  const names = tokens.map((spec) => spec.name as string);
  return tokens.map((spec, i) => {
    const path = `clientTokens[${i}]`;
    validateKnown(`${path}.name`, names[i], checkTokenName);
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
    const repositoriesInput = spec.repositories ?? sync.repositories;
    const repositories =
      spec.repositories === undefined
        ? sync.repositories
        : validateList(`${path}.repositories`, spec.repositories, checkRepository, notEmptyUnique);
    const repositoriesGate = gateTogether<[string[], string[]]>(
      `${path}.repositories`,
      [sync.repositories, repositoriesInput],
      ([synced, own]) => {
        const missing = own.find((r) => !synced.some((s) => s.toLowerCase() === r.toLowerCase()));
        return missing === undefined
          ? undefined
          : `"${missing}" is not synced to this connected registry; add it to repositories, or remove it here.`;
      },
    );
    return { name: names[i], repositories, actions, gate: allGates([nameGate, actionsGate, repositoriesGate]) };
  });
}

/**
 * An ACR connected registry with its sync scope map, sync token, generated sync password and connection
 * string, plus optional client tokens with generated passwords.
 */
export class ConnectedRegistry extends pulumi.ComponentResource {
  /** `ConnectedRegistryName=…;SyncTokenName=…;SyncTokenPassword=…;ParentGatewayEndpoint=…;ParentEndpointProtocol=https` (secret). */
  public readonly connectionString: pulumi.Output<string>;
  /** Name of the connected registry (also of its sync scope map and sync token). */
  public readonly connectedRegistryName: pulumi.Output<string>;
  /** ARM id of the connected registry. */
  public readonly connectedRegistryId: pulumi.Output<string>;
  /** Name of the sync token. */
  public readonly syncTokenName: pulumi.Output<string>;
  /** ARM id of the sync token. */
  public readonly syncTokenId: pulumi.Output<string>;
  /** Client token logins by token name (secret). Empty when there are no client tokens. */
  public readonly clientCredentials: pulumi.Output<{ [tokenName: string]: ClientCredential }>;
  /** The parent's gateway endpoint (the cloud registry's data endpoint), e.g. `myacr.eastus.data.azurecr.io`. */
  public readonly gatewayEndpoint: pulumi.Output<string>;
  /** Connection state reported by Azure (`Offline` until the Arc extension connects). */
  public readonly connectionState: pulumi.Output<string>;
  /** Activation status (`Inactive` until the Arc extension activates it). */
  public readonly activationStatus: pulumi.Output<string>;
  /** Last time the connected registry reached the cloud. */
  public readonly lastActivityTime: pulumi.Output<string>;

  constructor(name: string, args: ConnectedRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("edge-registry:index:ConnectedRegistry", name, {}, opts);

    const modeInput = args.mode ?? ConnectedRegistryMode.ReadOnly;
    const mode = validateWhenKnown("mode", modeInput, oneOf(Object.values(ConnectedRegistryMode)));
    const nameInput = args.connectedRegistryName ?? defaultConnectedRegistryName(name);
    const connectedRegistryName = validateWhenKnown("connectedRegistryName", nameInput, checkConnectedRegistryName);
    const registryName = validateWhenKnown("registryName", args.registryName, checkRegistryName);
    const repositories = validateList("repositories", args.repositories, checkRepository, notEmptyUnique);
    const scheduleInput = args.syncSchedule ?? continuousSchedule;
    const cronSchedule = validateWhenKnown("syncSchedule", scheduleInput, checkCron);
    // Schedule vs window, checked in the value the connected registry takes (a failure stops it).
    const schedule =
      args.syncWindow === undefined
        ? gateTogether<[string]>("syncWindow", [scheduleInput], ([s]) => syncWindowProblem(s, undefined))(cronSchedule)
        : cronSchedule;
    const syncWindow =
      args.syncWindow === undefined
        ? undefined
        : validateWhenKnown("syncWindow", args.syncWindow, checkDurationWithin("PT3H", "P7D"));
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

    const common = { resourceGroupName: args.resourceGroupName, registryName };
    const passwordOptions = (tokenId: pulumi.Output<string>) => ({
      subscriptionId: args.subscriptionId,
      tokenId,
      expiry: passwordExpiry,
      rotationTrigger: args.passwordRotationTrigger,
    });

    const syncScopeMap = new containerregistry.ScopeMap(
      `${name}-sync`,
      {
        ...common,
        scopeMapName: connectedRegistryName,
        description: mapInput(connectedRegistryName, (n) => `Created by connected registry sync token: ${n}`),
        actions: mapAll([connectedRegistryName, mode, repositories], ([crName, m, repos]) =>
          syncScopeMapActions(crName, m, repos),
        ),
      },
      { parent: this, deleteBeforeReplace: true },
    );
    const syncToken = this.token(`${name}-sync`, connectedRegistryName, syncScopeMap, common);
    const syncPassword = tokenPasswords(`${name}-sync-password`, passwordOptions(syncToken.id), {
      parent: this,
      replaceWith: [syncToken],
      deletedWith: syncToken,
    });

    const clients = clientTokens.map((client) => {
      const scopeMap = new containerregistry.ScopeMap(
        `${name}-client-${client.name}`,
        {
          ...common,
          scopeMapName: client.name,
          description: mapInput(connectedRegistryName, (n) => `Client token of connected registry ${n}`),
          // The token's deploy-time checks gate its scope map, and through the scope map's id its token and password.
          actions: client.gate(mapAll([client.repositories, client.actions], ([r, a]) => repositoryScopeActions(r, a))),
        },
        { parent: this, deleteBeforeReplace: true },
      );
      const token = this.token(`${name}-client-${client.name}`, client.gate(client.name), scopeMap, common);
      const password = tokenPasswords(`${name}-client-${client.name}-password`, passwordOptions(token.id), {
        parent: this,
        replaceWith: [token],
        deletedWith: token,
      });
      return { name: client.name, token, password };
    });

    const connectedRegistry = new containerregistry.ConnectedRegistry(
      name,
      {
        ...common,
        connectedRegistryName,
        mode,
        parent: { syncProperties: { tokenId: syncToken.id, schedule, syncWindow, messageTtl } },
        logging: {
          logLevel,
          auditLogStatus: mapInput(args.auditLogEnabled, (on) => (on ? "Enabled" : "Disabled")),
        },
        notificationsList: notifications,
        garbageCollection,
        clientTokenIds: clients.length > 0 ? clients.map((c) => c.token.id) : undefined,
      },
      { parent: this, deleteBeforeReplace: true },
    );

    this.gatewayEndpoint = connectedRegistry.parent.apply((p) => p.syncProperties.gatewayEndpoint);
    this.connectionString = pulumi.secret(
      pulumi
        .all([connectedRegistry.name, syncPassword.username, syncPassword.value, this.gatewayEndpoint])
        .apply(([crName, user, password, gateway]) => formatConnectionString(crName, user, password, gateway)),
    );
    this.connectedRegistryName = connectedRegistry.name;
    this.connectedRegistryId = connectedRegistry.id;
    this.syncTokenName = syncToken.name;
    this.syncTokenId = syncToken.id;
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

    this.registerOutputs();
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
  ): containerregistry.Token {
    return new containerregistry.Token(
      resourceName,
      { ...common, tokenName, scopeMapId: scopeMap.id, status: "enabled" },
      { parent: this, deleteBeforeReplace: true, ignoreChanges: ["credentials"] },
    );
  }
}
