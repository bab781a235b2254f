/**
 * `ConnectedRegistryDeactivation`: a resource whose job is its delete, which deactivates a connected
 * registry (`POST .../connectedRegistries/{name}/deactivate`, long-running) so that the next extension
 * installed for it does not fail with `ALREADY_ACTIVATED` (platform-facts §2).
 *
 * - create: reads the connected registry's activation status, if it exists yet (the extension activates
 *   it when it first connects); changes nothing;
 * - read (`pulumi refresh`): the connected registry's activation status; a connected registry that is
 *   gone makes the resource leave the state;
 * - diff: a change of the connected registry or of the extension's identity replaces the resource,
 *   deleting the old one first — so the old connected registry is deactivated before anything new is
 *   created. Names compare case-insensitively, as Azure does (a resource group spelled in another case
 *   is no change);
 * - delete: deactivates, unless the connected registry is already inactive or gone. Retry-safe: a
 *   repeated delete (after a lost answer) finds it inactive, or deactivates it again.
 */
import type { CheckFailure, Operation, OperationDiff, RegistryClient } from "./operation";

/** Inputs of the deactivation resource. */
export interface DeactivationInputs {
  subscriptionId: string;
  resourceGroupName: string;
  registryName: string;
  connectedRegistryName: string;
  /**
   * The identity of the extension running the connected registry: every property whose change
   * replaces the extension, so that replacing the extension replaces (deactivates) this resource too.
   */
  extension: { [key: string]: string };
}

/** State of the deactivation resource. */
export interface DeactivationOutputs extends DeactivationInputs {
  /** The connected registry's activation status when last read (`Active`, `Inactive`). */
  activationStatus?: string;
}

const nameKeys = ["subscriptionId", "resourceGroupName", "registryName", "connectedRegistryName"] as const;

/** JSON with object keys sorted, so state read back in another key order compares equal. */
const canonical = (value: unknown): string =>
  JSON.stringify(value ?? {}, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;

const connectedRegistryArmId = (p: DeactivationInputs) =>
  `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroupName}/providers/Microsoft.ContainerRegistry/registries/${p.registryName}/connectedRegistries/${p.connectedRegistryName}`;

const inputsOf = (p: DeactivationInputs): DeactivationInputs => ({
  subscriptionId: p.subscriptionId,
  resourceGroupName: p.resourceGroupName,
  registryName: p.registryName,
  connectedRegistryName: p.connectedRegistryName,
  extension: p.extension ?? {},
});

/** The connected registry's activation status, or undefined when it (or its registry) is gone. */
async function activationStatus(client: RegistryClient, p: DeactivationInputs): Promise<string | undefined> {
  try {
    const found = await client.connectedRegistries.get(p.resourceGroupName, p.registryName, p.connectedRegistryName);
    return found.activation?.status ?? "Unknown";
  } catch (error) {
    if (statusOf(error) === 404) {
      return undefined;
    }
    throw error;
  }
}

/** The deactivation operation (see the module documentation). */
export const deactivation: Operation<DeactivationInputs, DeactivationOutputs> = {
  name: "ConnectedRegistryDeactivation",
  type: "edge-registry:index:ConnectedRegistryDeactivation",
  description:
    "Deactivates an Azure Container Registry connected registry when deleted (or replaced), so that the next extension deployed for it can activate it.",
  inputs: {
    subscriptionId: { type: "string", description: "Subscription of the registry.", required: true },
    resourceGroupName: { type: "string", description: "Resource group of the registry.", required: true },
    registryName: { type: "string", description: "Name of the cloud registry.", required: true },
    connectedRegistryName: { type: "string", description: "Name of the connected registry.", required: true },
    extension: {
      type: "object",
      additionalProperties: { type: "string" },
      description: "Identity of the extension running the connected registry: a change replaces (deactivates).",
    },
  },
  outputs: {
    activationStatus: { type: "string", description: "Activation status of the connected registry when last read." },
  },

  check(_olds, news) {
    const failures: CheckFailure[] = [];
    for (const key of nameKeys) {
      if (typeof news[key] !== "string" || news[key] === "") {
        failures.push({ property: key, reason: `${key} is required (a non-empty string).` });
      }
    }
    const extension = (news.extension ?? {}) as Record<string, unknown>;
    if (typeof extension !== "object" || Object.values(extension).some((v) => typeof v !== "string")) {
      failures.push({ property: "extension", reason: "extension must be a map of strings." });
    }
    return { inputs: inputsOf(news as unknown as DeactivationInputs), failures };
  },

  async diff(_id, olds, news): Promise<OperationDiff> {
    const replaces: string[] = nameKeys.filter(
      (key) => String(olds[key] ?? "").toLowerCase() !== String(news[key] ?? "").toLowerCase(),
    );
    if (canonical(olds.extension) !== canonical(news.extension)) {
      replaces.push("extension");
    }
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: true };
  },

  async create(inputs, ctx) {
    // Nothing to do in Azure. The status is informative: the connected registry may not exist yet when the
    // extension names it with plain values (no dependency on its resource), so its absence is no error.
    const client = await ctx.client(inputs.subscriptionId);
    const status = await activationStatus(client, inputs);
    return {
      id: `${connectedRegistryArmId(inputs)}/deactivation`,
      outs: { ...inputsOf(inputs), ...(status === undefined ? {} : { activationStatus: status }) },
    };
  },

  async read(id, state, ctx) {
    const client = await ctx.client(state.subscriptionId);
    const status = await activationStatus(client, state);
    return status === undefined ? undefined : { id, props: { ...inputsOf(state), activationStatus: status } };
  },

  async update(_id, olds, news) {
    return { ...olds, ...inputsOf(news) };
  },

  async delete(_id, state, ctx) {
    const client = await ctx.client(state.subscriptionId);
    const status = await activationStatus(client, state);
    if (status === undefined || status === "Inactive") {
      return; // gone, or already inactive (e.g. a retried delete): nothing to deactivate
    }
    try {
      await client.connectedRegistries.deactivate(
        state.resourceGroupName,
        state.registryName,
        state.connectedRegistryName,
        { updateIntervalInMs: ctx.pollIntervalMs },
      );
    } catch (error) {
      if (statusOf(error) !== 404) {
        throw error;
      }
    }
  },
};
