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
  /** `ManagedClusters`: the extension is on an AKS cluster (`Microsoft.ContainerService/managedClusters`). */
  readonly clusterType?: "ConnectedClusters" | "ManagedClusters";
  /** The connected registry's read-only state; undefined = it does not exist. */
  readonly connectedRegistry?: {
    connectionState: string;
    activation: string;
    lastSyncTime?: string;
    /** Sync schedule (default `* * * * *`) and window (default none). */
    schedule?: string;
    syncWindow?: string;
    version?: string;
    statusDetails?: { type: string; code: string; description: string }[];
  };
  /** The extension's state; undefined = it does not exist. */
  readonly extension?: { provisioningState: string; releaseTrain?: string; currentVersion?: string };
  /** Both GETs answer 403 AuthorizationFailed (the caller has no read role there). */
  readonly forbidden?: boolean;
  /** Milliseconds before answering (to observe concurrency and time bounds). */
  readonly delayMs?: number;
}

const forbidden = (path: string, action: string): ArmResponse => ({
  status: 403,
  body: {
    error: {
      code: "AuthorizationFailed",
      message: `The client does not have authorization to perform action '${action}' over scope '${path}' or the scope is invalid.`,
    },
  },
});

const notFound = (what: string): ArmResponse => ({
  status: 404,
  body: { error: { code: "ResourceNotFound", message: `The Resource '${what}' was not found.` } },
});

/**
 * ARM's read throttling as a token bucket (Azure Resource Manager's documented model: per subscription and region, a
 * bucket of `bucket` reads refilled at `refillPerSecond`); an empty bucket answers 429 with `Retry-After`.
 */
export interface FakeThrottle {
  readonly bucket: number;
  readonly refillPerSecond: number;
  /** The `Retry-After` seconds of a 429. */
  readonly retryAfterSeconds: number;
}

/**
 * Serves the sites' connected registries and extensions, optionally throttled; returns the most requests in flight
 * at once (to all sites, or to the named ones: runs that query other sites at the same time do not count) and the
 * count of 429s answered.
 */
export function addFakeFleet(
  fake: FakeAzure,
  sites: readonly FakeFleetSite[],
  throttle?: FakeThrottle,
): { maxInFlight(siteNames?: readonly string[]): number; throttled(): number } {
  // Every request's start (+1) and end (-1), by site, in order: the peak of any set of sites is replayed from it.
  const inFlight: { site: string; delta: 1 | -1 }[] = [];
  const maxInFlight = (siteNames?: readonly string[]): number => {
    let now = 0;
    let max = 0;
    for (const { site, delta } of inFlight) {
      if (siteNames === undefined || siteNames.includes(site)) {
        now += delta;
        max = Math.max(max, now);
      }
    }
    return max;
  };
  let throttled = 0;
  let tokens = throttle?.bucket ?? 0;
  let refilledAt = Date.now();
  const take = (): boolean => {
    if (throttle === undefined) {
      return true;
    }
    const nowMs = Date.now();
    tokens = Math.min(throttle.bucket, tokens + ((nowMs - refilledAt) / 1000) * throttle.refillPerSecond);
    refilledAt = nowMs;
    if (tokens < 1) {
      throttled++;
      return false;
    }
    tokens -= 1;
    return true;
  };
  const find = (pick: (s: FakeFleetSite) => boolean) => sites.find(pick);
  const same = (a: string, b: string) => decodeURIComponent(a).toLowerCase() === b.toLowerCase();
  const delayed = async (site: FakeFleetSite | undefined, answer: () => ArmResponse): Promise<ArmResponse> => {
    if (!take()) {
      return {
        status: 429,
        headers: { "Retry-After": String(throttle!.retryAfterSeconds) },
        body: { error: { code: "TooManyRequests", message: "The request is being throttled." } },
      };
    }
    const name = site?.name ?? "";
    inFlight.push({ site: name, delta: 1 });
    try {
      if (site?.delayMs) {
        await new Promise((resolve) => setTimeout(resolve, site.delayMs).unref());
      }
      return answer();
    } finally {
      inFlight.push({ site: name, delta: -1 });
    }
  };
  fake.route(
    "GET",
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerRegistry\/registries\/([^/]+)\/connectedRegistries\/([^/]+)$/i,
    ({ match }) => {
      const [path, subscriptionId, rg, registry, name] = match as RegExpExecArray;
      const site = find((s) => same(rg, s.resourceGroupName) && same(registry, s.registryName) && same(name, s.name));
      return delayed(site, () => {
        if (site?.forbidden) {
          return forbidden(path, "Microsoft.ContainerRegistry/registries/connectedRegistries/read");
        }
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
              version: cr.version ?? "1.0.0",
              connectionState: cr.connectionState,
              lastActivityTime: "2026-12-01T20:00:00.0000000Z",
              activation: { status: cr.activation },
              parent: {
                syncProperties: {
                  tokenId: `${registryId}/tokens/${site.name}`,
                  schedule: cr.schedule ?? "* * * * *",
                  ...(cr.syncWindow === undefined ? {} : { syncWindow: cr.syncWindow }),
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
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/(Microsoft\.Kubernetes\/connectedClusters|Microsoft\.ContainerService\/managedClusters)\/([^/]+)\/providers\/Microsoft\.KubernetesConfiguration\/extensions\/([^/]+)$/i,
    ({ match }) => {
      const [path, , rg, provider, cluster, name] = match as RegExpExecArray;
      const managed = /managedClusters/i.test(provider);
      const site = find(
        (s) =>
          same(rg, s.clusterResourceGroupName) &&
          same(cluster, s.clusterName) &&
          same(name, s.name) &&
          managed === (s.clusterType === "ManagedClusters"),
      );
      return delayed(site, () =>
        site?.forbidden
          ? forbidden(path, "Microsoft.KubernetesConfiguration/extensions/read")
          : site?.extension === undefined
            ? notFound(path)
            : {
                body: {
                  id: path,
                  name: site.name,
                  type: "Microsoft.KubernetesConfiguration/extensions",
                  properties: {
                    extensionType: "Microsoft.ContainerRegistry.ConnectedRegistry",
                    autoUpgradeMinorVersion: true,
                    releaseTrain: site.extension.releaseTrain ?? "preview",
                    currentVersion: site.extension.currentVersion ?? "1.2.0",
                    provisioningState: site.extension.provisioningState,
                  },
                },
              },
      );
    },
  );
  return { maxInFlight, throttled: () => throttled };
}
