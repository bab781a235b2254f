/**
 * The values of `ConnectedRegistry`'s string enums, for the checks and defaults of its plan. lib/ imports the
 * component only as types (erased when compiled: no module of lib/ loads a component), so the values are listed
 * here, and the compiler checks each list against its enum: every value present, nothing else
 * (`Record<`${Enum}`, true>`), in the enum's order (the order error messages list them in).
 */
import type {
  ConnectedRegistryLogLevel,
  ConnectedRegistryMode,
  ParentEndpointProtocol,
  TokenPasswordSlot,
} from "../../connectedRegistry";

const valuesOf = <E extends string>(values: Record<E, true>): E[] => Object.keys(values) as E[];

/** `ConnectedRegistryMode`'s values. */
export const modes = valuesOf<`${ConnectedRegistryMode}`>({ ReadOnly: true, ReadWrite: true });

/** `ParentEndpointProtocol`'s values. */
export const protocols = valuesOf<`${ParentEndpointProtocol}`>({ https: true, http: true });

/** `ConnectedRegistryLogLevel`'s values. */
export const logLevels = valuesOf<`${ConnectedRegistryLogLevel}`>({
  Debug: true,
  Information: true,
  Warning: true,
  Error: true,
  None: true,
});

/** `TokenPasswordSlot`'s values. */
export const passwordSlots = valuesOf<`${TokenPasswordSlot}`>({ password1: true, password2: true });

/** The ReadOnly mode: the default (the Arc docs' secure default), whose clients may only read. */
export const readOnlyMode: `${ConnectedRegistryMode}` = "ReadOnly";

/** The default log level. */
export const informationLogLevel: `${ConnectedRegistryLogLevel}` = "Information";

/** The default parent protocol: TLS. */
export const httpsProtocol: `${ParentEndpointProtocol}` = "https";
