/** Azure Container Registry rules (platform-facts §5). Each returns the violation message, or `undefined`. */
import { Finding, Props, StackResource, arrayAt, flagAt, isUnknown, objectAt, sameText, stringAt } from "./values";

export const REGISTRY_TYPE = "azure-native:containerregistry:Registry";
export const CONNECTED_REGISTRY_TYPE = "azure-native:containerregistry:ConnectedRegistry";

/**
 * Type tokens of a kind in azure-native's containerregistry module, in the default version and every explicit API
 * version a program may use (`azure-native:containerregistry/v20250401:Registry`, `.../v20231101preview:...`), so a
 * larger program that builds its own registry is judged the same way as the component's.
 */
function containerRegistryKind(kind: string): (type: string) => boolean {
  const pattern = new RegExp(`^azure-native:containerregistry(?:/v\\d{8}(?:preview)?)?:${kind}$`);
  return (type) => pattern.test(type);
}

/** `azure-native:containerregistry:Registry` and its versioned types. */
export const isRegistryType = containerRegistryKind("Registry");
/** `azure-native:containerregistry:ConnectedRegistry` and its versioned types. */
export const isConnectedRegistryType = containerRegistryKind("ConnectedRegistry");
/** A diagnostic setting in azure-native v3 (`monitor`) or v2 (`insights`), default or versioned. */
export const isDiagnosticSettingType = (type: string) =>
  /^azure-native:(?:monitor|insights)(?:\/v\d{8}(?:preview)?)?:DiagnosticSetting$/.test(type);

/** CKV_AZURE_137 / Azure Policy dc921057: the admin user is a shared, all-powerful, non-auditable credential. */
export function adminUserProblem(props: Props): string | undefined {
  return flagAt(props.adminUserEnabled) === true
    ? "adminUserEnabled is true: disable the admin user and use tokens, service principals or managed identities (CKV_AZURE_137, Azure Policy dc921057)."
    : undefined;
}

/** CKV_AZURE_138: anonymous pull lets anyone on the network read every repository. */
export function anonymousPullProblem(props: Props): string | undefined {
  return flagAt(props.anonymousPullEnabled) === true
    ? "anonymousPullEnabled is true: disable anonymous pull so that only authenticated clients can pull (CKV_AZURE_138)."
    : undefined;
}

/** CKV_AZURE_167: a retention policy for untagged manifests (Premium only; ARM default is disabled). */
export function retentionProblem(props: Props): string | undefined {
  const status = objectAt(objectAt(props.policies)?.retentionPolicy)?.status;
  if (isUnknown(status) || sameText(status, "enabled")) {
    return undefined;
  }
  return 'policies.retentionPolicy.status is not "enabled": enable the retention policy for untagged manifests (Premium SKU) (CKV_AZURE_167).';
}

/** Azure Policy 42781ec6: ARM-audience tokens widen who can obtain registry credentials (ARM default: enabled). */
export function armAudienceProblem(props: Props): string | undefined {
  const status = objectAt(objectAt(props.policies)?.azureADAuthenticationAsArmPolicy)?.status;
  if (isUnknown(status) || sameText(status, "disabled")) {
    return undefined;
  }
  return 'policies.azureADAuthenticationAsArmPolicy.status is not "disabled": disable ARM-audience token authentication for the registry (Azure Policy 42781ec6).';
}

/** A connected registry in ReadWrite mode can push to the cloud registry from the edge (CLI default; docs advise ReadOnly). */
export function readWriteConnectedRegistryProblem(props: Props): string | undefined {
  return sameText(props.mode, "ReadWrite")
    ? "mode is ReadWrite: an edge that can push can alter what every other site pulls; use ReadOnly unless the edge must push."
    : undefined;
}

/** The registry's name: the `registryName` input, else the `name` output (unknown or auto-named: `undefined`). */
function registryNameOf(registry: StackResource): string | undefined {
  return stringAt(registry.props.registryName) ?? stringAt(registry.props.name);
}

/**
 * CKV_AZURE_237 (stack): a registry that connected registries sync from must have the dedicated data endpoint
 * enabled. A registry counts when its name equals a connected registry's `registryName`; when either name is not
 * known yet (auto-named registry, name from an output), every registry whose name cannot be matched counts.
 */
export function dataEndpointFindings(resources: StackResource[]): Finding[] {
  const connected = resources.filter((r) => isConnectedRegistryType(r.type));
  if (connected.length === 0) {
    return [];
  }
  const parents = connected.map((c) => stringAt(c.props.registryName)?.toLowerCase());
  const someParentUnknown = parents.some((name) => name === undefined);
  const findings: Finding[] = [];
  for (const registry of resources.filter((r) => isRegistryType(r.type))) {
    const name = registryNameOf(registry)?.toLowerCase();
    const relevant = name === undefined || someParentUnknown || parents.includes(name);
    const enabled = registry.props.dataEndpointEnabled;
    if (!relevant || isUnknown(enabled) || flagAt(enabled) === true) {
      continue;
    }
    const users = connected.filter((_, i) => parents[i] === undefined || parents[i] === name).map((c) => c.name);
    findings.push({
      urn: registry.urn,
      message:
        `registry "${registry.name}" has dataEndpointEnabled off but connected registries sync from it (${users.join(", ")}): ` +
        "set dataEndpointEnabled: true (Premium SKU) (CKV_AZURE_237).",
    });
  }
  return findings;
}

/** CKV_AZURE_237 (any registry): layers come from the dedicated data endpoint, one host a client firewall can allow. */
export function dataEndpointProblem(props: Props): string | undefined {
  const enabled = props.dataEndpointEnabled;
  if (isUnknown(enabled) || flagAt(enabled) === true) {
    return undefined;
  }
  return "dataEndpointEnabled is not true: enable the dedicated data endpoint (Premium SKU) so that clients and edge firewalls allow one registry-specific host instead of *.blob.core.windows.net (CKV_AZURE_237).";
}

/**
 * Azure Policy d0793b48 / PSRule Azure.ACR.Firewall (Premium): public network access disabled, or network rules whose
 * default action is Deny (ARM defaults: access Enabled, default action Allow).
 */
export function publicNetworkProblem(props: Props): string | undefined {
  const sku = objectAt(props.sku)?.name;
  const access = props.publicNetworkAccess;
  const action = objectAt(props.networkRuleSet)?.defaultAction;
  if (isUnknown(sku) || isUnknown(access) || isUnknown(props.networkRuleSet) || isUnknown(action)) {
    return undefined;
  }
  if (!sameText(sku, "Premium") || sameText(access, "Disabled") || sameText(action, "Deny")) {
    return undefined;
  }
  return "the registry accepts traffic from any internet address: set networkRuleSet.defaultAction to Deny with each edge site's public egress address in ipRules, or publicNetworkAccess Disabled with private endpoints (Azure Policy d0793b48, PSRule Azure.ACR.Firewall).";
}

/** The registry log categories PSRule's Azure.ACR.AuditLogs asks for. */
const AUDIT_CATEGORIES = ["ContainerRegistryLoginEvents", "ContainerRegistryRepositoryEvents"];

/**
 * PSRule Azure.ACR.AuditLogs (stack): every registry has a diagnostic setting with the login and repository events (or
 * the `audit` / `allLogs` group). A setting belongs to a registry when its `resourceUri` ends with the registry's
 * resource group and name; a registry whose name, or a setting whose `resourceUri`, is unknown is not reported.
 */
export function auditLogFindings(resources: StackResource[]): Finding[] {
  const settings = resources.filter((r) => isDiagnosticSettingType(r.type));
  if (settings.some((s) => isUnknown(s.props.resourceUri))) {
    return [];
  }
  const findings: Finding[] = [];
  for (const registry of resources.filter((r) => isRegistryType(r.type))) {
    const name = registryNameOf(registry);
    const group = stringAt(registry.props.resourceGroupName);
    if (name === undefined || group === undefined) {
      continue;
    }
    const suffix = `/resourcegroups/${group}/providers/microsoft.containerregistry/registries/${name}`.toLowerCase();
    const logs = settings
      .filter((s) => stringAt(s.props.resourceUri)?.toLowerCase().endsWith(suffix))
      .flatMap((s) => arrayAt(s.props.logs).map(objectAt))
      .filter((log) => log !== undefined && flagAt(log.enabled) === true) as Props[];
    const covered =
      logs.some((log) => ["audit", "alllogs"].includes(String(stringAt(log.categoryGroup)).toLowerCase())) ||
      AUDIT_CATEGORIES.every((category) => logs.some((log) => sameText(log.category, category)));
    if (!covered) {
      findings.push({
        urn: registry.urn,
        message:
          `registry "${registry.name}" has no diagnostic setting with ${AUDIT_CATEGORIES.join(" and ")}: ` +
          "send them to a Log Analytics workspace, storage account or event hub (ContainerRegistry diagnostics) (PSRule Azure.ACR.AuditLogs).",
      });
    }
  }
  return findings;
}
