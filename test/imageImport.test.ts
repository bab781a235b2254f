import { cloud, constructionError, resetCloud, settle, SUBSCRIPTION_ID, unwrap } from "./harness/mocks";
import * as pulumi from "@pulumi/pulumi";
import { ImageImport, ImageImportArgs, ImportMode } from "../components";

const IMPORT = "pulumi-nodejs:dynamic/edge-registry:ImageImport";
const DIGEST = "sha256:" + "c2".repeat(32);

beforeEach(() => resetCloud());

/** The dynamic resource's inputs without the serialized provider. */
function request(name: string): Record<string, unknown> {
  const { __provider, ...inputs } = cloud.get(IMPORT, name).inputs;
  expect(typeof __provider).toBe("string");
  return inputs;
}

it("imports mcr hello-world into hello-world:latest with NoForce, in the client config's subscription", async () => {
  const image = new ImageImport("hello", {
    resourceGroupName: "rg",
    registryName: "edgeacr01",
    source: "mcr.microsoft.com/mcr/hello-world:latest",
  });
  await settle();
  expect(cloud.countsByType()).toEqual({ [IMPORT]: 1, "edge-registry:index:ImageImport": 1 });
  expect(request("hello")).toEqual({
    subscriptionId: SUBSCRIPTION_ID,
    resourceGroupName: "rg",
    registryName: "edgeacr01",
    registryUri: "mcr.microsoft.com",
    sourceImage: "mcr/hello-world:latest",
    targetTags: ["mcr/hello-world:latest"],
    untaggedTargetRepositories: [],
    mode: "NoForce",
  });
  expect(cloud.calls.map((c) => c.token)).toEqual(["azure-native:authorization:getClientConfig"]);
  expect(await unwrap(image.targetTags)).toEqual(["mcr/hello-world:latest"]);
});

it("uses explicit targets, mode and subscription", async () => {
  const subscriptionId = "11111111-2222-3333-4444-555555555555";
  const image = new ImageImport("nginx", {
    resourceGroupName: "rg",
    registryName: "edgeacr01",
    source: "docker.io/library/nginx:1.25",
    targetTags: ["web/nginx:1.25", "web/nginx:stable"],
    mode: ImportMode.Force,
    subscriptionId,
  });
  await settle();
  expect(request("nginx")).toMatchObject({
    subscriptionId,
    registryUri: "docker.io",
    sourceImage: "library/nginx:1.25",
    targetTags: ["web/nginx:1.25", "web/nginx:stable"],
    mode: "Force",
  });
  expect(cloud.calls).toEqual([]);
  expect(await unwrap(image.targetTags)).toEqual(["web/nginx:1.25", "web/nginx:stable"]);
});

it("copies a digest untagged, or tags it when targets are given", async () => {
  new ImageImport("pinned", {
    resourceGroupName: "rg",
    registryName: "edgeacr01",
    source: `mcr.microsoft.com/mcr/hello-world@${DIGEST}`,
  });
  new ImageImport("pinned-tagged", {
    resourceGroupName: "rg",
    registryName: "edgeacr01",
    source: `mcr.microsoft.com/mcr/hello-world@${DIGEST}`,
    targetTags: ["hello-world:pinned"],
  });
  await settle();
  expect(request("pinned")).toMatchObject({
    sourceImage: `mcr/hello-world@${DIGEST}`,
    targetTags: [],
    untaggedTargetRepositories: ["mcr/hello-world"],
  });
  expect(request("pinned-tagged")).toMatchObject({
    sourceImage: `mcr/hello-world@${DIGEST}`,
    targetTags: ["hello-world:pinned"],
    untaggedTargetRepositories: [],
  });
});

it("resolves deploy-time sources and targets", async () => {
  new ImageImport("late", {
    resourceGroupName: "rg",
    registryName: pulumi.output("edgeacr01"),
    source: pulumi.output("docker.io/library/busybox"),
    targetTags: pulumi.output(["tools/busybox:latest"]),
  });
  await settle();
  expect(request("late")).toMatchObject({
    registryName: "edgeacr01",
    registryUri: "docker.io",
    sourceImage: "library/busybox:latest",
    targetTags: ["tools/busybox:latest"],
  });
});

it("two instances in one stack do not collide", async () => {
  const args = { resourceGroupName: "rg", registryName: "edgeacr01", source: "docker.io/library/nginx" };
  new ImageImport("a", args);
  new ImageImport("b", { ...args, targetTags: ["nginx:copy"] });
  await settle();
  expect(cloud.duplicateUrns).toEqual([]);
  expect(cloud.ofType(IMPORT).map((r) => r.name)).toEqual(["a", "b"]);
});

describe("bad input fails at construction, naming the argument", () => {
  const base: ImageImportArgs = {
    resourceGroupName: "rg",
    registryName: "edgeacr01",
    source: "docker.io/library/nginx",
  };
  it.each<[string, Partial<ImageImportArgs>, string]>([
    ["an empty source", { source: "" }, "source"],
    ["an invalid source", { source: "MCR.microsoft.com/Hello World" }, "source"],
    ["a bad digest", { source: "docker.io/library/nginx@sha256:abc" }, "source"],
    ["a target without tag", { targetTags: ["hello-world"] }, "targetTags[0]"],
    ["a target with a bad tag", { targetTags: ["ok:1", "hello:-x"] }, "targetTags[1]"],
    ["no targets", { targetTags: [] }, "targetTags"],
    ["a duplicate target", { targetTags: ["a:1", "a:1"] }, "targetTags"],
    ["an unknown mode", { mode: "Overwrite" as ImportMode }, "mode"],
    ["an invalid registry name", { registryName: "edge-acr" }, "registryName"],
  ])("%s", (_label, args, path) => {
    const error = constructionError(() => new ImageImport("bad", { ...base, ...args }));
    expect(error.propertyPath).toBe(path);
    expect(error.message.startsWith(`${path}: `)).toBe(true);
  });
});

it("imports from an Azure registry of the same tenant by resource id (source.resourceId), as az does", async () => {
  const sourceRegistryId = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/shared/providers/Microsoft.ContainerRegistry/registries/corpacr`;
  new ImageImport("from-acr", {
    resourceGroupName: "rg",
    registryName: "edgeacr01",
    source: "app/web:1.0",
    sourceRegistryId,
  });
  await settle();
  const inputs = request("from-acr");
  expect(inputs).toMatchObject({
    sourceResourceId: sourceRegistryId,
    sourceImage: "app/web:1.0",
    targetTags: ["app/web:1.0"],
  });
  expect(inputs.registryUri).toBeUndefined();
});

it.each([
  ["a source without a registry host", { source: "nginx:1.25" }, "source", /names no registry host/],
  [
    "a host with sourceRegistryId",
    {
      source: "corpacr.azurecr.io/app/web:1.0",
      sourceRegistryId: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/shared/providers/Microsoft.ContainerRegistry/registries/corpacr`,
    },
    "source",
    /already names the registry/,
  ],
  [
    "a malformed sourceRegistryId",
    { source: "app/web:1.0", sourceRegistryId: "corpacr" },
    "sourceRegistryId",
    /ARM id/,
  ],
])("refuses %s", (_label, override, path, reason) => {
  const error = constructionError(
    () =>
      new ImageImport("bad", {
        resourceGroupName: "rg",
        registryName: "edgeacr01",
        ...(override as Pick<ImageImportArgs, "source" | "sourceRegistryId">),
      }),
  );
  expect(error.propertyPath).toBe(path);
  expect(error.reason).toMatch(reason);
});
