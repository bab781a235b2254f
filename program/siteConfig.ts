/**
 * Reads an {@link EdgeRegistrySiteArgs} from stack config (`pulumi config set <key> <value>`, secrets with
 * `--secret`). A missing or wrong key fails with a message naming the key, as `pulumi preview` shows it.
 *
 * Every error here is a `pulumi.RunError`: the Node language host prints a RunError's message alone, as
 * `error: <message>`, where any other error thrown by a program prints "Running program ... failed with an
 * unhandled exception" and a stack trace (pulumi/pulumi `sdk/nodejs/cmd/run/run.ts`, the uncaught-exception
 * handler: "Always hide the stack for RunErrors").
 */
import * as pulumi from "@pulumi/pulumi";
import { suggestion } from "../components/lib/suggestion";
import { cloudSideArgs } from "../components/lib/edgeRegistrySite/clusterOnly";
import {
  ClusterType,
  ConnectedRegistryLogLevel,
  ConnectedRegistryDescendant,
  ConnectedRegistryMode,
  ContainerdDistribution,
  EdgeRegistrySiteArgs,
  ParentEndpointProtocol,
  TlsCertificate,
  TlsMode,
  TokenPasswordSlot,
} from "../components";

/**
 * Keys of the site's cloud side (registry, connected registry, tokens): with `hubStack` the hub's inventory owns
 * them, so a site stack that sets them is refused (fleet/site.ts).
 */
export const cloudSideConfigKeys = [
  // What the hub decides and a fleet site reads from the hub's outputs.
  "resourceGroupName",
  "existingRegistryName",
  "connectedRegistryName",
  "parentGatewayEndpoint",
  // Every argument of EdgeRegistrySite's cloud side (the ones its cluster-only form refuses).
  ...cloudSideArgs,
] as const;

/** Every key the root program reads; anything else in the stack's namespace is a typo. */
export const siteConfigKeys = [
  ...cloudSideConfigKeys,
  "parentCaCertificatePem",
  "clusterName",
  "clusterResourceGroupName",
  "clusterType",
  "serviceClusterIP",
  "serviceCidr",
  "tlsMode",
  "certificatePem",
  "privateKeyPem",
  "caCertificatePem",
  "tlsSecretName",
  "trustDistribution",
  "nodeTrust",
  "nodeTrustHostsDir",
  "nodeTrustDistribution",
  "pvcStorageClassName",
  "pvcStorageRequest",
  "releaseTrain",
  "workloadNamespace",
  "createWorkloadNamespace",
  "deployWorkload",
  "workloadRepository",
  "workloadTag",
  "workloadDigest",
  "workloadReplicas",
  "subscriptionId",
  "extensionCustomTimeouts",
  "workloadTolerations",
  "workloadNodeSelector",
  "workloadAffinity",
  "workloadTopologySpreadConstraints",
  "workloadPriorityClassName",
  "workloadPodAnnotations",
  "kubeconfig",
  "hubStack",
  "siteName",
] as const;

/** Reads one enum-valued key, failing with the allowed values. */
export function getEnum<E extends string>(
  config: pulumi.Config,
  key: string,
  values: Record<string, E>,
): E | undefined {
  const value = config.get(key);
  if (value === undefined) {
    return undefined;
  }
  const allowed = Object.values(values);
  if (!allowed.includes(value as E)) {
    throw new pulumi.RunError(
      `Configuration '${config.name}:${key}' is "${value}"; use one of ${allowed.join(", ")} (pulumi config set ${key} <value>).`,
    );
  }
  return value as E;
}

/** Reads a list of strings given as a JSON array (`pulumi config set --path 'repositories[0]' hello-world`). */
export function getStringList(config: pulumi.Config, key: string): string[] | undefined {
  const value = config.getObject<unknown>(key);
  if (value === undefined) {
    return undefined;
  }
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw new pulumi.RunError(
      `Configuration '${config.name}:${key}' must be a list of strings, e.g. pulumi config set --path '${key}[0]' hello-world.`,
    );
  }
  return value;
}

/**
 * Fails on keys in the program's namespace that it does not read (usually a typo): one line naming the first
 * such key and the nearest valid one.
 */
export function checkUnknownKeys(config: pulumi.Config): void {
  const prefix = `${config.name}:`;
  const known = new Set<string>(siteConfigKeys);
  const all = Object.keys(pulumi.runtime.allConfig()).sort();
  const unknown = all.filter((k) => k.startsWith(prefix) && !known.has(k.slice(prefix.length)));
  if (unknown.length > 0) {
    const key = unknown[0].slice(prefix.length);
    const near = suggestion(key, siteConfigKeys);
    const others =
      unknown.length > 1 ? ` (and ${unknown.length - 1} more unknown key${unknown.length > 2 ? "s" : ""})` : "";
    throw new pulumi.RunError(
      `Configuration '${unknown[0]}' is not a key of this program${others}; ` +
        (near !== undefined
          ? `did you mean '${near}'? (pulumi config rm ${key}; pulumi config set ${near} <value>)`
          : "Pulumi.example.yaml at the repository root shows every key."),
    );
  }
}

/**
 * An argument error of the site's components as a configuration error: the root program passes its config keys
 * through as arguments of the same name, so `registryName` names both. Other errors are returned unchanged.
 */
export function asConfigError(config: pulumi.Config, error: unknown): unknown {
  if (pulumi.InputPropertyError.isInstance(error)) {
    const key = error.propertyPath.split(/[.[]/)[0];
    const setting = (siteConfigKeys as readonly string[]).includes(key)
      ? `Configuration '${config.name}:${key}'`
      : error.propertyPath;
    const reason = error.reason.startsWith(`${error.propertyPath}: `)
      ? error.reason.slice(error.propertyPath.length + 2)
      : error.reason;
    return new pulumi.RunError(`${setting}: ${reason}`);
  }
  return error;
}

/** The bring-your-own certificate from stack config (`certificatePem` + secret `privateKeyPem`), both or neither. */
export function readCertificateConfig(config: pulumi.Config): TlsCertificate | undefined {
  const certificatePem = config.get("certificatePem");
  const privateKeyPem = config.getSecret("privateKeyPem");
  if ((certificatePem === undefined) !== (privateKeyPem === undefined)) {
    throw new pulumi.RunError(
      `Configuration '${config.name}:${certificatePem === undefined ? "certificatePem" : "privateKeyPem"}' is missing: set both certificatePem and privateKeyPem (the key with --secret), or neither.`,
    );
  }
  return certificatePem !== undefined && privateKeyPem !== undefined
    ? { certificatePem, privateKeyPem, caCertificatePem: config.get("caCertificatePem") }
    : undefined;
}

/** The site arguments from stack config. */
export function readSiteConfig(config: pulumi.Config): EdgeRegistrySiteArgs {
  checkUnknownKeys(config);
  return {
    resourceGroupName: config.require("resourceGroupName"),
    location: config.get("location"),
    registryName: config.get("registryName"),
    existingRegistryName: config.get("existingRegistryName"),
    imports: getStringList(config, "imports"),
    connectedRegistryName: config.get("connectedRegistryName"),
    connectedRegistryMode: getEnum(config, "connectedRegistryMode", ConnectedRegistryMode),
    repositories: getStringList(config, "repositories"),
    syncSchedule: config.get("syncSchedule"),
    syncWindow: config.get("syncWindow"),
    logLevel: getEnum(config, "logLevel", ConnectedRegistryLogLevel),
    clientTokenName: config.get("clientTokenName"),
    parentConnectedRegistryName: config.get("parentConnectedRegistryName"),
    parentConnectedRegistryMode: getEnum(config, "parentConnectedRegistryMode", ConnectedRegistryMode),
    parentGatewayEndpoint: config.get("parentGatewayEndpoint"),
    parentEndpointProtocol: getEnum(config, "parentEndpointProtocol", ParentEndpointProtocol),
    parentCaCertificatePem: config.get("parentCaCertificatePem"),
    // `pulumi config set --path 'descendantConnectedRegistries[0].connectedRegistryName' floor1` (and .repositories[0]).
    descendantConnectedRegistries: config.getObject<ConnectedRegistryDescendant[]>("descendantConnectedRegistries"),
    passwordExpiry: config.get("passwordExpiry"),
    passwordRotationTrigger: config.get("passwordRotationTrigger"),
    takeOverPasswordSlot: getEnum(config, "takeOverPasswordSlot", TokenPasswordSlot),
    clientTokenTakeOverPasswordSlot: getEnum(config, "clientTokenTakeOverPasswordSlot", TokenPasswordSlot),
    clusterName: config.require("clusterName"),
    clusterResourceGroupName: config.get("clusterResourceGroupName"),
    clusterType: getEnum(config, "clusterType", ClusterType),
    ...readClusterSideConfig(config),
    releaseTrain: config.get("releaseTrain"),
    workloadRepository: config.get("workloadRepository"),
    workloadTag: config.get("workloadTag"),
    workloadDigest: config.get("workloadDigest"),
    subscriptionId: config.get("subscriptionId"),
    // Structured values (`pulumi config set --path 'registryOptions.protect' true`), passed through as given;
    // the components check them and name the argument when one is wrong.
    registryOptions: config.getObject("registryOptions"),
    connectedRegistryOptions: config.getObject("connectedRegistryOptions"),
    tokenOptions: config.getObject("tokenOptions"),
  };
}

/**
 * The keys of a site's cluster side that a single site (the root program) and a fleet site (fleet/site.ts) read the
 * same way: the extension's address, TLS and storage, node trust, and the workload. Each caller adds what it reads
 * differently (cluster names, release train, the workload's default repository and tag).
 */
export function readClusterSideConfig(config: pulumi.Config) {
  return {
    serviceClusterIP: config.require("serviceClusterIP"),
    serviceCidr: config.get("serviceCidr"),
    tlsMode: getEnum(config, "tlsMode", TlsMode),
    certificate: readCertificateConfig(config),
    tlsSecretName: config.get("tlsSecretName"),
    trustDistribution: config.getBoolean("trustDistribution"),
    nodeTrust: config.getBoolean("nodeTrust"),
    nodeTrustHostsDir: config.get("nodeTrustHostsDir"),
    nodeTrustDistribution: getEnum(config, "nodeTrustDistribution", ContainerdDistribution),
    pvcStorageClassName: config.get("pvcStorageClassName"),
    pvcStorageRequest: config.get("pvcStorageRequest"),
    extensionCustomTimeouts:
      config.getObject<EdgeRegistrySiteArgs["extensionCustomTimeouts"]>("extensionCustomTimeouts"),
    workloadNamespace: config.get("workloadNamespace"),
    createWorkloadNamespace: config.getBoolean("createWorkloadNamespace"),
    deployWorkload: config.getBoolean("deployWorkload"),
    workloadReplicas: config.getNumber("workloadReplicas"),
    workloadTolerations: config.getObject<EdgeRegistrySiteArgs["workloadTolerations"]>("workloadTolerations"),
    workloadNodeSelector: config.getObject<EdgeRegistrySiteArgs["workloadNodeSelector"]>("workloadNodeSelector"),
    workloadAffinity: config.getObject<EdgeRegistrySiteArgs["workloadAffinity"]>("workloadAffinity"),
    workloadTopologySpreadConstraints: config.getObject<EdgeRegistrySiteArgs["workloadTopologySpreadConstraints"]>(
      "workloadTopologySpreadConstraints",
    ),
    workloadPriorityClassName: config.get("workloadPriorityClassName"),
    workloadPodAnnotations: config.getObject<EdgeRegistrySiteArgs["workloadPodAnnotations"]>("workloadPodAnnotations"),
  };
}
