import "./harness/mocks";
import {
  defaultTargetTags,
  ImageReference,
  parseImageReference,
  registryNameProblem,
  sourceImageOf,
  sourceRegistryProblem,
  targetTagProblem,
  untaggedTargetRepository,
} from "../components/lib/acrNames";

const DIGEST = "sha256:" + "ab".repeat(32);

describe("parseImageReference → import source and default targets (az acr import: the full path after the host)", () => {
  // [reference, registryUri, sourceImage, default targetTags]
  const cases: [string, string, string, string[]][] = [
    [
      "mcr.microsoft.com/mcr/hello-world:latest",
      "mcr.microsoft.com",
      "mcr/hello-world:latest",
      ["mcr/hello-world:latest"],
    ],
    ["mcr.microsoft.com/mcr/hello-world", "mcr.microsoft.com", "mcr/hello-world:latest", ["mcr/hello-world:latest"]],
    ["nginx", "docker.io", "library/nginx:latest", ["nginx:latest"]],
    ["nginx:1.25-alpine", "docker.io", "library/nginx:1.25-alpine", ["nginx:1.25-alpine"]],
    ["bitnami/redis:7.2", "docker.io", "bitnami/redis:7.2", ["bitnami/redis:7.2"]],
    ["docker.io/nginx", "docker.io", "library/nginx:latest", ["nginx:latest"]],
    ["index.docker.io/library/busybox:1.36", "docker.io", "library/busybox:1.36", ["library/busybox:1.36"]],
    ["localhost:5000/team/app:v2", "localhost:5000", "team/app:v2", ["team/app:v2"]],
    [
      "myacr.azurecr.io/samples/hello_world:1.0",
      "myacr.azurecr.io",
      "samples/hello_world:1.0",
      ["samples/hello_world:1.0"],
    ],
    [`mcr.microsoft.com/mcr/hello-world@${DIGEST}`, "mcr.microsoft.com", `mcr/hello-world@${DIGEST}`, []],
    [`nginx:1.25@${DIGEST}`, "docker.io", `library/nginx@${DIGEST}`, ["nginx:1.25"]],
  ];
  it.each(cases)("%s", (reference, registryUri, sourceImage, targets) => {
    const image = parseImageReference(reference) as ImageReference;
    expect(typeof image).toBe("object");
    expect(image.registry).toBe(registryUri);
    expect(sourceImageOf(image)).toBe(sourceImage);
    expect(defaultTargetTags(image)).toEqual(targets);
  });
});

describe("parseImageReference rejects", () => {
  it.each([
    ["", /must not be empty/],
    ["   ", /must not be empty/],
    ["Nginx", /invalid repository "Nginx"/],
    ["nginx:", /invalid tag ""/],
    ["nginx:-bad", /invalid tag "-bad"/],
    ["nginx@sha256:1234", /invalid digest/],
    ["mcr.microsoft.com/", /invalid repository ""/],
    ["bad_host.example.com/app", /invalid registry host "bad_host.example.com"/],
    ["my image", /invalid repository/],
  ])("%j", (reference, reason) => {
    expect(parseImageReference(reference)).toMatch(reason);
  });
});

it("checks registry names like ACR (5-50 letters and digits)", () => {
  expect(registryNameProblem("edgeacr01")).toBeUndefined();
  expect(registryNameProblem("A".repeat(50))).toBeUndefined();
  expect(registryNameProblem("abcd")).toMatch(/5-50 letters and digits/);
  expect(registryNameProblem("A".repeat(51))).toMatch(/5-50/);
  expect(registryNameProblem("edge-acr")).toMatch(/no dashes/);
});

it("checks target tags as repository:tag", () => {
  expect(targetTagProblem("hello-world:latest")).toBeUndefined();
  expect(targetTagProblem("edge/team/app:1.0.0")).toBeUndefined();
  for (const bad of ["hello-world", "hello-world:", ":latest", "Hello:1", "app:1 2"]) {
    expect(targetTagProblem(bad)).toMatch(/use repository:tag/);
  }
});

it("refuses a source without a registry host, as az acr import does, and copies a digest untagged into its path", () => {
  const parse = (reference: string) => parseImageReference(reference) as ImageReference;
  expect(sourceRegistryProblem("nginx:1.25", parse("nginx:1.25"))).toMatch(
    /names no registry host.*docker\.io\/library\/nginx:1\.25.*sourceRegistryId/,
  );
  expect(sourceRegistryProblem("docker.io/nginx:1.25", parse("docker.io/nginx:1.25"))).toBeUndefined();
  expect(untaggedTargetRepository(parse(`mcr.microsoft.com/mcr/hello-world@${DIGEST}`))).toBe("mcr/hello-world");
});
