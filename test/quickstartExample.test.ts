/**
 * examples/quickstart (seed 001 end to end) under mocks: the resources of every step, the secure defaults,
 * and the wiring from the connected registry to the pod.
 */
import { cloud, isSecret, resetCloud, settle, unwrap } from "./harness/mocks";
import { revealSecrets } from "./harness/plainState";
import { mandatory, runPolicies } from "./harness/policyHarness";

it("creates every step of the quickstart with the secure defaults", async () => {
  resetCloud();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require("../examples/quickstart/index.ts");
  await settle();
  expect(cloud.duplicateUrns).toEqual([]);
  expect(cloud.countsByType()).toEqual({
    "azure-native:containerregistry:ConnectedRegistry": 1,
    "azure-native:containerregistry:Registry": 1,
    "azure-native:containerregistry:ScopeMap": 2,
    "azure-native:containerregistry:Token": 2,
    "azure-native:kubernetesconfiguration:Extension": 1,
    "edge-registry:index:ConnectedRegistry": 1,
    "edge-registry:index:ConnectedRegistryExtension": 1,
    "edge-registry:index:ContainerRegistry": 1,
    "edge-registry:index:ImageImport": 1,
    "edge-registry:index:RegistryPullSecret": 1,
    "edge-registry:index:RegistryWorkload": 1,
    "kubernetes:apps/v1:Deployment": 1,
    "kubernetes:core/v1:Namespace": 1,
    "kubernetes:core/v1:Secret": 1,
    "pulumi-nodejs:dynamic/edge-registry:ConnectedRegistryDeactivation": 1,
    "pulumi-nodejs:dynamic/edge-registry:ImageImport": 1,
    "pulumi-nodejs:dynamic/edge-registry:TokenPassword": 2,
  });

  const registry = cloud.get("azure-native:containerregistry:Registry", "registry").inputs;
  expect(registry).toMatchObject({ sku: { name: "Premium" }, dataEndpointEnabled: true, adminUserEnabled: false });
  expect(cloud.get("azure-native:containerregistry:ScopeMap", "connected-sync").inputs.actions).toEqual([
    "repositories/hello-world/content/read",
    "repositories/hello-world/metadata/read",
    "gateway/myconnectedregistry/config/read",
    "gateway/myconnectedregistry/config/write",
    "gateway/myconnectedregistry/message/read",
    "gateway/myconnectedregistry/message/write",
  ]);

  const extension = revealSecrets(
    cloud.get("azure-native:kubernetesconfiguration:Extension", "extension").inputs,
  ) as any;
  expect(extension).toMatchObject({
    extensionType: "Microsoft.ContainerRegistry.ConnectedRegistry",
    extensionName: "myconnectedregistry",
    clusterName: "myarck8scluster",
    clusterResourceName: "connectedClusters",
    releaseTrain: "preview",
    configurationSettings: { "service.clusterIP": "192.100.100.1" },
  });
  expect(extension.configurationProtectedSettings.connectionString).toBe(await unwrap(program.connectionString));
  expect(await isSecret(program.connectionString)).toBe(true);

  const secret = revealSecrets(cloud.get("kubernetes:core/v1:Secret", "regcred").inputs) as any;
  expect(secret.metadata.name).toBe("regcred");
  const auth = JSON.parse(Buffer.from(secret.data[".dockerconfigjson"], "base64").toString()).auths["192.100.100.1"];
  expect(auth.username).toBe("mytoken");
  const pod = cloud.get("kubernetes:apps/v1:Deployment", "hello-world").inputs.spec.template.spec;
  expect(pod.containers[0].image).toBe("192.100.100.1/hello-world:v1");
  expect(pod.imagePullSecrets).toEqual([{ name: "regcred" }]);
  expect(await unwrap(program.image)).toBe("192.100.100.1/hello-world:v1");

  // Pinned by tag, not digest: the policy pack finds no mandatory violation.
  const resources = cloud.resources
    .filter((r) => r.custom)
    .map((r) => ({ type: r.type, name: r.name, props: r.inputs, outputs: r.state }));
  expect(mandatory(await runPolicies(resources))).toEqual([]);
});
