/**
 * Plain-value helpers shared by the rules. Rules see resource properties as plain JSON (secrets already
 * unwrapped by the policy runtime). During `pulumi preview` a value that depends on an unknown output is one of
 * the engine's "unknown" sentinel strings; the policy runtime normally throws when a rule reads one, which would
 * abort the whole rule. The wrappers in `policies.ts` hand the rules the raw values instead ({@link rawProps}),
 * and rules treat unknown values as "cannot tell yet": they never report a violation on a value they cannot see.
 */

/** Resource properties as the policy runtime passes them. */
export type Props = Record<string, any>;

/** One resource as a stack rule sees it (a subset of `PolicyResource`). */
export interface StackResource {
  type: string;
  name: string;
  urn: string;
  props: Props;
}

/** A violation found by a stack rule: the message and the resource it is about. */
export interface Finding {
  urn: string;
  message: string;
}

/** The engine's unknown-value sentinels (the same UUIDs the Pulumi SDKs use on the wire). */
const UNKNOWN_SENTINELS = new Set([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string (also `pulumi.runtime.unknownValue`)
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
  "030794c1-ac77-496b-92df-f27374a8bd58", // asset
  "e48ece36-62e2-4504-bad9-02848725956a", // archive
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

/** Whether a value is unknown during preview. */
export function isUnknown(value: unknown): boolean {
  return typeof value === "string" && UNKNOWN_SENTINELS.has(value);
}

/** The property key under which the policy runtime's unknown-checking proxy exposes the raw object. */
const PROXY_TARGET = "__getSpecialProxyTarget";

/** The raw properties behind the policy runtime's unknown-checking proxy (the value itself when not proxied). */
export function rawProps(props: Props): Props {
  const target = (props as Record<string, unknown>)?.[PROXY_TARGET];
  return target && typeof target === "object" ? (target as Props) : props;
}

/** An object value, or `undefined` when absent, unknown or not an object. */
export function objectAt(value: unknown): Props | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Props) : undefined;
}

/** An array value, or `[]` when absent, unknown or not an array. */
export function arrayAt(value: unknown): any[] {
  return Array.isArray(value) ? value : [];
}

/** A known string value, or `undefined`. */
export function stringAt(value: unknown): string | undefined {
  return typeof value === "string" && !isUnknown(value) ? value : undefined;
}

/**
 * A boolean written as a boolean or as a string (`"true"`/`"False"`, as extension settings and Helm values are),
 * or `undefined` when absent, unknown or not a boolean.
 */
export function flagAt(value: unknown): boolean | undefined {
  if (typeof value === "boolean") {
    return value;
  }
  const text = stringAt(value)?.trim().toLowerCase();
  return text === "true" ? true : text === "false" ? false : undefined;
}

/** Case-insensitive string equality for known strings. */
export function sameText(value: unknown, expected: string): boolean {
  return stringAt(value)?.toLowerCase() === expected.toLowerCase();
}
