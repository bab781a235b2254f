import { SUBSCRIPTION_ID, cloud, constructionError, isSecret, resetCloud, settle, unwrap } from "./harness/mocks";
import { plainStateContaining, resetPlainState } from "./harness/plainState";
import * as pulumi from "@pulumi/pulumi";
import { validate as isUuid, version as uuidVersion } from "uuid";
import { AcrRole, RegistryServicePrincipal, RegistryServicePrincipalArgs } from "../components";

const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const APPLICATION = "azuread:index/application:Application";
const SERVICE_PRINCIPAL = "azuread:index/servicePrincipal:ServicePrincipal";
const PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
const REGISTRY_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/myacr`;
const OTHER_SUBSCRIPTION = "11111111-2222-4333-8444-555555555555";
const EXISTING_PRINCIPAL = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

async function render(args: RegistryServicePrincipalArgs, name = "acr-pull") {
  resetCloud();
  resetPlainState();
  const component = new RegistryServicePrincipal(name, args);
  await settle();
  return { component, assignment: cloud.get(ROLE_ASSIGNMENT, name) };
}

describe("a new service principal with AcrPull (seed 002)", () => {
  let rendered: Awaited<ReturnType<typeof render>>;
  beforeAll(async () => {
    rendered = await render({ registryId: REGISTRY_ID });
  });

  it("creates an application, its service principal, a password and one role assignment", () => {
    expect(cloud.countsByType()).toEqual({
      [APPLICATION]: 1,
      [PASSWORD]: 1,
      [SERVICE_PRINCIPAL]: 1,
      [ROLE_ASSIGNMENT]: 1,
      "edge-registry:index:RegistryServicePrincipal": 1,
    });
    expect(cloud.duplicateUrns).toEqual([]);
  });

  it("assigns the AcrPull role definition of the registry's subscription, scoped to the registry", () => {
    const servicePrincipal = cloud.get(SERVICE_PRINCIPAL, "acr-pull");
    expect(rendered.assignment.inputs).toEqual({
      scope: REGISTRY_ID,
      principalId: servicePrincipal.state.objectId,
      principalType: "ServicePrincipal",
      roleDefinitionId: `/subscriptions/${SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d`,
      roleAssignmentName: expect.any(String),
    });
    const name = rendered.assignment.inputs.roleAssignmentName;
    expect(isUuid(name) && uuidVersion(name)).toBe(5);
  });

  it("links application, service principal and password, owned by the deploying identity", () => {
    const application = cloud.get(APPLICATION, "acr-pull");
    const owner = cloud.calls.find((c) => c.token === "azuread:index/getClientConfig:getClientConfig");
    expect(owner).toBeDefined();
    expect(application.inputs).toEqual({
      displayName: "edge-registry-test-acr-pull",
      owners: ["5e1c2b3a-4d6f-4a8b-9c0d-1e2f3a4b5c6d"],
    });
    expect(cloud.get(SERVICE_PRINCIPAL, "acr-pull").inputs).toEqual({
      clientId: application.state.clientId,
      owners: ["5e1c2b3a-4d6f-4a8b-9c0d-1e2f3a4b5c6d"],
    });
    // A relative expiry, evaluated by the provider at creation: the input is the same on every run.
    expect(cloud.get(PASSWORD, "acr-pull").inputs).toEqual({
      applicationId: application.id,
      displayName: "edge-registry pull",
      endDateRelative: "8760h",
    });
  });

  it("outputs the client id, the principal id and the password, which is secret and nowhere in clear text", async () => {
    const { component } = rendered;
    const application = cloud.get(APPLICATION, "acr-pull");
    const password = cloud.get(PASSWORD, "acr-pull").state.value;
    expect(await unwrap(component.clientId)).toBe(application.state.clientId);
    expect(await unwrap(component.principalId)).toBe(cloud.get(SERVICE_PRINCIPAL, "acr-pull").state.objectId);
    expect(await unwrap(component.password)).toBe(password);
    expect(await isSecret(component.password)).toBe(true);
    expect(plainStateContaining(password).filter((label) => !label.startsWith(PASSWORD))).toEqual([]);
    // The search is not vacuous: the (non-secret) client id is found where the service principal records it.
    expect(plainStateContaining(application.state.clientId)).toContain(`${SERVICE_PRINCIPAL}::acr-pull`);
  });
});

describe("the role assignment name", () => {
  it("is the same on every run for the same inputs, and differs by role, scope and principal", async () => {
    const names = [];
    for (const args of [
      { registryId: REGISTRY_ID, existingPrincipalId: EXISTING_PRINCIPAL },
      { registryId: REGISTRY_ID, existingPrincipalId: EXISTING_PRINCIPAL },
      {
        registryId: REGISTRY_ID.toUpperCase().replace(SUBSCRIPTION_ID.toUpperCase(), SUBSCRIPTION_ID),
        existingPrincipalId: EXISTING_PRINCIPAL,
      },
      { registryId: REGISTRY_ID, existingPrincipalId: EXISTING_PRINCIPAL, role: AcrRole.AcrPush },
      { registryId: REGISTRY_ID.replace("myacr", "otheracr"), existingPrincipalId: EXISTING_PRINCIPAL },
      { registryId: REGISTRY_ID, existingPrincipalId: EXISTING_PRINCIPAL.replace("9a8b", "0000") },
    ]) {
      names.push((await render(args)).assignment.inputs.roleAssignmentName);
    }
    expect(names[1]).toBe(names[0]);
    expect(names[2]).toBe(names[0]); // ARM ids are case-insensitive
    expect(new Set(names.slice(2)).size).toBe(4);
  });

  it("is also stable for a new service principal across runs", async () => {
    const first = (await render({ registryId: REGISTRY_ID })).assignment.inputs.roleAssignmentName;
    const second = (await render({ registryId: REGISTRY_ID })).assignment.inputs.roleAssignmentName;
    expect(second).toBe(first);
  });
});

describe("roles and subscriptions", () => {
  it.each([
    [AcrRole.AcrPush, "8311e382-0749-4cb8-b61a-304f252e45ec"],
    [AcrRole.Owner, "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"],
  ])("%s uses role definition %s", async (role, guid) => {
    const { assignment } = await render({ registryId: REGISTRY_ID, role });
    expect(assignment.inputs.roleDefinitionId).toBe(
      `/subscriptions/${SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
    );
  });

  it("takes the subscription from the registry id, also when it is an output", async () => {
    const registryId = REGISTRY_ID.replace(SUBSCRIPTION_ID, OTHER_SUBSCRIPTION);
    const { assignment } = await render({ registryId: pulumi.output(registryId) });
    expect(assignment.inputs.scope).toBe(registryId);
    expect(assignment.inputs.roleDefinitionId).toMatch(new RegExp(`^/subscriptions/${OTHER_SUBSCRIPTION}/providers/`));
  });
});

describe("an existing principal", () => {
  it("gets only the role assignment", async () => {
    const { component, assignment } = await render({
      registryId: REGISTRY_ID,
      existingPrincipalId: EXISTING_PRINCIPAL,
    });
    expect(cloud.countsByType()).toEqual({ [ROLE_ASSIGNMENT]: 1, "edge-registry:index:RegistryServicePrincipal": 1 });
    expect(assignment.inputs.principalId).toBe(EXISTING_PRINCIPAL);
    expect(assignment.inputs.principalType).toBe("ServicePrincipal");
    expect(await unwrap(component.principalId)).toBe(EXISTING_PRINCIPAL);
    expect(await unwrap(component.clientId)).toBe("");
    expect(await unwrap(component.password)).toBe("");
    expect(await isSecret(component.password)).toBe(true);
  });
});

describe("password expiry and rotation", () => {
  it("uses an absolute end date when given, and replaces the password through rotateWhenChanged", async () => {
    await render({ registryId: REGISTRY_ID, passwordEndDate: "2099-01-31T00:00:00Z", rotationTrigger: "2026-q1" });
    expect(cloud.get(PASSWORD, "acr-pull").inputs).toMatchObject({
      endDate: "2099-01-31T00:00:00Z",
      rotateWhenChanged: { rotationTrigger: "2026-q1" },
    });
    expect(cloud.get(PASSWORD, "acr-pull").inputs.endDateRelative).toBeUndefined();
  });

  it("turns passwordValidityHours into a relative end date", async () => {
    await render({ registryId: REGISTRY_ID, passwordValidityHours: 720 });
    expect(cloud.get(PASSWORD, "acr-pull").inputs.endDateRelative).toBe("720h");
  });
});

describe("bad input fails at construction, naming the argument", () => {
  it.each([
    ["registryId", { registryId: "myacr" }, "not a container registry ARM id"],
    [
      "registryId",
      {
        registryId: REGISTRY_ID.replace("Microsoft.ContainerRegistry/registries", "Microsoft.Storage/storageAccounts"),
      },
      "not a container registry ARM id",
    ],
    ["role", { role: "AcrDelete" as AcrRole }, 'use one of "AcrPull", "AcrPush", "Owner"'],
    ["existingPrincipalId", { existingPrincipalId: "my-sp" }, "not an object id"],
    [
      "displayName",
      { existingPrincipalId: EXISTING_PRINCIPAL, displayName: "x" },
      "cannot be combined with existingPrincipalId",
    ],
    ["passwordEndDate", { passwordEndDate: "next year" }, "RFC 3339"],
    ["passwordEndDate", { passwordEndDate: "2020-01-31T00:00:00Z" }, "is in the past (now is "],
    ["passwordEndDate", { passwordEndDate: "2020-01-31T00:00:00+02:00" }, "set a future end date"],
    ["passwordEndDate", { passwordEndDate: new Date(Date.now() - 60_000).toISOString() }, "is in the past"],
    ["passwordValidityHours", { passwordValidityHours: 0 }, "whole number of hours"],
    [
      "passwordValidityHours",
      { passwordEndDate: "2099-01-31T00:00:00Z", passwordValidityHours: 24 },
      "cannot be combined with passwordEndDate",
    ],
  ] as [string, Partial<RegistryServicePrincipalArgs>, string][])("%s: %j", (path, bad, reason) => {
    const error = constructionError(() => new RegistryServicePrincipal("bad", { registryId: REGISTRY_ID, ...bad }));
    expect(error.propertyPath).toBe(path);
    expect(error.message.startsWith(`${path}: `)).toBe(true);
    expect(error.message).toContain(reason);
  });
});
