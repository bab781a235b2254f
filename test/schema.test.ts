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
import "./harness/mocks";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import * as components from "../components";
import { operations } from "../provider/operations";
import { withOperations } from "../provider/schema";

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
    const provider = new ComponentProvider({ dirname: scratch, name: "edge-registry", components: exported });
    schema = withOperations(JSON.parse(await provider.getSchema()), operations);
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
