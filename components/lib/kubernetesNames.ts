/**
 * Kubernetes object names, validated the way the API server validates each kind (apimachinery's
 * `NameIsDNSSubdomain` for Deployments, `NameIsDNS1035Label` for Services), including the names the Kubernetes
 * provider generates: an object without `metadata.name` gets `<resource name>-<8 random lowercase hex>`.
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

/** The reason `name` is not a DNS-1123 subdomain (Deployment names), or undefined. */
export function dns1123SubdomainNameProblem(name: string): string | undefined {
  return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name) && name.length <= 253
    ? undefined
    : `"${name}" is not a DNS-1123 subdomain (a Deployment name): use at most 253 lowercase letters, digits, "-" and ".", starting and ending with a letter or digit.`;
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
  const deployment = dns1123SubdomainNameProblem(name);
  if (deployment !== undefined) {
    throw inputError(argument, describe(deployment));
  }
  const service = withService ? dns1035LabelProblem(name) : undefined;
  if (service !== undefined) {
    throw inputError(argument, describe(`${service} A Service is created with this name (createService).`));
  }
}
