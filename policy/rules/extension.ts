/** Rules for the Arc extension (`kubernetesconfiguration.Extension`) that runs the connected registry (platform-facts §3). */
import { Finding, Props, StackResource, arrayAt, flagAt, objectAt, sameText, stringAt } from "./values";

export const EXTENSION_TYPE = "azure-native:kubernetesconfiguration:Extension";
export const CONNECTED_REGISTRY_EXTENSION = "Microsoft.ContainerRegistry.ConnectedRegistry";

/**
 * The label that marks a node-trust DaemonSet (as rendered by `NodeRegistryTrust`): a stack with such a DaemonSet
 * trusts the registry CA on its nodes without the extension's trust distribution.
 */
export const NODE_TRUST_LABEL = { key: "app.kubernetes.io/component", value: "node-registry-trust" };

/** Keys that carry secret material and belong in `configurationProtectedSettings` only. */
const SECRET_KEYS = ["connectionstring", "tls.crt", "tls.key", "tls.cacrt", "tls.secret"];

/** Whether a settings key carries secret material (`connectionString`, any `tls.*`; case-insensitive). */
export function isSecretSettingKey(key: string): boolean {
  const k = key.trim().toLowerCase();
  return SECRET_KEYS.includes(k) || k.startsWith("tls.");
}

/** Whether an extension is the connected registry extension (unknown type: assume it is). */
export function isConnectedRegistryExtension(props: Props): boolean {
  const type = stringAt(props.extensionType);
  return type === undefined || sameText(type, CONNECTED_REGISTRY_EXTENSION);
}

/** The plain `configurationSettings` of an extension (empty when absent or unknown). */
function settingsOf(props: Props): Props {
  return objectAt(props.configurationSettings) ?? {};
}

/**
 * Secret material in plain settings (platform-facts §3, §5): `configurationSettings` are stored and shown in
 * clear by ARM; `connectionString` and `tls.*` must go to `configurationProtectedSettings`.
 */
export function plainSecretSettingsProblem(props: Props): string | undefined {
  const keys = Object.keys(settingsOf(props)).filter(isSecretSettingKey);
  return keys.length === 0
    ? undefined
    : `configurationSettings contains ${keys.join(", ")}: these are secrets stored in clear; move them to configurationProtectedSettings.`;
}

/**
 * HTTP mode: the connected registry extension serves plain HTTP when its settings turn TLS off. The Arc tutorial
 * documents `httpsEnabled=false` (also written `HttpsEnabled`); `httpEnabled=true` is the inverse spelling. Keys
 * are compared case-insensitively. HTTP exposes every pull (and the client token credentials) on the network
 * and is meant for early development only (platform-facts §8).
 */
export function httpModeProblem(props: Props): string | undefined {
  if (!isConnectedRegistryExtension(props)) {
    return undefined;
  }
  const offending = Object.entries(settingsOf(props)).filter(([key, value]) => {
    const k = key.trim().toLowerCase();
    return (k === "httpsenabled" && flagAt(value) === false) || (k === "httpenabled" && flagAt(value) === true);
  });
  return offending.length === 0
    ? undefined
    : `configurationSettings ${offending.map(([k, v]) => `${k}=${String(v)}`).join(", ")} serves the registry over plain HTTP: ` +
        "remove it and use TLS (cert-manager, a certificate or a TLS secret); HTTP is for early development only.";
}

/** Whether a DaemonSet is a node-trust DaemonSet (labelled with {@link NODE_TRUST_LABEL}). */
function isNodeTrustDaemonSet(resource: StackResource): boolean {
  const labels = objectAt(objectAt(resource.props.metadata)?.labels) ?? {};
  return resource.type === "kubernetes:apps/v1:DaemonSet" && labels[NODE_TRUST_LABEL.key] === NODE_TRUST_LABEL.value;
}

/** Whether a resource is a Tanzu `TkgServiceConfiguration` (any API version) with additional trusted CAs. */
function isTanzuTrust(resource: StackResource): boolean {
  if (!/^kubernetes:run\.tanzu\.vmware\.com\/[^:]+:TkgServiceConfiguration$/.test(resource.type)) {
    return false;
  }
  const cas = objectAt(objectAt(objectAt(resource.props.spec)?.trust))?.additionalTrustedCAs;
  return !Array.isArray(cas) || arrayAt(cas).length > 0; // unknown during preview: give it the benefit of the doubt
}

/**
 * Trust distribution off (stack): with `trustDistribution.enabled=false` nodes only trust the registry's CA if
 * something else installs it — a `NodeRegistryTrust` DaemonSet or a Tanzu `TkgServiceConfiguration`. Without
 * either, pulls fail with `x509: certificate signed by unknown authority` (platform-facts §3).
 */
export function trustDistributionFindings(resources: StackResource[]): Finding[] {
  if (resources.some((r) => isNodeTrustDaemonSet(r) || isTanzuTrust(r))) {
    return [];
  }
  return resources
    .filter((r) => r.type === EXTENSION_TYPE && isConnectedRegistryExtension(r.props))
    .filter((r) => flagAt(settingsOf(r.props)["trustDistribution.enabled"]) === false)
    .map((r) => ({
      urn: r.urn,
      message:
        `extension "${r.name}" sets trustDistribution.enabled=false but the stack installs no node trust ` +
        `(a DaemonSet labelled ${NODE_TRUST_LABEL.key}=${NODE_TRUST_LABEL.value}, e.g. NodeRegistryTrust, or a Tanzu ` +
        "TkgServiceConfiguration with additionalTrustedCAs): nodes will reject the registry certificate unless they trust its CA another way.",
    }));
}
