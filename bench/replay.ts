/**
 * Registers recorded resources again with the same SDK classes, without components: the baselines of the
 * component overhead ratios (plain; with the program's data flow; with that and the program's empty components,
 * the baseline of the target — see BENCHMARKS.md).
 *
 * - azure-native, Kubernetes and tls types: the class named by the type token, from the same per-module entry
 *   the components import (`azure-native:containerregistry:Registry` → `@pulumi/azure-native/containerregistry`
 *   `.Registry`, `kubernetes:apps/v1:Deployment` → `@pulumi/kubernetes/apps/v1` `.Deployment`, ...);
 * - the package's dynamic resources (`pulumi-nodejs:dynamic/edge-registry:<Kind>`): `pulumi.dynamic.Resource` with
 *   the same providers (the loader of each operation, `loaderFor` in components/operations/loader.ts, as the
 *   program registers them), one provider object per kind, so the replay pays the
 *   closure serialization once per kind — the least a program using these providers can pay. The recorded
 *   serialized provider (`__provider`) is dropped from the inputs.
 *
 * Secret-wrapped recorded values become `pulumi.secret(...)` again. By default only the values are replayed: no
 * parents, no components, no dependencies (see {@link ReplayOptions} for the variants that add them back); names
 * are unique per type, so URNs do not collide.
 */
import * as pulumi from "@pulumi/pulumi";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { operations } from "../components/operations/catalog";
import { hostLocator, loaderFor } from "../components/operations/loader";

/** One recorded registration: a custom resource or a component. */
export interface RecordedInput {
  type: string;
  name: string;
  /** The inputs the mocks received (resolved values; secrets in their wire form). */
  inputs: Record<string, unknown>;
  urn: string;
  /** The parent's URN ("" at the top). */
  parent: string;
  custom: boolean;
  /** Per top-level input property, the URNs of the resources its value came from. */
  propertyDependencies: Record<string, string[]>;
  /** Every URN the request listed as a dependency: `dependsOn` (expanded) and the property dependencies. */
  dependencies: string[];
  /** The id and top-level output values the mocks returned. */
  outputs: Record<string, unknown>;
}

/** What the replay reproduces beyond the inputs' values. */
export interface ReplayOptions {
  /**
   * Wire the resources as the program did: an input that came from other resources becomes an Output of the
   * replayed producer — the producer's own output property when one of its top-level outputs holds the same value
   * (a name, an id), else an Output of the recorded value that resolves with the producer — and `dependsOn` is
   * replayed. The engine then receives the same dependencies as from the program.
   */
  dependencies?: boolean;
  /** Register the program's components too (empty, no inputs), with every resource under its recorded parent. */
  components?: boolean;
}

type ResourceClass = new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

const dynamicPrefix = "pulumi-nodejs:dynamic/edge-registry:";
const providerFactories: Record<string, () => pulumi.dynamic.ResourceProvider> = Object.fromEntries(
  operations.map((operation) => [operation.name, () => loaderFor(operation.name, hostLocator())]),
);

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

/** A component with no inputs that records no outputs, like the package's components. */
class ReplayedComponent extends pulumi.ComponentResource {
  constructor(type: string, name: string, opts: pulumi.ComponentResourceOptions) {
    super(type, name, {}, opts);
    this.registerOutputs();
  }
}

type Create = (args: Record<string, unknown>, opts: pulumi.CustomResourceOptions) => pulumi.Resource;

/** The constructor call of a recorded custom resource. */
function creator(type: string, name: string, providers: Map<string, pulumi.dynamic.ResourceProvider>): Create {
  if (type.startsWith(dynamicPrefix)) {
    const kind = type.slice(dynamicPrefix.length);
    const factory = providerFactories[kind];
    if (factory === undefined) {
      throw new Error(`no provider factory for ${type}`);
    }
    return (args, opts) => {
      if (!providers.has(kind)) {
        providers.set(kind, factory());
      }
      return new DynamicResource(providers.get(kind)!, name, args, opts, "edge-registry", kind);
    };
  }
  const resourceClass = classOf(type);
  return (args, opts) => new resourceClass(name, args, opts);
}

/** The replayed resource registered as `urn`; the recording lists producers before their consumers. */
function replayed(byUrn: Map<string, pulumi.Resource>, urn: string, consumer: string): pulumi.Resource {
  const resource = byUrn.get(urn);
  if (resource === undefined) {
    throw new Error(`${consumer} depends on ${urn}, which was not replayed before it`);
  }
  return resource;
}

/** `value` as it reached the program's resource: from `producers` (see {@link ReplayOptions.dependencies}). */
function fromProducers(value: unknown, producers: pulumi.Resource[], recorded: RecordedInput[]): pulumi.Input<unknown> {
  if (producers.length === 1) {
    const producer = producers[0] as unknown as Record<string, unknown>;
    const outputs = recorded[0].outputs;
    const key = Object.keys(outputs).find((k) => outputs[k] === value && pulumi.Output.isInstance(producer[k]));
    if (key !== undefined) {
      return producer[key] as pulumi.Output<unknown>;
    }
    if (Array.isArray(value) && value.length === 1 && value[0] === outputs.id) {
      return [producer.id];
    }
    return producers[0].urn.apply(() => value);
  }
  return pulumi.all(producers.map((p) => p.urn)).apply(() => value);
}

/**
 * Resolves every class (loading the SDK modules) and revives every input now, and returns the function that
 * registers the resources, so that timing it measures registrations only.
 */
export function replay(recorded: readonly RecordedInput[], options: ReplayOptions = {}): () => void {
  const providers = new Map<string, pulumi.dynamic.ResourceProvider>();
  const recordedByUrn = new Map(recorded.map((r) => [r.urn, r]));
  const byUrn = new Map<string, pulumi.Resource>();
  const parentOf = (entry: RecordedInput) =>
    options.components && entry.parent !== "" ? replayed(byUrn, entry.parent, entry.urn) : undefined;
  const steps = recorded
    .filter((entry) => entry.custom || options.components)
    .map((entry) => {
      if (!entry.custom) {
        return () => byUrn.set(entry.urn, new ReplayedComponent(entry.type, entry.name, { parent: parentOf(entry) }));
      }
      const args = revive(entry.inputs) as Record<string, unknown>;
      delete args.__provider;
      const create = creator(entry.type, entry.name, providers);
      if (!options.dependencies) {
        return () => byUrn.set(entry.urn, create(args, { parent: parentOf(entry) }));
      }
      const fromProperties = new Set(Object.values(entry.propertyDependencies).flat());
      const explicit = entry.dependencies.filter((urn) => !fromProperties.has(urn));
      return () => {
        const wired: Record<string, unknown> = { ...args };
        for (const [property, urns] of Object.entries(entry.propertyDependencies)) {
          if (property in wired && urns.length > 0) {
            const producers = urns.map((urn) => replayed(byUrn, urn, entry.urn));
            wired[property] = fromProducers(
              wired[property],
              producers,
              urns.map((urn) => recordedByUrn.get(urn)!),
            );
          }
        }
        const dependsOn = explicit.map((urn) => replayed(byUrn, urn, entry.urn));
        byUrn.set(entry.urn, create(wired, { parent: parentOf(entry), dependsOn }));
      };
    });
  return () => steps.forEach((step) => step());
}
