/**
 * The values of `ContainerRegistry`'s string enums (and `ImageImport`'s `ImportMode`), for the checks and defaults
 * of its plan. lib/ imports components only as types (erased when compiled: no module of lib/ loads a component), so
 * the values are listed here, and the compiler checks each list against its enum: every value present, nothing
 * else (`Record<`${Enum}`, true>`), in the enum's order (the order error messages list them in).
 */
import type { NetworkDefaultAction, RegistryLockLevel, RegistrySku } from "../../containerRegistry";
import type { ImportMode } from "../../imageImport";

const valuesOf = <E extends string>(values: Record<E, true>): E[] => Object.keys(values) as E[];

/** `RegistrySku`'s values. */
export const skus = valuesOf<`${RegistrySku}`>({ Basic: true, Standard: true, Premium: true });

/** The default SKU, the one connected registries and the data endpoint need. */
export const premiumSku: `${RegistrySku}` = "Premium";

/** `NetworkDefaultAction`'s values. */
export const defaultActions = valuesOf<`${NetworkDefaultAction}`>({ Allow: true, Deny: true });

/** The default action of the network rules: only the IP rules reach the registry. */
export const denyAction: `${NetworkDefaultAction}` = "Deny";

/** `RegistryLockLevel`'s values. */
export const lockLevels = valuesOf<`${RegistryLockLevel}`>({ CanNotDelete: true, ReadOnly: true });

/** The lock level that blocks every write under the registry. */
export const readOnlyLock: `${RegistryLockLevel}` = "ReadOnly";

/** `ImportMode`'s values. */
export const importModes = valuesOf<`${ImportMode}`>({ NoForce: true, Force: true });
