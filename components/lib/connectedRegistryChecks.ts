/**
 * Pure checks for connected registry arguments (platform-facts §1): names, repositories, cron schedules (cron.ts),
 * ISO 8601 durations (duration.ts), notification patterns and password expiry. Each returns `undefined` when the
 * value is fine, or the reason (with how to fix it).
 */
import { repositoryPattern } from "./imageReference";
import { durationSeconds } from "./duration";
import { Check, inputError } from "./validation";

// Cron schedules and ISO 8601 durations have homes of their own, free of the Pulumi SDK (which `fleet status` does
// not load); the argument checks are reached from here too.
export { checkCron, continuousSchedule, normalizeCron } from "./cron";
export { durationSeconds };

/** Connected registry names (ARM 2025-11-01): `^[a-zA-Z0-9]*$`, 5-50 characters. */
export const connectedRegistryNamePattern = /^[a-zA-Z0-9]{5,50}$/;

export const checkConnectedRegistryName: Check<string> = (value) =>
  connectedRegistryNamePattern.test(value)
    ? undefined
    : `"${value}" is not a valid connected registry name; use 5-50 letters and digits (e.g. "myconnectedregistry").`;

/** A resource name's letters and digits (`my-edge-01` → `myedge01`): where a default connected registry name starts. */
const lettersAndDigits = (name: string): string => name.replace(/[^a-zA-Z0-9]/g, "");

/**
 * `ConnectedRegistry`'s default `connectedRegistryName`: the resource name without characters other than letters
 * and digits, taken as it is. Throws an error naming `connectedRegistryName` when that is not a valid name (the
 * user named the resource, so the user chooses the fix).
 */
export function defaultConnectedRegistryName(resourceName: string): string {
  const derived = lettersAndDigits(resourceName);
  if (!connectedRegistryNamePattern.test(derived)) {
    throw inputError(
      "connectedRegistryName",
      `is not set, and the resource name "${resourceName}" does not give a valid one ("${derived}"); set connectedRegistryName to 5-50 letters and digits.`,
    );
  }
  return derived;
}

/**
 * `EdgeRegistrySite`'s default connected registry name, valid for any site name: its letters and digits
 * (`my-site` → `mysite`), `edge` put in front when they do not start with a letter and after them when they are
 * fewer than 5, cut to 40 characters. Named apart from {@link defaultConnectedRegistryName}: the site always
 * produces a valid name, where the component refuses a resource name that does not give one.
 */
export function siteConnectedRegistryName(siteName: string): string {
  const letters = lettersAndDigits(siteName);
  const withLetter = /^[a-zA-Z]/.test(letters) ? letters : `edge${letters}`;
  return withLetter.length >= 5 ? withLetter.slice(0, 40) : `${withLetter}edge`.slice(0, 40);
}

/** Scope map names: 5-50 letters, digits, `-` and `_`. */
export const checkScopeMapName: Check<string> = (value) =>
  /^[a-zA-Z0-9_-]{5,50}$/.test(value)
    ? undefined
    : `"${value}" is not a valid scope map name; use 5-50 letters, digits, "-" and "_".`;

export const checkRegistryName: Check<string> = (value) =>
  /^[a-zA-Z0-9]{5,50}$/.test(value)
    ? undefined
    : `"${value}" is not a valid container registry name; use the registry's name (5-50 letters and digits), not its login server.`;

export const checkTokenName: Check<string> = (value) =>
  /^[a-zA-Z0-9-]{5,50}$/.test(value)
    ? undefined
    : `"${value}" is not a valid token name; use 5-50 letters, digits and hyphens.`;

/** The scope map `az acr token create --repository` creates for a token. */
export const clientScopeMapName = (tokenName: string): string => `${tokenName}-scope-map`;

/** A token whose scope map is named `<token>-scope-map` (az's name) must leave room for the suffix in 50 characters. */
export const checkClientTokenName: Check<string> = (value) =>
  checkTokenName(value) ??
  (checkScopeMapName(clientScopeMapName(value)) === undefined
    ? undefined
    : `"${value}" is too long for its scope map "${clientScopeMapName(value)}" (at most 50 characters); use at most 40 characters.`);

/** Repository names are lowercased (like the az CLI) and must then follow the OCI grammar. */
export const checkRepository: Check<string> = (value) =>
  repositoryPattern.test(value.toLowerCase()) && value.length <= 256
    ? undefined
    : `"${value}" is not a valid repository name; use lowercase path components of letters and digits separated by "/", ".", "_" or "-" (e.g. "hello-world" or "samples/nginx"), without a registry host or tag.`;

/** An ISO 8601 duration between `min` and `max` (both ISO 8601 too). */
export function checkDurationWithin(min: string, max: string): Check<string> {
  return (value) => {
    const seconds = durationSeconds(value);
    if (seconds === undefined) {
      return `"${value}" is not an ISO 8601 duration; write it like "PT3H", "P1D" or "P2DT12H" (between ${min} and ${max}).`;
    }
    return seconds < durationSeconds(min)! || seconds > durationSeconds(max)!
      ? `"${value}" is outside ${min}..${max}; choose a duration in that range.`
      : undefined;
  };
}

/**
 * Notification patterns, as the service and Terraform azurerm parse them:
 * `<repository>[:<tag>|@<digest>]:<action>`, action `push`, `delete` or `*`, `*` wildcards allowed in the
 * repository and tag (e.g. `hello-world:*:*`, `sample/repo/*:1.0:push`, `app@sha256:abc…:delete`).
 */
const notificationPattern =
  /^(?:\*|[a-z0-9*]+(?:(?:[._/]|__|-+)[a-z0-9*]+)*)(?::[A-Za-z0-9_*][A-Za-z0-9._*-]{0,127}|@[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[A-Za-z0-9=_-]+)?:(?:push|delete|\*)$/;

export const checkNotification: Check<string> = (value) =>
  notificationPattern.test(value)
    ? undefined
    : `"${value}" is not a notification pattern; use "<repository>:<tag>:<action>" or "<repository>@<digest>:<action>" with action push, delete or * (wildcards * allowed), e.g. "hello-world:*:*".`;

const rfc3339Pattern = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/** An RFC 3339 timestamp. */
export const checkTimestamp: Check<string> = (value) =>
  rfc3339Pattern.test(value) && !Number.isNaN(Date.parse(value))
    ? undefined
    : `"${value}" is not an RFC 3339 timestamp; write it like "2027-12-31T23:59:59Z".`;

/** How many days ahead of a password expiry the warning starts. */
export const expiryWarningDays = 30;

/**
 * The warning for a password expiry that has passed or is less than {@link expiryWarningDays} away, or
 * undefined. Not an error: the passwords already deployed keep their expiry until they are rotated, and
 * a stack must stay deployable (and previewable) while they are.
 */
export function passwordExpiryWarning(value: string, now: number = Date.now()): string | undefined {
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    return undefined;
  }
  const rotate =
    "rotate: set passwordExpiry to a later time (or change passwordRotationTrigger) and run `pulumi up` — the other password slot is generated and the connection string and client credentials move to it, the current password stays valid until the following rotation.";
  if (time <= now) {
    return `passwordExpiry: "${value}" is in the past, so the token passwords generated with it have expired (the connected registry and its clients cannot log in); ${rotate}`;
  }
  const days = Math.ceil((time - now) / 86_400_000);
  return days <= expiryWarningDays
    ? `passwordExpiry: "${value}" is ${days} day${days === 1 ? "" : "s"} away, after which the token passwords stop working; ${rotate}`
    : undefined;
}
