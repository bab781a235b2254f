/**
 * Fixtures of the policy violation corpus (test/policyCorpus*.test.ts): a hardened Deployment that passes every
 * policy, changed by each test into one bypass, and the pod-bearing types of `@pulumi/kubernetes` with an object of
 * each kind.
 */
import { RawResource, Violation, mandatory } from "./policyHarness";

export const DIGEST = "sha256:" + "b".repeat(64);
export const IMAGE = `10.0.0.100/app@${DIGEST}`;

/** A container that passes every workload policy (the pack's hardened defaults), named `name`, running `image`. */
export const hardenedContainer = (name = "app", image = IMAGE): any => ({
  name,
  image,
  resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
  securityContext: {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: 10001,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  },
});

export const hardenedPodSpec = (): any => ({
  automountServiceAccountToken: false,
  imagePullSecrets: [{ name: "pull" }],
  containers: [hardenedContainer()],
});

/** A Deployment with the hardened pod spec, changed by `change`. */
export function deployment(change: (spec: any, props: any) => void = () => undefined, name = "web"): RawResource {
  const props: any = {
    metadata: { name, namespace: "apps" },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: hardenedPodSpec() },
    },
  };
  change(props.spec.template.spec, props);
  return { type: "kubernetes:apps/v1:Deployment", name, props };
}

export const policyNames = (violations: Violation[]) => [...new Set(mandatory(violations).map((v) => v.policy))].sort();
export const c0 = (spec: any) => spec.containers[0];

/** Every pod-bearing resource type of @pulumi/kubernetes, read from its own modules. */
export function podBearingTypes(): string[] {
  const modules = [
    "core/v1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "batch/v1",
    "batch/v1beta1",
    "batch/v2alpha1",
    "extensions/v1beta1",
  ];
  const kinds =
    /:(Pod|PodTemplate|ReplicationController|ReplicaSet|Deployment|StatefulSet|DaemonSet|Job|CronJob)(Patch|List)?$/;
  return modules.flatMap((module) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exports = require(`@pulumi/kubernetes/${module}`) as Record<string, { __pulumiType?: string }>;
    return Object.keys(exports)
      .map((key) => exports[key]?.__pulumiType)
      .filter((type): type is string => typeof type === "string" && kinds.test(type));
  });
}

/** An object of the type's kind whose pod spec is `spec`. */
export function objectOf(kind: string, spec: any, namespace = "apps"): any {
  const metadata = { name: "x", namespace };
  const template = { metadata: { labels: { app: "x" } }, spec };
  switch (kind) {
    case "Pod":
      return { metadata, spec };
    case "PodTemplate":
      return { metadata, template };
    case "CronJob":
      return { metadata, spec: { jobTemplate: { spec: { template } } } };
    default:
      return { metadata, spec: { template } };
  }
}
