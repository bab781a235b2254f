/**
 * Kubernetes workload rules (Pod Security Standards baseline and restricted, Checkov CKV_K8S_*, Trivy KSV*,
 * platform-facts §5) for every pod-bearing kind and its `*Patch` and `*List` forms (see `kinds.ts`). Each check
 * looks at one workload (one pod spec) and returns its violation messages (empty: compliant).
 *
 * Nothing on the resource itself can exempt it (no annotation, label or name convention is read as a skip):
 * exemptions come from the pack's configuration only (`exemptions`, per policy, see `isExempt`).
 *
 * Patches: a server-side apply patch changes only the fields it names. Every container a patch names is checked
 * as a whole container (the patch may add it); pod-level settings a patch leaves out are the existing object's
 * and are not judged, pod-level settings it sets are.
 */
import { ImageRef, imageMatches, normaliseHost, parseImage } from "./images";
import { DEFAULT_ALLOWED_HOST_PATHS, DEFAULT_ALLOWED_READ_ONLY_HOST_PATHS, hostPathAllowed } from "./hostPaths";
import { Form, podBearingType, podSpecPath } from "./kinds";
import { Props, arrayAt, flagAt, isUnknown, objectAt, stringAt } from "./values";

/** One container of a workload (init, regular or ephemeral). */
export interface Container {
  name: string;
  /** The image reference, `undefined` when unknown during preview. */
  image?: string;
  props: Props;
}

/** A workload as the checks see it: one pod spec with the metadata of its object. */
export interface Workload {
  /** `Deployment`, `Pod`, ... (without `Patch`/`List`). */
  kind: string;
  form: Form;
  /** Prefix of every message: `""`, or `items[2]: ` for an item of a List. */
  label: string;
  /** The object's metadata. */
  metadata: Props;
  /** The metadata of the pod (the template's for controllers, the object's for a Pod). */
  podMetadata: Props;
  podSpec: Props;
  /** Init, regular and ephemeral containers. */
  containers: Container[];
}

/** One workload object of a pod-bearing kind. */
function workloadOfObject(kind: string, form: Form, object: Props, label: string): Workload | undefined {
  const path = podSpecPath(kind);
  let podSpec: Props | undefined = object;
  let podMetadata: Props | undefined = object;
  for (const [index, key] of path.entries()) {
    if (index === path.length - 1) {
      podMetadata = objectAt(podSpec?.metadata);
    }
    podSpec = objectAt(podSpec?.[key]);
  }
  if (!podSpec) {
    return undefined;
  }
  const containers = [
    ...arrayAt(podSpec.initContainers),
    ...arrayAt(podSpec.containers),
    ...arrayAt(podSpec.ephemeralContainers),
  ]
    .map(objectAt)
    .filter((c): c is Props => c !== undefined)
    .map((c) => ({ name: stringAt(c.name) ?? "?", image: stringAt(c.image), props: c }));
  const metadata = objectAt(object.metadata) ?? {};
  return { kind, form, label, metadata, podMetadata: podMetadata ?? {}, podSpec, containers };
}

/**
 * The workloads behind a resource: one for an object or a patch, one per item for a List; none for other types
 * or when the pod spec is not known.
 */
export function workloadsOf(type: string, props: Props): Workload[] {
  const parsed = podBearingType(type);
  if (!parsed) {
    return [];
  }
  if (parsed.form === "list") {
    return arrayAt(props.items).flatMap((item, index) => {
      const object = objectAt(item);
      const name = stringAt(objectAt(object?.metadata)?.name);
      const label = `items[${index}]${name ? ` (${name})` : ""}: `;
      const workload = object && workloadOfObject(parsed.kind, "list", object, label);
      return workload ? [workload] : [];
    });
  }
  const workload = workloadOfObject(parsed.kind, parsed.form, props, "");
  return workload ? [workload] : [];
}

/** A configuration exemption: the workload named `name` in `namespace` (and of `kind`, when given). */
export interface Exemption {
  /** `metadata.name` of the exempted object. */
  name: string;
  /** Its namespace; `default` when omitted (the same rule as for the object). */
  namespace?: string;
  /** Its kind (`DaemonSet`), any when omitted. */
  kind?: string;
  /** Why: kept for the reviewer, not read. */
  reason?: string;
}

/** Settings the checks take from the policy config. */
export interface WorkloadCheckConfig {
  /** Images that may run without a pinned tag (entries as for `imageMatches`). */
  allowUnpinnedImages?: string[];
  /** The only registry hosts images may come from; empty: any. */
  allowedRegistries?: string[];
  /** Host paths pods may mount (see `hostPaths.ts`). */
  allowedHostPaths?: string[];
  /** Host paths pods may mount when every mount of the volume is read only. */
  allowedReadOnlyHostPaths?: string[];
  /** Capabilities containers may add (`NET_BIND_SERVICE`; `CAP_` prefix and case ignored). Default none. */
  allowedCapabilities?: string[];
  /** Whether uid 0 is accepted for a locked-down container whose only host access is an allowed host path it writes. */
  allowRootHostPathWriters?: boolean;
  /** Workloads this policy does not check. */
  exemptions?: Exemption[];
  /** The provider's default namespace, used when the object names none. */
  providerNamespace?: string;
}

/** One workload check: a policy of its own. */
export interface WorkloadCheck {
  /** Policy name. */
  name: string;
  /** Baseline ids: Checkov, Trivy and Pod Security Standards controls. */
  ids: string[];
  /** What the policy requires. */
  description: string;
  /** Whether violations block the deployment. */
  mandatory: boolean;
  /** The config keys the check reads besides `exemptions`. */
  configKeys?: (keyof WorkloadCheckConfig)[];
  check(workload: Workload, config: WorkloadCheckConfig): string[];
}

/** A container's security context (empty when absent or unknown). */
function sc(container: Container): Props {
  return objectAt(container.props.securityContext) ?? {};
}

/** The pod's security context. */
function podSc(workload: Workload): Props {
  return objectAt(workload.podSpec.securityContext) ?? {};
}

/** Messages for each container whose value is known and fails `ok` (unknown values are never reported). */
function perContainer(
  workload: Workload,
  value: (c: Container) => unknown,
  ok: (v: unknown) => boolean,
  problem: string,
): string[] {
  return workload.containers
    .filter((c) => {
      const v = value(c);
      return !isUnknown(v) && !ok(v);
    })
    .map((c) => `container "${c.name}": ${problem}`);
}

/** The container value, or the pod-level one when the container sets none. */
function effective(workload: Workload, c: Container, key: string): unknown {
  return sc(c)[key] ?? podSc(workload)[key];
}

const parsed = (c: Container): ImageRef | undefined => (c.image === undefined ? undefined : parseImage(c.image));

/** A capability name as the kernel knows it, without `CAP_`, upper-cased. */
const capability = (value: string) => value.trim().toUpperCase().replace(/^CAP_/, "");

/** The capabilities a container adds (known entries only). */
function addedCapabilities(c: Container): string[] {
  return arrayAt(objectAt(sc(c).capabilities)?.add)
    .map(stringAt)
    .filter((cap): cap is string => cap !== undefined);
}

/** Whether the container drops ALL capabilities. */
function dropsAll(c: Container): boolean {
  return arrayAt(objectAt(sc(c).capabilities)?.drop).some(
    (cap) => typeof cap === "string" && capability(cap) === "ALL",
  );
}

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
function lockedDownHostPathWriter(w: Workload, c: Container, config: WorkloadCheckConfig): boolean {
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

/** Sysctls the Pod Security Standards baseline allows. */
const SAFE_SYSCTLS = new Set([
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
]);

/** SELinux types the Pod Security Standards baseline allows. */
const SAFE_SELINUX_TYPES = new Set(["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);

/** The namespace a workload lands in: its own, else the provider's, else `default` (`""` counts as unset). */
export function namespaceOf(metadata: Props, providerNamespace?: string): string | undefined {
  const own = metadata.namespace;
  if (isUnknown(own)) {
    return undefined;
  }
  const name = stringAt(own)?.trim();
  if (name) {
    return name;
  }
  return providerNamespace?.trim() || "default";
}

/** The workload checks, in the order they are reported. */
export const WORKLOAD_CHECKS: WorkloadCheck[] = [
  {
    name: "k8s-image-pinned",
    ids: ["CKV_K8S_14", "KSV013"],
    description: "Images are pinned: a digest, or a tag other than latest (CKV_K8S_14, KSV013).",
    mandatory: true,
    configKeys: ["allowUnpinnedImages"],
    check: (w, config) =>
      w.containers
        .filter((c) => {
          const image = parsed(c);
          return (
            image !== undefined &&
            image.digest === undefined &&
            (image.tag === undefined || image.tag.toLowerCase() === "latest") &&
            !imageMatches(image, config.allowUnpinnedImages ?? [])
          );
        })
        .map(
          (c) =>
            `container "${c.name}": image ${c.image} is not pinned: use a digest (@sha256:...) or a version tag, not latest (CKV_K8S_14).`,
        ),
  },
  {
    name: "k8s-image-digest",
    ids: ["CKV_K8S_43", "CKV_K8S_15"],
    description:
      "Images are referenced by digest, which also makes the pull policy irrelevant (CKV_K8S_43, CKV_K8S_15).",
    mandatory: false,
    check: (w) =>
      w.containers
        .filter((c) => parsed(c) !== undefined && parsed(c)?.digest === undefined)
        .map(
          (c) => `container "${c.name}": image ${c.image} has no digest: pin it by digest (@sha256:...) (CKV_K8S_43).`,
        ),
  },
  {
    name: "k8s-image-registry-allowed",
    ids: ["KSV0125"],
    description:
      "Images come only from the registries listed in allowedRegistries (hosts, `host:port`); an empty list (the default) allows every registry (KSV0125 trusted registries).",
    mandatory: true,
    configKeys: ["allowedRegistries"],
    check: (w, config) => {
      const allowed = (config.allowedRegistries ?? []).map(normaliseHost);
      if (allowed.length === 0) {
        return [];
      }
      return w.containers
        .filter((c) => parsed(c) !== undefined && !allowed.includes(parsed(c)!.host))
        .map(
          (c) =>
            `container "${c.name}": image ${c.image} comes from ${parsed(c)!.host}, which is not in allowedRegistries (${allowed.join(", ")}): mirror it into an allowed registry (KSV0125).`,
        );
    },
  },
  {
    name: "k8s-no-privileged",
    ids: ["CKV_K8S_16", "KSV017", "PSS baseline: Privileged Containers, HostProcess"],
    description:
      "Containers are not privileged and no Windows HostProcess container runs (CKV_K8S_16, KSV017, PSS baseline).",
    mandatory: true,
    check: (w) => [
      ...perContainer(
        w,
        (c) => sc(c).privileged,
        (v) => flagAt(v) !== true,
        "securityContext.privileged is true: remove it (CKV_K8S_16).",
      ),
      ...perContainer(
        w,
        (c) => objectAt(effective(w, c, "windowsOptions"))?.hostProcess,
        (v) => flagAt(v) !== true,
        "securityContext.windowsOptions.hostProcess is true: a HostProcess container has full access to the node; remove it (PSS baseline).",
      ),
    ],
  },
  {
    name: "k8s-no-privilege-escalation",
    ids: ["CKV_K8S_20", "KSV001", "PSS restricted: Privilege Escalation"],
    description: "Containers set allowPrivilegeEscalation: false (CKV_K8S_20, KSV001, PSS restricted).",
    mandatory: true,
    check: (w) =>
      perContainer(
        w,
        (c) => sc(c).allowPrivilegeEscalation,
        (v) => flagAt(v) === false,
        "securityContext.allowPrivilegeEscalation is not false: set it to false (CKV_K8S_20).",
      ),
  },
  {
    name: "k8s-read-only-root-filesystem",
    ids: ["CKV_K8S_22", "KSV014"],
    description: "Containers run with readOnlyRootFilesystem: true (CKV_K8S_22, KSV014).",
    mandatory: true,
    check: (w) =>
      perContainer(
        w,
        (c) => sc(c).readOnlyRootFilesystem,
        (v) => flagAt(v) === true,
        "securityContext.readOnlyRootFilesystem is not true: set it to true and mount emptyDir volumes where the app writes (CKV_K8S_22).",
      ),
  },
  {
    name: "k8s-run-as-non-root",
    ids: ["CKV_K8S_23", "KSV012", "PSS restricted: Running as Non-root, Running as Non-root user"],
    description:
      "Containers run as non-root: runAsNonRoot: true or a runAsUser other than 0, and never runAsUser 0, in the container or pod security context (CKV_K8S_23, KSV012, PSS restricted). With allowRootHostPathWriters (default true), uid 0 is accepted only for a container that is otherwise locked down (not privileged, no escalation, read-only root, drops ALL and adds no capability) and writes nothing on the node but allowed host paths.",
    mandatory: true,
    configKeys: ["allowRootHostPathWriters", "allowedHostPaths"],
    check: (w, config) =>
      w.containers
        .filter((c) => {
          const nonRoot = effective(w, c, "runAsNonRoot");
          const user = effective(w, c, "runAsUser");
          if (isUnknown(nonRoot) || isUnknown(user)) {
            return false;
          }
          const uid = typeof user === "string" && /^\d+$/.test(user) ? Number(user) : user;
          const rootUser = uid === 0;
          const nonRootUser = typeof uid === "number" && uid > 0;
          const mayBeRoot = rootUser || !(flagAt(nonRoot) === true || nonRootUser);
          return mayBeRoot && !(config.allowRootHostPathWriters !== false && lockedDownHostPathWriter(w, c, config));
        })
        .map(
          (c) =>
            `container "${c.name}": may run as root: set securityContext.runAsNonRoot: true and a non-zero runAsUser, in the container and the pod (CKV_K8S_23, KSV012).`,
        ),
  },
  {
    name: "k8s-drop-all-capabilities",
    ids: ["CKV_K8S_37", "KSV003", "PSS restricted: Capabilities"],
    description: "Containers drop all capabilities (CKV_K8S_37, KSV003, PSS restricted).",
    mandatory: true,
    check: (w) =>
      w.containers
        .filter((c) => !isUnknown(objectAt(sc(c).capabilities)?.drop) && !isUnknown(sc(c).capabilities) && !dropsAll(c))
        .map(
          (c) =>
            `container "${c.name}": securityContext.capabilities.drop does not contain "ALL": drop ALL and add back only what is needed (CKV_K8S_37, KSV003).`,
        ),
  },
  {
    name: "k8s-no-added-capabilities",
    ids: ["CKV_K8S_25", "CKV_K8S_39", "KSV022", "PSS baseline: Capabilities"],
    description:
      "Containers add no capabilities beyond allowedCapabilities (default none; SYS_ADMIN, NET_ADMIN, SYS_PTRACE... give away the node) (CKV_K8S_25, CKV_K8S_39, KSV022, PSS baseline).",
    mandatory: true,
    configKeys: ["allowedCapabilities"],
    check: (w, config) => {
      const allowed = new Set((config.allowedCapabilities ?? []).map(capability));
      return w.containers.flatMap((c) => {
        const extra = addedCapabilities(c).filter((cap) => !allowed.has(capability(cap)));
        return extra.length === 0
          ? []
          : [
              `container "${c.name}": securityContext.capabilities.add has ${extra.join(", ")}: remove them, or list them in the policy's allowedCapabilities (CKV_K8S_25, KSV022).`,
            ];
      });
    },
  },
  {
    name: "k8s-seccomp-runtime-default",
    ids: ["CKV_K8S_31", "KSV030", "PSS restricted: Seccomp"],
    description:
      "Containers use the RuntimeDefault (or a Localhost) seccomp profile, set on the container or the pod; never Unconfined (CKV_K8S_31, KSV030, PSS restricted).",
    mandatory: true,
    check: (w) =>
      perContainer(
        w,
        (c) => objectAt(effective(w, c, "seccompProfile"))?.type ?? effective(w, c, "seccompProfile"),
        (v) => typeof v === "string" && ["runtimedefault", "localhost"].includes(v.toLowerCase()),
        "no RuntimeDefault seccomp profile: set securityContext.seccompProfile.type: RuntimeDefault (CKV_K8S_31).",
      ),
  },
  {
    name: "k8s-resource-requests-limits",
    ids: ["CKV_K8S_10", "CKV_K8S_11", "CKV_K8S_12", "CKV_K8S_13"],
    description: "Containers set CPU and memory requests and limits (CKV_K8S_10, CKV_K8S_11, CKV_K8S_12, CKV_K8S_13).",
    mandatory: true,
    check: (w) =>
      w.containers.flatMap((c) => {
        const resources = c.props.resources;
        if (isUnknown(resources)) {
          return [];
        }
        const wanted: [string, string, string][] = [
          ["requests", "cpu", "CKV_K8S_10"],
          ["limits", "cpu", "CKV_K8S_11"],
          ["requests", "memory", "CKV_K8S_12"],
          ["limits", "memory", "CKV_K8S_13"],
        ];
        const missing = wanted.filter(([kind, resource]) => {
          const group = objectAt(resources)?.[kind];
          return !isUnknown(group) && objectAt(group)?.[resource] === undefined;
        });
        return missing.length === 0
          ? []
          : [
              `container "${c.name}": missing ${missing.map(([k, r]) => `resources.${k}.${r}`).join(", ")} ` +
                `(${missing.map(([, , id]) => id).join(", ")}).`,
            ];
      }),
  },
  {
    name: "k8s-no-service-account-token",
    ids: ["CKV_K8S_38", "KSV036"],
    description:
      "Pods set automountServiceAccountToken: false and mount no projected serviceAccountToken volume (CKV_K8S_38, KSV036).",
    mandatory: true,
    check: (w) => {
      const value = w.podSpec.automountServiceAccountToken;
      const automount =
        isUnknown(value) || flagAt(value) === false || (w.form === "patch" && value === undefined)
          ? []
          : [
              "automountServiceAccountToken is not false: set it to false in the pod spec unless the app calls the Kubernetes API (CKV_K8S_38).",
            ];
      const projected = arrayAt(w.podSpec.volumes)
        .map(objectAt)
        .filter((v) =>
          arrayAt(objectAt(v?.projected)?.sources).some((s) => objectAt(s)?.serviceAccountToken !== undefined),
        )
        .map(
          (v) =>
            `volume "${stringAt(v?.name) ?? "?"}" projects a serviceAccountToken, which mounts a token despite automountServiceAccountToken: false: remove it (CKV_K8S_38).`,
        );
      return [...automount, ...projected];
    },
  },
  {
    name: "k8s-not-default-namespace",
    ids: ["CKV_K8S_21", "KSV110"],
    description:
      'Workloads are not deployed to the default namespace; an empty or missing namespace is the provider\'s, else "default" (CKV_K8S_21, KSV110).',
    mandatory: true,
    check: (w, config) => {
      const namespace = namespaceOf(w.metadata, config.providerNamespace);
      return namespace !== "default"
        ? []
        : [
            `metadata.namespace is ${stringAt(w.metadata.namespace) ? '"default"' : "not set (the provider puts it into default)"}: deploy into a dedicated namespace (CKV_K8S_21).`,
          ];
    },
  },
  {
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
  },
  {
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
  },
  {
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
  },
  {
    name: "k8s-no-unsafe-pod-options",
    ids: ["KSV002", "KSV025", "KSV026", "KSV027", "PSS baseline: /proc Mount Type, AppArmor, SELinux, Sysctls"],
    description:
      "Pods use no Unmasked /proc mount, no Unconfined AppArmor profile, no custom SELinux user, role or type, and only the Pod Security Standards' safe sysctls (PSS baseline, KSV002, KSV025, KSV026, KSV027).",
    mandatory: true,
    check: (w) => {
      const problems: string[] = [];
      for (const c of w.containers) {
        if (stringAt(sc(c).procMount)?.toLowerCase() === "unmasked") {
          problems.push(`container "${c.name}": securityContext.procMount is Unmasked: remove it (PSS baseline).`);
        }
      }
      const scopes: [string, Props][] = [
        ["pod", podSc(w)],
        ...w.containers.map((c) => [`container "${c.name}"`, sc(c)] as [string, Props]),
      ];
      for (const [scope, context] of scopes) {
        if (stringAt(objectAt(context.appArmorProfile)?.type)?.toLowerCase() === "unconfined") {
          problems.push(
            `${scope}: securityContext.appArmorProfile.type is Unconfined: use RuntimeDefault (PSS baseline).`,
          );
        }
        const selinux = objectAt(context.seLinuxOptions);
        const type = stringAt(selinux?.type);
        if (selinux && (!SAFE_SELINUX_TYPES.has(type ?? "") || stringAt(selinux.user) || stringAt(selinux.role))) {
          problems.push(
            `${scope}: securityContext.seLinuxOptions sets a custom user, role or type: remove it (PSS baseline).`,
          );
        }
      }
      for (const [key, value] of Object.entries(objectAt(w.podMetadata.annotations) ?? {})) {
        if (
          key.startsWith("container.apparmor.security.beta.kubernetes.io/") &&
          stringAt(value)?.toLowerCase() === "unconfined"
        ) {
          problems.push(`annotation ${key} is unconfined: use runtime/default (PSS baseline).`);
        }
      }
      for (const sysctl of arrayAt(podSc(w).sysctls).map(objectAt)) {
        const name = stringAt(sysctl?.name);
        if (name !== undefined && !SAFE_SYSCTLS.has(name)) {
          problems.push(`sysctl ${name} is not one of the safe sysctls: remove it (PSS baseline).`);
        }
      }
      return problems;
    },
  },
];

/** The message for a host path that is not allowed. */
export function hostPathMessage(what: string, hostPath: string, onlyReadOnly: boolean): string {
  return onlyReadOnly
    ? `${what} mounts host path ${hostPath} writable; it is allowed read only: set readOnly: true on every mount (CKV_K8S_27).`
    : `${what} mounts host path ${hostPath}, which is not in the policy's allowedHostPaths: remove it, or list that exact directory in the pack's configuration (CKV_K8S_27, KSV023).`;
}

/** Whether the configuration exempts this workload. */
export function isExempt(workload: Workload, config: WorkloadCheckConfig): boolean {
  const name = stringAt(workload.metadata.name);
  if (name === undefined) {
    return false;
  }
  const namespace = namespaceOf(workload.metadata, config.providerNamespace);
  return (config.exemptions ?? []).some(
    (e) =>
      e.name === name && (e.namespace ?? "default") === namespace && (e.kind === undefined || e.kind === workload.kind),
  );
}

/** Runs one check on a workload, unless the configuration exempts it; messages carry the List item label. */
export function runWorkloadCheck(check: WorkloadCheck, workload: Workload, config: WorkloadCheckConfig): string[] {
  if (isExempt(workload, config)) {
    return [];
  }
  return check.check(workload, config).map((message) => `${workload.label}${message}`);
}
