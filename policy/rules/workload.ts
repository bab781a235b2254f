/**
 * Kubernetes workload rules (Checkov CKV_K8S_* / Trivy KSV*, platform-facts §5) for Pods and the controllers
 * that template them. Each check looks at one workload and returns its violation messages (empty: compliant).
 *
 * Skips: a workload may carry Checkov's own skip annotations, `checkov.io/skip<N>: <CHECK_ID>[=<reason>]` in
 * `metadata.annotations` (e.g. a node-trust DaemonSet that must write to the host as root). The checks with
 * that id are then not applied to it, unless the policy's config sets `allowCheckovSkips: false`.
 */
import { ImageRef, imageMatches, parseImage } from "./images";
import { Props, arrayAt, flagAt, isUnknown, objectAt, stringAt } from "./values";

/** Where the pod spec lives, per workload type. */
const POD_SPEC_PATHS: Record<string, string[]> = {
  "kubernetes:core/v1:Pod": ["spec"],
  "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
  "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:DaemonSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
  "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
  "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** The workload types the rules apply to. */
export const WORKLOAD_TYPES = Object.keys(POD_SPEC_PATHS);

/** One container of a workload. */
export interface Container {
  name: string;
  /** The image reference, `undefined` when unknown during preview. */
  image?: string;
  props: Props;
}

/** A workload as the checks see it. */
export interface Workload {
  metadata: Props;
  podSpec: Props;
  /** Containers and init containers. */
  containers: Container[];
}

/** The workload behind a resource, or `undefined` for other types or when its pod spec is not known. */
export function workloadOf(type: string, props: Props): Workload | undefined {
  const path = POD_SPEC_PATHS[type];
  if (!path) {
    return undefined;
  }
  let podSpec: Props | undefined = props;
  for (const key of path) {
    podSpec = objectAt(podSpec?.[key]);
  }
  if (!podSpec) {
    return undefined;
  }
  const containers = [...arrayAt(podSpec.initContainers), ...arrayAt(podSpec.containers)]
    .map(objectAt)
    .filter((c): c is Props => c !== undefined)
    .map((c) => ({ name: stringAt(c.name) ?? "?", image: stringAt(c.image), props: c }));
  return { metadata: objectAt(props.metadata) ?? {}, podSpec, containers };
}

/** The check ids a workload skips with `checkov.io/skip<N>` annotations. */
export function skippedChecks(workload: Workload): Set<string> {
  const annotations = objectAt(workload.metadata.annotations) ?? {};
  return new Set(
    Object.entries(annotations)
      .filter(([key, value]) => /^checkov\.io\/skip\d+$/.test(key) && typeof value === "string")
      .map(([, value]) => (value as string).split("=")[0].trim().toUpperCase()),
  );
}

/** Settings some checks take from the policy config. */
export interface WorkloadCheckConfig {
  /** Images that may run without a pinned tag (entries as for `imageMatches`). */
  allowUnpinnedImages?: string[];
  /** The provider's default namespace, used when the object names none. */
  providerNamespace?: string;
}

/** One workload check: a policy of its own. */
export interface WorkloadCheck {
  /** Policy name. */
  name: string;
  /** Baseline ids (also the ids a `checkov.io/skip<N>` annotation names). */
  ids: string[];
  /** What the policy requires. */
  description: string;
  /** Whether violations block the deployment. */
  mandatory: boolean;
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

/** The workload checks, in the order they are reported. */
export const WORKLOAD_CHECKS: WorkloadCheck[] = [
  {
    name: "k8s-image-pinned",
    ids: ["CKV_K8S_14"],
    description: "Images are pinned: a digest, or a tag other than latest (CKV_K8S_14).",
    mandatory: true,
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
    name: "k8s-no-privileged",
    ids: ["CKV_K8S_16"],
    description: "Containers are not privileged (CKV_K8S_16).",
    mandatory: true,
    check: (w) =>
      perContainer(
        w,
        (c) => sc(c).privileged,
        (v) => flagAt(v) !== true,
        "securityContext.privileged is true: remove it (CKV_K8S_16).",
      ),
  },
  {
    name: "k8s-no-privilege-escalation",
    ids: ["CKV_K8S_20"],
    description: "Containers set allowPrivilegeEscalation: false (CKV_K8S_20).",
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
    ids: ["CKV_K8S_22"],
    description: "Containers run with readOnlyRootFilesystem: true (CKV_K8S_22).",
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
    ids: ["CKV_K8S_23", "KSV012"],
    description:
      "Containers run as non-root: runAsNonRoot: true or a runAsUser other than 0, in the container or pod security context (CKV_K8S_23, KSV012).",
    mandatory: true,
    check: (w) =>
      w.containers
        .filter((c) => {
          const nonRoot = effective(w, c, "runAsNonRoot");
          const user = effective(w, c, "runAsUser");
          if (isUnknown(nonRoot) || isUnknown(user)) {
            return false;
          }
          const rootUser = typeof user === "number" && user === 0;
          const nonRootUser = typeof user === "number" && user > 0;
          return rootUser || !(flagAt(nonRoot) === true || nonRootUser);
        })
        .map(
          (c) =>
            `container "${c.name}": may run as root: set securityContext.runAsNonRoot: true and a non-zero runAsUser (CKV_K8S_23, KSV012).`,
        ),
  },
  {
    name: "k8s-drop-all-capabilities",
    ids: ["CKV_K8S_37", "KSV003"],
    description: "Containers drop all capabilities (CKV_K8S_37, KSV003).",
    mandatory: true,
    check: (w) =>
      perContainer(
        w,
        (c) => objectAt(sc(c).capabilities)?.drop,
        (v) => arrayAt(v).some((cap) => typeof cap === "string" && cap.toUpperCase() === "ALL"),
        'securityContext.capabilities.drop does not contain "ALL": drop ALL and add back only what is needed (CKV_K8S_37, KSV003).',
      ),
  },
  {
    name: "k8s-seccomp-runtime-default",
    ids: ["CKV_K8S_31"],
    description:
      "Containers use the RuntimeDefault (or a Localhost) seccomp profile, set on the container or the pod (CKV_K8S_31).",
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
    ids: ["CKV_K8S_38"],
    description: "Pods set automountServiceAccountToken: false (CKV_K8S_38).",
    mandatory: true,
    check: (w) => {
      const value = w.podSpec.automountServiceAccountToken;
      return isUnknown(value) || flagAt(value) === false
        ? []
        : [
            "automountServiceAccountToken is not false: set it to false in the pod spec unless the app calls the Kubernetes API (CKV_K8S_38).",
          ];
    },
  },
  {
    name: "k8s-not-default-namespace",
    ids: ["CKV_K8S_21"],
    description: "Workloads are not deployed to the default namespace (CKV_K8S_21).",
    mandatory: true,
    check: (w, config) => {
      const namespace = w.metadata.namespace ?? config.providerNamespace;
      return isUnknown(namespace) || (namespace !== undefined && namespace !== "default")
        ? []
        : [
            `metadata.namespace is ${namespace === undefined ? "not set" : '"default"'}: deploy into a dedicated namespace (CKV_K8S_21).`,
          ];
    },
  },
];

/** Runs one check on a workload, honouring skip annotations unless `allowSkips` is false. */
export function runWorkloadCheck(
  check: WorkloadCheck,
  workload: Workload,
  config: WorkloadCheckConfig & { allowCheckovSkips?: boolean },
): string[] {
  if (config.allowCheckovSkips !== false) {
    const skipped = skippedChecks(workload);
    if (check.ids.some((id) => skipped.has(id))) {
      return [];
    }
  }
  return check.check(workload, config);
}
