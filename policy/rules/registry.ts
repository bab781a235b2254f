/** Azure Container Registry rules (platform-facts §5). Each returns the violation message, or `undefined`. */
import { Finding, Props, StackResource, flagAt, isUnknown, objectAt, sameText, stringAt } from "./values";

export const REGISTRY_TYPE = "azure-native:containerregistry:Registry";
export const CONNECTED_REGISTRY_TYPE = "azure-native:containerregistry:ConnectedRegistry";

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
  const connected = resources.filter((r) => r.type === CONNECTED_REGISTRY_TYPE);
  if (connected.length === 0) {
    return [];
  }
  const parents = connected.map((c) => stringAt(c.props.registryName)?.toLowerCase());
  const someParentUnknown = parents.some((name) => name === undefined);
  const findings: Finding[] = [];
  for (const registry of resources.filter((r) => r.type === REGISTRY_TYPE)) {
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
