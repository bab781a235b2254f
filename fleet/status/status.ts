/**
 * `npm run fleet -- status`: the health of every site of a fleet, read from ARM with the deploy-time operations'
 * login (azure-native's settings: `ARM_*` variables, or `azure-native:*` keys of the hub's stack config file).
 *
 * Per site: the connected registry (SDK `connectedRegistries.get`): connection state, activation, status
 * details, last sync; and the Arc extension named after it (a plain authenticated ARM GET through
 * `@azure/core-rest-pipeline` with the same credential): provisioning state. A site is healthy when its connected
 * registry is Active and Online (or Syncing) and its extension Succeeded; missing resources are unhealthy.
 */
import * as fs from "node:fs";
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createPipelineFromOptions,
  createPipelineRequest,
  type HttpClient,
  type Pipeline,
} from "@azure/core-rest-pipeline";
import type { ArmRetryOptions } from "../../components/operations/armRetry";
import { createOperationContext } from "../../components/operations/client";
import type { AzureLogin } from "../../components/operations/login";
import { parseInventory } from "../hub/inventory";
import { yaml } from "../../plan/program";

/** Where a site's resources are, as the status needs them. */
export interface StatusSite {
  readonly name: string;
  readonly subscriptionId?: string;
  readonly resourceGroupName: string;
  readonly registryName: string;
  readonly connectedRegistryName: string;
  readonly clusterName: string;
  readonly clusterResourceGroupName: string;
  readonly clusterType: string;
  /** Rollout wave (`canary` or `rest`). */
  readonly wave: string;
}

/** One site's status. */
export interface SiteStatus {
  site: string;
  registry: string;
  /** `Online`, `Offline`, `Syncing`, `Unhealthy`; `Missing` when the connected registry does not exist; `Error`. */
  connectionState: string;
  /** `Active`, `Inactive`; `Missing`/`Error` as above. */
  activation: string;
  /** Last sync with the parent (ISO 8601), if any. */
  lastSync?: string;
  /** The connected registry's status details (`type code: description`). */
  statusDetails: string[];
  /** The extension's provisioning state (`Succeeded`, `Failed`, …), `Missing` or `Error`. */
  extensionProvisioningState: string;
  healthy: boolean;
  /** Why it is not healthy. */
  problems: string[];
}

/** The ARM API version of the extension GET (Microsoft.KubernetesConfiguration, GA). */
export const EXTENSION_API_VERSION = "2023-05-01";

/**
 * Reads the sites from `file`: the hub's stack outputs (`pulumi stack output --json`, its `sites` map) or the hub's
 * stack config (`Pulumi.<stack>.yaml`: `registries`, `resourceGroupName`, `sites`). Also returns the
 * `azure-native:*` settings found in a stack config (plain values only), for the login.
 */
export function loadSites(file: string): { sites: StatusSite[]; azureConfig: Record<string, string> } {
  const parsed = yaml.load(fs.readFileSync(file, "utf8"));
  if (parsed === null || typeof parsed !== "object") {
    throw new Error(`${file}: neither hub stack outputs (pulumi stack output --json) nor a hub stack config file.`);
  }
  const document = parsed as Record<string, unknown>;
  if (document.sites !== null && typeof document.sites === "object" && !Array.isArray(document.sites)) {
    const sites = Object.entries(document.sites as Record<string, Record<string, string>>).map(([name, s]) => {
      const id = /^\/subscriptions\/([^/]+)\//i.exec(s.connectedRegistryId ?? "");
      return {
        name,
        subscriptionId: id?.[1],
        resourceGroupName: s.resourceGroupName,
        registryName: s.registryName,
        connectedRegistryName: s.connectedRegistryName ?? name,
        clusterName: s.clusterName,
        clusterResourceGroupName: s.clusterResourceGroupName ?? s.resourceGroupName,
        clusterType: s.clusterType ?? "ConnectedClusters",
        wave: s.wave ?? "rest",
      };
    });
    return { sites, azureConfig: {} };
  }
  const config = (document.config ?? {}) as Record<string, unknown>;
  const key = (name: string) =>
    Object.keys(config).find((k) => k.endsWith(`:${name}`) && !k.startsWith("azure-native:"));
  const sitesKey = key("sites");
  if (sitesKey === undefined) {
    throw new Error(`${file}: no "sites" (hub stack outputs) and no "<project>:sites" config (hub stack config).`);
  }
  const project = sitesKey.slice(0, -":sites".length);
  const resourceGroupName = config[`${project}:resourceGroupName`];
  if (typeof resourceGroupName !== "string") {
    throw new Error(`${file}: ${project}:resourceGroupName is required.`);
  }
  const subscriptionId = config[`${project}:subscriptionId`];
  const inventory = parseInventory(config[`${project}:registries`], config[sitesKey]);
  const azureConfig = Object.fromEntries(
    Object.entries(config)
      .filter(([k, v]) => k.startsWith("azure-native:") && (typeof v === "string" || typeof v === "boolean"))
      .map(([k, v]) => [k.slice("azure-native:".length), String(v)]),
  );
  const sites = inventory.sites.map((s) => ({
    name: s.name,
    subscriptionId: typeof subscriptionId === "string" ? subscriptionId : undefined,
    resourceGroupName,
    registryName: s.registry,
    connectedRegistryName: s.name,
    clusterName: s.clusterName,
    clusterResourceGroupName: s.clusterResourceGroupName ?? resourceGroupName,
    clusterType: s.clusterType,
    wave: s.wave,
  }));
  return { sites, azureConfig };
}

/** Options of {@link fleetStatus}. */
export interface StatusOptions {
  /** Sites queried at once. Default 8. */
  readonly concurrency?: number;
  /** Seconds allowed per site (both GETs, retries included). Default 30. */
  readonly timeoutSeconds?: number;
  /** Called after each site. */
  readonly progress?: (done: number, total: number) => void;
  /** `azure-native:*` settings (without the prefix); the environment's `ARM_*` fill the rest. */
  readonly azureConfig?: Record<string, string>;
  readonly env?: NodeJS.ProcessEnv;
}

function statusCodeOf(error: unknown): number | undefined {
  return typeof error === "object" && error !== null ? (error as { statusCode?: number }).statusCode : undefined;
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0];
}

const enc = encodeURIComponent;

/** The extension's ARM URL (the extension is named after the connected registry, as the site program names it). */
export function extensionUrl(endpoint: string, subscriptionId: string, site: StatusSite): string {
  const provider =
    site.clusterType === "ManagedClusters"
      ? "Microsoft.ContainerService/managedClusters"
      : "Microsoft.Kubernetes/connectedClusters";
  return (
    `${endpoint.replace(/\/+$/, "")}/subscriptions/${enc(subscriptionId)}/resourceGroups/${enc(site.clusterResourceGroupName)}` +
    `/providers/${provider}/${enc(site.clusterName)}/providers/Microsoft.KubernetesConfiguration/extensions/` +
    `${enc(site.connectedRegistryName)}?api-version=${EXTENSION_API_VERSION}`
  );
}

/** GETs the extension with the login's credential; its provisioning state, `Missing` on 404. */
async function extensionState(
  pipeline: Pipeline,
  http: HttpClient,
  url: string,
  abortSignal: AbortSignal,
): Promise<string> {
  const response = await pipeline.sendRequest(http, createPipelineRequest({ url, method: "GET", abortSignal }));
  if (response.status === 404) {
    return "Missing";
  }
  if (response.status !== 200) {
    const body = response.bodyAsText ?? "";
    throw new Error(`extension GET answered HTTP ${response.status}: ${body.slice(0, 200)}`);
  }
  const json = JSON.parse(response.bodyAsText ?? "{}") as { properties?: { provisioningState?: string } };
  return json.properties?.provisioningState ?? "Unknown";
}

/**
 * Retries of the status queries: a read-only report bounded by `timeoutSeconds` per site, so shorter than the
 * deploy-time operations' azure-native back-off (20-120 s): 4 retries from 1 s, at most 30 s each.
 */
const statusRetry: ArmRetryOptions = { maxRetries: 4, retryDelayInMs: 1000, maxRetryDelayInMs: 30_000 };

/** Queries every site (at most `concurrency` at once, each within `timeoutSeconds`). */
export async function fleetStatus(sites: readonly StatusSite[], options: StatusOptions = {}): Promise<SiteStatus[]> {
  const config = options.azureConfig ?? {};
  const context = createOperationContext(
    (k) => config[k],
    options.env ?? process.env,
    (m) => process.stderr.write(`warning: ${m}\n`),
    statusRetry,
  );
  const login = (await context.login()) as AzureLogin;
  const pipeline = createPipelineFromOptions({ retryOptions: statusRetry });
  pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential: login.credential, scopes: [login.scope] }));
  const http = createDefaultHttpClient();
  const timeoutMs = (options.timeoutSeconds ?? 30) * 1000;

  const one = async (site: StatusSite): Promise<SiteStatus> => {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error(`timed out after ${timeoutMs / 1000}s`)), timeoutMs);
    const status: SiteStatus = {
      site: site.name,
      registry: site.registryName,
      connectionState: "Error",
      activation: "Error",
      statusDetails: [],
      extensionProvisioningState: "Error",
      healthy: false,
      problems: [],
    };
    try {
      const subscriptionId = site.subscriptionId ?? login.subscriptionId;
      const [registry, extension] = await Promise.allSettled([
        context.client(subscriptionId).then((client) =>
          client.connectedRegistries.get(site.resourceGroupName, site.registryName, site.connectedRegistryName, {
            abortSignal: abort.signal,
          }),
        ),
        subscriptionId === undefined
          ? Promise.reject(new Error("no subscription: set ARM_SUBSCRIPTION_ID"))
          : extensionState(
              pipeline,
              http,
              extensionUrl(login.cloud.resourceManagerEndpoint, subscriptionId, site),
              abort.signal,
            ),
      ]);
      if (registry.status === "fulfilled") {
        const cr = registry.value;
        status.connectionState = cr.connectionState ?? "Unknown";
        status.activation = cr.activation?.status ?? "Unknown";
        const lastSync = cr.parent?.syncProperties?.lastSyncTime;
        status.lastSync = lastSync === undefined ? undefined : new Date(lastSync).toISOString();
        status.statusDetails = (cr.statusDetails ?? []).map((d) =>
          `${d.type ?? "?"} ${d.code ?? "?"}: ${d.description ?? ""}`.trim(),
        );
        if (status.activation !== "Active") {
          status.problems.push(`connected registry is ${status.activation}`);
        }
        if (!["Online", "Syncing"].includes(status.connectionState)) {
          status.problems.push(`connected registry is ${status.connectionState}`);
        }
      } else if (statusCodeOf(registry.reason) === 404) {
        status.connectionState = status.activation = "Missing";
        status.problems.push("connected registry not found");
      } else {
        status.problems.push(`connected registry: ${messageOf(registry.reason)}`);
      }
      if (extension.status === "fulfilled") {
        status.extensionProvisioningState = extension.value;
        if (extension.value === "Missing") {
          status.problems.push("extension not found");
        } else if (extension.value !== "Succeeded") {
          status.problems.push(`extension is ${extension.value}`);
        }
      } else {
        status.problems.push(`extension: ${messageOf(extension.reason)}`);
      }
    } finally {
      clearTimeout(timer);
    }
    status.healthy = status.problems.length === 0;
    return status;
  };

  const results: SiteStatus[] = new Array(sites.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < sites.length) {
      const index = next++;
      results[index] = await one(sites[index]);
      options.progress?.(++done, sites.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 8, sites.length)) }, worker));
  return results;
}

/** A plain-text table of the statuses (one line per site), then a summary line. */
export function renderTable(statuses: readonly SiteStatus[]): string {
  const header = ["SITE", "REGISTRY", "CONNECTION", "ACTIVATION", "LAST SYNC", "EXTENSION", "HEALTH", "DETAILS"];
  const rows = statuses.map((s) => [
    s.site,
    s.registry,
    s.connectionState,
    s.activation,
    s.lastSync ?? "-",
    s.extensionProvisioningState,
    s.healthy ? "healthy" : "UNHEALTHY",
    [...s.problems, ...s.statusDetails].join("; ") || "-",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  const unhealthy = statuses.filter((s) => !s.healthy).length;
  return [
    line(header),
    ...rows.map(line),
    "",
    `${statuses.length - unhealthy} of ${statuses.length} sites healthy${unhealthy > 0 ? `, ${unhealthy} unhealthy` : ""}.`,
  ].join("\n");
}

/**
 * The rollout waves: `canary` = the sites marked `wave: canary` (the first site when none is), `rest` = the others,
 * in inventory order (the site stacks' names).
 */
export function waves(sites: readonly StatusSite[]): { canary: string[]; rest: string[] } {
  const marked = sites.filter((s) => s.wave === "canary").map((s) => s.name);
  const canary = marked.length > 0 ? marked : sites.slice(0, 1).map((s) => s.name);
  return { canary, rest: sites.map((s) => s.name).filter((name) => !canary.includes(name)) };
}
