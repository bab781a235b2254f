/**
 * How `ContainerRegistry` is reached: the public network rules (IP rules an edge site can actually match) and the
 * private endpoints, checked and named. The Args stay in containerRegistry.ts; this module imports them only as types.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ContainerRegistryArgs, RegistryNetworkRules, RegistryPrivateEndpoint } from "../../containerRegistry";
import { resourceNameOf } from "../armId";
import { isDeepKnown, mapInput } from "../inputs";
import { Check, inputError, knownValue, oneOf, validateKnown, validateWhenKnown } from "../validation";
import { privateDnsZoneIdProblem, publicIpRuleProblem, subnetIdProblem } from "../registryLandingZone";
import { defaultActions, denyAction } from "./enums";

const ipRulePattern =
  /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\/(?:3[0-2]|[12]?\d))?$/;
const ipRuleCheck: Check<string> = (value) =>
  ipRulePattern.test(value) ? undefined : `"${value}" is not an IPv4 address or CIDR range (e.g. 203.0.113.0/24).`;

/** The azure-native network rule set: the IP rules allowed, and `Deny` for the rest by default. */
export function networkRuleSetOf(args: ContainerRegistryArgs) {
  const rules = args.networkRules!;
  if (knownValue(args.publicNetworkAccessEnabled) === false) {
    throw inputError(
      "networkRules",
      "has no effect when publicNetworkAccessEnabled is false (they filter public access); remove one of them.",
    );
  }
  const hasPrivateEndpoints = (args.privateEndpoints ?? []).length > 0;
  const check = (resolved: pulumi.Unwrap<RegistryNetworkRules>) => {
    const ipRules = resolved.ipRules ?? [];
    ipRules.forEach((ip, i) => {
      validateKnown(`networkRules.ipRules[${i}]`, ip, ipRuleCheck);
      validateKnown(`networkRules.ipRules[${i}]`, ip, publicIpRuleProblem);
    });
    if ((resolved.defaultAction ?? denyAction) === denyAction && ipRules.length === 0 && !hasPrivateEndpoints) {
      throw inputError(
        "networkRules.ipRules",
        "is empty and defaultAction is Deny, so no edge site could reach the login server or the data endpoint; list " +
          "each site's public egress address, add privateEndpoints, or set publicNetworkAccessEnabled to false with privateEndpoints.",
      );
    }
  };
  const plain = knownValue(rules);
  if (plain) {
    validateKnown("networkRules.defaultAction", plain.defaultAction, oneOf(defaultActions));
    const ipRules = knownValue(plain.ipRules);
    if (ipRules !== undefined && isDeepKnown(plain)) {
      check(plain as pulumi.Unwrap<RegistryNetworkRules>);
    }
  }
  return mapInput(rules, (resolved) => {
    check(resolved);
    return {
      defaultAction: resolved.defaultAction ?? denyAction,
      ipRules: (resolved.ipRules ?? []).map((ip) => ({ action: "Allow", iPAddressOrRange: ip })),
    };
  });
}

/** One private endpoint to create: its child name, checked subnet and zone. */
export interface PrivateEndpointPlan {
  childName: string;
  spec: RegistryPrivateEndpoint;
  subnetId: pulumi.Input<string>;
  privateDnsZoneId?: pulumi.Input<string>;
}

/** Checks `privateEndpoints` and names each `<name>-pe-<label>` (label: given, else the subnet's name, else the index). */
export function privateEndpointPlans(name: string, specs: RegistryPrivateEndpoint[]): PrivateEndpointPlan[] {
  if (!Array.isArray(specs)) {
    throw inputError("privateEndpoints", "must be a list of {subnetId, privateDnsZoneId?} objects.");
  }
  const labels = new Set<string>();
  return specs.map((spec, i) => {
    const path = `privateEndpoints[${i}]`;
    if (spec === null || typeof spec !== "object" || spec.subnetId === undefined) {
      throw inputError(
        `${path}.subnetId`,
        "is required: the ARM id of the subnet the endpoint takes its addresses from.",
      );
    }
    const subnetId = validateWhenKnown(`${path}.subnetId`, spec.subnetId, subnetIdProblem);
    const privateDnsZoneId =
      spec.privateDnsZoneId === undefined
        ? undefined
        : validateWhenKnown(`${path}.privateDnsZoneId`, spec.privateDnsZoneId, privateDnsZoneIdProblem);
    if (spec.label !== undefined && (typeof spec.label !== "string" || !/^[a-zA-Z0-9-]{1,40}$/.test(spec.label))) {
      throw inputError(`${path}.label`, `"${String(spec.label)}" is not a label; use 1-40 letters, digits and -.`);
    }
    const known = knownValue(spec.subnetId);
    const label = (spec.label ?? (known !== undefined ? resourceNameOf(known) : String(i))).toLowerCase();
    if (labels.has(label)) {
      throw inputError(
        `${path}.label`,
        `"${label}" is already used by an earlier private endpoint (subnets of the same name?); give each endpoint its own label.`,
      );
    }
    labels.add(label);
    return { childName: `${name}-pe-${label}`, spec, subnetId, privateDnsZoneId };
  });
}
