/**
 * Regenerates `plan/data/azure-create-only.json`: for every azure-native resource type this package creates, the
 * properties Azure cannot change in place, read from the Azure REST API specifications of the API version this
 * azure-native release uses:
 *
 *   git clone --filter=blob:none --sparse https://github.com/Azure/azure-rest-api-specs /tmp/specs
 *   git -C /tmp/specs sparse-checkout set specification/containerregistry specification/kubernetesconfiguration \
 *     specification/authorization specification/resources specification/common-types
 *   node -r ./bin/register.js plan/data/createOnly.ts /tmp/specs > plan/data/azure-create-only.json
 *
 * The rule is azure-native's own (pulumi-azure-native `provider/pkg/gen/schema.go`, `propChangeForcesRecreate`):
 * a top-level property of the PUT body (or of a body object flattened with `x-ms-client-flatten`, as `properties`
 * is) whose `x-ms-mutability` lists `create` but not `update` forces a new resource; a create-only property nested
 * deeper does not. The ARM path parameters of the PUT (the resource's name and its parents') are recorded too, as
 * a check of what plan/replacements.ts reads from the azure-native package. Types come from the package's own
 * sources (`new <module>.<Resource>(` where `<module>` is imported from `@pulumi/azure-native/<module>`), API
 * versions from azure-native's `<module>/<resource>.d.ts` ("Uses Azure REST API version ...").
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { compare } from "../model";

/** One OpenAPI schema object, as much of it as the rule reads. */
interface Schema {
  $ref?: string;
  allOf?: Schema[];
  properties?: { [name: string]: Schema };
  readOnly?: boolean;
  "x-ms-client-flatten"?: boolean;
  "x-ms-mutability"?: string[];
}

interface SpecFile {
  paths?: { [path: string]: { put?: { parameters?: (Schema & { in?: string; schema?: Schema })[] } } };
  parameters?: { [name: string]: Schema & { in?: string; schema?: Schema } };
  definitions?: { [name: string]: Schema };
}

const repo = path.resolve(__dirname, "..", "..");

/** The azure-native resource types the package's components create. */
export function packageAzureTypes(root = repo): string[] {
  const types = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(file);
      } else if (entry.name.endsWith(".ts")) {
        const source = fs.readFileSync(file, "utf8");
        for (const [, alias, module] of source.matchAll(/import \* as (\w+) from "@pulumi\/azure-native\/(\w+)"/g)) {
          for (const [, resource] of source.matchAll(new RegExp(`new ${alias}\\.([A-Z]\\w*)\\(`, "g"))) {
            types.add(`azure-native:${module}:${resource}`);
          }
        }
      }
    }
  };
  walk(path.join(root, "components"));
  return [...types].sort(compare);
}

/** The REST API version azure-native uses for `type`, from its type declarations. */
export function azureNativeApiVersion(type: string): string {
  const [, module, resource] = type.split(":");
  const root = path.dirname(require.resolve("@pulumi/azure-native/package.json"));
  const declaration = fs.readFileSync(
    path.join(root, module, `${resource[0].toLowerCase()}${resource.slice(1)}.d.ts`),
    "utf8",
  );
  const version = /Uses Azure REST API version ([0-9A-Za-z-]+)\./.exec(declaration)?.[1];
  if (version === undefined) {
    throw new Error(`no API version in azure-native's declaration of ${type}`);
  }
  return version;
}

/** Every JSON file under a folder named `version` below `dir`. */
function specFiles(dir: string, version: string): string[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "examples") {
      if (entry.name === version) {
        found.push(
          ...fs
            .readdirSync(file)
            .filter((f) => f.endsWith(".json"))
            .map((f) => path.join(file, f)),
        );
      } else {
        found.push(...specFiles(file, version));
      }
    }
  }
  return found.sort(compare);
}

const cache = new Map<string, SpecFile>();
function load(file: string): SpecFile {
  let spec = cache.get(file);
  if (spec === undefined) {
    spec = JSON.parse(fs.readFileSync(file, "utf8")) as SpecFile;
    cache.set(file, spec);
  }
  return spec;
}

/** Resolves a `$ref` (local `#/definitions/X`, or `other.json#/definitions/X` relative to `file`). */
function resolve(ref: string, file: string): { schema: Schema; file: string } {
  const [target, pointer] = ref.split("#");
  const where = target === "" ? file : path.resolve(path.dirname(file), target);
  let node: unknown = load(where);
  for (const part of pointer.split("/").filter((p) => p !== "")) {
    node = (node as { [key: string]: unknown })[part];
  }
  if (node === undefined) {
    throw new Error(`cannot resolve ${ref} from ${file}`);
  }
  return { schema: node as Schema, file: where };
}

/** The writable properties azure-native flattens into the resource's inputs, with their mutability. */
function bodyProperties(schema: Schema, file: string, into = new Map<string, string[] | undefined>()) {
  if (schema.$ref !== undefined) {
    const target = resolve(schema.$ref, file);
    return bodyProperties(target.schema, target.file, into);
  }
  for (const part of schema.allOf ?? []) {
    bodyProperties(part, file, into);
  }
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (property.readOnly === true) {
      continue;
    }
    if (property["x-ms-client-flatten"] === true) {
      bodyProperties(property, file, into);
    } else {
      into.set(name, property["x-ms-mutability"]);
    }
  }
  return into;
}

/** What one resource type's spec says. */
export interface CreateOnlyEntry {
  apiVersion: string;
  specFile: string;
  pathParameters: string[];
  createOnly: string[];
}

/** Finds the PUT of `type` (by its path parameters) in the specs and applies azure-native's force-new rule. */
export function createOnlyEntry(specs: string, type: string, pathParameters: readonly string[]): CreateOnlyEntry {
  const [, module] = type.split(":");
  const apiVersion = azureNativeApiVersion(type);
  // azure-native's get function may take query parameters too (a role assignment's tenantId): the PUT's path
  // parameters are those of them in the path, and the best match is the PUT that has the most of them.
  const wanted = new Set([...pathParameters].map((p) => p.toLowerCase()));
  const candidates: {
    file: string;
    url: string;
    parameters: string[];
    item: NonNullable<SpecFile["paths"]>[string];
  }[] = [];
  for (const file of specFiles(path.join(specs, "specification", module), apiVersion)) {
    for (const [url, item] of Object.entries(load(file).paths ?? {})) {
      const parameters = [...url.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).filter((p) => p !== "subscriptionId");
      if (
        item.put !== undefined &&
        parameters.every((p) => wanted.has(p.toLowerCase())) &&
        url.toLowerCase().includes(`/microsoft.${module}/`)
      ) {
        candidates.push({ file, url, parameters, item });
      }
    }
  }
  candidates.sort((a, b) => b.parameters.length - a.parameters.length);
  for (const { file, url, parameters, item } of candidates.slice(0, 1)) {
    {
      const body = (item.put!.parameters ?? [])
        .map((p) => (p.$ref !== undefined ? (resolve(p.$ref, file).schema as typeof p) : p))
        .find((p) => p.in === "body");
      if (body?.schema === undefined) {
        throw new Error(`${file}: PUT ${url} has no body`);
      }
      const properties = bodyProperties(body.schema, file);
      const createOnly = [...properties.entries()]
        .filter(
          ([, mutability]) =>
            mutability !== undefined && mutability.includes("create") && !mutability.includes("update"),
        )
        .map(([name]) => name)
        .sort(compare);
      return {
        apiVersion,
        specFile: path.relative(specs, file).split(path.sep).join("/"),
        pathParameters: parameters.sort(compare),
        createOnly,
      };
    }
  }
  throw new Error(
    `no PUT with path parameters among ${[...wanted].join(", ")} for ${type} (API version ${apiVersion})`,
  );
}

if (require.main === module) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { azureNativePathParameters } = require("../replacements") as typeof import("../replacements");
  const [specs, commit] = process.argv.slice(2);
  if (specs === undefined) {
    process.stderr.write(
      "usage: node -r ./bin/register.js plan/data/createOnly.ts <azure-rest-api-specs checkout> [commit]\n",
    );
    process.exit(2);
  }
  const head = (() => {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return (require("node:child_process") as typeof import("node:child_process"))
        .execFileSync("git", ["-C", specs, "rev-parse", "HEAD"], {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "ignore"],
        })
        .trim();
    } catch {
      return undefined;
    }
  })();
  const types: { [type: string]: CreateOnlyEntry } = {};
  const missing: string[] = [];
  for (const type of packageAzureTypes()) {
    try {
      types[type] = createOnlyEntry(specs, type, azureNativePathParameters(type));
    } catch (error) {
      // The plan then says "update or replace" for such a type's inherited changes: its rules stay unknown.
      process.stderr.write(`${type}: ${(error as Error).message}\n`);
      missing.push(type);
    }
  }
  const output = {
    source: {
      repository: "Azure/azure-rest-api-specs",
      commit: commit ?? head ?? "unknown",
      generator: "node -r ./bin/register.js plan/data/createOnly.ts <azure-rest-api-specs checkout>",
    },
    types,
    missing,
  };
  process.stdout.write(JSON.stringify(output, null, 2) + "\n");
}
