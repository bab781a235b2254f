/**
 * `ContainerRegistry`'s own settings, checked and defaulted: the registry name, the SKU and what needs Premium, and
 * the policies (retention or soft delete, ARM-audience tokens refused). The Args stay in containerRegistry.ts, where
 * the schema generator reads them; this module imports them only as types.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ContainerRegistryArgs } from "../../containerRegistry";
import { registryNameProblem } from "../acrNames";
import { mapAll } from "../inputs";
import { inputError, knownValue, oneOf, validateKnown, validateWhenKnown } from "../validation";
import { softDeleteDaysProblem } from "../registryLandingZone";
import { premiumSku, skus } from "./enums";

/** The default registry name: the component name without non-alphanumerics, lowercased. */
export function defaultRegistryName(name: string): string {
  const derived = name.replace(/[^a-zA-Z0-9]/g, "").toLowerCase();
  const problem = registryNameProblem(derived);
  if (problem !== undefined) {
    throw inputError(
      "registryName",
      `the default derived from the resource name "${name}" is "${derived}", which is not valid (5-50 letters and digits); set registryName explicitly.`,
    );
  }
  return derived;
}

/** Throws when a plain non-Premium SKU is combined with a Premium-only feature. */
export function checkPremiumFeatures(sku: string | undefined, args: ContainerRegistryArgs): void {
  if (sku === undefined || sku === premiumSku) {
    return;
  }
  const dataEndpoint = knownValue(args.dataEndpointEnabled);
  if (dataEndpoint === true || args.dataEndpointEnabled === undefined) {
    throw inputError(
      args.dataEndpointEnabled === undefined ? "sku" : "dataEndpointEnabled",
      `a dedicated data endpoint (dataEndpointEnabled, default true) needs sku Premium, but sku is ${sku}; set sku to Premium or dataEndpointEnabled to false.`,
    );
  }
  for (const feature of ["networkRules", "retentionDays", "privateEndpoints", "customerManagedKey"] as const) {
    if (args[feature] !== undefined && (feature !== "privateEndpoints" || args.privateEndpoints!.length > 0)) {
      throw inputError(feature, `needs sku Premium, but sku is ${sku}; set sku to Premium or remove ${feature}.`);
    }
  }
}

/** The SKU input; a deploy-time SKU is checked against the data endpoint when it resolves. */
export function skuInput(args: ContainerRegistryArgs): pulumi.Input<string> {
  if (args.sku === undefined) {
    return premiumSku;
  }
  return pulumi.all([args.sku, args.dataEndpointEnabled ?? true]).apply(([sku, dataEndpoint]) => {
    validateKnown("sku", sku, oneOf(skus));
    checkPremiumFeatures(sku, { ...args, sku, dataEndpointEnabled: dataEndpoint });
    return sku;
  });
}

/** The soft delete days, refused together with `retentionDays` (Azure keeps only one of the two policies on). */
export function softDeleteOf(args: ContainerRegistryArgs): pulumi.Input<number> | undefined {
  if (args.softDelete === undefined) {
    return undefined;
  }
  if (args.retentionDays !== undefined) {
    throw inputError(
      "softDelete",
      "cannot be combined with retentionDays: Azure refuses a soft delete policy while the retention policy for untagged " +
        "manifests is on. Keep softDelete (deleted artifacts restorable) or retentionDays (untagged manifests purged), not both.",
    );
  }
  return validateWhenKnown("softDelete", args.softDelete, softDeleteDaysProblem);
}

/**
 * The registry's `policies`: ARM-audience tokens refused, and either soft delete (which turns the retention policy
 * off) or, on Premium, the retention policy for untagged manifests (`retentionDays`, default 7).
 */
export function registryPolicies(args: ContainerRegistryArgs, softDelete: pulumi.Input<number> | undefined) {
  return mapAll([args.sku ?? premiumSku, args.retentionDays ?? 7, softDelete], ([tier, days, kept]) => ({
    azureADAuthenticationAsArmPolicy: { status: "disabled" },
    // Azure refuses soft delete while the retention policy is on: soft delete turns retention off explicitly
    // (an existing registry may have it on from the default).
    ...(kept !== undefined
      ? {
          retentionPolicy: { status: "disabled" },
          softDeletePolicy: { retentionDays: kept, status: "enabled" },
        }
      : tier === premiumSku
        ? { retentionPolicy: { days, status: "enabled" } }
        : {}),
  }));
}
