/**
 * A `helm.sh/v3:Release` is rendered by the provider at deploy time, so the pack never sees its manifests: what can
 * be judged is its `values`. Pod specs found in them are judged as workloads (`podTemplates.ts`); this rule reads
 * the settings charts conventionally expose anywhere in the values (`securityContext`, `podSecurityContext`,
 * `hostNetwork`, `extraVolumes`, ...) and refuses the ones that reach the node. For a chart whose manifests must be
 * judged as a whole, use `kubernetes:helm.sh/v4:Chart`: its objects are resources of their own, each judged.
 */
import { capability } from "./capabilityChecks";
import { hostPathAllowed } from "./hostPaths";
import { Props, arrayAt, flagAt, isUnknown, objectAt, stringAt } from "./values";

/** Volume types outside the Pod Security Standards "restricted" list that charts pass through as values. */
const NODE_VOLUME_TYPES = [
  "gitRepo",
  "flexVolume",
  "nfs",
  "iscsi",
  "rbd",
  "cephfs",
  "glusterfs",
  "cinder",
  "fc",
  "flocker",
  "azureFile",
  "azureDisk",
  "vsphereVolume",
  "quobyte",
  "portworxVolume",
  "scaleIO",
  "storageos",
  "photonPersistentDisk",
  "awsElasticBlockStore",
  "gcePersistentDisk",
];

/** Settings of the Release values policy. */
export interface HelmValuesConfig {
  allowedHostPaths: string[];
  allowedReadOnlyHostPaths: string[];
  allowedCapabilities: string[];
}

/** The problems of one key/value pair of the values (`path` is where it sits). */
function problemsAt(path: string, key: string, value: unknown, parent: Props, config: HelmValuesConfig): string[] {
  const at = `${path}.${key}`;
  if (["privileged", "hostPID", "hostIPC", "hostNetwork", "allowPrivilegeEscalation", "hostProcess"].includes(key)) {
    return flagAt(value) === true ? [`${at} is true: it gives the pod the node; set it to false.`] : [];
  }
  if (key === "runAsUser" && (value === 0 || value === "0")) {
    return [`${at} is 0: set a non-zero user.`];
  }
  if (key === "runAsNonRoot" && flagAt(value) === false) {
    return [`${at} is false: set it to true.`];
  }
  if (key === "seccompProfile") {
    const type = stringAt(objectAt(value)?.type) ?? stringAt(value);
    return type?.toLowerCase() === "unconfined" ? [`${at} is Unconfined: use RuntimeDefault.`] : [];
  }
  if (key === "add" && objectAt(parent) && Array.isArray(value) && path.endsWith("capabilities")) {
    const allowed = new Set(config.allowedCapabilities.map(capability));
    const extra = value
      .map(stringAt)
      .filter((cap): cap is string => cap !== undefined && !allowed.has(capability(cap)));
    return extra.length > 0
      ? [`${at} adds ${extra.join(", ")}: remove them, or list them in allowedCapabilities.`]
      : [];
  }
  if (key === "hostPath" && objectAt(value)) {
    const hostPath = stringAt(objectAt(value)!.path);
    const ok =
      hostPath === undefined ||
      hostPathAllowed(hostPath, config.allowedHostPaths) ||
      hostPathAllowed(hostPath, config.allowedReadOnlyHostPaths);
    return ok ? [] : [`${at} mounts host path ${hostPath}, which is not in allowedHostPaths: remove it.`];
  }
  if (NODE_VOLUME_TYPES.includes(key) && objectAt(value)) {
    return [
      `${at} is a ${key} volume, which reaches the node or the network from the kubelet: use a PersistentVolumeClaim.`,
    ];
  }
  return [];
}

/** Every problem in a Release's values (unknown values are not reported; depth bounded). */
export function helmValuesProblems(values: unknown, config: HelmValuesConfig, path = "values", depth = 0): string[] {
  if (depth > 16 || isUnknown(values)) {
    return [];
  }
  if (Array.isArray(values)) {
    return arrayAt(values).flatMap((item, index) => helmValuesProblems(item, config, `${path}[${index}]`, depth + 1));
  }
  const object = objectAt(values);
  if (!object) {
    return [];
  }
  return Object.entries(object).flatMap(([key, value]) => [
    ...problemsAt(path, key, value, object, config).map(
      (message) => `${message} (helm.sh/v3:Release values; PSS baseline/restricted)`,
    ),
    ...helmValuesProblems(value, config, `${path}.${key}`, depth + 1),
  ]);
}
