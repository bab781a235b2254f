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
 *
 * Shaped as pulumi-eks/awsx shape their components: the constructor validates the arguments and derives a plan
 * of plain values (`lib/connectedRegistry/plan.ts`), then creates the resources from the plan, one method per
 * group. The Args and enums stay here: the schema generator reads them with the class.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import { tokenNameOf } from "./lib/armId";
import { StatefulResourceOptions, withLifecycleOptions, withStatefulOptions } from "./lib/childOptions";
import { clientScopeMapName } from "./lib/connectedRegistryChecks";
import { ClientToken } from "./lib/connectedRegistry/clientTokens";
import { ConnectedRegistryPlan, planConnectedRegistry } from "./lib/connectedRegistry/plan";
import { formatConnectionString } from "./lib/connectionString";
import { mapAll, mapInput } from "./lib/inputs";
import { repositoryScopeActions } from "./lib/scopeMapActions";
import { operationResource } from "./operations/register";
import { tokenPassword, TokenPasswordInputs } from "./operations/tokenPassword";

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
  /**
   * Generated password.
   * @secret
   */
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

type TokenPasswords = ReturnType<typeof tokenPasswords>;

/** The sync token: its ARM id and name, the token resource when this component manages it, its passwords. */
interface SyncCredentials {
  tokenId: pulumi.Input<string>;
  tokenName: pulumi.Input<string>;
  token: containerregistry.Token | undefined;
  password: TokenPasswords;
}

/** A generated client token with its password. */
interface ClientCredentials {
  name: string;
  token: containerregistry.Token;
  password: TokenPasswords;
}

/**
 * An ACR connected registry with its sync scope map, sync token, generated sync password and connection
 * string, plus optional client tokens with generated passwords. Its parent is the cloud registry, or another
 * connected registry (`parentConnectedRegistry`, az `--parent`).
 */
export class ConnectedRegistry extends pulumi.ComponentResource {
  /**
   * `ConnectedRegistryName=…;SyncTokenName=…;SyncTokenPassword=…;ParentGatewayEndpoint=…;ParentEndpointProtocol=https|http` (secret).
   * @secret
   */
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
  /**
   * Client token logins by token name (secret). Empty when there are no client tokens.
   * @secret
   */
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

    // 1. Validate the arguments and derive every value the resources take.
    const plan = planConnectedRegistry(name, args, {
      clientConfigSubscription: () =>
        authorization.getClientConfigOutput({ parent: this }).apply((config) => config.subscriptionId),
      warn: (message) => void pulumi.log.warn(message, this),
    });

    // 2. Create: the sync credentials, the client tokens, then the connected registry that names them all.
    const sync = this.createSyncCredentials(name, plan);
    const clients = plan.clientTokens.map((client) => this.createClientToken(name, plan, client));
    const connectedRegistry = this.createConnectedRegistry(name, plan, sync, clients);

    // 3. Outputs.
    this.connectedRegistry = connectedRegistry;
    this.syncToken = sync.token;
    this.gatewayEndpoint = plan.parent
      ? pulumi.output(plan.parent.gatewayEndpoint)
      : connectedRegistry.parent.apply((p) => p.syncProperties.gatewayEndpoint);
    this.connectionString = connectionStringOf(
      connectedRegistry,
      sync.password,
      this.gatewayEndpoint,
      plan.parent?.protocol ?? ParentEndpointProtocol.Https,
    );
    this.connectedRegistryName = connectedRegistry.name;
    this.connectedRegistryId = connectedRegistry.id;
    this.syncTokenName = pulumi.output(sync.tokenName);
    this.syncTokenId = pulumi.output(sync.tokenId);
    this.syncActions = pulumi.output(plan.sync.kind === "scopeMap" ? plan.sync.actions : []);
    this.clientCredentials = clientCredentialsOf(clients);
    this.connectionState = connectedRegistry.connectionState;
    this.activationStatus = connectedRegistry.activation.apply((a) => a.status);
    this.lastActivityTime = connectedRegistry.lastActivityTime;
    this.lastSyncTime = connectedRegistry.parent.apply((p) => p?.syncProperties?.lastSyncTime);
    this.version = connectedRegistry.version;
    this.statusDetails = statusDetailsOf(connectedRegistry);
    this.loginServer = connectedRegistry.loginServer.apply((server) => server?.host);

    this.registerOutputs();
  }

  /**
   * The sync scope map and token named after the connected registry with the token's passwords (`repositories`),
   * or only the passwords of the existing token `syncTokenName`.
   */
  private createSyncCredentials(name: string, plan: ConnectedRegistryPlan): SyncCredentials {
    if (plan.sync.kind === "existingToken") {
      const tokenId = plan.sync.tokenId;
      return {
        tokenId,
        tokenName: mapInput(tokenId, (id) => tokenNameOf(id) as string),
        token: undefined,
        password: tokenPasswords(
          `${name}-sync-password`,
          passwordInputs(plan, tokenId, plan.passwords.syncTakeOverPasswordSlot),
          withLifecycleOptions({ parent: this }, plan.tokenOptions),
        ),
      };
    }
    const scopeMap = new containerregistry.ScopeMap(
      `${name}-sync`,
      {
        ...plan.registry,
        scopeMapName: plan.connectedRegistryName,
        description: mapInput(plan.connectedRegistryName, (n) => `Created by connected registry sync token: ${n}`),
        actions: plan.sync.actions,
      },
      withStatefulOptions({ parent: this, deleteBeforeReplace: true }, plan.tokenOptions),
    );
    const token = this.token(`${name}-sync`, plan.connectedRegistryName, scopeMap, plan);
    return {
      tokenId: token.id,
      tokenName: token.name,
      token,
      password: tokenPasswords(
        `${name}-sync-password`,
        passwordInputs(plan, token.id, plan.passwords.syncTakeOverPasswordSlot),
        withLifecycleOptions({ parent: this, replaceWith: [token], deletedWith: token }, plan.tokenOptions),
      ),
    };
  }

  /**
   * A client token: its scope map (az's name and description, `az acr token create --repository`: a client token
   * named like a connected registry no longer collides with that registry's sync scope map; names differ from the
   * old ones (the token name alone), so a rename creates the new scope map before the token moves to it and the
   * old goes), the token and its passwords.
   */
  private createClientToken(name: string, plan: ConnectedRegistryPlan, client: ClientToken): ClientCredentials {
    const scopeMap = new containerregistry.ScopeMap(
      `${name}-client-${client.name}`,
      {
        ...plan.registry,
        scopeMapName: clientScopeMapName(client.name),
        description: `Created by token: ${client.name}`,
        // The token's deploy-time checks gate its scope map, and through the scope map's id its token and password.
        actions: client.gate(mapAll([client.repositories, client.actions], ([r, a]) => repositoryScopeActions(r, a))),
      },
      withStatefulOptions({ parent: this }, plan.tokenOptions),
    );
    const token = this.token(`${name}-client-${client.name}`, client.gate(client.name), scopeMap, plan);
    const password = tokenPasswords(
      `${name}-client-${client.name}-password`,
      passwordInputs(plan, token.id, client.takeOverPasswordSlot),
      withLifecycleOptions({ parent: this, replaceWith: [token], deletedWith: token }, plan.tokenOptions),
    );
    return { name: client.name, token, password };
  }

  /** The connected registry: its parent, sync settings and clients (generated, then existing tokens). */
  private createConnectedRegistry(
    name: string,
    plan: ConnectedRegistryPlan,
    sync: SyncCredentials,
    clients: ClientCredentials[],
  ): containerregistry.ConnectedRegistry {
    const clientTokenIds = [...clients.map((c) => c.token.id), ...plan.existingClientTokenIds];
    return new containerregistry.ConnectedRegistry(
      name,
      {
        ...plan.registry,
        connectedRegistryName: plan.connectedRegistryName,
        mode: plan.mode,
        parent: { id: plan.parent?.id, syncProperties: { tokenId: sync.tokenId, ...plan.syncProperties } },
        logging: plan.logging,
        notificationsList: plan.notifications,
        garbageCollection: plan.garbageCollection,
        clientTokenIds: clientTokenIds.length > 0 ? clientTokenIds : undefined,
      },
      // The REST update has no `mode`: a mode change is a new connected registry (same name, so the old one goes
      // first), shown by `pulumi preview` as a replacement.
      withStatefulOptions(
        { parent: this, deleteBeforeReplace: true, replaceOnChanges: ["mode"] },
        plan.connectedRegistryOptions,
      ),
    );
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
    plan: ConnectedRegistryPlan,
  ): containerregistry.Token {
    return new containerregistry.Token(
      resourceName,
      { ...plan.registry, tokenName, scopeMapId: scopeMap.id, status: "enabled" },
      withStatefulOptions(
        { parent: this, deleteBeforeReplace: true, ignoreChanges: ["credentials"] },
        plan.tokenOptions,
      ),
    );
  }
}

/** The inputs of a generated password of the token `tokenId`. */
function passwordInputs(
  plan: ConnectedRegistryPlan,
  tokenId: pulumi.Input<string>,
  takeOverPasswordSlot: pulumi.Input<string> | undefined,
) {
  return {
    subscriptionId: plan.passwords.subscriptionId,
    tokenId,
    expiry: plan.passwords.expiry,
    rotationTrigger: plan.passwords.rotationTrigger,
    takeOverPasswordSlot,
  };
}

/** The connection string the Arc extension takes (secret). */
function connectionStringOf(
  connectedRegistry: containerregistry.ConnectedRegistry,
  syncPassword: TokenPasswords,
  gatewayEndpoint: pulumi.Input<string>,
  protocol: pulumi.Input<string>,
): pulumi.Output<string> {
  return pulumi.secret(
    pulumi
      .all([connectedRegistry.name, syncPassword.username, syncPassword.value, gatewayEndpoint, protocol])
      .apply(([crName, user, password, gateway, scheme]) =>
        formatConnectionString(crName, user, password, gateway, scheme),
      ),
  );
}

/** Client token logins by token name (secret). */
function clientCredentialsOf(clients: ClientCredentials[]): pulumi.Output<{ [tokenName: string]: ClientCredential }> {
  return pulumi.secret(
    pulumi
      .all(clients.map((c) => pulumi.all([c.password.username, c.password.value])))
      .apply((logins) =>
        Object.fromEntries(
          logins.map(([username, password], i) => [clients[i].name, { username, password } as ClientCredential]),
        ),
      ),
  );
}

/** The status details Azure reports, as the component's output type. */
function statusDetailsOf(
  connectedRegistry: containerregistry.ConnectedRegistry,
): pulumi.Output<ConnectedRegistryStatusDetail[]> {
  return connectedRegistry.statusDetails.apply((details) =>
    (details ?? []).map(({ type, code, description, timestamp, correlationId }) => ({
      type,
      code,
      description,
      timestamp,
      correlationId,
    })),
  );
}
