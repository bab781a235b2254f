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
