/** Workload checks of host access: host namespaces, host ports and hostPath volumes (PSS baseline, CKV_K8S_17-19/26/27, KSV008-010/023/024). */
import { DEFAULT_ALLOWED_HOST_PATHS, DEFAULT_ALLOWED_READ_ONLY_HOST_PATHS, hostPathAllowed } from "./hostPaths";
import { addedCapabilities, dropsAll } from "./capabilityChecks";
import { persistentVolumeType } from "./kinds";
import { Props, arrayAt, flagAt, isUnknown, objectAt, stringAt } from "./values";
import { Container, Workload, WorkloadCheck, WorkloadPolicyConfig, sc } from "./workload";

/** The hostPath volumes of a pod: volume name → path (unknown paths left out). */
function hostPathVolumes(w: Workload): Map<string, string | undefined> {
  const volumes = new Map<string, string | undefined>();
  for (const volume of arrayAt(w.podSpec.volumes).map(objectAt)) {
    const hostPath = objectAt(volume?.hostPath);
    const name = stringAt(volume?.name);
    if (hostPath && name !== undefined) {
      volumes.set(name, stringAt(hostPath.path));
    }
  }
  return volumes;
}

/** The mounts of a volume by a container: `readOnly` of each. */
function mountsOf(c: Container, volume: string): Props[] {
  return arrayAt(c.props.volumeMounts)
    .map(objectAt)
    .filter((m): m is Props => m !== undefined && m.name === volume);
}

/** Whether every mount of `volume` in the pod is read only. */
function mountedReadOnly(w: Workload, volume: string): boolean {
  return w.containers.every((c) => mountsOf(c, volume).every((m) => flagAt(m.readOnly) === true));
}

/** Whether a root container is a locked-down writer of allowed host paths only (see `allowRootHostPathWriters`). */
export function lockedDownHostPathWriter(w: Workload, c: Container, config: WorkloadPolicyConfig): boolean {
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
  const allowed = config.allowedHostPaths ?? DEFAULT_ALLOWED_HOST_PATHS;
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
    : `${what} mounts host path ${hostPath}, which is not in the policy's allowedHostPaths: remove it, or list that exact directory in the pack's configuration (CKV_K8S_27, KSV023).`;
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

export const hostPathAllowList: WorkloadCheck = {
  name: "k8s-host-path-allow-list",
  ids: ["CKV_K8S_27", "KSV023", "PSS baseline: HostPath Volumes"],
  description:
    "Pods (and PersistentVolumes) mount only the host paths of allowedHostPaths (default: one registry directory below containerd's certs.d of containerd, k3s and RKE2), or of allowedReadOnlyHostPaths when every mount is read only (default: containerd's configuration directories); never /, /etc or a runtime socket. Paths are normalised (.., //, trailing /) before matching (CKV_K8S_27, KSV023, PSS baseline).",
  mandatory: true,
  configKeys: ["allowedHostPaths", "allowedReadOnlyHostPaths"],
  check: (w, config) =>
    [...hostPathVolumes(w)].flatMap(([volume, hostPath]) => {
      if (hostPath === undefined) {
        return [];
      }
      const allowed = config.allowedHostPaths ?? DEFAULT_ALLOWED_HOST_PATHS;
      const readOnlyAllowed = config.allowedReadOnlyHostPaths ?? DEFAULT_ALLOWED_READ_ONLY_HOST_PATHS;
      if (
        hostPathAllowed(hostPath, allowed) ||
        (mountedReadOnly(w, volume) && hostPathAllowed(hostPath, readOnlyAllowed))
      ) {
        return [];
      }
      return [
        hostPathMessage(
          `volume "${volume}"`,
          hostPath,
          readOnlyAllowed.length > 0 && hostPathAllowed(hostPath, readOnlyAllowed),
        ),
      ];
    }),
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
