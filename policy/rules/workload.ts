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
import { Form, parseKubernetesType, podBearingType, podSpecPath } from "./kinds";
import { HELM_RELEASE_TYPES, findPodSpecs, isGenericPodBearingType } from "./podTemplates";
import { Props, arrayAt, isUnknown, objectAt, stringAt } from "./values";
import { WorkloadPolicyConfig, isExempt } from "./workloadConfig";

export type { Exemption, WorkloadPolicyConfig } from "./workloadConfig";
export { isExempt, namespaceOf } from "./workloadConfig";

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
  return workloadOfPodSpec(kind, form, label, objectAt(object.metadata) ?? {}, podMetadata ?? {}, podSpec);
}

/** The workload of one pod spec. */
function workloadOfPodSpec(
  kind: string,
  form: Form,
  label: string,
  metadata: Props,
  podMetadata: Props,
  podSpec: Props,
): Workload {
  const containers = [
    ...arrayAt(podSpec.initContainers),
    ...arrayAt(podSpec.containers),
    ...arrayAt(podSpec.ephemeralContainers),
  ]
    .map(objectAt)
    .filter((c): c is Props => c !== undefined)
    .map((c) => ({ name: stringAt(c.name) ?? "?", image: stringAt(c.image), props: c }));
  return { kind, form, label, metadata, podMetadata, podSpec, containers };
}

/**
 * The pod specs of a custom resource (any place in the object) or of a Helm release's `values`, each judged as a
 * workload of that kind (`Rollout`, `Release`); the message names where the pod spec sits.
 */
function genericWorkloads(type: string, props: Props): Workload[] {
  if (HELM_RELEASE_TYPES.includes(type)) {
    const metadata = { name: props.name, namespace: props.namespace };
    return findPodSpecs(props.values, "values").map((found) =>
      workloadOfPodSpec("Release", "object", `${found.path}: `, metadata, found.podMetadata, found.podSpec),
    );
  }
  const parsed = parseKubernetesType(type)!;
  const objects = parsed.form === "list" ? arrayAt(props.items).map(objectAt) : [props];
  return objects.flatMap((object, index) => {
    const prefix = parsed.form === "list" ? `items[${index}].` : "";
    const metadata = objectAt(object?.metadata) ?? {};
    return findPodSpecs(object?.spec, "spec").map((found) =>
      workloadOfPodSpec(
        parsed.kind,
        parsed.form,
        `${prefix}${found.path}: `,
        metadata,
        found.podMetadata,
        found.podSpec,
      ),
    );
  });
}

/**
 * The workloads behind a resource: one for an object or a patch, one per item for a List; one per pod spec found
 * in a custom resource or a Helm release's values (`podTemplates.ts`); none for other types or when the pod
 * spec is not known.
 */
export function workloadsOf(type: string, props: Props): Workload[] {
  const parsed = podBearingType(type);
  if (!parsed) {
    return isGenericPodBearingType(type) ? genericWorkloads(type, props) : [];
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

/**
 * A field of `windowsOptions` as the kubelet merges it: field by field, the container's field over the pod's
 * (kubernetes `pkg/securitycontext/util.go` `DetermineEffectiveSecurityContext`), not the whole object.
 */
export function effectiveWindowsOption(workload: Workload, c: Container, field: string): unknown {
  return objectAt(sc(c).windowsOptions)?.[field] ?? objectAt(podSc(workload).windowsOptions)?.[field];
}

/** One image a workload pulls: a container's, or an image volume's `image.reference`. */
export interface WorkloadImage {
  /** `container "app"` or `volume "data"`, for messages. */
  owner: string;
  image: string;
}

/** Every known image the pod pulls: its containers' and its image volumes' (`volumes[].image.reference`). */
export function imagesOf(w: Workload): WorkloadImage[] {
  const containers = w.containers
    .filter((c) => c.image !== undefined)
    .map((c) => ({ owner: `container "${c.name}"`, image: c.image! }));
  const volumes = arrayAt(w.podSpec.volumes)
    .map(objectAt)
    .flatMap((v) => {
      const reference = stringAt(objectAt(v?.image)?.reference);
      return reference === undefined ? [] : [{ owner: `volume "${stringAt(v?.name) ?? "?"}"`, image: reference }];
    });
  return [...containers, ...volumes];
}

/** Runs one check on a workload, unless the configuration exempts it; messages carry the List item label. */
export function runWorkloadCheck(check: WorkloadCheck, workload: Workload, config: WorkloadPolicyConfig): string[] {
  if (isExempt(workload, config)) {
    return [];
  }
  return check.check(workload, config).map((message) => `${workload.label}${message}`);
}
