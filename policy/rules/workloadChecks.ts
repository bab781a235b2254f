/** The workload checks of every family, in the order they are reported (one policy each). */
import { imageDigest, imagePinned, imageRegistryAllowed } from "./imageChecks";
import {
  noPrivilegeEscalation,
  noPrivileged,
  readOnlyRootFilesystem,
  resourceRequestsLimits,
  runAsNonRoot,
  seccompRuntimeDefault,
} from "./containerChecks";
import { dropAllCapabilities, noAddedCapabilities } from "./capabilityChecks";
import { noServiceAccountToken, noUnsafePodOptions, notDefaultNamespace } from "./podChecks";
import { hostPathAllowList, volumeTypesAllowed, noHostNamespaces, noHostPorts } from "./hostChecks";
import { WorkloadCheck } from "./workload";

/** The workload checks, in the order they are reported. */
export const WORKLOAD_CHECKS: WorkloadCheck[] = [
  imagePinned,
  imageDigest,
  imageRegistryAllowed,
  noPrivileged,
  noPrivilegeEscalation,
  readOnlyRootFilesystem,
  runAsNonRoot,
  dropAllCapabilities,
  noAddedCapabilities,
  seccompRuntimeDefault,
  resourceRequestsLimits,
  noServiceAccountToken,
  notDefaultNamespace,
  noHostNamespaces,
  noHostPorts,
  hostPathAllowList,
  volumeTypesAllowed,
  noUnsafePodOptions,
];
