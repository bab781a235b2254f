/**
 * Secrets on the provider protocol. The engine sends a secret value wrapped as
 * `{ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value }` to a provider that
 * accepts secrets (the Node provider server says it does), and keeps a returned value secret only when it
 * comes back wrapped the same way. The operations work on plain values: the plugin unwraps what comes in
 * and wraps what goes out.
 */

/** The key that marks a special value on the wire. */
const signatureKey = "4dabf18193072939515e22adb298388d";
/** The signature of a secret. */
const secretSignature = "1b47061264138c4ac30d75fd1eb44270";

type Props = Record<string, unknown>;

/** Whether a wire value is a wrapped secret. */
export function isSecretValue(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Props)[signatureKey] === secretSignature;
}

/** Wraps `value` as a secret (once). */
export function secretValue(value: unknown): unknown {
  return isSecretValue(value) ? value : { [signatureKey]: secretSignature, value };
}

/** Removes every secret wrapper from `value`, deeply. */
export function unwrapValue(value: unknown): unknown {
  if (isSecretValue(value)) {
    return unwrapValue(value.value);
  }
  if (Array.isArray(value)) {
    return value.map(unwrapValue);
  }
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, unwrapValue(item)]));
  }
  return value;
}

/** Whether `value` holds a secret anywhere. */
function containsSecret(value: unknown): boolean {
  if (isSecretValue(value)) {
    return true;
  }
  if (typeof value === "object" && value !== null) {
    return Object.values(value).some(containsSecret);
  }
  return false;
}

/** Plain properties, and the names of the properties that were (or held) secrets. */
export function unwrapProperties(props: Props | undefined): { plain: Props; secrets: Set<string> } {
  const plain: Props = {};
  const secrets = new Set<string>();
  for (const [key, value] of Object.entries(props ?? {})) {
    if (containsSecret(value)) {
      secrets.add(key);
    }
    plain[key] = unwrapValue(value);
  }
  return { plain, secrets };
}

/** `value` as the protocol can carry it: object members that are undefined left out, in arrays null. */
function defined(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => (item === undefined ? null : defined(item)));
  }
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== undefined)
        .map(([key, item]) => [key, defined(item)]),
    );
  }
  return value;
}

/** `props` with every property named in `secrets` wrapped as a secret (undefined values left out). */
export function wrapProperties(props: object, secrets: ReadonlySet<string>): Props {
  const wire: Props = {};
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined) {
      continue;
    }
    wire[key] = secrets.has(key) ? secretValue(defined(value)) : defined(value);
  }
  return wire;
}
