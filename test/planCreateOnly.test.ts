/**
 * The generator of plan/data/azure-create-only.json (plan/data/createOnly.ts) on a small spec tree written here,
 * shaped like azure-rest-api-specs: azure-native's rule (a top-level or flattened property whose x-ms-mutability
 * has `create` but not `update`), `$ref`s across files, and the PUT found by its path parameters. And the
 * committed table covers every azure-native type the package creates, so a new one cannot go unnoticed.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { azureNativeApiVersion, createOnlyEntry, packageAzureTypes } from "../plan/data/createOnly";
import { azureCreateOnly, azureNativePathParameters, createOnlyRules } from "../plan/replacements";

const REGISTRY = "azure-native:containerregistry:Registry";

it("extracts create-only top-level and flattened properties and the path parameters of the PUT", () => {
  const specs = fs.mkdtempSync(path.join(os.tmpdir(), "specs-"));
  const version = azureNativeApiVersion(REGISTRY);
  const dir = path.join(specs, "specification", "containerregistry", "resource-manager", "Microsoft.ContainerRegistry");
  fs.mkdirSync(path.join(dir, "preview", version), { recursive: true });
  fs.mkdirSync(path.join(specs, "specification", "containerregistry", "common"), { recursive: true });
  const createOnly = { "x-ms-mutability": ["read", "create"] };
  fs.writeFileSync(
    path.join(specs, "specification", "containerregistry", "common", "types.json"),
    JSON.stringify({
      definitions: {
        TrackedResource: { properties: { id: { readOnly: true }, location: createOnly, tags: {} } },
      },
    }),
  );
  const registries =
    "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerRegistry/registries";
  fs.writeFileSync(
    path.join(dir, "preview", version, "containerregistry.json"),
    JSON.stringify({
      paths: {
        // A PUT of another resource of the same file, with other parameters, is not taken.
        [`${registries}/{registryName}/webhooks/{webhookName}`]: {
          put: { parameters: [{ in: "body", name: "w", schema: { $ref: "#/definitions/Webhook" } }] },
        },
        [`${registries}/{registryName}`]: {
          put: { parameters: [{ $ref: "#/parameters/Body" }] },
        },
      },
      parameters: { Body: { in: "body", name: "registry", schema: { $ref: "#/definitions/Registry" } } },
      definitions: {
        Registry: {
          allOf: [{ $ref: "../../../../common/types.json#/definitions/TrackedResource" }],
          properties: {
            sku: { $ref: "#/definitions/Sku" },
            properties: { $ref: "#/definitions/RegistryProperties", "x-ms-client-flatten": true },
          },
        },
        Sku: { properties: { name: createOnly } }, // nested: azure-native does not replace for it
        RegistryProperties: {
          properties: {
            zoneRedundancy: createOnly,
            adminUserEnabled: { "x-ms-mutability": ["read", "create", "update"] },
            loginServer: { readOnly: true, ...createOnly },
          },
        },
        Webhook: { properties: { location: createOnly, scope: createOnly } },
      },
    }),
  );
  expect(createOnlyEntry(specs, REGISTRY, ["registryName", "resourceGroupName"])).toEqual({
    apiVersion: version,
    specFile: `specification/containerregistry/resource-manager/Microsoft.ContainerRegistry/preview/${version}/containerregistry.json`,
    pathParameters: ["registryName", "resourceGroupName"],
    createOnly: ["location", "zoneRedundancy"],
  });
  expect(() => createOnlyEntry(specs, "azure-native:containerregistry:ScopeMap", ["scopeMapName"])).toThrow(
    /no PUT with path parameters/,
  );
  fs.rmSync(specs, { recursive: true, force: true });
});

it("the committed table covers every azure-native type the components create, at azure-native's API version", () => {
  const table = azureCreateOnly();
  const types = packageAzureTypes();
  expect(types).toEqual(expect.arrayContaining([REGISTRY, "azure-native:kubernetesconfiguration:Extension"]));
  expect([...Object.keys(table.types), ...(table.missing ?? [])].sort()).toEqual(types);
  for (const [type, entry] of Object.entries(table.types)) {
    expect(entry.apiVersion).toBe(azureNativeApiVersion(type));
    // The spec's path parameters are the ones azure-native's get function takes.
    expect(azureNativePathParameters(type)).toEqual(expect.arrayContaining(entry.pathParameters));
  }
  expect(table.types[REGISTRY].createOnly).toEqual(["location"]);
  expect(createOnlyRules(REGISTRY).complete).toBe(true);
  expect(createOnlyRules("azure-native:authorization:RoleAssignment").complete).toBe(false);
});
