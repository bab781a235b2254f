/**
 * The `edge-registry` provider: one plugin serving both halves of the package.
 * - Components (`construct`, `getSchema`), like `componentProviderHost` would, but from the built
 *   JavaScript and the committed schema (no TypeScript compiled or analysed when the plugin starts).
 * - The deploy-time operations as custom resources `edge-registry:index:<Name>`: check/diff/create/read/
 *   update/delete routed by type to the same `Operation` objects the dynamic resources run, through the
 *   same adapter ({@link dynamicProviderFor}), so each operation has one implementation.
 *
 * Login: the Node provider interface has no configure hook, and the engine only hands a provider its own
 * package's config, so the operations log in from the plugin's environment (`ARM_*`, ...; platform-facts
 * §10). Secrets arrive wrapped and leave wrapped (./wire.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { ComponentProvider, type ComponentResourceConstructor } from "@pulumi/pulumi/provider/experimental";
import { dynamicProviderFor } from "../components/operations/dynamic";
import { minimumPulumiVersion, typeOfUrn } from "./engine";
import type { AnyOperation, PackageSchema } from "./schema";
import { unwrapProperties, wrapProperties } from "./wire";

type Props = Record<string, unknown>;

/** One operation's adapter and its property names. */
interface Route {
  readonly provider: pulumi.dynamic.ResourceProvider;
  /** Input property names. */
  readonly inputs: ReadonlySet<string>;
  /** Properties declared secret (inputs and outputs). */
  readonly secrets: ReadonlySet<string>;
}

export interface EdgeRegistryProviderOptions {
  /** The package directory (its package.json gives the name and version). */
  readonly dirname: string;
  /** The component classes, by class name. */
  readonly components: ComponentResourceConstructor[];
  /** The deploy-time operations. */
  readonly operations: readonly AnyOperation[];
  /** The complete package schema (components + operations), as served to the engine. */
  readonly schema: PackageSchema;
}

export class EdgeRegistryProvider extends ComponentProvider {
  private readonly schemaText: string;
  private readonly packageSchema: PackageSchema;
  private readonly componentClasses: Map<string, ComponentResourceConstructor>;
  private readonly routes: Map<string, Route>;

  constructor(options: EdgeRegistryProviderOptions) {
    super({ dirname: options.dirname, name: options.schema.name, components: options.components });
    this.packageSchema = options.schema;
    this.schemaText = JSON.stringify(options.schema);
    this.componentClasses = new Map(options.components.map((c) => [`${options.schema.name}:index:${c.name}`, c]));
    this.routes = new Map(
      options.operations.map((operation) => {
        const all = { ...operation.inputs, ...operation.outputs };
        const route: Route = {
          provider: dynamicProviderFor(operation),
          inputs: new Set(Object.keys(operation.inputs)),
          secrets: new Set(Object.keys(all).filter((key) => all[key].secret)),
        };
        return [operation.type, route];
      }),
    );
  }

  async getSchema(): Promise<string> {
    return this.schemaText;
  }

  async construct(
    name: string,
    type: string,
    inputs: pulumi.Inputs,
    options: pulumi.ComponentResourceOptions,
  ): Promise<pulumi.provider.ConstructResult> {
    const component = this.componentClasses.get(type);
    if (component === undefined) {
      throw new Error(`unknown component type ${type}`);
    }
    await pulumi.requirePulumiVersion(minimumPulumiVersion);
    const instance = new component(name, inputs, options) as unknown as Record<string, unknown>;
    const outputs = Object.keys(this.packageSchema.resources[type]?.properties ?? {});
    return {
      urn: instance.urn as pulumi.Output<string>,
      state: Object.fromEntries(outputs.map((key) => [key, instance[key]])),
    };
  }

  private route(urn: string): Route {
    const type = typeOfUrn(urn);
    const route = this.routes.get(type);
    if (route === undefined) {
      throw new Error(`unknown resource type ${type}`);
    }
    return route;
  }

  /** Wire form of `props`: declared secrets, and whatever came in secret, wrapped. */
  private wire(route: Route, props: object, secretInputs: ReadonlySet<string>): Props {
    return wrapProperties(props, new Set([...route.secrets, ...secretInputs]));
  }

  async check(urn: string, olds: Props, news: Props): Promise<pulumi.provider.CheckResult> {
    const route = this.route(urn);
    const incoming = unwrapProperties(news);
    const old = Object.keys(olds ?? {}).length > 0 ? unwrapProperties(olds).plain : undefined;
    const result = await route.provider.check!(old, incoming.plain);
    return { inputs: this.wire(route, result.inputs ?? {}, incoming.secrets), failures: result.failures ?? [] };
  }

  async diff(id: string, urn: string, olds: Props, news: Props): Promise<pulumi.provider.DiffResult> {
    const route = this.route(urn);
    return route.provider.diff!(id, unwrapProperties(olds).plain, unwrapProperties(news).plain);
  }

  async create(urn: string, inputs: Props): Promise<pulumi.provider.CreateResult> {
    const route = this.route(urn);
    const incoming = unwrapProperties(inputs);
    const result = await route.provider.create(incoming.plain);
    return { id: result.id, outs: this.wire(route, result.outs ?? {}, incoming.secrets) };
  }

  async read(id: string, urn: string, props: Props): Promise<pulumi.provider.ReadResult> {
    const route = this.route(urn);
    const state = unwrapProperties(props);
    const result = await route.provider.read!(id, state.plain);
    if (!result.id) {
      // Gone: an empty id tells the engine to drop it from the state.
      return { id: "", props: {} };
    }
    const outs = this.wire(route, result.props ?? {}, state.secrets);
    const inputs = Object.fromEntries(Object.entries(outs).filter(([key]) => route.inputs.has(key)));
    return { id: result.id, props: outs, inputs };
  }

  async update(id: string, urn: string, olds: Props, news: Props): Promise<pulumi.provider.UpdateResult> {
    const route = this.route(urn);
    const incoming = unwrapProperties(news);
    const result = await route.provider.update!(id, unwrapProperties(olds).plain, incoming.plain);
    return { outs: this.wire(route, result.outs ?? {}, incoming.secrets) };
  }

  async delete(id: string, urn: string, props: Props): Promise<void> {
    const route = this.route(urn);
    await route.provider.delete!(id, unwrapProperties(props).plain);
  }
}
