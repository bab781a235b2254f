/**
 * A child site of `EdgeRegistrySite` (a nested connected registry, az `--parent`): the arguments that go together,
 * and the parent connected registry its `ConnectedRegistry` takes. Types only from components; the enum value
 * compared is checked against its enum by the compiler.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import type { ConnectedRegistryParent, ParentEndpointProtocol } from "../../connectedRegistry";
import type { EdgeRegistrySiteArgs } from "../../edgeRegistrySite";
import { parseRegistryId, registryChildId, registryId as registryArmId } from "../armId";
import { inputError, knownValue } from "../validation";

/** Plain http to the parent (no TLS). */
const httpProtocol: `${ParentEndpointProtocol}` = "http";

/** The child-site arguments go together: a parent name needs the parent's address; the rest need a parent name. */
export function checkChildSiteArgs(args: EdgeRegistrySiteArgs): void {
  const child = args.parentConnectedRegistryName !== undefined;
  // The cluster-only form of a nested site: the parent's address and CA, for the parent's trust on the nodes.
  const clusterOnly = args.connectionString !== undefined;
  for (const key of [
    "parentConnectedRegistryMode",
    "parentGatewayEndpoint",
    "parentEndpointProtocol",
    "parentCaCertificatePem",
  ] as const) {
    const allowed = child || (clusterOnly && (key === "parentGatewayEndpoint" || key === "parentCaCertificatePem"));
    if (!allowed && args[key] !== undefined) {
      throw inputError(
        key,
        "only applies to a child site; set parentConnectedRegistryName to the parent connected registry, or remove it.",
      );
    }
  }
  if (clusterOnly && args.parentCaCertificatePem !== undefined && args.parentGatewayEndpoint === undefined) {
    throw inputError(
      "parentGatewayEndpoint",
      "is required with parentCaCertificatePem: the parent's address whose certificate the nodes must trust.",
    );
  }
  if (child && args.parentGatewayEndpoint === undefined) {
    throw inputError(
      "parentGatewayEndpoint",
      "is required with parentConnectedRegistryName: the parent's address as this cluster reaches it (e.g. the parent site's registryEndpoint), or the connection string would have no ParentGatewayEndpoint.",
    );
  }
  if (args.parentCaCertificatePem !== undefined && knownValue(args.parentEndpointProtocol) === httpProtocol) {
    throw inputError(
      "parentCaCertificatePem",
      "has no use with parentEndpointProtocol http (no TLS to the parent); remove it, or reach the parent over https.",
    );
  }
}

/** The parent connected registry of a child site (its ARM id is built in this site's registry), or undefined. */
export function parentConnectedRegistry(
  args: EdgeRegistrySiteArgs,
  component: pulumi.Resource,
  registryName: pulumi.Output<string>,
  registryId: pulumi.Output<string> | undefined,
): ConnectedRegistryParent | undefined {
  if (args.parentConnectedRegistryName === undefined) {
    return undefined;
  }
  const registry =
    registryId ??
    pulumi
      .all([
        args.subscriptionId ?? authorization.getClientConfigOutput({ parent: component }).subscriptionId,
        args.resourceGroupName,
        registryName,
      ])
      .apply(([subscriptionId, resourceGroupName, name]) =>
        registryArmId({ subscriptionId, resourceGroupName, registryName: name }),
      );
  return {
    connectedRegistryId: pulumi
      .all([registry, args.parentConnectedRegistryName])
      .apply(([id, parentName]) => registryChildId(parseRegistryId(id) ?? fail(id), "connectedRegistries", parentName)),
    gatewayEndpoint: args.parentGatewayEndpoint!,
    endpointProtocol: args.parentEndpointProtocol,
    mode: args.parentConnectedRegistryMode,
  };
}

function fail(id: string): never {
  throw new Error(`the registry id "${id}" is not a container registry ARM id; set subscriptionId.`);
}
