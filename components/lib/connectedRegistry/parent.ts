/**
 * `ConnectedRegistry`'s parent: the cloud registry, or another connected registry (`parentConnectedRegistry`,
 * az `--parent`), checked with az's parent rules (`../hierarchy.ts`).
 */
import * as pulumi from "@pulumi/pulumi";
import type { ConnectedRegistryArgs } from "../../connectedRegistry";
import { connectedRegistryIdProblem } from "../armId";
import { parentModeProblem, repositoryNotSyncedByParent } from "../hierarchy";
import { mapAll } from "../inputs";
import { gatewayEndpointProblem } from "../network";
import { inputError, knownValue, oneOf, validateWhenKnown } from "../validation";
import { httpsProtocol, protocols } from "./enums";

/** The parent connected registry, validated: each field plain when known, else checked once known. */
export interface ParentPlan {
  /** `parent.id`; carries az's parent rules, so a failed rule stops the connected registry. */
  id: pulumi.Input<string>;
  gatewayEndpoint: pulumi.Input<string>;
  protocol: pulumi.Input<string>;
}

/** Checks `parentConnectedRegistry` (and this registry's mode and repositories against the parent's). */
export function planParent(
  parentConnectedRegistry: ConnectedRegistryArgs["parentConnectedRegistry"],
  mode: pulumi.Input<string>,
  repositories: pulumi.Input<string[]> | undefined,
): ParentPlan | undefined {
  if (parentConnectedRegistry === undefined) {
    return undefined;
  }
  const parent = knownValue(parentConnectedRegistry);
  if (parent === undefined) {
    throw inputError(
      "parentConnectedRegistry",
      "must be known when the program runs (an object; its fields may be outputs): it decides what the connection string points at.",
    );
  }
  for (const field of ["connectedRegistryId", "gatewayEndpoint"] as const) {
    if (parent[field] === undefined || parent[field] === null) {
      throw inputError(
        `parentConnectedRegistry.${field}`,
        field === "gatewayEndpoint"
          ? "is required for a nested connected registry: give the parent's address as this registry reaches it (e.g. the parent extension's service cluster IP), or the connection string would have no ParentGatewayEndpoint."
          : "is required: the parent connected registry's ARM id (its connectedRegistryId output).",
      );
    }
  }
  const parentId = validateWhenKnown(
    "parentConnectedRegistry.connectedRegistryId",
    parent.connectedRegistryId,
    connectedRegistryIdProblem,
  );
  const gatewayEndpoint = validateWhenKnown(
    "parentConnectedRegistry.gatewayEndpoint",
    parent.gatewayEndpoint,
    gatewayEndpointProblem,
  );
  const protocol = validateWhenKnown(
    "parentConnectedRegistry.endpointProtocol",
    parent.endpointProtocol ?? httpsProtocol,
    oneOf(protocols),
  );
  // az's rules, checked now when everything is known, else in the apply that produces `parent.id`.
  const rules = mapAll(
    [mode, parent.mode, repositories, parent.repositories],
    ([childMode, parentMode, own, parentRepositories]) => {
      const modeProblem = parentMode === undefined ? undefined : parentModeProblem(parentMode, childMode);
      if (modeProblem !== undefined) {
        throw inputError("parentConnectedRegistry.mode", modeProblem);
      }
      const missing =
        own === undefined || parentRepositories === undefined
          ? undefined
          : repositoryNotSyncedByParent(parentRepositories, own);
      if (missing !== undefined) {
        throw inputError(
          "repositories",
          `"${missing}" is not synced by the parent connected registry (a child can only sync what its parent has); add it to the parent's repositories, or remove it here.`,
        );
      }
      return true;
    },
  );
  const id = mapAll([parentId, rules], ([checkedId]) => checkedId);
  return { id, gatewayEndpoint, protocol };
}
