/**
 * What a landing zone adds to `ContainerRegistry`, checked and derived: the diagnostic setting, the management lock,
 * the customer-managed key, and the azure-native modules of those children (loaded only when one is created). The
 * plain checks themselves are in ../registryLandingZone.ts; the Args stay in containerRegistry.ts (types only here).
 */
import * as pulumi from "@pulumi/pulumi";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import type * as network from "@pulumi/azure-native/network";
import type * as monitor from "@pulumi/azure-native/monitor";
import type * as authorization from "@pulumi/azure-native/authorization";
import type {
  ContainerRegistryArgs,
  RegistryCustomerManagedKey,
  RegistryDiagnostics,
  RegistryLockLevel,
} from "../../containerRegistry";
import { mapInput } from "../inputs";
import { inputError, knownValue, oneOf, validateKnown, validateWhenKnown } from "../validation";
import {
  clientIdProblem,
  eventHubRuleIdProblem,
  keyUriProblem,
  storageAccountIdProblem,
  userAssignedIdentityIdProblem,
  workspaceIdProblem,
} from "../registryLandingZone";
import { lockLevels, readOnlyLock } from "./enums";

/** The azure-native modules of the landing-zone children, by name. */
interface LandingZoneModules {
  network: typeof network;
  monitor: typeof monitor;
  authorization: typeof authorization;
}

/**
 * An azure-native module of the landing-zone children, loaded only when such a child is created: importing the
 * package (every registry without them) does not pay for the three modules (~70-90 ms and 2 MB, measured here).
 */
export function landingZoneModule<K extends keyof LandingZoneModules>(name: K): LandingZoneModules[K] {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const load: { [M in keyof LandingZoneModules]: () => LandingZoneModules[M] } = {
    network: () => require("@pulumi/azure-native/network"),
    monitor: () => require("@pulumi/azure-native/monitor"),
    authorization: () => require("@pulumi/azure-native/authorization"),
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  return load[name]();
}

/** Checks `diagnostics`: at least one destination, each a well-formed ARM id. */
export function diagnosticsPlan(spec: RegistryDiagnostics): RegistryDiagnostics {
  if (spec === null || typeof spec !== "object") {
    throw inputError(
      "diagnostics",
      "must be an object with workspaceId, storageAccountId or eventHubAuthorizationRuleId.",
    );
  }
  if (
    spec.workspaceId === undefined &&
    spec.storageAccountId === undefined &&
    spec.eventHubAuthorizationRuleId === undefined
  ) {
    throw inputError(
      "diagnostics",
      "has no destination; set workspaceId (Log Analytics), storageAccountId or eventHubAuthorizationRuleId.",
    );
  }
  if (spec.eventHubName !== undefined && spec.eventHubAuthorizationRuleId === undefined) {
    throw inputError("diagnostics.eventHubName", "needs eventHubAuthorizationRuleId (the namespace's rule) as well.");
  }
  const checked = <T extends string>(key: keyof RegistryDiagnostics, check: (value: string) => string | undefined) =>
    spec[key] === undefined
      ? undefined
      : (validateWhenKnown(`diagnostics.${key}`, spec[key] as pulumi.Input<T>, check) as pulumi.Input<string>);
  return {
    workspaceId: checked("workspaceId", workspaceIdProblem),
    storageAccountId: checked("storageAccountId", storageAccountIdProblem),
    eventHubAuthorizationRuleId: checked("eventHubAuthorizationRuleId", eventHubRuleIdProblem),
    eventHubName: spec.eventHubName,
    metricsEnabled: spec.metricsEnabled,
  };
}

/** The lock level, refused where it would break this component's own writes under the registry. */
export function lockLevelOf(args: ContainerRegistryArgs, component: pulumi.Resource): pulumi.Input<RegistryLockLevel> {
  const lock = args.lock!;
  if (lock === null || typeof lock !== "object" || lock.level === undefined) {
    throw inputError("lock.level", 'is required: "CanNotDelete" or "ReadOnly".');
  }
  validateKnown("lock.level", lock.level, oneOf(lockLevels));
  const readOnly = (level: string) => {
    if (level === readOnlyLock && (args.imports ?? []).length > 0) {
      throw inputError(
        "lock.level",
        "ReadOnly blocks every write under the registry, and each of imports is one (an import on a later pulumi up, " +
          'a changed source) would fail; use "CanNotDelete", or remove imports.',
      );
    }
  };
  const level = knownValue(lock.level);
  if (level !== undefined) {
    readOnly(level);
    if (level === readOnlyLock) {
      void pulumi.log.warn(
        "lock.level ReadOnly: no token, scope map, connected registry, token password or private endpoint connection " +
          "under this registry can be created, changed or deleted until the lock is removed (ConnectedRegistry components " +
          "using it fail), and no diagnostic setting changes; pushes and pulls still work. CanNotDelete only blocks deletes.",
        component,
      );
    }
    return level;
  }
  return mapInput(lock.level, (resolved) => {
    validateKnown("lock.level", resolved, oneOf(lockLevels));
    readOnly(resolved);
    return resolved as RegistryLockLevel;
  });
}

/** The registry's `identity` and `encryption` inputs for a customer-managed key. */
export function encryptionOf(spec: RegistryCustomerManagedKey) {
  if (spec === null || typeof spec !== "object") {
    throw inputError("customerManagedKey", "must be an object with keyUri, identityId and identityClientId.");
  }
  for (const key of ["keyUri", "identityId", "identityClientId"] as const) {
    if (spec[key] === undefined) {
      throw inputError(`customerManagedKey.${key}`, "is required.");
    }
  }
  const identityId = validateWhenKnown("customerManagedKey.identityId", spec.identityId, userAssignedIdentityIdProblem);
  return {
    identity: mapInput(identityId, (id) => ({
      type: containerregistry.ResourceIdentityType.UserAssigned,
      userAssignedIdentities: { [id]: {} },
    })),
    encryption: {
      status: containerregistry.EncryptionStatus.Enabled,
      keyVaultProperties: {
        identity: validateWhenKnown("customerManagedKey.identityClientId", spec.identityClientId, clientIdProblem),
        keyIdentifier: validateWhenKnown("customerManagedKey.keyUri", spec.keyUri, keyUriProblem),
      },
    },
  };
}
