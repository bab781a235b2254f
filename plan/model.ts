/**
 * The offline plan's data model: resources as the engine would receive them, with every secret replaced by
 * `[secret]` and every value only known after deployment by `(known after deploy)`, and keys sorted.
 *
 * Values are redacted straight from the wire form of the registration request (before the SDK unwraps secrets),
 * so a secret value never reaches the plan, whatever its depth in the inputs.
 */
import * as crypto from "node:crypto";

/** Printed in place of every secret value. */
export const SECRET = "[secret]";
/** Printed in place of every value that only becomes known during deployment. */
export const UNKNOWN = "(known after deploy)";

/** A redacted, JSON-compatible property value. */
export type PlanValue = null | boolean | number | string | PlanValue[] | { [key: string]: PlanValue };

/** One resource of the plan. */
export interface PlannedResource {
  urn: string;
  type: string;
  name: string;
  /** The parent's URN; `null` for the stack itself. */
  parent: string | null;
  /** False for component resources (and the stack). */
  custom: boolean;
  /** True for resources read with `.get` rather than created. */
  read?: boolean;
  inputs: { [key: string]: PlanValue };
  /** Stack outputs (only on the `pulumi:pulumi:Stack` resource). */
  outputs?: { [key: string]: PlanValue };
  /** The `deleteBeforeReplace` option, when set. */
  deleteBeforeReplace?: boolean;
  /** The `replaceOnChanges` option, when set. */
  replaceOnChanges?: string[];
  /** Every resource it depends on (`dependsOn` and the sources of its inputs), by URN. */
  dependencies?: string[];
  /** Per top-level input, the resources its value came from (by URN): a replaced one makes that input unknown. */
  propertyDependencies?: { [property: string]: string[] };
  /**
   * The resource's aliases, as keys ({@link resourceKey}); only in memory (the plan being compared), not in
   * `--json` output, where azure-native's API-version type aliases would add two dozen lines per resource.
   */
  aliases?: string[];
}

// Wire-format signatures (`@pulumi/pulumi/runtime/rpc`).
const sigKey = "4dabf18193072939515e22adb298388d";
const secretSig = "1b47061264138c4ac30d75fd1eb44270";
const resourceSig = "5cf8f73096256a8f31e491e813e4eb8e";
const outputValueSig = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
const assetSig = "c44067f5952c0a294b673a41bacd8c17";
const archiveSig = "0def7320c3a5731c473e5ecbe6d01bc7";
const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Input keys that are not user inputs (dynamic providers' serialized code is machine- and path-specific). */
const hiddenKeys = new Set(["__provider"]);

/**
 * Converts a property value in wire form (a registration's `getObject().toJavaScript()`) to a plan value.
 * `secretStrings` are values that are secret wherever they appear (placeholders of secret config).
 */
export function redact(raw: unknown, secretStrings: readonly string[] = []): PlanValue {
  if (raw === unknownValue) {
    return UNKNOWN;
  }
  if (typeof raw === "string") {
    return secretStrings.some((secret) => secret !== "" && raw.includes(secret)) ? SECRET : raw;
  }
  if (raw === null || raw === undefined) {
    return null;
  }
  if (typeof raw === "boolean" || typeof raw === "number") {
    return raw;
  }
  if (Array.isArray(raw)) {
    return raw.map((element) => redact(element, secretStrings));
  }
  const object = raw as { [key: string]: unknown };
  switch (object[sigKey]) {
    case undefined:
      return redactObject(object, secretStrings);
    case secretSig:
      return SECRET;
    case outputValueSig:
      if (object.secret === true) {
        return SECRET;
      }
      return object.value === undefined ? UNKNOWN : redact(object.value, secretStrings);
    case resourceSig:
      return redact(object.urn, secretStrings);
    case assetSig:
    case archiveSig: {
      const kind = object[sigKey] === assetSig ? "asset" : "archive";
      const fields = Object.fromEntries(Object.entries(object).filter(([key]) => key !== sigKey));
      return { [kind]: redactObject(fields, secretStrings) };
    }
    default:
      return UNKNOWN;
  }
}

/** Redacts every property of a wire-form object, sorting keys and dropping hidden ones. */
export function redactObject(
  raw: { [key: string]: unknown } | undefined,
  secretStrings: readonly string[] = [],
): { [key: string]: PlanValue } {
  const result: { [key: string]: PlanValue } = {};
  for (const key of Object.keys(raw ?? {}).sort()) {
    if (!hiddenKeys.has(key) && raw?.[key] !== undefined) {
      result[key] = redact(raw[key], secretStrings);
    }
  }
  return result;
}

/** The longest string printed in full; longer ones (certificates, base64 blobs) are summarised. */
export const MAX_PRINTED_LENGTH = 120;

/** A short, deterministic description of a long string: kind, length and a content hash (for diffs). */
export function elide(value: string): string {
  if (value.length <= MAX_PRINTED_LENGTH || value === SECRET || value === UNKNOWN) {
    return value;
  }
  const hash = crypto.createHash("sha256").update(value).digest("hex").slice(0, 12);
  const pem = /^-----BEGIN ([A-Z0-9 ]+)-----/.exec(value);
  const kind = pem ? `PEM ${pem[1]}` : /^[A-Za-z0-9+/=\s]+$/.test(value) ? "base64" : "text";
  return `<${kind}, ${value.length} chars, sha256 ${hash}>`;
}

/**
 * The identity of a resource across stacks of one project: its URN without the stack and project
 * (the stack resource itself is just `pulumi:pulumi:Stack`).
 */
export function resourceKey(resource: Pick<PlannedResource, "urn" | "type">): string {
  if (resource.type === "pulumi:pulumi:Stack") {
    return resource.type;
  }
  return urnKey(resource.urn);
}

/** A URN without stack and project: `<qualified type>::<name>`. */
export function urnKey(urn: string): string {
  return urn.split("::").slice(2).join("::");
}

/** Resources in tree order: depth first from the roots, siblings sorted by type, then name. */
export function treeOrder(resources: readonly PlannedResource[]): PlannedResource[] {
  const byParent = new Map<string | null, PlannedResource[]>();
  const urns = new Set(resources.map((r) => r.urn));
  for (const resource of resources) {
    const parent = resource.parent !== null && urns.has(resource.parent) ? resource.parent : null;
    byParent.set(parent, [...(byParent.get(parent) ?? []), resource]);
  }
  const ordered: PlannedResource[] = [];
  const visit = (parent: string | null) => {
    const children = [...(byParent.get(parent) ?? [])].sort(
      (a, b) => compare(a.type, b.type) || compare(a.name, b.name) || compare(a.urn, b.urn),
    );
    for (const child of children) {
      ordered.push(child);
      visit(child.urn);
    }
  };
  visit(null);
  return ordered;
}

/** Locale-independent string order (byte-identical output on every machine). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
