/**
 * ARM routes for a fleet's status on the fake Azure (test/fakes/azure.ts): per site, `GET` of its connected
 * registry (`Microsoft.ContainerRegistry/registries/{registry}/connectedRegistries/{name}`, the REST spec's
 * `ConnectedRegistry` JSON) and of its Arc extension (`Microsoft.Kubernetes/connectedClusters/{cluster}/providers/
 * Microsoft.KubernetesConfiguration/extensions/{name}`). A site without `connectedRegistry` / `extension` answers
 * 404 `ResourceNotFound` for it, as ARM does.
 */
import type { ArmResponse, FakeAzure } from "./azure";

/** One site as the fake ARM holds it. */
export interface FakeFleetSite {
  readonly name: string;
  readonly resourceGroupName: string;
  readonly registryName: string;
  readonly clusterResourceGroupName: string;
  readonly clusterName: string;
  /** The connected registry's read-only state; undefined = it does not exist. */
  readonly connectedRegistry?: {
    connectionState: string;
    activation: string;
    lastSyncTime?: string;
    statusDetails?: { type: string; code: string; description: string }[];
  };
  /** The extension's provisioning state; undefined = it does not exist. */
  readonly extension?: { provisioningState: string };
  /** Milliseconds before answering (to observe concurrency and time bounds). */
  readonly delayMs?: number;
}

const notFound = (what: string): ArmResponse => ({
  status: 404,
  body: { error: { code: "ResourceNotFound", message: `The Resource '${what}' was not found.` } },
});

/** Serves the sites' connected registries and extensions; returns the per-site count of requests in flight. */
export function addFakeFleet(fake: FakeAzure, sites: readonly FakeFleetSite[]): { maxInFlight(): number } {
  let inFlight = 0;
  let maxInFlight = 0;
  const find = (pick: (s: FakeFleetSite) => boolean) => sites.find(pick);
  const same = (a: string, b: string) => decodeURIComponent(a).toLowerCase() === b.toLowerCase();
  const delayed = async (site: FakeFleetSite | undefined, answer: () => ArmResponse): Promise<ArmResponse> => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      if (site?.delayMs) {
        await new Promise((resolve) => setTimeout(resolve, site.delayMs).unref());
      }
      return answer();
    } finally {
      inFlight--;
    }
  };
  fake.route(
    "GET",
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerRegistry\/registries\/([^/]+)\/connectedRegistries\/([^/]+)$/i,
    ({ match }) => {
      const [path, subscriptionId, rg, registry, name] = match as RegExpExecArray;
      const site = find((s) => same(rg, s.resourceGroupName) && same(registry, s.registryName) && same(name, s.name));
      return delayed(site, () => {
        if (site?.connectedRegistry === undefined) {
          return notFound(path);
        }
        const cr = site.connectedRegistry;
        const registryId = `/subscriptions/${subscriptionId}/resourceGroups/${rg}/providers/Microsoft.ContainerRegistry/registries/${registry}`;
        return {
          body: {
            id: `${registryId}/connectedRegistries/${site.name}`,
            name: site.name,
            type: "Microsoft.ContainerRegistry/registries/connectedRegistries",
            properties: {
              provisioningState: "Succeeded",
              mode: "ReadOnly",
              version: "1.0.0",
              connectionState: cr.connectionState,
              lastActivityTime: "2026-12-01T20:00:00.0000000Z",
              activation: { status: cr.activation },
              parent: {
                syncProperties: {
                  tokenId: `${registryId}/tokens/${site.name}`,
                  schedule: "* * * * *",
                  messageTtl: "P2D",
                  ...(cr.lastSyncTime === undefined ? {} : { lastSyncTime: cr.lastSyncTime }),
                  gatewayEndpoint: `${registry}.eastus.data.azurecr.io`,
                },
              },
              clientTokenIds: [`${registryId}/tokens/${site.name}client`],
              logging: { logLevel: "Information", auditLogStatus: "Disabled" },
              statusDetails: (cr.statusDetails ?? []).map((d) => ({
                ...d,
                timestamp: "2026-12-01T20:00:00.0000000Z",
                correlationId: "00000000-0000-4000-8000-000000000000",
              })),
            },
          },
        };
      });
    },
  );
  fake.route(
    "GET",
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Kubernetes\/connectedClusters\/([^/]+)\/providers\/Microsoft\.KubernetesConfiguration\/extensions\/([^/]+)$/i,
    ({ match }) => {
      const [path, , rg, cluster, name] = match as RegExpExecArray;
      const site = find(
        (s) => same(rg, s.clusterResourceGroupName) && same(cluster, s.clusterName) && same(name, s.name),
      );
      return delayed(site, () =>
        site?.extension === undefined
          ? notFound(path)
          : {
              body: {
                id: path,
                name: site.name,
                type: "Microsoft.KubernetesConfiguration/extensions",
                properties: {
                  extensionType: "Microsoft.ContainerRegistry.ConnectedRegistry",
                  autoUpgradeMinorVersion: true,
                  releaseTrain: "preview",
                  provisioningState: site.extension.provisioningState,
                },
              },
            },
      );
    },
  );
  return { maxInFlight: () => maxInFlight };
}
