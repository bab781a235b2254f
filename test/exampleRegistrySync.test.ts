/** examples/registry-sync evaluated under mocks: the registry with its import and the connected registry. */
import { cloud, isSecret, resetCloud, settle, unwrap } from "./harness/mocks";
import type * as pulumi from "@pulumi/pulumi";

it("creates the registry, the hello-world import and a ReadOnly connected registry with one client token", async () => {
  resetCloud();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require("../examples/registry-sync/index.ts") as {
    connectionString: pulumi.Output<string>;
    clientCredentials: pulumi.Output<Record<string, { username: string; password: string }>>;
  };
  await settle();
  const counts = cloud.countsByType();
  expect(counts).toMatchObject({
    "azure-native:containerregistry:Registry": 1,
    "pulumi-nodejs:dynamic/edge-registry:ImageImport": 1,
    "azure-native:containerregistry:ScopeMap": 2,
    "azure-native:containerregistry:Token": 2,
    "pulumi-nodejs:dynamic/edge-registry:TokenPassword": 2,
    "azure-native:containerregistry:ConnectedRegistry": 1,
  });
  const registry = cloud.ofType("azure-native:containerregistry:Registry")[0];
  const connected = cloud.ofType("azure-native:containerregistry:ConnectedRegistry")[0];
  expect(connected.inputs).toMatchObject({
    registryName: registry.state.name,
    connectedRegistryName: "myconnectedregistry",
    mode: "ReadOnly",
  });
  expect(cloud.get("azure-native:containerregistry:ScopeMap", "edge-sync").inputs.actions).toHaveLength(6);
  expect(await unwrap(program.connectionString)).toMatch(
    new RegExp(
      `^ConnectedRegistryName=myconnectedregistry;SyncTokenName=myconnectedregistry;SyncTokenPassword=[^;]+;` +
        `ParentGatewayEndpoint=${registry.state.name.toLowerCase()}\\.eastus\\.data\\.azurecr\\.io;ParentEndpointProtocol=https$`,
    ),
  );
  expect(await isSecret(program.connectionString)).toBe(true);
  expect(Object.keys(await unwrap(program.clientCredentials))).toEqual(["myclienttoken"]);
  expect(await isSecret(program.clientCredentials)).toBe(true);
  expect(cloud.duplicateUrns).toEqual([]);
});
