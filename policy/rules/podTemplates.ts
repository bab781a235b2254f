/**
 * Pod specs outside the built-in workload kinds: custom resources that carry a pod template (Argo Rollouts
 * `spec.template`, Knative Services `spec.template`, OpenKruise CloneSets and Advanced StatefulSets/DaemonSets, KubeVirt,
 * ...) and the `values` of a `helm.sh/v3:Release`. Judged generically: any object with a `containers` list of
 * objects is a pod spec, wherever it sits (its parent's `metadata` is the pod's). Built-in kinds keep their exact
 * paths (`kinds.ts`).
 */
import { parseKubernetesType } from "./kinds";
import { Props, arrayAt, objectAt } from "./values";

/** Pulumi's Helm release resource; its chart is rendered by the provider, so the pack sees its values only. */
export const HELM_RELEASE_TYPES = ["kubernetes:helm.sh/v3:Release"];

/** A pod spec found in a resource: where it is (for messages), the spec and the pod's metadata. */
export interface FoundPodSpec {
  path: string;
  podSpec: Props;
  podMetadata: Props;
}

/** How deep the search goes (Helm values of umbrella charts nest a few levels; this bounds a hostile input). */
const MAX_DEPTH = 16;

/** Whether an object has the shape of a pod spec: a `containers` list whose entries are objects. */
function isPodSpec(value: Props): boolean {
  const containers = arrayAt(value.containers);
  return containers.length > 0 && containers.every((c) => objectAt(c) !== undefined);
}

/** Every pod spec in `value` (not descending into one that was found), with its JSON path. */
export function findPodSpecs(value: unknown, path = "", parent?: Props, depth = 0): FoundPodSpec[] {
  if (depth > MAX_DEPTH) {
    return [];
  }
  if (Array.isArray(value)) {
    return value.flatMap((item, index) => findPodSpecs(item, `${path}[${index}]`, undefined, depth + 1));
  }
  const object = objectAt(value);
  if (!object) {
    return [];
  }
  if (isPodSpec(object)) {
    return [{ path, podSpec: object, podMetadata: objectAt(parent?.metadata) ?? {} }];
  }
  return Object.entries(object).flatMap(([key, child]) =>
    findPodSpecs(child, path ? `${path}.${key}` : key, object, depth + 1),
  );
}

/**
 * Whether a type is judged generically (called for types outside the built-in workload kinds): a Kubernetes type
 * (a custom resource or its Patch/List form), or a Helm release.
 */
export function isGenericPodBearingType(type: string): boolean {
  return HELM_RELEASE_TYPES.includes(type) || parseKubernetesType(type) !== undefined;
}
