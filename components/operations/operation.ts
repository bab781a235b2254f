/**
 * The shape every deploy-time operation (token password, image import, deactivation) implements once.
 *
 * An operation is a set of pure functions of its inputs and an Azure client. It is registered two ways
 * (design.md, "Deploy-time operations"):
 * - in-process, as a Node dynamic resource, when a TypeScript program imports the package;
 * - as a custom resource of the `edge-registry` provider plugin (`type`), for every other language.
 * Neither host adds behaviour: login, drift, retries and rotation all live in the operation.
 */
import type { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import type { TokenCredential } from "@azure/identity";

/** The Azure SDK operations the deploy-time operations use. */
export type RegistryClient = Pick<ContainerRegistryManagementClient, "registries" | "connectedRegistries" | "tokens">;

/**
 * The login behind {@link OperationContext.client}, for clients other than ARM (e.g. a registry's data
 * plane through `@azure/container-registry`, which exchanges this credential's Entra token for an ACR
 * token). Structurally a subset of login.ts's `AzureLogin`.
 */
export interface OperationLogin {
  /** The credential azure-native's rules chose (platform-facts §10). */
  readonly credential: TokenCredential;
}

/** What an operation gets from its host. */
export interface OperationContext {
  /**
   * A management client logged in exactly as azure-native v3 would be (platform-facts §10), for
   * `subscriptionId`, or for the login's own subscription when omitted.
   */
  client(subscriptionId?: string): Promise<RegistryClient>;
  /** The same login as `client` (resolved once, cached), for data-plane clients. */
  login(): Promise<OperationLogin>;
  /** Reports a warning to the user (the engine's log in both hosts). */
  warn(message: string): void;
  /**
   * Milliseconds between status polls of a long-running call (the SDK pollers' `updateIntervalInMs`), also
   * the base of the back-off before a lost poll is resumed. Unset (production): the SDK's interval (2 s, or
   * the answer's `Retry-After`) and a 1 s base. Set only by a test harness (client.ts, `pollIntervalVariable`).
   */
  readonly pollIntervalMs?: number;
}

/** A property of an operation's custom resource, as the plugin's schema (and every SDK) sees it. */
export interface OperationProperty {
  /** Pulumi schema type of the property. */
  readonly type: "string" | "boolean" | "integer" | "array" | "object";
  /** Item type when `type` is `array`. */
  readonly items?: { readonly type: "string" };
  /** Value type when `type` is `object` (a map). */
  readonly additionalProperties?: { readonly type: "string" };
  /** Schema description (markdown). */
  readonly description: string;
  /** Whether the value is secret (always wrapped as a secret in state and outputs). */
  readonly secret?: boolean;
  /** Whether an input is required. */
  readonly required?: boolean;
}

/** A validation failure of `check`, naming the input. */
export interface CheckFailure {
  readonly property: string;
  readonly reason: string;
}

/** Result of `diff`, in the dynamic provider's terms (the plugin maps it to the gRPC DiffResponse). */
export interface OperationDiff {
  readonly changes: boolean;
  readonly replaces?: string[];
  readonly stables?: string[];
  readonly deleteBeforeReplace?: boolean;
}

/** Any operation, when only its name, type and property lists are read (operations are generic in I and O). */
export type AnyOperation = Operation<any, any>;

/** One deploy-time operation. `I` are its inputs, `O` its state (inputs + outputs). */
export interface Operation<I extends object, O extends I> {
  /** Short name, e.g. `TokenPassword`: the dynamic resource is `pulumi-nodejs:dynamic/edge-registry:<name>`. */
  readonly name: string;
  /** Type token of the plugin's custom resource: `edge-registry:index:<name>`. */
  readonly type: string;
  /** One-paragraph description for the schema. */
  readonly description: string;
  /** Input properties (schema `inputProperties`). */
  readonly inputs: { readonly [property: string]: OperationProperty };
  /** Output-only properties (schema `properties` = inputs + these). */
  readonly outputs: { readonly [property: string]: OperationProperty };
  /** Validates and normalises inputs (defaults filled in). No Azure call. */
  check(olds: Partial<O> | undefined, news: Record<string, unknown>): { inputs: I; failures: CheckFailure[] };
  /** Compares the state with new inputs. No Azure call. */
  diff(id: string, olds: O, news: I): Promise<OperationDiff>;
  /** Creates; idempotent under retry (a lost response is re-read, never duplicated). */
  create(inputs: I, ctx: OperationContext): Promise<{ id: string; outs: O }>;
  /** Reads the live object; `undefined` when it is gone (the engine then drops it from the state). */
  read(id: string, state: O, ctx: OperationContext): Promise<{ id: string; props: O } | undefined>;
  /** Applies an in-place change (`diff` without `replaces`). */
  update(id: string, olds: O, news: I, ctx: OperationContext): Promise<O>;
  /** Deletes; a missing object is not an error. */
  delete(id: string, state: O, ctx: OperationContext): Promise<void>;
}
