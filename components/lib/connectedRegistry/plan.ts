/**
 * `ConnectedRegistry`'s plan (the pulumi-eks/awsx shape: validate, derive a plan of plain values, then create):
 * every argument checked (an `InputPropertyError` naming it, at preview when known, else in the apply that
 * produces the input it protects) and defaulted, and every value the resources take derived from them — plain
 * wherever the arguments are known. The component then only creates resources from the plan.
 *
 * The modules of this folder import the component's Args only as types (`import type`, erased when compiled:
 * no module of lib/ loads a component at run time); the Args stay in connectedRegistry.ts, where the schema
 * generator reads them with the class. Enum values: `enums.ts`.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ConnectedRegistryArgs } from "../../connectedRegistry";
import { StatefulResourceOptions, checkedStatefulOptions } from "../childOptions";
import {
  checkConnectedRegistryName,
  checkCron,
  checkDurationWithin,
  checkNotification,
  checkRegistryName,
  checkRepository,
  checkTimestamp,
  continuousSchedule,
  defaultConnectedRegistryName,
  normalizeCron,
  passwordExpiryWarning,
} from "../connectedRegistryChecks";
import { mapInput } from "../inputs";
import { firstDuplicate, knownValue, oneOf, validateList, validateWhenKnown } from "../validation";
import {
  ClientToken,
  TokenScope,
  existingClientTokenIds,
  existingTokenId,
  notEmptyUnique,
  planClientTokens,
} from "./clientTokens";
import { informationLogLevel, logLevels, modes, passwordSlots, readOnlyMode } from "./enums";
import { ParentPlan, planParent } from "./parent";
import { checkSyncSource, syncActions } from "./sync";

/**
 * What syncs: a sync scope map with these actions and a token, both named after the connected registry
 * (`repositories`); or the existing token `syncTokenName`, by ARM id.
 */
export type SyncPlan =
  { kind: "scopeMap"; actions: pulumi.Input<string[]> } | { kind: "existingToken"; tokenId: pulumi.Input<string> };

/** Every value `ConnectedRegistry`'s resources take, checked and defaulted. */
export interface ConnectedRegistryPlan {
  /** The arguments every registry child shares: resource group and (checked) registry name. */
  registry: { resourceGroupName: pulumi.Input<string>; registryName: pulumi.Input<string> };
  connectedRegistryName: pulumi.Input<string>;
  mode: pulumi.Input<string>;
  sync: SyncPlan;
  syncProperties: {
    schedule: pulumi.Input<string>;
    syncWindow: pulumi.Input<string> | undefined;
    messageTtl: pulumi.Input<string>;
  };
  logging: { logLevel: pulumi.Input<string>; auditLogStatus: pulumi.Input<string> };
  notifications: pulumi.Input<string[]> | undefined;
  garbageCollection: ConnectedRegistryArgs["garbageCollection"];
  /** The generated client tokens, in order. */
  clientTokens: ClientToken[];
  /** ARM ids of `existingClientTokens`. */
  existingClientTokenIds: pulumi.Input<string>[];
  /** The parent connected registry; undefined for a child of the cloud registry. */
  parent: ParentPlan | undefined;
  /** The inputs of every generated password but its token. */
  passwords: {
    subscriptionId: pulumi.Input<string> | undefined;
    expiry: pulumi.Input<string> | undefined;
    rotationTrigger: pulumi.Input<string> | undefined;
    /** The slot the sync token's password may take over (`takeOverPasswordSlot`), validated. */
    syncTakeOverPasswordSlot: pulumi.Input<string> | undefined;
  };
  connectedRegistryOptions: StatefulResourceOptions | undefined;
  tokenOptions: StatefulResourceOptions | undefined;
}

/** What the plan needs from the component: the provider's subscription (an invoke, made only when needed), a warning. */
export interface PlanContext {
  clientConfigSubscription: () => pulumi.Input<string>;
  warn: (message: string) => void;
}

/** Validates `args` and derives the plan of a `ConnectedRegistry` named `name`. */
export function planConnectedRegistry(
  name: string,
  args: ConnectedRegistryArgs,
  context: PlanContext,
): ConnectedRegistryPlan {
  checkSyncSource(args);
  const modeInput = args.mode ?? readOnlyMode;
  const mode = validateWhenKnown("mode", modeInput, oneOf(modes));
  const nameInput = args.connectedRegistryName ?? defaultConnectedRegistryName(name);
  const connectedRegistryName = validateWhenKnown("connectedRegistryName", nameInput, checkConnectedRegistryName);
  const registryName = validateWhenKnown("registryName", args.registryName, checkRegistryName);
  const repositories =
    args.repositories === undefined
      ? undefined
      : validateList("repositories", args.repositories, checkRepository, notEmptyUnique);
  const syncProperties = {
    schedule: mapInput(
      validateWhenKnown("syncSchedule", args.syncSchedule ?? continuousSchedule, checkCron),
      normalizeCron,
    ),
    syncWindow:
      args.syncWindow === undefined
        ? undefined
        : validateWhenKnown("syncWindow", args.syncWindow, checkDurationWithin("PT1H", "P7D")),
    messageTtl: validateWhenKnown("messageTtl", args.messageTtl ?? "P2D", checkDurationWithin("P1D", "P90D")),
  };
  const logging = {
    logLevel: validateWhenKnown("logLevel", args.logLevel ?? informationLogLevel, oneOf(logLevels)),
    auditLogStatus: mapInput(args.auditLogEnabled, (on) => (on ? "Enabled" : "Disabled")),
  };
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
  const expiry =
    args.passwordExpiry === undefined
      ? undefined
      : mapInput(validateWhenKnown("passwordExpiry", args.passwordExpiry, checkTimestamp), (value) => {
          const warning = passwordExpiryWarning(value);
          if (warning !== undefined) {
            context.warn(warning);
          }
          return value;
        });
  const clientTokens = planClientTokens(args.clientTokens, { modeInput, nameInput, repositories: args.repositories });
  // The subscription of tokens given by name: one client-config call per component at most, and only when needed.
  let subscriptionId: pulumi.Input<string> | undefined;
  const scope: TokenScope = {
    subscription: () => (subscriptionId ??= args.subscriptionId ?? context.clientConfigSubscription()),
    resourceGroupName: args.resourceGroupName,
    registryName: args.registryName,
  };
  const existing = existingClientTokenIds(args.existingClientTokens, scope, clientTokens.length);
  const parent = planParent(args.parentConnectedRegistry, mode, repositories);
  const connectedRegistryOptions = checkedStatefulOptions("connectedRegistryOptions", args.connectedRegistryOptions);
  const tokenOptions = checkedStatefulOptions("tokenOptions", args.tokenOptions);
  const sync: SyncPlan =
    repositories !== undefined
      ? { kind: "scopeMap", actions: syncActions(connectedRegistryName, mode, repositories, args.descendants) }
      : { kind: "existingToken", tokenId: existingTokenId(scope, "syncTokenName", args.syncTokenName!) };
  return {
    registry: { resourceGroupName: args.resourceGroupName, registryName },
    connectedRegistryName,
    mode,
    sync,
    syncProperties,
    logging,
    notifications,
    garbageCollection,
    clientTokens,
    existingClientTokenIds: existing,
    parent,
    passwords: {
      subscriptionId: args.subscriptionId,
      expiry,
      rotationTrigger: args.passwordRotationTrigger,
      syncTakeOverPasswordSlot:
        args.takeOverPasswordSlot === undefined
          ? undefined
          : validateWhenKnown("takeOverPasswordSlot", args.takeOverPasswordSlot, oneOf(passwordSlots)),
    },
    connectedRegistryOptions,
    tokenOptions,
  };
}
