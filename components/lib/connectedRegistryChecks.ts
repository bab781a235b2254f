/**
 * Pure checks for connected registry arguments (platform-facts §1): names, repositories, cron
 * schedules, ISO 8601 durations, notification patterns and password expiry. Each returns `undefined`
 * when the value is fine, or the reason (with how to fix it).
 */
import { repositoryPattern } from "./imageReference";
import { Check, inputError } from "./validation";

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

/** The schedule that means "always online, sync every minute". */
export const continuousSchedule = "* * * * *";

const cronFields: [string, number, number][] = [
  ["minute", 0, 59],
  ["hour", 0, 23],
  ["day of month", 1, 31],
  ["month", 1, 12],
  ["day of week", 0, 6],
];

function cronFieldProblem(field: string, [label, min, max]: [string, number, number]): string | undefined {
  for (const part of field.split(",")) {
    const match = /^(?:\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) {
      return `the ${label} field "${field}" is not "*", a number, a range "a-b", a step "*/n" or a list of those`;
    }
    const numbers = [match[1], match[2]].filter((n) => n !== undefined).map(Number);
    if (numbers.some((n) => n < min || n > max)) {
      return `the ${label} field "${field}" is outside ${min}-${max}`;
    }
    if (numbers.length === 2 && numbers[0] > numbers[1]) {
      return `the ${label} field "${field}" has a range that ends before it starts`;
    }
    if (match[3] !== undefined && Number(match[3]) < 1) {
      return `the ${label} field "${field}" has a step below 1`;
    }
  }
  return undefined;
}

/** A cron expression with single spaces between its fields (`0  9 * * *` is the schedule `0 9 * * *`). */
export const normalizeCron = (value: string): string => value.trim().split(/\s+/).join(" ");

/** A 5-field cron expression (minute hour day-of-month month day-of-week), numbers only. */
export const checkCron: Check<string> = (value) => {
  const fields = value.trim().split(/\s+/);
  const problem =
    fields.length !== 5
      ? `it has ${fields.length} field(s)`
      : fields.map((field, i) => cronFieldProblem(field, cronFields[i])).find((p) => p !== undefined);
  return problem === undefined
    ? undefined
    : `"${value}" is not a valid cron schedule: ${problem}. Use 5 fields (minute hour day-of-month month day-of-week), e.g. "0 9 * * *", or "${continuousSchedule}" to stay online.`;
};

const durationPattern =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Seconds in an ISO 8601 duration (years = 365 days, months = 30 days), or undefined when malformed. */
export function durationSeconds(value: string): number | undefined {
  const match = durationPattern.exec(value);
  if (!match || value === "P" || value.endsWith("T")) {
    return undefined;
  }
  const units = [365 * 86400, 30 * 86400, 7 * 86400, 86400, 3600, 60, 1];
  return units.reduce((total, unit, i) => total + Number(match[i + 1] ?? 0) * unit, 0);
}

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
