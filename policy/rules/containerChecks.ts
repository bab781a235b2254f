/** Workload checks of containers' security context: privileged, escalation, read-only root, non-root, seccomp, resources (CKV_K8S_10-13/16/20/22/23/31, KSV001/012/014/017/030, PSS). */
import { hostPathGrant, lockedDownHostPathWriter } from "./hostChecks";
import { flagAt, isUnknown, objectAt } from "./values";
import { Workload, WorkloadCheck, effective, effectiveWindowsOption, perContainer, podSc, sc } from "./workload";

/**
 * A pod-level setting of a server-side apply patch, judged on its own: the patch names none (or only some) of the
 * object's containers, and every container that does not override the setting inherits it. Objects are judged
 * per container with the effective value instead (which is exact there).
 */
function patchPodLevel(w: Workload, value: unknown, bad: (v: unknown) => boolean, problem: string): string[] {
  return w.form === "patch" && value !== undefined && !isUnknown(value) && bad(value)
    ? [
        `pod securityContext: ${problem} (the patch applies it to every container of the object that does not override it)`,
      ]
    : [];
}

/** A user id written as a number or a numeric string. */
const uidOf = (user: unknown) => (typeof user === "string" && /^\d+$/.test(user) ? Number(user) : user);

/** Whether a seccomp profile (object or type string) is RuntimeDefault or Localhost. */
const confinedSeccomp = (v: unknown) =>
  typeof v === "string" && ["runtimedefault", "localhost"].includes(v.toLowerCase());

export const noPrivileged: WorkloadCheck = {
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
      (c) => effectiveWindowsOption(w, c, "hostProcess"),
      (v) => flagAt(v) !== true,
      "securityContext.windowsOptions.hostProcess is true: a HostProcess container has full access to the node; remove it (PSS baseline).",
    ),
    ...patchPodLevel(
      w,
      objectAt(podSc(w).windowsOptions)?.hostProcess,
      (v) => flagAt(v) === true,
      "windowsOptions.hostProcess is true: a HostProcess container has full access to the node; remove it (PSS baseline).",
    ),
  ],
};

export const noPrivilegeEscalation: WorkloadCheck = {
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
};

export const readOnlyRootFilesystem: WorkloadCheck = {
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
};

export const runAsNonRoot: WorkloadCheck = {
  name: "k8s-run-as-non-root",
  ids: ["CKV_K8S_23", "KSV012", "PSS restricted: Running as Non-root, Running as Non-root user"],
  description:
    "Containers run as non-root: runAsNonRoot: true or a runAsUser other than 0, and never runAsUser 0, in the container or pod security context (CKV_K8S_23, KSV012, PSS restricted). Pod-level runAsUser 0 or runAsNonRoot false set by a patch is refused on its own. uid 0 is accepted only for a container that is otherwise locked down (not privileged, no escalation, read-only root, drops ALL and adds no capability) and writes nothing on the node but granted host paths, and only in NodeRegistryTrust's installer (nodeTrustInstaller, default true) or, with allowRootHostPathWriters (default false), in a writer of allowedHostPaths.",
  mandatory: true,
  configKeys: [
    "allowRootHostPathWriters",
    "allowedHostPaths",
    "nodeTrustInstaller",
    "nodeTrustHostPaths",
    "nodeTrustReadOnlyHostPaths",
  ],
  check: (w, config) => {
    const grant = hostPathGrant(w, config);
    const rootAllowed = (c: Parameters<typeof lockedDownHostPathWriter>[1]) =>
      grant.installer
        ? lockedDownHostPathWriter(w, c, grant.writable)
        : config.allowRootHostPathWriters === true && lockedDownHostPathWriter(w, c, grant.writable);
    const containers = w.containers
      .filter((c) => {
        const nonRoot = effective(w, c, "runAsNonRoot");
        const user = effective(w, c, "runAsUser");
        if (isUnknown(nonRoot) || isUnknown(user)) {
          return false;
        }
        const uid = uidOf(user);
        const rootUser = uid === 0;
        const nonRootUser = typeof uid === "number" && uid > 0;
        const mayBeRoot = rootUser || !(flagAt(nonRoot) === true || nonRootUser);
        return mayBeRoot && !rootAllowed(c);
      })
      .map(
        (c) =>
          `container "${c.name}": may run as root: set securityContext.runAsNonRoot: true and a non-zero runAsUser, in the container and the pod (CKV_K8S_23, KSV012).`,
      );
    return [
      ...containers,
      ...patchPodLevel(
        w,
        podSc(w).runAsUser,
        (v) => uidOf(v) === 0,
        "runAsUser is 0: set a non-zero runAsUser (CKV_K8S_23, KSV012).",
      ),
      ...patchPodLevel(
        w,
        podSc(w).runAsNonRoot,
        (v) => flagAt(v) === false,
        "runAsNonRoot is false: set it to true (CKV_K8S_23, KSV012).",
      ),
    ];
  },
};

export const seccompRuntimeDefault: WorkloadCheck = {
  name: "k8s-seccomp-runtime-default",
  ids: ["CKV_K8S_31", "KSV030", "PSS restricted: Seccomp"],
  description:
    "Containers use the RuntimeDefault (or a Localhost) seccomp profile, set on the container or the pod; never Unconfined (CKV_K8S_31, KSV030, PSS restricted).",
  mandatory: true,
  check: (w) => [
    ...perContainer(
      w,
      (c) => objectAt(effective(w, c, "seccompProfile"))?.type ?? effective(w, c, "seccompProfile"),
      confinedSeccomp,
      "no RuntimeDefault seccomp profile: set securityContext.seccompProfile.type: RuntimeDefault (CKV_K8S_31).",
    ),
    ...patchPodLevel(
      w,
      objectAt(podSc(w).seccompProfile)?.type ?? podSc(w).seccompProfile,
      (v) => !confinedSeccomp(v),
      "seccompProfile is not RuntimeDefault or Localhost: set seccompProfile.type: RuntimeDefault (CKV_K8S_31).",
    ),
  ],
};

export const resourceRequestsLimits: WorkloadCheck = {
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
};
