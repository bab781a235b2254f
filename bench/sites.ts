/**
 * The programs the benchmarks evaluate: a fleet of independent edge sites, and ten sites sharing one registry.
 *
 * Every site gets distinct names (registry, connected registry, cluster) so one stack holds all of them; the
 * sites share a resource group. Workloads are pinned by digest (the secure choice, and no `latest` warning
 * per site in the output).
 */
import { ContainerRegistry, EdgeRegistrySite, EdgeRegistrySiteArgs } from "../components";

export const RESOURCE_GROUP = "rg-edge";
const WORKLOAD_DIGEST = `sha256:${"ab".repeat(32)}`;

/** The arguments of site `i`: the quickstart defaults (own registry, hello-world import, cert-manager TLS). */
export function siteArgs(i: number): EdgeRegistrySiteArgs {
  return {
    resourceGroupName: RESOURCE_GROUP,
    clusterName: `cluster-${i}`,
    serviceClusterIP: "192.100.100.1",
    workloadDigest: WORKLOAD_DIGEST,
  };
}

/** `count` independent sites, each with its own registry. */
export function fleet(count: number, prefix = "edge-site"): EdgeRegistrySite[] {
  return Array.from({ length: count }, (_, i) => new EdgeRegistrySite(`${prefix}-${i}`, siteArgs(i)));
}

/**
 * `count` sites sharing one registry created once (with the hello-world import), passed by name as the
 * sites' `existingRegistryName` (an output, so every site still waits for that one registry).
 */
export function sharedRegistryFleet(count: number): EdgeRegistrySite[] {
  const registry = new ContainerRegistry("shared", {
    resourceGroupName: RESOURCE_GROUP,
    registryName: "sharededgeregistry",
    imports: [{ source: "mcr.microsoft.com/mcr/hello-world:latest" }],
  });
  return Array.from(
    { length: count },
    (_, i) =>
      new EdgeRegistrySite(`edge-site-${i}`, {
        ...siteArgs(i),
        existingRegistryName: registry.registryName,
        imports: [],
      }),
  );
}
