/** examples/service-principal-pull (seed 002) evaluated under mocks, with kubectl, the upstream schemas and the policy pack as oracles. */
import { SUBSCRIPTION_ID, cloud, isSecret, settle, unwrap } from "./harness/mocks";
import { plainStateContaining, resetPlainState, revealSecrets } from "./harness/plainState";
import { kubernetesObjects, validateKubernetesObject } from "./harness/kubernetesSchemas";
import { evaluateWithPolicies, Violation } from "./harness/policyHarness";
import { execFileSync } from "node:child_process";
import type * as pulumi from "@pulumi/pulumi";

interface Program {
  clientId: pulumi.Output<string>;
  password: pulumi.Output<string>;
  image: pulumi.Output<string>;
  pullSecretName: pulumi.Output<string>;
}

let program: Program;
let violations: Violation[];
beforeAll(async () => {
  resetPlainState();
  ({ violations } = await evaluateWithPolicies(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    program = require("../examples/service-principal-pull/index.ts");
  }));
  await settle();
});

it("creates the registry, the service principal with AcrPull on it, the pull secret and the workload", () => {
  expect(cloud.countsByType()).toMatchObject({
    "azure-native:containerregistry:Registry": 1,
    "azuread:index/application:Application": 1,
    "azuread:index/servicePrincipal:ServicePrincipal": 1,
    "azuread:index/applicationPassword:ApplicationPassword": 1,
    "azure-native:authorization:RoleAssignment": 1,
    "kubernetes:core/v1:Namespace": 1,
    "kubernetes:core/v1:Secret": 1,
    "kubernetes:apps/v1:Deployment": 1,
  });
  const registry = cloud.ofType("azure-native:containerregistry:Registry")[0];
  const assignment = cloud.ofType("azure-native:authorization:RoleAssignment")[0];
  expect(assignment.inputs).toMatchObject({
    scope: registry.id,
    principalId: cloud.ofType("azuread:index/servicePrincipal:ServicePrincipal")[0].state.objectId,
    roleDefinitionId: `/subscriptions/${SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d`,
  });
  expect(cloud.duplicateUrns).toEqual([]);
});

it("writes the pull secret kubectl would write for <registry>.azurecr.io with the client id and password", async () => {
  const registry = cloud.ofType("azure-native:containerregistry:Registry")[0];
  const clientId = await unwrap(program.clientId);
  const password = await unwrap(program.password);
  expect(registry.state.loginServer).toBe("myregistry.azurecr.io");
  const kubectl = JSON.parse(
    execFileSync("kubectl", [
      ...["create", "secret", "docker-registry", "acr-secret", "--namespace", "awesomeapps"],
      ...[
        `--docker-server=${registry.state.loginServer}`,
        `--docker-username=${clientId}`,
        `--docker-password=${password}`,
      ],
      ...["--dry-run=client", "-o", "json"],
    ]).toString(),
  );
  const secret = cloud.ofType("kubernetes:core/v1:Secret")[0];
  expect(revealSecrets(secret.inputs.data)).toEqual(kubectl.data);
  expect(secret.inputs.type).toBe(kubectl.type);
  expect(secret.inputs.metadata).toEqual({ name: "acr-secret", namespace: "awesomeapps" });
  expect(await isSecret(program.password)).toBe(true);
  expect(plainStateContaining(password).filter((l) => !l.startsWith("azuread:index/applicationPassword"))).toEqual([]);
});

it("runs <registry>.azurecr.io/my-awesome-app:v1 with the pull secret in the namespace", async () => {
  const deployment = cloud.ofType("kubernetes:apps/v1:Deployment")[0];
  expect(await unwrap(program.image)).toBe("myregistry.azurecr.io/my-awesome-app:v1");
  expect(deployment.inputs.metadata.namespace).toBe("awesomeapps");
  expect(deployment.inputs.spec.template.spec.imagePullSecrets).toEqual([{ name: "acr-secret" }]);
  expect(deployment.inputs.spec.template.spec.containers[0].image).toBe("myregistry.azurecr.io/my-awesome-app:v1");
});

it("renders only objects valid against the upstream Kubernetes schemas", () => {
  const objects = kubernetesObjects(cloud.resources);
  expect(objects.length).toBeGreaterThanOrEqual(3);
  for (const object of objects) validateKubernetesObject(object);
});

it("passes the policy pack; only advisories: the registry's open network and missing audit logs (the seed has no landing zone), and the seed's tag v1", () => {
  expect(violations.map((v) => [v.enforcementLevel, v.policy]).sort()).toEqual([
    ["advisory", "acr-audit-logs"],
    ["advisory", "acr-public-network-restricted"],
    ["advisory", "k8s-image-digest"],
  ]);
});
