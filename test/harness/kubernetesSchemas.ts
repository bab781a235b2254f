/**
 * Validates rendered Kubernetes objects against the upstream OpenAPI schemas (kubernetes-models 4.5,
 * CommonJS). Patches are validated as the object they patch.
 */
import type { RecordedResource } from "./mocks";
import { revealSecrets } from "./plainState";

const modelModules: Record<string, [string, string]> = {
  "kubernetes:core/v1:Secret": ["kubernetes-models/v1/Secret", "Secret"],
  "kubernetes:core/v1:Service": ["kubernetes-models/v1/Service", "Service"],
  "kubernetes:core/v1:ServiceAccountPatch": ["kubernetes-models/v1/ServiceAccount", "ServiceAccount"],
  "kubernetes:core/v1:ConfigMap": ["kubernetes-models/v1/ConfigMap", "ConfigMap"],
  "kubernetes:core/v1:Namespace": ["kubernetes-models/v1/Namespace", "Namespace"],
  "kubernetes:apps/v1:Deployment": ["kubernetes-models/apps/v1/Deployment", "Deployment"],
  "kubernetes:apps/v1:DaemonSet": ["kubernetes-models/apps/v1/DaemonSet", "DaemonSet"],
};

/** Throws (with the JSON path) when the object the mocks recorded does not match its upstream schema. */
export function validateKubernetesObject(record: RecordedResource): void {
  const model = modelModules[record.type];
  if (!model) {
    throw new Error(`no upstream schema known for ${record.type}`);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Model = require(model[0])[model[1]] as new (data: unknown) => { validate(): void };
  new Model(revealSecrets(record.state)).validate();
}

/** Every recorded Kubernetes object. */
export function kubernetesObjects(resources: readonly RecordedResource[]): RecordedResource[] {
  return resources.filter((r) => r.type.startsWith("kubernetes:"));
}
