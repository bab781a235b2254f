/**
 * Kubernetes names, validated the way the API server validates each kind (apimachinery's `IsDNS1123Label` for
 * namespaces, container and port names, `NameIsDNSSubdomain` for Secrets, ServiceAccounts and Deployments,
 * `NameIsDNS1035Label` for Services, `IsValidLabelValue` for label values), including the names the Kubernetes
 * provider generates: an object without `metadata.name` gets `<resource name>-<8 random lowercase hex>`. The one
 * home of these grammars in the package.
 */
import { inputError } from "./validation";

/** Length of the provider's random suffix, with its `-`. */
const AUTO_NAME_SUFFIX = "-" + "a".repeat(8);

/** The reason `name` is not an RFC 1035 label (Service names): at most 63, lowercase, starting with a letter. */
export function dns1035LabelProblem(name: string): string | undefined {
  if (name.length > 63) {
    return `"${name}" has ${name.length} characters; a Service name is an RFC 1035 label of at most 63.`;
  }
  return /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name)
    ? undefined
    : `"${name}" is not an RFC 1035 label (a Service name): use lowercase letters, digits and "-", starting with a letter and ending with a letter or digit, at most 63 (no ".", no upper case).`;
}

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** True when `name` is a DNS-1123 label: at most 63 lowercase letters, digits and "-", alphanumeric at both ends. */
export function isDns1123Label(name: string): boolean {
  return dns1123Label.test(name) && name.length <= 63;
}

/** True when `name` is a DNS-1123 subdomain: dot-separated DNS-1123 labels, at most 253 characters. */
export function isDns1123Subdomain(name: string): boolean {
  return dns1123Subdomain.test(name) && name.length <= 253;
}

/** The reason `name` is not a DNS-1123 label (namespaces, container and port names), or undefined. */
export function dns1123LabelProblem(name: string): string | undefined {
  return isDns1123Label(name)
    ? undefined
    : `"${name}" is not a DNS-1123 label; use at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit.`;
}

/**
 * The reason `name` is not a DNS-1123 subdomain (Secret, ServiceAccount and Deployment names), or undefined;
 * `kind` (e.g. "a Deployment name") is said in the reason when given.
 */
export function dns1123SubdomainProblem(name: string, kind?: string): string | undefined {
  return isDns1123Subdomain(name)
    ? undefined
    : `"${name}" is not a DNS-1123 subdomain${kind === undefined ? ";" : ` (${kind}):`} use at most 253 lowercase letters, digits, "-" and ".", starting and ending with a letter or digit.`;
}

/** The reason `value` is not a Kubernetes label value, or undefined. */
export function labelValueProblem(value: string): string | undefined {
  return /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(value) && value.length <= 63
    ? undefined
    : `"${value}" is not a Kubernetes label value; use at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit.`;
}

/**
 * Checks the name of a Deployment (and of the Service named like it, when `withService`): `explicitName` when
 * given, else the name the provider generates from `resourceName`. Throws an error naming `argument`.
 */
export function checkWorkloadNames(
  argument: string,
  resourceName: string,
  explicitName: string | undefined,
  withService: boolean,
): void {
  const name = explicitName ?? `${resourceName}${AUTO_NAME_SUFFIX}`;
  const describe = (reason: string) =>
    explicitName !== undefined
      ? reason
      : `is not set, so the objects are named after the resource: "${resourceName}-<8 random characters>". ${reason.replace(`"${name}"`, "That name")} Set ${argument}, or give the resource a lowercase name.`;
  const deployment = dns1123SubdomainProblem(name, "a Deployment name");
  if (deployment !== undefined) {
    throw inputError(argument, describe(deployment));
  }
  const service = withService ? dns1035LabelProblem(name) : undefined;
  if (service !== undefined) {
    throw inputError(argument, describe(`${service} A Service is created with this name (createService).`));
  }
}
