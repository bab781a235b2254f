/**
 * Kubernetes workload rules: the model every check family shares (`imageChecks`, `containerChecks`,
 * `capabilityChecks`, `hostChecks`, `podChecks`; assembled in `workloadChecks.ts`). Rules (Pod Security Standards baseline and restricted, Checkov CKV_K8S_*, Trivy KSV*,
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
import { Form, podBearingType, podSpecPath } from "./kinds";
import { Props, arrayAt, isUnknown, objectAt, stringAt } from "./values";

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

/**
 * The configuration of the workload policies, one definition for the pack (each policy reads `exemptions` and
 * its own keys; the schema and defaults are in `policies.ts`). Set with `pulumi policy enable --config`.
 */
export interface WorkloadPolicyConfig {
  /**
   * Workloads the policy does not check, by `metadata.name`, `namespace` (default `default`) and `kind` (any when
   * omitted), e.g. `{name: "node-trust", namespace: "kube-system", kind: "DaemonSet", reason: "..."}`. Default
   * none. The checked resource itself can never exempt itself (no annotation or label is read).
   */
  exemptions?: Exemption[];
  /** `k8s-image-pinned`: images allowed without a pinned tag (`nginx`, `10.0.0.5/dev/*`, see `imageMatches`). Default none. */
  allowUnpinnedImages?: string[];
  /** `k8s-image-registry-allowed`: the only registry hosts images may come from. Default none = any registry. */
  allowedRegistries?: string[];
  /** `k8s-host-path-allow-list`: host paths pods may mount (`/dir` exactly, `/dir/*` one level below; see `hostPaths.ts`). */
  allowedHostPaths?: string[];
  /** `k8s-host-path-allow-list`: host paths pods may mount when every mount of the volume is read only. */
  allowedReadOnlyHostPaths?: string[];
  /** `k8s-no-added-capabilities`: capabilities containers may add (`NET_BIND_SERVICE`; `CAP_` prefix and case ignored). Default none. */
  allowedCapabilities?: string[];
  /** `k8s-run-as-non-root`: accept uid 0 for a locked-down container whose only host access is an allowed host path it writes. Default true. */
  allowRootHostPathWriters?: boolean;
  /** Not a config key: the provider's default namespace, set by the pack, used when the object names none. */
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
  configKeys?: (keyof WorkloadPolicyConfig)[];
  check(workload: Workload, config: WorkloadPolicyConfig): string[];
}

/** A container's security context (empty when absent or unknown). */
export function sc(container: Container): Props {
  return objectAt(container.props.securityContext) ?? {};
}

/** The pod's security context. */
export function podSc(workload: Workload): Props {
  return objectAt(workload.podSpec.securityContext) ?? {};
}

/** Messages for each container whose value is known and fails `ok` (unknown values are never reported). */
export function perContainer(
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
export function effective(workload: Workload, c: Container, key: string): unknown {
  return sc(c)[key] ?? podSc(workload)[key];
}

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

/** Whether the configuration exempts this workload. */
export function isExempt(workload: Workload, config: WorkloadPolicyConfig): boolean {
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
export function runWorkloadCheck(check: WorkloadCheck, workload: Workload, config: WorkloadPolicyConfig): string[] {
  if (isExempt(workload, config)) {
    return [];
  }
  return check.check(workload, config).map((message) => `${workload.label}${message}`);
}
