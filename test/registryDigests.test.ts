/** The pure parts of lib/registryDigests.ts (the requests themselves are exercised in imageImportSdk.test.ts). */
import { bearerChallenge, distributionHost, manifestMediaTypes } from "../components/lib/registryDigests";

it("parses Docker Hub's token challenge (the Docker token spec's example)", () => {
  expect(
    bearerChallenge(
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
    ),
  ).toEqual({
    realm: "https://auth.docker.io/token",
    service: "registry.docker.io",
    scope: "repository:library/nginx:pull",
  });
  expect(bearerChallenge('Basic realm="registry"')).toBeUndefined();
  expect(bearerChallenge(undefined)).toBeUndefined();
});

it("reads Docker Hub through its distribution host, any other registry through itself", () => {
  expect(["docker.io", "index.docker.io", "registry.hub.docker.com"].map(distributionHost)).toEqual([
    "registry-1.docker.io",
    "registry-1.docker.io",
    "registry-1.docker.io",
  ]);
  expect(distributionHost("MCR.microsoft.com")).toBe("mcr.microsoft.com");
  expect(distributionHost("registry.local:5000")).toBe("registry.local:5000");
});

it("accepts image indexes and manifest lists before single manifests (the digest ACR copies for multi-platform images)", () => {
  expect(manifestMediaTypes.slice(0, 2)).toEqual([
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
  ]);
});
