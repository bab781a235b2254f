/**
 * The ImageImport dynamic provider against a fake SDK client. The expected request follows the Azure
 * REST spec example `ImportImageFromPublicRegistry` (`POST .../importImage` with
 * `{source: {registryUri, sourceImage}, targetTags, untaggedTargetRepositories?, mode}`).
 */
import "./mocks";
import type { ImportImageParameters } from "@azure/arm-containerregistry";
import type { RegistryClient } from "../components/azureClient";
import { ImageImportProps, makeImageImportProvider } from "../components/providers/imageImportProvider";

interface ImportCall {
  subscriptionId: string;
  resourceGroupName: string;
  registryName: string;
  parameters: ImportImageParameters;
}

function fakeClient(failWith?: Error) {
  const calls: ImportCall[] = [];
  const clientFor = (subscriptionId: string) =>
    ({
      registries: {
        beginImportImageAndWait: async (
          resourceGroupName: string,
          registryName: string,
          parameters: ImportImageParameters,
        ) => {
          calls.push({ subscriptionId, resourceGroupName, registryName, parameters });
          if (failWith) {
            throw failWith;
          }
        },
      },
    }) as unknown as RegistryClient;
  return { calls, provider: makeImageImportProvider(clientFor) };
}

const SUB = "00000000-0000-0000-0000-000000000000";
const hello: ImageImportProps = {
  subscriptionId: SUB,
  resourceGroupName: "myResourceGroup",
  registryName: "myRegistry",
  registryUri: "mcr.microsoft.com",
  sourceImage: "mcr/hello-world:latest",
  targetTags: ["hello-world:latest"],
  untaggedTargetRepositories: [],
  mode: "NoForce",
};

describe("create", () => {
  it("sends exactly one import request for a tag", async () => {
    const { calls, provider } = fakeClient();
    const result = await provider.create(hello);
    expect(calls).toEqual([
      {
        subscriptionId: SUB,
        resourceGroupName: "myResourceGroup",
        registryName: "myRegistry",
        parameters: {
          source: { registryUri: "mcr.microsoft.com", sourceImage: "mcr/hello-world:latest" },
          targetTags: ["hello-world:latest"],
          mode: "NoForce",
        },
      },
    ]);
    expect(result).toEqual({
      id: `/subscriptions/${SUB}/resourceGroups/myResourceGroup/providers/Microsoft.ContainerRegistry/registries/myRegistry/imports/hello-world:latest`,
      outs: hello,
    });
  });

  it("copies a digest untagged when there are no target tags", async () => {
    const { calls, provider } = fakeClient();
    const digest = "sha256:" + "0f".repeat(32);
    await provider.create({
      ...hello,
      sourceImage: `mcr/hello-world@${digest}`,
      targetTags: [],
      untaggedTargetRepositories: ["hello-world"],
      mode: "Force",
    });
    expect(calls[0].parameters).toEqual({
      source: { registryUri: "mcr.microsoft.com", sourceImage: `mcr/hello-world@${digest}` },
      untaggedTargetRepositories: ["hello-world"],
      mode: "Force",
    });
  });

  it("explains a NoForce conflict and how to fix it", async () => {
    const { provider } = fakeClient(new Error("Tag hello-world:latest already exists in target registry"));
    await expect(provider.create(hello)).rejects.toThrow(
      /importing mcr\.microsoft\.com\/mcr\/hello-world:latest into registry myRegistry failed: Tag .* already exists.*set mode to Force/,
    );
  });

  it("passes other failures through without the Force hint", async () => {
    const { provider } = fakeClient(new Error("AuthorizationFailed"));
    await expect(provider.create(hello)).rejects.toThrow(/failed: AuthorizationFailed\.$/);
  });
});

describe("diff", () => {
  it("reports no change for identical inputs", async () => {
    const { provider } = fakeClient();
    expect(await provider.diff!("id", hello, { ...hello })).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it.each<[keyof ImageImportProps, unknown]>([
    ["sourceImage", "mcr/hello-world:nanoserver"],
    ["registryUri", "docker.io"],
    ["targetTags", ["hello:1"]],
    ["mode", "Force"],
    ["registryName", "otherRegistry"],
    ["untaggedTargetRepositories", ["hello-world"]],
  ])("replaces when %s changes", async (key, value) => {
    const { provider } = fakeClient();
    const diff = await provider.diff!("id", hello, { ...hello, [key]: value });
    expect(diff).toEqual({ changes: true, replaces: [key], deleteBeforeReplace: false });
  });
});

it("delete keeps the imported tags: it calls nothing", async () => {
  const { calls, provider } = fakeClient();
  await provider.delete!("id", hello);
  expect(calls).toEqual([]);
});

it("imports from a registry of the same tenant by source.resourceId instead of registryUri", async () => {
  const { calls, provider } = fakeClient();
  const resourceId = `/subscriptions/${SUB}/resourceGroups/shared/providers/Microsoft.ContainerRegistry/registries/corpacr`;
  await provider.create({
    ...hello,
    registryUri: undefined,
    sourceResourceId: resourceId,
    sourceImage: "app/web:1.0",
    targetTags: ["app/web:1.0"],
  });
  expect(calls[0].parameters.source).toEqual({ resourceId, sourceImage: "app/web:1.0" });
});
