/**
 * Workload checks of host access: host namespaces, host ports, volume types and hostPath volumes (PSS baseline and
 * restricted, CKV_K8S_17-19/26/27, KSV008-010/023/024/028). Root and containerd's directories are granted to
 * NodeRegistryTrust's installer only (`nodeTrust.ts`), not to every workload.
 */
import { addedCapabilities, dropsAll } from "./capabilityChecks";
import {
  DEFAULT_ALLOWED_HOST_PATHS,
  DEFAULT_ALLOWED_READ_ONLY_HOST_PATHS,
  NODE_TRUST_HOST_PATHS,
  NODE_TRUST_READ_ONLY_HOST_PATHS,
  hostPathAllowed,
} from "./hostPaths";
import { persistentVolumeType } from "./kinds";
import { hostPathVolumes, mountedReadOnly, mountsOf } from "./mounts";
import { isNodeTrustInstaller } from "./nodeTrust";
import { Props, arrayAt, flagAt, isUnknown, objectAt, stringAt } from "./values";
import { Container, Workload, WorkloadCheck, WorkloadPolicyConfig, sc } from "./workload";

/** The host paths a workload may mount: writable, and read only (when every mount of the volume is). */
export interface HostPathGrant {
  writable: string[];
  readOnly: string[];
  /** Whether the grant comes from being NodeRegistryTrust's installer (it may then run as a locked-down root). */
  installer: boolean;
}

/** What the configuration grants this workload: every workload `allowed*`, the recognised installer also `nodeTrust*`. */
export function hostPathGrant(w: Workload, config: WorkloadPolicyConfig): HostPathGrant {
  const writable = config.allowedHostPaths ?? DEFAULT_ALLOWED_HOST_PATHS;
  const readOnly = config.allowedReadOnlyHostPaths ?? DEFAULT_ALLOWED_READ_ONLY_HOST_PATHS;
  if (config.nodeTrustInstaller === false || !isNodeTrustInstaller(w)) {
    return { writable, readOnly, installer: false };
  }
  return {
    writable: [...writable, ...(config.nodeTrustHostPaths ?? NODE_TRUST_HOST_PATHS)],
    readOnly: [...readOnly, ...(config.nodeTrustReadOnlyHostPaths ?? NODE_TRUST_READ_ONLY_HOST_PATHS)],
    installer: true,
  };
}

/** Volume types the Pod Security Standards "restricted" profile allows, plus the two judged by their own rules. */
export const ALLOWED_VOLUME_TYPES = [
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "persistentVolumeClaim",
  "projected",
  "secret",
];
/** `hostPath` (k8s-host-path-allow-list) and `image` (the image rules) are judged elsewhere. */
const JUDGED_ELSEWHERE = ["hostPath", "image"];

/** Whether a root container is a locked-down writer of allowed host paths only (see `allowRootHostPathWriters`). */
export function lockedDownHostPathWriter(w: Workload, c: Container, allowed: readonly string[]): boolean {
  const s = sc(c);
  const locked =
    flagAt(s.privileged) !== true &&
    flagAt(s.allowPrivilegeEscalation) === false &&
    flagAt(s.readOnlyRootFilesystem) === true &&
    dropsAll(c) &&
    addedCapabilities(c).length === 0;
  if (!locked) {
    return false;
  }
  const writable = [...hostPathVolumes(w)].filter(
    ([volume]) => mountsOf(c, volume).length > 0 && !mountsOf(c, volume).every((m) => flagAt(m.readOnly) === true),
  );
  return (
    writable.length > 0 &&
    writable.every(([, hostPath]) => hostPath !== undefined && hostPathAllowed(hostPath, allowed))
  );
}

/** The message for a host path that is not allowed. */
export function hostPathMessage(what: string, hostPath: string, onlyReadOnly: boolean): string {
  return onlyReadOnly
    ? `${what} mounts host path ${hostPath} writable; it is allowed read only: set readOnly: true on every mount (CKV_K8S_27).`
    : `${what} mounts host path ${hostPath}, which is not in the policy's allowedHostPaths: remove it, or list that exact directory in the pack's configuration (only NodeRegistryTrust's own installer gets containerd's directories) (CKV_K8S_27, KSV023).`;
}

export const noHostNamespaces: WorkloadCheck = {
  name: "k8s-no-host-namespaces",
  ids: ["CKV_K8S_17", "CKV_K8S_18", "CKV_K8S_19", "KSV008", "KSV009", "KSV010", "PSS baseline: Host Namespaces"],
  description:
    "Pods share no host namespace: hostPID, hostIPC and hostNetwork are not true (CKV_K8S_17, CKV_K8S_18, CKV_K8S_19, KSV008-010, PSS baseline).",
  mandatory: true,
  check: (w) =>
    (
      [
        ["hostPID", "CKV_K8S_17"],
        ["hostIPC", "CKV_K8S_18"],
        ["hostNetwork", "CKV_K8S_19"],
      ] as const
    )
      .filter(([key]) => flagAt(w.podSpec[key]) === true)
      .map(([key, id]) => `${key} is true: the pod shares the node's namespace; remove it (${id}).`),
};

export const noHostPorts: WorkloadCheck = {
  name: "k8s-no-host-ports",
  ids: ["CKV_K8S_26", "KSV024", "PSS baseline: Host Ports"],
  description: "Containers bind no host port (CKV_K8S_26, KSV024, PSS baseline).",
  mandatory: true,
  check: (w) =>
    w.containers.flatMap((c) =>
      arrayAt(c.props.ports)
        .map((p) => objectAt(p)?.hostPort)
        .filter((port) => !isUnknown(port) && port !== undefined && port !== null && Number(port) !== 0)
        .map(
          (port) =>
            `container "${c.name}": hostPort ${port} exposes the pod on the node's network; use a Service (CKV_K8S_26).`,
        ),
    ),
};

export const volumeTypesAllowed: WorkloadCheck = {
  name: "k8s-volume-types-allowed",
  ids: ["KSV028", "PSS restricted: Volume Types"],
  description: `Pods use only the volume types Pod Security Standards "restricted" allows (${ALLOWED_VOLUME_TYPES.join(", ")}), plus hostPath (judged by k8s-host-path-allow-list) and image volumes (judged by the image policies): gitRepo (runs git on the node, CVE-2024-10220), flexVolume, nfs, iscsi, rbd, cephfs and the rest reach the node or the network from the kubelet (KSV028, PSS restricted).`,
  mandatory: true,
  check: (w) =>
    arrayAt(w.podSpec.volumes)
      .map(objectAt)
      .flatMap((volume) => {
        if (!volume) {
          return [];
        }
        const types = Object.keys(volume).filter(
          (key) => key !== "name" && !ALLOWED_VOLUME_TYPES.includes(key) && !JUDGED_ELSEWHERE.includes(key),
        );
        return types.map(
          (type) =>
            `volume "${stringAt(volume.name) ?? "?"}" is of type ${type}, which the kubelet mounts from the node or the network: use one of ${ALLOWED_VOLUME_TYPES.join(", ")} (a PersistentVolumeClaim for network storage) (PSS restricted: Volume Types, KSV028).`,
        );
      }),
};

export const hostPathAllowList: WorkloadCheck = {
  name: "k8s-host-path-allow-list",
  ids: ["CKV_K8S_27", "KSV023", "PSS baseline: HostPath Volumes"],
  description:
    "Pods (and PersistentVolumes) mount only the host paths of allowedHostPaths, or of allowedReadOnlyHostPaths when every mount is read only (both default none). NodeRegistryTrust's installer, recognised by its scripts and fingerprint (not by a name), may also mount nodeTrustHostPaths (default: one registry directory below containerd's certs.d of containerd, k3s and RKE2) and nodeTrustReadOnlyHostPaths read only (default: containerd's configuration directories). Never /, /etc or a runtime socket. Paths are normalised (.., //, trailing /) before matching (CKV_K8S_27, KSV023, PSS baseline).",
  mandatory: true,
  configKeys: [
    "allowedHostPaths",
    "allowedReadOnlyHostPaths",
    "nodeTrustInstaller",
    "nodeTrustHostPaths",
    "nodeTrustReadOnlyHostPaths",
  ],
  check: (w, config) => {
    const grant = hostPathGrant(w, config);
    return [...hostPathVolumes(w)].flatMap(([volume, hostPath]) => {
      if (hostPath === undefined) {
        return [];
      }
      if (
        hostPathAllowed(hostPath, grant.writable) ||
        (mountedReadOnly(w, volume) && hostPathAllowed(hostPath, grant.readOnly))
      ) {
        return [];
      }
      return [
        hostPathMessage(
          `volume "${volume}"`,
          hostPath,
          grant.readOnly.length > 0 && hostPathAllowed(hostPath, grant.readOnly),
        ),
      ];
    });
  },
};

/** Host paths of a PersistentVolume (object, patch or list): `spec.hostPath.path` and `spec.local.path`. */
export function persistentVolumeProblems(type: string, props: Props, config: WorkloadPolicyConfig): string[] {
  const parsed = persistentVolumeType(type);
  if (!parsed) {
    return [];
  }
  const objects = parsed.form === "list" ? arrayAt(props.items).map(objectAt) : [props];
  const allowed = config.allowedHostPaths ?? DEFAULT_ALLOWED_HOST_PATHS;
  return objects.flatMap((object, index) => {
    const label = parsed.form === "list" ? `items[${index}]: ` : "";
    const spec = objectAt(object?.spec);
    return (["hostPath", "local"] as const).flatMap((key) => {
      const hostPath = stringAt(objectAt(spec?.[key])?.path);
      return hostPath === undefined || hostPathAllowed(hostPath, allowed)
        ? []
        : [`${label}${hostPathMessage(`spec.${key}`, hostPath, false)}`];
    });
  });
}
