/**
 * The cluster-only form of `EdgeRegistrySite` (`connectionString` given, e.g. by a fleet hub): what it requires, the
 * cloud-side arguments it refuses, and the cloud side it is given instead of creating. Types only from components.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import type { EdgeRegistrySiteArgs } from "../../edgeRegistrySite";
import { parseRegistryId, registryChildId, registryId as registryArmId } from "../armId";
import { inputError, knownValue } from "../validation";
import type { CloudSide } from "./plan";

/** Cloud-side arguments: the cluster-only form (`connectionString`) refuses them. */
export const cloudSideArgs = [
  "registryName",
  "location",
  "imports",
  "repositories",
  "connectedRegistryMode",
  "syncSchedule",
  "syncWindow",
  "logLevel",
  "clientTokenName",
  "parentConnectedRegistryName",
  "parentConnectedRegistryMode",
  "parentEndpointProtocol",
  "descendantConnectedRegistries",
  "passwordExpiry",
  "passwordRotationTrigger",
  "takeOverPasswordSlot",
  "clientTokenTakeOverPasswordSlot",
  "registryOptions",
  "connectedRegistryOptions",
  "tokenOptions",
] as const;

/** The cluster-only form's rules: what it requires, and the cloud-side arguments it conflicts with. */
export function checkClusterOnlyArgs(args: EdgeRegistrySiteArgs): void {
  if (args.connectionString === undefined) {
    if (args.clientCredential !== undefined) {
      throw inputError(
        "clientCredential",
        "only applies with connectionString (the cluster-only form); remove it, or give the connected registry's connectionString.",
      );
    }
    return;
  }
  const conflicts = cloudSideArgs.filter((key) => args[key] !== undefined);
  if (conflicts.length > 0) {
    throw inputError(
      conflicts[0],
      `conflicts with connectionString: with a given connection string the site creates no cloud side, so ${conflicts.join(", ")} would be ignored; remove ${conflicts.length > 1 ? "them" : "it"}, or remove connectionString to create the cloud side here.`,
    );
  }
  for (const key of ["existingRegistryName", "connectedRegistryName", "clientCredential"] as const) {
    if (args[key] === undefined) {
      throw inputError(
        key,
        `is required with connectionString (the cluster-only form): ${
          key === "existingRegistryName"
            ? "the registry holding the connected registry"
            : key === "connectedRegistryName"
              ? "the connected registry's name (it names the extension)"
              : "the client token the pull secret logs in with ({username, password})"
        }.`,
      );
    }
  }
  if (knownValue(args.deployWorkload) !== false && args.workloadRepository === undefined) {
    throw inputError(
      "workloadRepository",
      "is required with connectionString unless deployWorkload is false: the site does not know which repositories the connected registry syncs.",
    );
  }
}

/** The cluster-only form: the connected registry exists (e.g. in a fleet hub); its connection string is given. */
export function givenCloudSide(args: EdgeRegistrySiteArgs, component: pulumi.Resource): CloudSide {
  const registryName = pulumi.output(args.existingRegistryName!);
  const connectedRegistryName = knownValue(args.connectedRegistryName)!;
  const subscriptionId =
    args.subscriptionId ?? authorization.getClientConfigOutput({ parent: component }).subscriptionId;
  return {
    registryName,
    loginServer: registryName.apply((n) => `${n.toLowerCase()}.azurecr.io`),
    connectedRegistryName,
    connectedRegistryNameOutput: pulumi.output(connectedRegistryName),
    connectedRegistryId: pulumi
      .all([subscriptionId, args.resourceGroupName, registryName])
      .apply(([subscription, resourceGroupName, registry]) =>
        registryChildId(
          parseRegistryId(registryArmId({ subscriptionId: subscription, resourceGroupName, registryName: registry }))!,
          "connectedRegistries",
          connectedRegistryName,
        ),
      ),
    connectionString: pulumi.secret(args.connectionString!),
    clientCredential: pulumi.secret(
      pulumi.output(args.clientCredential!).apply((c) => ({ username: c.username, password: c.password })),
    ),
    connectionState: pulumi.output(undefined),
    activationStatus: pulumi.output(undefined),
    importsDone: [],
  };
}
