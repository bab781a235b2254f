/** Parsing and building Azure Resource Manager ids. */

/** The parts of a registry's ARM id. */
export interface RegistryIdParts {
  subscriptionId: string;
  resourceGroupName: string;
  registryName: string;
}

const registryIdPattern =
  /^\/subscriptions\/([0-9a-fA-F-]{36})\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerRegistry\/registries\/([^/]+)$/i;

/** Parses `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerRegistry/registries/{name}`. */
export function parseRegistryId(id: string): RegistryIdParts | undefined {
  const match = registryIdPattern.exec(id);
  return match ? { subscriptionId: match[1], resourceGroupName: match[2], registryName: match[3] } : undefined;
}

/** The ARM id of a registry. */
export function registryId(parts: RegistryIdParts): string {
  return `/subscriptions/${parts.subscriptionId}/resourceGroups/${parts.resourceGroupName}/providers/Microsoft.ContainerRegistry/registries/${parts.registryName}`;
}

/** The reason `id` is not a registry ARM id, or undefined when it is one. */
export function registryIdProblem(id: string): string | undefined {
  return parseRegistryId(id)
    ? undefined
    : `"${id}" is not a container registry ARM id; expected /subscriptions/<subscription-guid>/resourceGroups/<group>/providers/Microsoft.ContainerRegistry/registries/<name> (the registry's \`id\` output).`;
}

/** The subscription of any ARM id (`/subscriptions/{guid}/...`), or undefined when `id` is not one. */
export function subscriptionOf(id: string): string | undefined {
  return /^\/subscriptions\/([0-9a-fA-F-]{36})\//.exec(id)?.[1];
}

/** The ARM id of a registry's child resource (`tokens`, `connectedRegistries`), or `nameOrId` when it already is one. */
export function registryChildId(
  registry: RegistryIdParts,
  kind: "tokens" | "connectedRegistries",
  nameOrId: string,
): string {
  return nameOrId.startsWith("/") ? nameOrId : `${registryId(registry)}/${kind}/${nameOrId}`;
}

const connectedRegistryIdPattern =
  /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[^/]+\/providers\/Microsoft\.ContainerRegistry\/registries\/[^/]+\/connectedRegistries\/([a-zA-Z0-9]{5,50})$/i;

/** The reason `id` is not a connected registry ARM id, or undefined when it is one. */
export function connectedRegistryIdProblem(id: string): string | undefined {
  return connectedRegistryIdPattern.test(id)
    ? undefined
    : `"${id}" is not a connected registry ARM id; expected /subscriptions/<subscription-guid>/resourceGroups/<group>/providers/Microsoft.ContainerRegistry/registries/<registry>/connectedRegistries/<name> (the parent's connectedRegistryId output).`;
}

const tokenIdPattern =
  /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[^/]+\/providers\/Microsoft\.ContainerRegistry\/registries\/[^/]+\/tokens\/([a-zA-Z0-9-]{5,50})$/i;

/** The token name of a token ARM id, or the value itself when it is not an id; undefined for a malformed id. */
export function tokenNameOf(nameOrId: string): string | undefined {
  return nameOrId.startsWith("/") ? tokenIdPattern.exec(nameOrId)?.[1] : nameOrId;
}

/**
 * The reason `id` is not the ARM id of a resource of `resourceType` (e.g. `Microsoft.Network/virtualNetworks/subnets`,
 * matched case-insensitively, one name per type segment), or undefined when it is one. `example` ends the message.
 */
export function resourceIdProblem(id: string, resourceType: string, example: string): string | undefined {
  const [namespace, ...types] = resourceType.split("/");
  const path = types.map((type) => `/${escapeRegExp(type)}/[^/]+`).join("");
  const pattern = new RegExp(
    `^/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[^/]+/providers/${escapeRegExp(namespace)}${path}$`,
    "i",
  );
  return pattern.test(id) ? undefined : `"${id}" is not the ARM id of a ${resourceType}; expected e.g. ${example}.`;
}

/** The last segment of an ARM id (the resource's name). */
export function resourceNameOf(id: string): string {
  return id.split("/").filter(Boolean).pop() ?? id;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
