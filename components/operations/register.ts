/**
 * How a component creates the resource of a deploy-time operation: {@link operationResource}.
 *
 * One implementation of each operation (`Operation`), registered the way the package runs:
 * - imported by a TypeScript program (the only way today): a Node dynamic resource,
 *   `pulumi-nodejs:dynamic/edge-registry:<name>`, whose provider is {@link dynamicProviderFor};
 * - run as the package's provider plugin (issue #13): a custom resource `edge-registry:index:<name>`
 *   of that plugin. That branch goes in {@link operationResource}, where marked.
 */
import * as pulumi from "@pulumi/pulumi";
import { dynamicProviderFor } from "./dynamic";
import type { Operation } from "./operation";

/** The resource of an operation: a custom resource with an Output per requested output property. */
export type OperationResource<O, K extends keyof O> = pulumi.CustomResource & {
  readonly [P in K]-?: pulumi.Output<NonNullable<O[P]>>;
};

/** Inputs of an operation's resource: each may be an Output; unset ones are left out. */
export type OperationInputs<I> = { [K in keyof I]?: pulumi.Input<I[K]> };

/** The dynamic resource of an operation (`pulumi.dynamic.Resource` is abstract). */
class OperationDynamicResource extends pulumi.dynamic.Resource {}

/** The custom resource of an operation in the plugin (`pulumi.CustomResource` is abstract). */
class OperationPluginResource extends pulumi.CustomResource {}

/** One provider object per operation: the SDK serializes (and caches) the closure per object. */
const providers = new Map<string, pulumi.dynamic.ResourceProvider>();

/** Set when the package runs as its own provider plugin: the version its custom resources ask for. */
let pluginVersion: string | undefined;

/**
 * Called by the plugin entry (provider/index.ts) before it serves: from then on, operations register as
 * custom resources `operation.type` of the `edge-registry` provider at `version` (the plugin itself), not
 * as dynamic resources (whose provider the engine cannot load outside a TypeScript program).
 */
export function registerOperationsAsPluginResources(version: string): void {
  pluginVersion = version;
}

/** The dynamic resource type of an operation, as TypeScript programs' states hold it. */
export function dynamicType(operation: { readonly name: string }): string {
  return `pulumi-nodejs:dynamic/edge-registry:${operation.name}`;
}

/**
 * Registers the resource of `operation` named `name`, with `props` as inputs and an Output for each
 * property in `outputs` (only those: the SDK tracks four promises per property). The operation's
 * secret outputs are registered as `additionalSecretOutputs`.
 */
export function operationResource<I extends object, O extends I, K extends keyof O & string>(
  operation: Operation<I, O>,
  name: string,
  props: OperationInputs<I>,
  outputs: readonly K[],
  opts: pulumi.CustomResourceOptions,
): OperationResource<O, K> {
  const inputs: pulumi.Inputs = Object.fromEntries(
    Object.entries(props as Record<string, unknown>).filter(([, value]) => value !== undefined),
  );
  for (const key of outputs) {
    inputs[key] ??= undefined;
  }
  const secrets = Object.keys(operation.outputs).filter((key) => operation.outputs[key].secret);
  const options: pulumi.CustomResourceOptions = {
    ...opts,
    additionalSecretOutputs: [...(opts.additionalSecretOutputs ?? []), ...secrets],
  };

  if (pluginVersion !== undefined) {
    // Inside the plugin: a custom resource of this very provider. The alias keeps a state that holds the
    // operation as a dynamic resource from replacing it.
    return new OperationPluginResource(operation.type, name, inputs, {
      ...options,
      version: pluginVersion,
      aliases: [...(options.aliases ?? []), { type: dynamicType(operation) }],
    }) as OperationResource<O, K>;
  }

  let provider = providers.get(operation.name);
  if (provider === undefined) {
    provider = dynamicProviderFor(operation);
    providers.set(operation.name, provider);
  }
  return new OperationDynamicResource(
    provider,
    name,
    inputs,
    options,
    "edge-registry",
    operation.name,
  ) as OperationResource<O, K>;
}
