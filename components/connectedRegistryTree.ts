/**
 * `ConnectedRegistryTree`: a whole hierarchy of nested connected registries (az `--parent`), declared where the
 * tree is known (the hub): e.g. cloud → `onprem` (ReadWrite) → `floor1`, `floor2` (ReadOnly), for the layered,
 * isolated networks of a factory (ISA-95 levels). It produces what az produces when the tree is created
 * top-down (platform-facts §1): every node's sync scope map holds its own actions ∪ each descendant's gateway
 * and repository actions, each child's `parent.id` is its parent's ARM id, and each child's connection string
 * points at its parent's address.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  ClientCredential,
  ClientTokenSpec,
  ConnectedRegistry,
  ConnectedRegistryLogLevel,
  ConnectedRegistryMode,
  ParentEndpointProtocol,
} from "./connectedRegistry";
import { checkConnectedRegistryName, checkRepository } from "./lib/connectedRegistryChecks";
import { descendantsOf, HierarchyNode, orderTree } from "./lib/hierarchy";
import { inputError, isKnown, knownValue, oneOf } from "./lib/validation";

/** One connected registry of a {@link ConnectedRegistryTree}. */
export interface ConnectedRegistryTreeNode {
  /** Connected registry name (5-50 letters and digits), unique in the tree. Must be known at preview. */
  readonly name: pulumi.Input<string>;
  /**
   * Name of its parent node in this tree. Default: none, the node is a child of the cloud registry. Must be
   * known at preview.
   */
  readonly parentName?: pulumi.Input<string>;
  /**
   * Mode. Default `ReadOnly`. A parent must be ReadWrite or of its children's mode. Changing it replaces the
   * connected registry (see `ConnectedRegistryArgs.mode`). Must be known at preview.
   */
  readonly mode?: pulumi.Input<ConnectedRegistryMode>;
  /** Repositories it syncs; a child's must all be synced by its parent. Must be known at preview. */
  readonly repositories: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Its address as its children reach it, `host` or `host:port`: its extension's `service.clusterIP`, or the
   * routable address in front of it. Required when it has children (their `ParentGatewayEndpoint`).
   */
  readonly gatewayEndpoint?: pulumi.Input<string>;
  /** The protocol its children reach it with (`ParentEndpointProtocol`). Default `https`. */
  readonly endpointProtocol?: pulumi.Input<ParentEndpointProtocol>;
  /** Its client tokens (names unique across the tree). Default: none. */
  readonly clientTokens?: pulumi.Input<pulumi.Input<ClientTokenSpec>[]>;
  /** Cron schedule of its syncs. Default `* * * * *`. */
  readonly syncSchedule?: pulumi.Input<string>;
  /** ISO 8601 sync window, PT1H..P7D. Default unset. */
  readonly syncWindow?: pulumi.Input<string>;
  /** How long sync messages are kept, P1D..P90D. Default `P2D`. */
  readonly messageTtl?: pulumi.Input<string>;
  /** Log level. Default `Information`. */
  readonly logLevel?: pulumi.Input<ConnectedRegistryLogLevel>;
  /** Artifact notification patterns (see `ConnectedRegistryArgs.notifications`). Default: none. */
  readonly notifications?: pulumi.Input<pulumi.Input<string>[]>;
}

/** Arguments of {@link ConnectedRegistryTree}. */
export interface ConnectedRegistryTreeArgs {
  /** Resource group of the cloud registry. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** Name of the cloud registry (Premium, data endpoint enabled): the root of the tree. */
  readonly registryName: pulumi.Input<string>;
  /**
   * The connected registries, each naming its parent node (none: a child of the cloud registry), in any order.
   * At least one; must be known at preview (the tree decides which resources exist).
   */
  readonly nodes: pulumi.Input<pulumi.Input<ConnectedRegistryTreeNode>[]>;
  /** RFC 3339 expiry of every generated password. Default: no expiry. */
  readonly passwordExpiry?: pulumi.Input<string>;
  /** Any value; changing it generates new passwords for every node. Default: unset. */
  readonly passwordRotationTrigger?: pulumi.Input<string>;
  /** Subscription used to generate passwords. Default: the one in the tokens' ARM ids. */
  readonly subscriptionId?: pulumi.Input<string>;
}

/** A node with its structure known (name, parent, mode, repositories), as the tree checks need it. */
interface PlainNode extends HierarchyNode {
  spec: ConnectedRegistryTreeNode;
  index: number;
}

/** Reads the structure of every node now (it decides the resources), with errors naming `nodes[i].<field>`. */
function plainNodes(nodes: ConnectedRegistryTreeArgs["nodes"]): PlainNode[] {
  const list = knownValue(nodes);
  if (list === undefined || !list.every((node) => isKnown(node))) {
    throw inputError("nodes", "must be known at preview (plain values): each node creates resources.");
  }
  if (list.length === 0) {
    throw inputError("nodes", "is empty; declare at least one connected registry.");
  }
  return (list as ConnectedRegistryTreeNode[]).map((spec, index) => {
    const path = `nodes[${index}]`;
    const known = <T>(field: string, value: pulumi.Input<T> | undefined): T | undefined => {
      if (value !== undefined && !isKnown(value)) {
        throw inputError(`${path}.${field}`, "must be known at preview (it shapes the tree): use a plain value.");
      }
      return value as T | undefined;
    };
    const name = known<string>("name", spec.name);
    const nameProblem = name === undefined ? "is required." : checkConnectedRegistryName(name);
    if (nameProblem !== undefined) {
      throw inputError(`${path}.name`, nameProblem);
    }
    const mode = known<string>("mode", spec.mode) ?? ConnectedRegistryMode.ReadOnly;
    const modeProblem = oneOf(Object.values(ConnectedRegistryMode))(mode);
    if (modeProblem !== undefined) {
      throw inputError(`${path}.mode`, modeProblem);
    }
    const repositories = known<pulumi.Input<string>[]>("repositories", spec.repositories);
    if (repositories === undefined || !repositories.every((r) => isKnown(r)) || repositories.length === 0) {
      throw inputError(
        `${path}.repositories`,
        'must be a non-empty list known at preview (e.g. ["hello-world"]): children are checked against it.',
      );
    }
    repositories.forEach((repository, j) => {
      const problem = checkRepository(repository as string);
      if (problem !== undefined) {
        throw inputError(`${path}.repositories[${j}]`, problem);
      }
    });
    const parentName = known<string>("parentName", spec.parentName);
    return { name: name!, parentName, mode, repositories: repositories as string[], spec, index };
  });
}

/** Client token names are tokens of the one cloud registry: unique across the tree and unlike every node name. */
function checkTokenNames(nodes: readonly PlainNode[]): void {
  const seen = new Map<string, string>(
    nodes.map((node) => [node.name.toLowerCase(), `the sync token of ${node.name}`]),
  );
  for (const node of nodes) {
    const tokens = knownValue(node.spec.clientTokens) ?? [];
    tokens.forEach((token, j) => {
      const tokenName = knownValue(knownValue(token)?.name);
      if (tokenName === undefined) {
        return; // ConnectedRegistry reports it.
      }
      const other = seen.get(tokenName.toLowerCase());
      if (other !== undefined) {
        throw inputError(
          `nodes[${node.index}].clientTokens[${j}].name`,
          `"${tokenName}" is already ${other} (all tokens live in the one cloud registry); choose another name.`,
        );
      }
      seen.set(tokenName.toLowerCase(), `a client token of ${node.name}`);
    });
  }
}

/**
 * A tree of connected registries under one cloud registry: one {@link ConnectedRegistry} per node, created top-down
 * (each child waits for its parent's id), each sync scope map with its descendants' actions (az's union), each
 * child's connection string pointing at its parent's `gatewayEndpoint`. Deploy each connection string with a
 * `ConnectedRegistryExtension` on that level's cluster (or an `EdgeRegistrySite` child site).
 */
export class ConnectedRegistryTree extends pulumi.ComponentResource {
  /**
   * Connection string of every node, by connected registry name (secret).
   * @secret
   */
  public readonly connectionStrings: pulumi.Output<{ [name: string]: string }>;
  /** ARM id of every connected registry, by name. */
  public readonly connectedRegistryIds: pulumi.Output<{ [name: string]: string }>;
  /** Sync scope map actions of every node (own ∪ descendants'), by name: what a reviewer checks against az. */
  public readonly syncActions: pulumi.Output<{ [name: string]: string[] }>;
  /** What each node's connection string points at (`ParentGatewayEndpoint`), by name. */
  public readonly parentGatewayEndpoints: pulumi.Output<{ [name: string]: string }>;
  /**
   * Client token logins of every node, by node name then token name (secret).
   * @secret
   */
  public readonly clientCredentials: pulumi.Output<{ [name: string]: { [tokenName: string]: ClientCredential } }>;

  constructor(name: string, args: ConnectedRegistryTreeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("edge-registry:index:ConnectedRegistryTree", name, {}, opts);

    const nodes = plainNodes(args.nodes);
    const ordered = orderTree(nodes);
    if (!Array.isArray(ordered)) {
      throw inputError(`nodes[${ordered.index}].${ordered.field}`, ordered.reason);
    }
    checkTokenNames(nodes);

    const created = new Map<string, ConnectedRegistry>();
    for (const node of ordered) {
      const parent = node.parentName === undefined ? undefined : nodes.find((n) => sameName(n.name, node.parentName!));
      if (parent !== undefined && parent.spec.gatewayEndpoint === undefined) {
        throw inputError(
          `nodes[${parent.index}].gatewayEndpoint`,
          `is required: "${node.name}" syncs from "${parent.name}" and needs its address (e.g. its extension's service cluster IP) for ParentGatewayEndpoint.`,
        );
      }
      const descendants = descendantsOf(nodes, node.name).map((d) => ({
        connectedRegistryName: d.name,
        mode: d.mode as ConnectedRegistryMode,
        repositories: [...d.repositories],
      }));
      const spec = node.spec;
      const connected = new ConnectedRegistry(
        `${name}-${node.name}`,
        {
          resourceGroupName: args.resourceGroupName,
          registryName: args.registryName,
          connectedRegistryName: node.name,
          mode: node.mode as ConnectedRegistryMode,
          repositories: [...node.repositories],
          syncSchedule: spec.syncSchedule,
          syncWindow: spec.syncWindow,
          messageTtl: spec.messageTtl,
          logLevel: spec.logLevel,
          notifications: spec.notifications,
          clientTokens: spec.clientTokens,
          passwordExpiry: args.passwordExpiry,
          passwordRotationTrigger: args.passwordRotationTrigger,
          subscriptionId: args.subscriptionId,
          descendants: descendants.length > 0 ? descendants : undefined,
          parentConnectedRegistry:
            parent === undefined
              ? undefined
              : {
                  connectedRegistryId: created.get(parent.name)!.connectedRegistryId,
                  gatewayEndpoint: parent.spec.gatewayEndpoint!,
                  endpointProtocol: parent.spec.endpointProtocol,
                  mode: parent.mode as ConnectedRegistryMode,
                  repositories: [...parent.repositories],
                },
        },
        { parent: this },
      );
      created.set(node.name, connected);
    }

    const byName = <T>(pick: (cr: ConnectedRegistry) => pulumi.Output<T>): pulumi.Output<{ [name: string]: T }> =>
      pulumi
        .all(nodes.map((node) => pick(created.get(node.name)!)))
        .apply((values) => Object.fromEntries(nodes.map((node, i) => [node.name, values[i] as T])));
    this.connectionStrings = pulumi.secret(byName((cr) => cr.connectionString));
    this.connectedRegistryIds = byName((cr) => cr.connectedRegistryId);
    this.syncActions = byName((cr) => cr.syncActions);
    this.parentGatewayEndpoints = byName((cr) => cr.gatewayEndpoint);
    this.clientCredentials = pulumi.secret(byName((cr) => cr.clientCredentials));
    this.registerOutputs();
  }
}

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
