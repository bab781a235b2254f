/**
 * Which Pulumi Kubernetes resource types carry a pod spec, and where. Every pod-bearing kind of the core, apps,
 * batch and extensions groups, in every API version `@pulumi/kubernetes` types, and their `*Patch` (server-side
 * apply patches of an existing object) and `*List` (`items: [...]`) forms:
 * `kubernetes:apps/v1:Deployment`, `kubernetes:apps/v1:DeploymentPatch`, `kubernetes:core/v1:PodList`, ...
 */

/** Where the pod spec lives in an object of each pod-bearing kind. */
const POD_SPEC_PATHS: Record<string, string[]> = {
  Pod: ["spec"],
  PodTemplate: ["template", "spec"],
  ReplicationController: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** The API groups whose kinds above are the built-in workload kinds (a CRD elsewhere may reuse a kind name). */
const GROUPS = new Set(["core", "apps", "batch", "extensions"]);

/** The pod-bearing kinds. */
export const POD_BEARING_KINDS = Object.keys(POD_SPEC_PATHS);

/** How a type holds its object(s): one object, a server-side apply patch, or a list of objects. */
export type Form = "object" | "patch" | "list";

/** A Pulumi resource type split into group, version, kind and form. */
export interface KubernetesType {
  group: string;
  version: string;
  /** The kind without its `Patch`/`List` suffix. */
  kind: string;
  form: Form;
}

/** Parses `kubernetes:<group>/<version>:<Kind>[Patch|List]`; `undefined` for other types. */
export function parseKubernetesType(type: string): KubernetesType | undefined {
  const match = /^kubernetes:([a-z0-9.-]+)\/([a-z0-9]+):([A-Za-z0-9]+)$/.exec(type);
  if (!match) {
    return undefined;
  }
  const [, group, version, name] = match;
  for (const [suffix, form] of [
    ["Patch", "patch"],
    ["List", "list"],
  ] as const) {
    if (name.endsWith(suffix) && name.length > suffix.length) {
      return { group, version, kind: name.slice(0, -suffix.length), form };
    }
  }
  return { group, version, kind: name, form: "object" };
}

/** The pod-bearing kind behind a type, or `undefined` (`PodTemplate` itself is not a `PodTemplatePatch`...). */
export function podBearingType(type: string): KubernetesType | undefined {
  const parsed = parseKubernetesType(type);
  if (parsed && GROUPS.has(parsed.group) && POD_SPEC_PATHS[parsed.kind]) {
    return parsed;
  }
  // A kind that itself ends in "List"/"Patch" would be mis-split; none of the pod-bearing kinds does.
  return undefined;
}

/** The path of the pod spec in one object of `kind`. */
export function podSpecPath(kind: string): string[] {
  return POD_SPEC_PATHS[kind];
}

/** Whether a type is a `PersistentVolume` (any form), whose `hostPath`/`local` reach the node's file system too. */
export function persistentVolumeType(type: string): KubernetesType | undefined {
  const parsed = parseKubernetesType(type);
  return parsed && parsed.group === "core" && parsed.kind === "PersistentVolume" ? parsed : undefined;
}
