/**
 * The site program (program/) in fleet mode: `hubStack` set, it reads its site from the hub through a
 * `StackReference` (mocked: `pulumi:pulumi:StackReference` answers with the outputs the hub program itself produced
 * under the same mocks) and deploys the cluster side only: no registry, connected registry or token in the site stack.
 */
import { cloud, resetCloud, settle, unwrap } from "./harness/mocks";
import * as pulumi from "@pulumi/pulumi";
import { loadProgram } from "../plan/program";
import { deployHub } from "../fleet/hub/hub";
import { deployHubSite, inventoryClusterType, siteOf } from "../fleet/site";
import { ClusterType } from "../components";
import { revealSecrets } from "./harness/plainState";
import { opensslSelfSigned } from "./harness/certificates";

const project = pulumi.getProject();
const HUB_STACK = "contoso/edge-registry-hub/prod";

/** The hub's outputs for its example inventory, as `pulumi stack output --show-secrets --json` would give them. */
async function hubOutputs(): Promise<{ sites: any; siteSecrets: any }> {
  resetCloud();
  const settings = loadProgram(`${__dirname}/../fleet/hub`, "example");
  pulumi.runtime.setAllConfig(
    Object.fromEntries(
      Object.entries(settings.config).map(([k, v]) => [k.replace(/^edge-registry-hub:/, `${project}:`), v]),
    ),
  );
  const hub = deployHub(new pulumi.Config());
  const outputs = { sites: await unwrap(hub.sites), siteSecrets: await unwrap(hub.siteSecrets) };
  await settle();
  return outputs;
}

let hub: { sites: any; siteSecrets: any };
beforeAll(async () => {
  hub = await hubOutputs();
});

/**
 * Runs the site program (program/index.ts) afresh, as each `pulumi up` runs it once, under the current config; returns
 * its exports. Only the entry module is evaluated again: every module it reaches that this file has already loaded is
 * that same module (one SDK instance and one set of components, as in a real run), where `jest.isolateModules` alone
 * would evaluate a second copy of them all, the SDK's runtime, gRPC and TypeScript included, for every run (~1-2 s
 * of CPU each).
 */
function runSiteProgram(): any {
  const entry = require.resolve("../program/index.ts");
  // Taken before isolating: inside jest.isolateModules, `require.cache` is the isolated registry.
  const loaded = Object.keys(require.cache)
    .filter((file) => file !== entry)
    .map((file) => [file, require.cache[file]!.exports] as const);
  let program: any;
  try {
    jest.isolateModules(() => {
      for (const [file, exports] of loaded) {
        jest.doMock(file, () => exports);
      }
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      program = require(entry);
    });
  } finally {
    for (const [file] of loaded) {
      jest.dontMock(file);
    }
  }
  return program;
}

/** Resets the mocks and answers the hub's StackReference with the hub's outputs (`siteSecrets` secret). */
function withHub(config: Record<string, string>, outputs: { sites: any; siteSecrets: any } = hub): void {
  resetCloud();
  cloud.rules["pulumi:pulumi:StackReference"] = ({ inputs }) => ({
    id: inputs.name,
    state: { name: inputs.name, outputs, secretOutputNames: ["siteSecrets"] },
  });
  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries({ hubStack: HUB_STACK, ...config }).map(([k, v]) => [`${project}:${k}`, v])),
  );
}

it("a nested site deploys only its cluster side, from the hub's outputs", async () => {
  const parentCa = opensslSelfSigned("IP:10.20.0.10").certificatePem;
  withHub({ siteName: "factory01floor1", serviceClusterIP: "10.30.0.10", parentCaCertificatePem: parentCa });
  const program = runSiteProgram();
  await settle();
  expect(cloud.duplicateUrns).toEqual([]);
  const types = new Set(cloud.resources.map((r) => r.type));
  expect(
    [...types].filter((t) => t.startsWith("azure-native:containerregistry") || t.includes("TokenPassword")),
  ).toEqual([]);
  // One site component: EdgeRegistrySite's cluster-only form, fed by the hub's outputs.
  expect(cloud.ofType("edge-registry:index:EdgeRegistrySite").map((r) => r.name)).toEqual(["site"]);
  expect(cloud.ofType("pulumi:pulumi:StackReference").map((r) => r.inputs.name)).toEqual([HUB_STACK]);

  const extension = revealSecrets(cloud.ofType("azure-native:kubernetesconfiguration:Extension")[0].inputs) as any;
  expect(extension).toMatchObject({
    clusterName: "factory01floor1-arc",
    resourceGroupName: "fleet-rg",
    clusterRp: "Microsoft.Kubernetes",
    clusterResourceName: "connectedClusters",
    extensionName: "factory01floor1",
  });
  expect(extension.configurationProtectedSettings).toEqual({
    connectionString: hub.siteSecrets.factory01floor1.connectionString,
  });
  expect(extension.configurationProtectedSettings.connectionString).toContain("ParentGatewayEndpoint=10.20.0.10;");

  // The pull secret logs in with the hub's client token for this site.
  const secret = revealSecrets(cloud.ofType("kubernetes:core/v1:Secret")[0].inputs) as any;
  const auths = JSON.parse(Buffer.from(secret.data[".dockerconfigjson"], "base64").toString()).auths;
  expect(auths["10.30.0.10"]).toMatchObject(hub.siteSecrets.factory01floor1.clientCredentials.floor1pull);
  expect(auths["10.30.0.10"].username).toBe("floor1pull");
  const pod = cloud.ofType("kubernetes:apps/v1:Deployment")[0].inputs.spec.template.spec;
  expect(pod.containers[0].image).toBe("10.30.0.10/hello-world:latest");

  // The parent's trust on the nodes, at the address the hub pointed the site at.
  expect(cloud.ofType("edge-registry:index:NodeRegistryTrust").map((r) => r.name)).toEqual(["site-parent-trust"]);
  expect(
    JSON.stringify(cloud.resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.inputs)),
  ).toContain("10.20.0.10");

  expect(await unwrap(program.registryLoginServer)).toBe("fleetacr1.azurecr.io");
  expect(await unwrap(program.connectedRegistryName)).toBe("factory01floor1");
  expect(await unwrap(program.workloadImage)).toBe("10.30.0.10/hello-world:latest");
  expect(program.connectionString).toBeUndefined();
});

it("a site the hub does not know fails, listing the hub's sites", () => {
  expect(() => siteOf(hub.sites, "store999", HUB_STACK, "sites")).toThrow(
    `the hub stack ${HUB_STACK} has no site "store999" in its sites (its sites: store001, store002, factory01, factory01floor1); set siteName`,
  );
  expect(siteOf<any>(hub.sites, "store001", HUB_STACK, "sites").clusterName).toBe("store001-arc");
});

it("cloud-side keys are refused with hubStack, naming them", () => {
  withHub({ serviceClusterIP: "10.30.0.10", repositories: '["x"]', registryName: "acr" });
  expect(() => deployHubSite(new pulumi.Config(), HUB_STACK)).toThrow(
    `Configuration '${project}:registryName', '${project}:repositories' is set, but with hubStack the hub's inventory owns the site's cloud side`,
  );
});

it("siteName without hubStack is refused (it only names a site of a hub)", () => {
  resetCloud();
  pulumi.runtime.setAllConfig({
    [`${project}:resourceGroupName`]: "rg",
    [`${project}:clusterName`]: "c",
    [`${project}:serviceClusterIP`]: "10.0.0.1",
    [`${project}:siteName`]: "store001",
  });
  expect(runSiteProgram).toThrow(
    `Configuration '${project}:siteName' names a site of a hub: set hubStack too, or remove siteName.`,
  );
});

describe("the inventory's clusterType and extension version", () => {
  /** The hub's outputs with store001 on AKS, pinned to an extension version. */
  const managed = () => ({
    ...hub,
    sites: {
      ...hub.sites,
      store001: { ...hub.sites.store001, clusterType: "ManagedClusters", extensionVersion: "1.2.0" },
    },
  });

  it("a managed-cluster site gets its extension on the AKS cluster, at the version the hub pins", async () => {
    withHub({ siteName: "store001", serviceClusterIP: "10.30.0.10" }, managed());
    runSiteProgram();
    await settle();
    const extension = cloud.ofType("azure-native:kubernetesconfiguration:Extension")[0].inputs;
    expect(extension).toMatchObject({
      clusterRp: "Microsoft.ContainerService",
      clusterResourceName: "managedClusters",
      clusterName: "store001-arc",
      version: "1.2.0",
      autoUpgradeMinorVersion: false,
      releaseTrain: "preview",
    });
  });

  it("an Arc site without a pinned version upgrades automatically on the hub's release train", async () => {
    withHub({ siteName: "store001", serviceClusterIP: "10.30.0.10" });
    runSiteProgram();
    await settle();
    const extension = cloud.ofType("azure-native:kubernetesconfiguration:Extension")[0].inputs;
    expect(extension).toMatchObject({
      clusterRp: "Microsoft.Kubernetes",
      clusterResourceName: "connectedClusters",
      autoUpgradeMinorVersion: true,
      releaseTrain: "preview",
    });
    expect(extension.version).toBeUndefined();
  });

  it("a clusterType in the site stack may repeat the inventory's, not contradict it", () => {
    const key = `${project}:clusterType`;
    expect(inventoryClusterType("ManagedClusters", undefined, key, "store001", HUB_STACK)).toBe("ManagedClusters");
    expect(inventoryClusterType(undefined, undefined, key, "store001", HUB_STACK)).toBe("ConnectedClusters");
    expect(inventoryClusterType("ManagedClusters", ClusterType.ManagedClusters, key, "store001", HUB_STACK)).toBe(
      "ManagedClusters",
    );
    expect(() =>
      inventoryClusterType("ManagedClusters", ClusterType.ConnectedClusters, key, "store001", HUB_STACK),
    ).toThrow(
      `Configuration '${key}' is ConnectedClusters, but site "store001" is ManagedClusters in ${HUB_STACK}: set clusterType on the site's entry in the hub's inventory`,
    );
  });
});
