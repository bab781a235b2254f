/**
 * examples/nested-hierarchy evaluated under mocks: cloud → onprem (ReadWrite) → floor1, floor2 (ReadOnly), each
 * level's extension on its own cluster, the floors syncing from onprem's address and trusting its CA.
 */
import { X509Certificate } from "node:crypto";
import { cloud, isSecret, resetCloud, settle, unwrap } from "./harness/mocks";
import type * as pulumi from "@pulumi/pulumi";

it("declares the three-level tree with each level on its own cluster", async () => {
  resetCloud();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require("../examples/nested-hierarchy/index.ts") as {
    connectionStrings: pulumi.Output<Record<string, string>>;
    syncActions: pulumi.Output<Record<string, string[]>>;
    connectedRegistryIds: pulumi.Output<Record<string, string>>;
  };
  await settle();
  expect(cloud.duplicateUrns).toEqual([]);
  expect(cloud.countsByType()).toMatchObject({
    "azure-native:containerregistry:ConnectedRegistry": 3,
    "azure-native:kubernetesconfiguration:Extension": 3,
    "edge-registry:index:NodeRegistryTrust": 2,
    "pulumi:providers:kubernetes": 3,
  });
  const ids = await unwrap(program.connectedRegistryIds);
  for (const floor of ["floor1", "floor2"]) {
    const cr = cloud.get("azure-native:containerregistry:ConnectedRegistry", `factory-${floor}`);
    expect(cr.inputs.parent.id).toBe(ids.onprem);
    expect(cr.inputs.mode).toBe("ReadOnly");
  }
  expect(cloud.get("azure-native:containerregistry:ConnectedRegistry", "factory-onprem").inputs.mode).toBe("ReadWrite");
  const strings = await unwrap(program.connectionStrings);
  expect(await isSecret(program.connectionStrings)).toBe(true);
  expect(strings.floor1).toMatch(/;ParentGatewayEndpoint=10\.1\.0\.50;ParentEndpointProtocol=https$/);
  expect(strings.onprem).toMatch(/;ParentGatewayEndpoint=factoryacr\.eastus\.data\.azurecr\.io;/);
  expect((await unwrap(program.syncActions)).onprem).toEqual(
    expect.arrayContaining(["gateway/floor1/config/read", "gateway/floor2/message/write"]),
  );

  // Each extension on its own cluster; the floors' trust objects go through the floors' providers.
  const clusters = cloud.ofType("azure-native:kubernetesconfiguration:Extension").map((e) => e.inputs.clusterName);
  expect(clusters.sort()).toEqual(["floor1-cluster", "floor2-cluster", "onprem-cluster"]);
  const providers = cloud.ofType("pulumi:providers:kubernetes").map((p) => p.inputs.context);
  expect(providers.sort()).toEqual(["floor1-cluster", "floor2-cluster", "onprem-cluster"]);
  const configMaps = cloud.ofType("kubernetes:core/v1:ConfigMap");
  expect(configMaps.map((c) => c.provider?.split("::")[3]?.split("::")[0]).sort()).toEqual([
    expect.stringContaining("floor1-k8s"),
    expect.stringContaining("floor2-k8s"),
  ]);

  // The CA the floors trust issued onprem's serving certificate, which is valid for onprem's address.
  const onpremSettings = cloud.get("azure-native:kubernetesconfiguration:Extension", "onprem-extension").inputs
    .configurationProtectedSettings;
  const plain = (onpremSettings.value ?? onpremSettings) as Record<string, string>;
  const serving = new X509Certificate(Buffer.from(plain["tls.crt"], "base64").toString());
  const trustedCa = new X509Certificate(String(configMaps[0].inputs.data["ca.crt"]));
  expect(serving.checkIssued(trustedCa)).toBe(true);
  expect(serving.checkIP("10.1.0.50")).toBe("10.1.0.50");
  expect(configMaps[0].inputs.data["hosts.toml"]).toContain('server = "https://10.1.0.50"');
});
