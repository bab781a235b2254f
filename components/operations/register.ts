/**
 * How a component creates the resource of a deploy-time operation: {@link operationResource}.
 *
 * One implementation of each operation (`Operation`, listed in catalog.ts), registered the way the package runs:
 * - imported by a TypeScript program: a Node dynamic resource, `pulumi-nodejs:dynamic/edge-registry:<name>`,
 *   whose provider is the small loader of loader.ts (the state holds its few hundred bytes, never the code);
 * - run as the package's provider plugin: a custom resource `edge-registry:index:<name>` of that plugin,
 *   registered with no `version` and no `pluginDownloadURL`, so the engine resolves it to the plugin already
 *   running the component (see {@link registerOperationsAsPluginResources}).
 */
import * as pulumi from "@pulumi/pulumi";
import { hostLocator, loaderFor, type HostLocator } from "./loader";
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

/** One loader per operation: the SDK serializes (and caches) the closure per provider object. */
const loaders = new Map<string, pulumi.dynamic.ResourceProvider>();

/** Where the dynamic-provider process finds the installed catalog (computed once per program). */
let locator: HostLocator | undefined;

/** Set when the package runs as its own provider plugin. */
let insidePlugin = false;

/**
 * Called by the plugin entry (provider/index.ts) before it serves: from then on, operations register as
 * custom resources `operation.type` of the `edge-registry` package, not as dynamic resources (whose provider
 * the engine cannot load outside a TypeScript program, platform-facts §11).
 *
 * They carry no `version` and no `pluginDownloadURL`. Read in pulumi/pulumi (1b59498): a registration's
 * explicit version is used verbatim, and only a missing one takes the version the engine recorded for the
 * package (`defaultProviders.normalizeProviderRequest`, pkg/resource/deploy/default_providers.go), which for a
 * program's packages is the descriptor the engine started this very plugin from
 * (`computeDefaultProviderPackages`, pkg/engine/plugins.go). That descriptor is a local path (no version), a
 * tag, or for a git commit `0.0.0-x<hash>` (`parsePluginSpecFromURL`, sdk/go/common/workspace/plugins.go);
 * for git sources the engine also overrides the version the plugin reports (`provider.GetPluginInfo` and
 * `GetSchema` with `overrideVersion`, pkg/resource/plugin/provider_plugin.go), and the language host passes
 * the plugin no version either (`RunPlugin`, sdk/nodejs/cmd/pulumi-language-nodejs/main.go: the engine's env
 * and address only). So the plugin cannot know its own engine-side version, and package.json's would make
 * the engine look for a second plugin; leaving it out resolves to the running one.
 */
export function registerOperationsAsPluginResources(): void {
  insidePlugin = true;
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

  if (insidePlugin) {
    // Inside the plugin: a custom resource of this very provider. The alias keeps a state that holds the
    // operation as a dynamic resource from replacing it.
    return new OperationPluginResource(operation.type, name, inputs, {
      ...options,
      aliases: [...(options.aliases ?? []), { type: dynamicType(operation) }],
    }) as OperationResource<O, K>;
  }

  let loader = loaders.get(operation.name);
  if (loader === undefined) {
    locator ??= hostLocator();
    loader = loaderFor(operation.name, locator);
    loaders.set(operation.name, loader);
  }
  return new OperationDynamicResource(
    loader,
    name,
    inputs,
    options,
    "edge-registry",
    operation.name,
  ) as OperationResource<O, K>;
}
