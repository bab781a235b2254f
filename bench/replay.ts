/**
 * Registers recorded resources again with the same SDK classes, without components: the baseline of the
 * component overhead ratio.
 *
 * - azure-native, Kubernetes and tls types: the class named by the type token, from the same per-module entry
 *   the components import (`azure-native:containerregistry:Registry` → `@pulumi/azure-native/containerregistry`
 *   `.Registry`, `kubernetes:apps/v1:Deployment` → `@pulumi/kubernetes/apps/v1` `.Deployment`, ...);
 * - the package's dynamic resources (`pulumi-nodejs:dynamic/edge-registry:<Kind>`): `pulumi.dynamic.Resource` with
 *   the same provider factories (`components/providers`), one provider object per kind, so the replay pays the
 *   closure serialization once per kind — the least a program using these providers can pay. The recorded
 *   serialized provider (`__provider`) is dropped from the inputs.
 *
 * Secret-wrapped recorded values become `pulumi.secret(...)` again. Parents, dependsOn and other options are not
 * replayed (under mocks without latency they change no work); names are unique per type, so URNs do not collide.
 */
import * as pulumi from "@pulumi/pulumi";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { createRegistryClient } from "../components/azureClient";
import { makeDeactivationProvider } from "../components/providers/deactivationProvider";
import { makeImageImportProvider } from "../components/providers/imageImportProvider";
import { makeTokenPasswordProvider } from "../components/providers/tokenPasswordProvider";

/** One recorded custom resource registration. */
export interface RecordedInput {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

type ResourceClass = new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

const dynamicPrefix = "pulumi-nodejs:dynamic/edge-registry:";
const providerFactories: Record<string, () => pulumi.dynamic.ResourceProvider> = {
  TokenPassword: () => makeTokenPasswordProvider(createRegistryClient),
  ImageImport: () => makeImageImportProvider(createRegistryClient),
  ConnectedRegistryDeactivation: () => makeDeactivationProvider(createRegistryClient),
};

/** `pulumi.dynamic.Resource` is abstract; the package's own resource classes are equally thin subclasses. */
class DynamicResource extends pulumi.dynamic.Resource {}

/** The SDK module that defines a (non-dynamic) type token's class. */
function moduleOf(type: string): string {
  const [pkg, module] = type.split(":");
  switch (pkg) {
    case "azure-native":
      return `@pulumi/azure-native/${module}`;
    case "kubernetes":
      return `@pulumi/kubernetes/${module}`;
    case "tls":
      return "@pulumi/tls";
    default:
      throw new Error(`no replay class for ${type}`);
  }
}

/** The class of a type token, e.g. `kubernetes:core/v1:Secret` → `corev1.Secret`. */
function classOf(type: string): ResourceClass {
  const className = type.split(":")[2];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const resourceClass = (require(moduleOf(type)) as Record<string, ResourceClass | undefined>)[className];
  if (resourceClass === undefined) {
    throw new Error(`${moduleOf(type)} has no class ${className} (type ${type})`);
  }
  return resourceClass;
}

/** Recorded inputs as constructor inputs: secret wrappers become secret outputs again. */
function revive(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(revive);
  }
  if (value && typeof value === "object") {
    const object = value as Record<string, unknown>;
    if (object[specialSigKey] === specialSecretSig) {
      return pulumi.secret(revive(object.value));
    }
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, revive(v)]));
  }
  return value;
}

/**
 * Resolves every class (loading the SDK modules) and revives every input now, and returns the function that
 * registers the resources, so that timing it measures registrations only.
 */
export function replay(recorded: readonly RecordedInput[]): () => void {
  const providers = new Map<string, pulumi.dynamic.ResourceProvider>();
  const steps = recorded.map(({ type, name, inputs }) => {
    const args = revive(inputs) as Record<string, unknown>;
    if (type.startsWith(dynamicPrefix)) {
      const kind = type.slice(dynamicPrefix.length);
      const factory = providerFactories[kind];
      if (factory === undefined) {
        throw new Error(`no provider factory for ${type}`);
      }
      delete args.__provider;
      return () => {
        if (!providers.has(kind)) {
          providers.set(kind, factory());
        }
        new DynamicResource(providers.get(kind)!, name, args, {}, "edge-registry", kind);
      };
    }
    const resourceClass = classOf(type);
    return () => new resourceClass(name, args);
  });
  return () => steps.forEach((step) => step());
}
