/**
 * The ARM side of `fleet status`: the two resources' URLs, one `@azure/core-rest-pipeline` pipeline (bearer token
 * of the login, bounded retries, 429s paced across the whole run) and a GET that classifies every failure.
 */
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createPipelineFromOptions,
  createPipelineRequest,
  type PipelinePolicy,
  type PipelineRequest,
} from "@azure/core-rest-pipeline";
import type { ArmRetryOptions } from "../../components/operations/armRetry";
import type { AzureLogin } from "../../components/operations/login";
import type { Document, StatusSite } from "./model";

/** The ARM API versions: the extension (Microsoft.KubernetesConfiguration, GA) and the connected registry. */
export const EXTENSION_API_VERSION = "2023-05-01";
export const CONNECTED_REGISTRY_API_VERSION = "2025-11-01";

const enc = encodeURIComponent;

function clusterProvider(clusterType: string): string {
  return clusterType === "ManagedClusters"
    ? "Microsoft.ContainerService/managedClusters"
    : "Microsoft.Kubernetes/connectedClusters";
}

/** The extension's ARM URL (named after the connected registry, as the site program names it). */
export function extensionUrl(endpoint: string, subscriptionId: string, site: StatusSite): string {
  return (
    `${endpoint.replace(/\/+$/, "")}/subscriptions/${enc(subscriptionId)}/resourceGroups/${enc(site.clusterResourceGroupName)}` +
    `/providers/${clusterProvider(site.clusterType)}/${enc(site.clusterName)}/providers/Microsoft.KubernetesConfiguration/extensions/` +
    `${enc(site.connectedRegistryName)}?api-version=${EXTENSION_API_VERSION}`
  );
}

/** The connected registry's ARM URL. */
export function connectedRegistryUrl(endpoint: string, subscriptionId: string, site: StatusSite): string {
  return (
    `${endpoint.replace(/\/+$/, "")}/subscriptions/${enc(subscriptionId)}/resourceGroups/${enc(site.resourceGroupName)}` +
    `/providers/Microsoft.ContainerRegistry/registries/${enc(site.registryName)}/connectedRegistries/` +
    `${enc(site.connectedRegistryName)}?api-version=${CONNECTED_REGISTRY_API_VERSION}`
  );
}

/** A failed read, classified. */
export class ReadFailure extends Error {
  constructor(
    readonly code: "NotFound" | "Forbidden" | "Unauthorized" | "TimedOut" | "Unreachable" | "HttpError" | "NotChecked",
    message: string,
  ) {
    super(message);
  }
}

/** Attempts of one request that ARM throttles (429) before its 429 is the answer. */
const MAX_THROTTLED_ATTEMPTS = 10;

/** Waits `ms`, or rejects when `signal` aborts first. */
function pause(ms: number, signal: PipelineRequest["abortSignal"]): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new Error("aborted"));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error("aborted"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

const networkCodes = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "EPIPE",
  "REQUEST_SEND_ERROR",
]);

function armErrorMessage(body: string | undefined): string {
  try {
    const parsed = JSON.parse(body ?? "") as { error?: { code?: string; message?: string } };
    return [parsed.error?.code, parsed.error?.message].filter(Boolean).join(": ").slice(0, 300);
  } catch {
    return (body ?? "").slice(0, 200);
  }
}

/**
 * Retries of the status queries (login and reads): a read-only report bounded by `timeoutSeconds` per site, so
 * shorter than the deploy-time operations' azure-native back-off (20-120 s): at most 3, from 0.5 s, 10 s each.
 * 429s are paced separately (see {@link ArmPacing}).
 */
export const statusRetry: ArmRetryOptions = { maxRetries: 3, retryDelayInMs: 500, maxRetryDelayInMs: 10_000 };

/**
 * Counts the run's ARM requests and paces them: a 429 pauses every request of the run until its Retry-After has
 * passed (ARM throttles per subscription, so the other sites' requests would be throttled too): one shared pause
 * instead of a retry storm. Each request is retried after a 429 up to MAX_THROTTLED_ATTEMPTS times.
 */
export class ArmPacing {
  /** ARM requests sent (retries included). */
  armRequests = 0;
  /** 429 answers received. */
  throttled = 0;
  private pausedUntil = 0;

  readonly policy: PipelinePolicy = {
    name: "fleetStatusPacing",
    sendRequest: async (request, next) => {
      for (let attempt = 1; ; attempt++) {
        const wait = this.pausedUntil - Date.now();
        if (wait > 0) {
          // Spread over a second, so the paused requests do not all hit the refilled bucket at once.
          await pause(wait + Math.random() * 1000, request.abortSignal);
        }
        this.armRequests++;
        const response = await next(request);
        if (response.status !== 429) {
          return response;
        }
        this.throttled++;
        const seconds = Number(response.headers.get("retry-after"));
        this.pausedUntil = Math.max(
          this.pausedUntil,
          Date.now() + (Number.isFinite(seconds) && seconds > 0 ? seconds : 1) * 1000,
        );
        if (attempt >= MAX_THROTTLED_ATTEMPTS) {
          return response;
        }
      }
    },
  };
}

/** Reads one ARM resource: its document, or a {@link ReadFailure} saying why not. */
export type ArmGet = (
  url: string,
  what: string,
  forbiddenHint: string,
  signal: AbortSignal,
  timedOut: () => boolean,
) => Promise<Document>;

/**
 * The GET of the run, through one pipeline logged in as `login` and paced by `pacing`. `timeoutSeconds` and
 * `deadlineSeconds` only word the failures of an aborted request.
 */
export function armGet(
  login: AzureLogin,
  pacing: ArmPacing,
  limits: { timeoutSeconds: number; deadlineSeconds: number },
): ArmGet {
  const endpoint = login.cloud.resourceManagerEndpoint;
  const { timeoutSeconds, deadlineSeconds } = limits;
  // Retries: 5xx and dropped connections exponentially (at most 3, from 0.5 s); 429s in `pacing`, up to
  // MAX_THROTTLED_ATTEMPTS each (the per-site timeout bounds them all).
  const pipeline = createPipelineFromOptions({ retryOptions: statusRetry });
  pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential: login.credential, scopes: [login.scope] }));
  // After the retry policies: every attempt waits for a pause and is counted.
  pipeline.addPolicy(pacing.policy, { afterPhase: "Retry" });
  const http = createDefaultHttpClient();
  return async (url: string, what: string, forbiddenHint: string, signal: AbortSignal, timedOut: () => boolean) => {
    try {
      const response = await pipeline.sendRequest(
        http,
        createPipelineRequest({ url, method: "GET", abortSignal: signal }),
      );
      if (response.status === 200) {
        return JSON.parse(response.bodyAsText ?? "{}") as Document;
      }
      const detail = armErrorMessage(response.bodyAsText ?? undefined);
      if (response.status === 404) {
        throw new ReadFailure("NotFound", `${what} not found`);
      }
      if (response.status === 403) {
        throw new ReadFailure("Forbidden", `${what}: forbidden (HTTP 403): ${forbiddenHint}`);
      }
      if (response.status === 401) {
        throw new ReadFailure("Unauthorized", `${what}: unauthorized (HTTP 401): ${detail}`);
      }
      throw new ReadFailure("HttpError", `${what}: HTTP ${response.status}${detail ? `: ${detail}` : ""}`);
    } catch (error) {
      if (error instanceof ReadFailure) {
        throw error;
      }
      if (signal.aborted) {
        throw timedOut()
          ? new ReadFailure("TimedOut", `${what}: timed out after ${timeoutSeconds} s (--timeout)`)
          : new ReadFailure(
              "NotChecked",
              `${what}: not read before the overall deadline of ${deadlineSeconds} s (--deadline)`,
            );
      }
      const code = (error as { code?: string }).code ?? "";
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? "";
      if (networkCodes.has(code) || networkCodes.has(cause)) {
        throw new ReadFailure(
          "Unreachable",
          `${what}: ARM unreachable at ${endpoint} (${(error as Error).message.split("\n")[0]})`,
        );
      }
      throw new ReadFailure("HttpError", `${what}: ${(error as Error).message.split("\n")[0]}`);
    }
  };
}
