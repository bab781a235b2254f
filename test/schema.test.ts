/**
 * The multi-language schema, generated in-process the way `pulumi package add` generates it, must
 * contain every exported component with every input and output documented, plus the deploy-time
 * operations as custom resources of the package's provider plugin (secret outputs marked secret), and must
 * equal the committed `schema.json` that the plugin serves (regenerate with `npm run schema` after a
 * deliberate API change).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import ts from "typescript";
import "./harness/mocks";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import { Analyzer } from "@pulumi/pulumi/provider/experimental/analyzer";
import * as components from "../components";
import { operations } from "../provider/operations";
import { withLanguages, withOperations, withSourceFacts } from "../provider/schema";
import { readSourceFacts } from "./harness/schemaSource";

const root = path.join(__dirname, "..");
const exported = getPulumiComponents(components);

let schema: any;
beforeAll(async () => {
  // The generator type-checks every file of `<dirname>/tsconfig.json`; the package is only index.ts and
  // components/, so it runs on a scratch directory whose tsconfig includes just those (tests and examples
  // would triple the time). Same package.json, compiler options and entry as the published package.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "edge-registry-schema-"));
  fs.copyFileSync(path.join(root, "package.json"), path.join(scratch, "package.json"));
  fs.writeFileSync(
    path.join(scratch, "tsconfig.json"),
    JSON.stringify({
      extends: path.join(root, "tsconfig.json"),
      include: ["index.ts", path.join(root, "components", "**", "*.ts")],
    }),
  );
  fs.writeFileSync(path.join(scratch, "index.ts"), `export * from ${JSON.stringify(path.join(root, "components"))};\n`);
  try {
    // The generator's TypeScript program (parsing and binding the azure-native and kubernetes declarations is
    // most of its time) is read again below for what the generator leaves out, instead of being built twice.
    const analyze = jest.spyOn(Analyzer.prototype, "analyze");
    const provider = new ComponentProvider({ dirname: scratch, name: "edge-registry", components: exported });
    const generated = JSON.parse(await provider.getSchema());
    expect(analyze).toHaveBeenCalledTimes(1);
    const program = (analyze.mock.contexts[0] as unknown as { program?: ts.Program }).program;
    if (typeof program?.getTypeChecker !== "function") {
      throw new Error("the generator's Analyzer no longer holds its TypeScript program as `program`");
    }
    analyze.mockRestore();
    // What the generator leaves out: `@secret` tags, `{@link}`s as text (test/harness/schemaSource.ts), and the
    // SDK names every language gets for a path or git install (provider/schema.ts, `sdkNames`).
    const facts = readSourceFacts(path.join(root, "components"), program);
    schema = withLanguages(withOperations(withSourceFacts(generated, facts), operations));
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}, 120_000);

it("exports at least one component", () => {
  expect(exported.length).toBeGreaterThan(0);
});

it("has every exported component under edge-registry:index:<Class>, and the operations as custom resources", () => {
  const components = Object.keys(schema.resources).filter((token) => schema.resources[token].isComponent);
  expect(components.sort()).toEqual(exported.map((c) => `edge-registry:index:${c.name}`).sort());
  const custom = Object.keys(schema.resources).filter((token) => !schema.resources[token].isComponent);
  expect(custom.sort()).toEqual([
    "edge-registry:index:ConnectedRegistryDeactivation",
    "edge-registry:index:ImageImportOperation",
    "edge-registry:index:TokenPassword",
  ]);
});

it("describes each operation's inputs and state, with its secret outputs secret", () => {
  for (const operation of operations) {
    const resource = schema.resources[operation.type];
    expect(Object.keys(resource.inputProperties).sort()).toEqual(Object.keys(operation.inputs).sort());
    expect(Object.keys(resource.properties).sort()).toEqual(
      [...Object.keys(operation.inputs), ...Object.keys(operation.outputs)].sort(),
    );
    const secret = Object.keys(resource.properties).filter((name) => resource.properties[name].secret);
    const declared = Object.entries({ ...operation.inputs, ...operation.outputs }).filter(([, p]) => p.secret);
    expect(secret.sort()).toEqual(declared.map(([name]) => name).sort());
  }
  expect(schema.resources["edge-registry:index:TokenPassword"].properties.value.secret).toBe(true);
});

/** Every description in the schema (resources, their properties, types, their properties, enum values). */
function descriptions(): [string, unknown][] {
  const out: [string, unknown][] = [];
  const props = (where: string, record: Record<string, any> | undefined) => {
    for (const [name, property] of Object.entries<any>(record ?? {}))
      out.push([`${where} ${name}`, property.description]);
  };
  for (const [token, resource] of Object.entries<any>(schema.resources)) {
    out.push([token, resource.description]);
    props(`${token} input`, resource.inputProperties);
    props(`${token} output`, resource.properties);
  }
  for (const [token, type] of Object.entries<any>(schema.types ?? {})) {
    out.push([token, type.description]);
    props(`${token} property`, type.properties);
    for (const value of type.enum ?? []) {
      if ("description" in value) out.push([`${token} value ${value.value}`, value.description]);
    }
  }
  return out;
}

it("renders every description as text: no [object Object], none empty", () => {
  const bad = descriptions().filter(
    ([, description]) =>
      description !== undefined && (typeof description !== "string" || /\[object |^\s*$/.test(description)),
  );
  expect(bad).toEqual([]);
  // The two the generator garbled: links rendered as the linked names.
  expect(schema.resources["edge-registry:index:ConnectedRegistryTree"].description).toMatch(
    /^A tree of connected registries under one cloud registry: one ConnectedRegistry per node/,
  );
  expect(schema.resources["edge-registry:index:EdgeRegistrySite"].inputProperties.nodeTrust.description).toMatch(
    /hosts directory on every node with NodeRegistryTrust\. Default: true/,
  );
});

it("documents every input and output of every component and type", () => {
  const undocumented: string[] = [];
  for (const [token, resource] of Object.entries<any>(schema.resources)) {
    for (const [name, property] of Object.entries<any>(resource.inputProperties ?? {})) {
      if (!property.description) undocumented.push(`${token} input ${name}`);
    }
    for (const [name, property] of Object.entries<any>(resource.properties ?? {})) {
      if (!property.description) undocumented.push(`${token} output ${name}`);
    }
  }
  for (const [token, type] of Object.entries<any>(schema.types ?? {})) {
    for (const [name, property] of Object.entries<any>(type.properties ?? {})) {
      if (!property.description) undocumented.push(`${token} property ${name}`);
    }
  }
  expect(undocumented).toEqual([]);
});

it("matches the committed schema.json", () => {
  const file = path.join(root, "schema.json");
  const generated = JSON.stringify(schema, null, 2) + "\n";
  if (process.env.UPDATE_SCHEMA === "1") {
    fs.writeFileSync(file, generated);
  }
  expect(fs.readFileSync(file, "utf8")).toEqual(generated);
});
