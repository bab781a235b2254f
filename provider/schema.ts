/**
 * The package schema the plugin serves: the components' schema (generated from the TypeScript sources by
 * `ComponentProvider`, committed as `schema.json`) plus one custom resource per deploy-time operation, so
 * every language's SDK and `pulumi import` know them.
 */
import type { AnyOperation, Operation, OperationProperty } from "../components/operations/operation";

export type { AnyOperation };

/** A property as the Pulumi package schema spells it. */
interface SchemaProperty {
  type: string;
  items?: { type: string };
  additionalProperties?: { type: string };
  description: string;
  secret?: boolean;
}

/** A resource of the package schema (only the fields this package uses). */
export interface SchemaResource {
  description?: string;
  isComponent?: boolean;
  inputProperties?: Record<string, SchemaProperty>;
  requiredInputs?: string[];
  properties?: Record<string, SchemaProperty>;
  required?: string[];
}

/** The package schema (only the fields this package reads). */
export interface PackageSchema {
  name: string;
  version?: string;
  resources: Record<string, SchemaResource>;
  [key: string]: unknown;
}

function schemaProperty(property: OperationProperty): SchemaProperty {
  return {
    type: property.type,
    ...(property.items ? { items: { ...property.items } } : {}),
    ...(property.additionalProperties ? { additionalProperties: { ...property.additionalProperties } } : {}),
    description: property.description,
    ...(property.secret ? { secret: true } : {}),
  };
}

function properties(props: Operation<object, object>["inputs"]): Record<string, SchemaProperty> {
  return Object.fromEntries(Object.entries(props).map(([name, property]) => [name, schemaProperty(property)]));
}

/** The custom resource of one operation: its inputs, and its state (inputs + outputs), secrets marked. */
export function operationSchema(operation: AnyOperation): SchemaResource {
  const inputs = properties(operation.inputs);
  const required = Object.keys(operation.inputs)
    .filter((name) => operation.inputs[name].required)
    .sort();
  return {
    description: operation.description,
    inputProperties: inputs,
    requiredInputs: required,
    properties: { ...inputs, ...properties(operation.outputs) },
    required,
  };
}

/**
 * `schema` with the operations' custom resources added. Fails when an operation's type is already a
 * component's (the two would be one token in every SDK).
 */
export function withOperations(schema: PackageSchema, operations: readonly AnyOperation[]): PackageSchema {
  const resources = { ...schema.resources };
  for (const operation of operations) {
    if (!operation.type.startsWith(`${schema.name}:index:`)) {
      throw new Error(`operation ${operation.name} has type ${operation.type}, outside ${schema.name}:index:`);
    }
    if (resources[operation.type] !== undefined) {
      throw new Error(`operation ${operation.name} has type ${operation.type}, which is already a resource`);
    }
    resources[operation.type] = operationSchema(operation);
  }
  return { ...schema, resources };
}

/**
 * The SDK names of the package in every language, pinned so that `pulumi package add` gives the same names for
 * a local path, a git URL and a git tag. Without them the CLI sets the schema's `namespace` to the repository
 * owner for a git source (pulumi/pulumi `pkg/cmd/pulumi/packages/packages.go`, `setSpecNamespace`: the lowercased
 * path segment after the host of the `git://` download URL, only when the schema sets no namespace), and every
 * generator puts that namespace into its names:
 * - Python: `pkg/codegen/python/gen.go` `PyPack(namespace, name)` = `<namespace>_edge_registry` (`pulumi_…`
 *   without a namespace) unless `python.packageName` is set (`generateModuleContextMap`, `GeneratePackage`).
 * - C#: pulumi-dotnet `pulumi-language-dotnet/codegen/importer.go` `normalizePackageInfo` sets the root namespace
 *   to `namespaceName(nil, namespace)` (`Contoso`) only when `csharp.rootNamespace` is empty; `GetRootNamespace`
 *   defaults to `Pulumi`; the package namespace is `<root>.` + `namespaceName(namespaces, "edge-registry")`
 *   (`gen.go`: `EdgeRegistry`).
 * - Go: `pkg/codegen/go/gen.go` `ExtractModulePath`/`ExtractImportBasePath`: `example.com/pulumi-<name>`, or
 *   `github.com/<namespace>/pulumi-<name>` with a namespace, `+ /vN` for a major version above 1 (the git tag's),
 *   `+ /sdk/go/<goPackage(name)>` (`package add` always sets `SupportPack`), unless `go.importBasePath` is set
 *   (`GeneratePackage`; the module path is then its parent directory, and the Go language host's `Link` uses it).
 * - Node.js: `pkg/codegen/nodejs/gen.go` `genNPMPackageMetadata`: `@<namespace>/<name>`, else `@pulumi/<name>`,
 *   unless `nodejs.packageName` is set.
 * The pinned values are the ones a local path gets, which docs/other-languages.md shows.
 */
export const sdkNames = {
  nodejs: { packageName: "@pulumi/edge-registry" },
  python: { packageName: "pulumi_edge_registry" },
  csharp: { rootNamespace: "Pulumi" },
  go: { importBasePath: "example.com/pulumi-edge-registry/sdk/go/edgeregistry" },
} as const;

/** `schema` with its `language` sections carrying {@link sdkNames} (other settings kept). */
export function withLanguages(schema: PackageSchema): PackageSchema {
  const language = { ...((schema.language as Record<string, object> | undefined) ?? {}) };
  for (const [name, settings] of Object.entries(sdkNames)) {
    language[name] = { ...(language[name] ?? {}), ...settings };
  }
  return { ...schema, language };
}

/** What the TypeScript sources say about one declaration that the generator does not carry over. */
export interface DeclarationFacts {
  /** The doc comment rendered as text, when the generator cannot render it (it contains `{@link}`s). */
  readonly description?: string;
  /** Whether the declaration carries the `@secret` JSDoc tag. */
  readonly secret?: boolean;
}

/** Facts about one component (class) or type (interface, enum) of the sources, by property name. */
export interface ShapeFacts {
  readonly description?: string;
  /** Component: its Args' members. Type: its members. */
  readonly inputs: Record<string, DeclarationFacts>;
  /** Component: its public fields (outputs). Empty for a type. */
  readonly outputs: Record<string, DeclarationFacts>;
}

/** Facts about every component and type of the sources, by class or interface name. */
export interface SourceFacts {
  readonly components: Record<string, ShapeFacts>;
  readonly types: Record<string, ShapeFacts>;
}

type Patchable = { description?: string; secret?: boolean };

function patch(target: Patchable | undefined, facts: DeclarationFacts | undefined, where: string, missing: string[]) {
  if (facts === undefined || (facts.description === undefined && !facts.secret)) {
    return;
  }
  if (target === undefined) {
    missing.push(where);
    return;
  }
  if (facts.description !== undefined) {
    target.description = facts.description;
  }
  if (facts.secret) {
    target.secret = true;
  }
}

/**
 * `schema` with what the generator leaves out of the sources: `secret: true` on every input, output and type
 * property tagged `@secret`, and descriptions that contain `{@link}` rendered as text (the generator joins the
 * comment's parts as objects). Fails when a fact has no place in the schema (a tag on something that is not
 * a component input, output or type property would otherwise be lost silently).
 */
export function withSourceFacts(schema: PackageSchema, facts: SourceFacts): PackageSchema {
  const copy = JSON.parse(JSON.stringify(schema)) as PackageSchema & {
    types?: Record<string, Patchable & { properties?: Record<string, Patchable> }>;
  };
  const missing: string[] = [];
  const token = (name: string) => `${schema.name}:index:${name}`;
  for (const [name, shape] of Object.entries(facts.components)) {
    const resource = copy.resources[token(name)] as (SchemaResource & Patchable) | undefined;
    patch(resource, { description: shape.description }, `component ${name}`, missing);
    for (const [key, fact] of Object.entries(shape.inputs)) {
      patch(resource?.inputProperties?.[key], fact, `${name} input ${key}`, missing);
    }
    for (const [key, fact] of Object.entries(shape.outputs)) {
      patch(resource?.properties?.[key], fact, `${name} output ${key}`, missing);
    }
  }
  for (const [name, shape] of Object.entries(facts.types)) {
    const type = copy.types?.[token(name)];
    if (type === undefined) {
      // An interface or enum the components do not use: not in the schema, nothing to patch.
      continue;
    }
    patch(type, { description: shape.description }, `type ${name}`, missing);
    for (const [key, fact] of Object.entries(shape.inputs)) {
      patch(type.properties?.[key], fact, `${name} property ${key}`, missing);
    }
  }
  if (missing.length > 0) {
    throw new Error(`source facts with no place in the schema: ${missing.join(", ")}`);
  }
  return copy;
}
