/**
 * ARM retries as azure-native v3 makes them (pulumi-azure-native `provider/pkg/azure/client_azcore.go`,
 * `initPipelineOpts` + `shouldRetryConflict`, on azcore's retry policy `sdk/azcore/runtime/policy_retry.go`):
 *
 * - what is retried: a request that got no answer (connection error), 408, 429, 500, 502, 503, 504, and a
 *   409 whose ARM error code is `AnotherOperationInProgress`; nothing else;
 * - how often: azcore's default of 3 retries (4 attempts);
 * - how long: the answer's `retry-after-ms`, `x-ms-retry-after-ms` or `Retry-After` when it has one — and no
 *   retry at all when that exceeds the maximum delay — else `(2^attempt − 1) × 20 s`, times a jitter in
 *   [0.8, 1.3), capped at 120 s (azure-native: "20s, 60s, 120s").
 *
 * `@azure/core-rest-pipeline`'s own default policy differs (1 s doubling, no 409), so the management client's
 * default retry policy is replaced by this one ({@link useArmRetries}). The base and maximum delays are
 * options, so tests run the same policy in milliseconds.
 */
import type { PipelinePolicy, PipelineResponse, RestError } from "@azure/core-rest-pipeline";

/** The numbers of the policy. */
export interface ArmRetryOptions {
  /** Retries after the first attempt (azcore's default: 3). */
  readonly maxRetries: number;
  /** Base delay: attempt n waits `(2^n − 1) × this` × jitter (azure-native: 20 s). */
  readonly retryDelayInMs: number;
  /** Cap of a computed delay; a longer `Retry-After` is not waited for (azure-native: 120 s). */
  readonly maxRetryDelayInMs: number;
}

/** azure-native v3's numbers. */
export const armRetryOptions: ArmRetryOptions = { maxRetries: 3, retryDelayInMs: 20_000, maxRetryDelayInMs: 120_000 };

/**
 * The environment variable that overrides the base delay in milliseconds (default 20000), e.g. for a test
 * harness that drives the operations in another process against a local fake. The cap and the count stay.
 */
export const retryDelayVariable = "EDGE_REGISTRY_ARM_RETRY_DELAY_MS";

/** {@link armRetryOptions}, with the base delay from {@link retryDelayVariable} when it is a number. */
export function armRetryOptionsFrom(env: NodeJS.ProcessEnv): ArmRetryOptions {
  const text = env[retryDelayVariable];
  const delay = text === undefined || text === "" ? NaN : Number(text);
  return Number.isFinite(delay) && delay >= 0 ? { ...armRetryOptions, retryDelayInMs: delay } : armRetryOptions;
}

/** azcore's `calcDelay`: attempt 1, 2, 3 … waits (2^n − 1) × base × jitter in [0.8, 1.3), capped. */
export function armRetryDelay(options: ArmRetryOptions, attempt: number, random: () => number = Math.random): number {
  const delay = (2 ** attempt - 1) * options.retryDelayInMs * (random() / 2 + 0.8);
  return Math.min(delay, options.maxRetryDelayInMs);
}

/** The delay an answer asks for (azcore's `shared.RetryAfter`), in ms, or undefined. */
export function retryAfterMs(response: PipelineResponse | undefined, now: number = Date.now()): number | undefined {
  if (!response) {
    return undefined;
  }
  for (const header of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const value = Number(response.headers.get(header));
    if (response.headers.get(header) && Number.isFinite(value) && value > 0) {
      return value;
    }
  }
  const text = response.headers.get("retry-after");
  if (!text) {
    return undefined;
  }
  const seconds = Number(text);
  if (Number.isFinite(seconds)) {
    return seconds > 0 ? seconds * 1000 : undefined;
  }
  const date = Date.parse(text);
  return Number.isNaN(date) || date <= now ? undefined : date - now;
}

/** The ARM error code of an answer's body (`{"error":{"code":...}}`), if any. */
function armErrorCode(response: PipelineResponse): string | undefined {
  try {
    const body = JSON.parse(response.bodyAsText ?? "") as { error?: { code?: unknown }; code?: unknown };
    const code = body.error?.code ?? body.code;
    return typeof code === "string" ? code : undefined;
  } catch {
    return undefined;
  }
}

const retriedStatuses = [408, 429, 500, 502, 503, 504];

/** azure-native's `ShouldRetry`: no answer, a retried status, or a 409 `AnotherOperationInProgress`. */
export function shouldRetryArm(response: PipelineResponse | undefined, error: RestError | undefined): boolean {
  if (response === undefined) {
    return error !== undefined;
  }
  if (retriedStatuses.includes(response.status)) {
    return true;
  }
  return response.status === 409 && armErrorCode(response) === "AnotherOperationInProgress";
}

/** The policy, built on `@azure/core-rest-pipeline`'s `retryPolicy` with one strategy. */
export function armRetryPolicy(options: ArmRetryOptions, random: () => number = Math.random): PipelinePolicy {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pipeline = require("@azure/core-rest-pipeline") as typeof import("@azure/core-rest-pipeline");
  return pipeline.retryPolicy(
    [
      {
        name: "azureNativeArmRetry",
        retry({ retryCount, response, responseError }) {
          if (!shouldRetryArm(response, responseError)) {
            return responseError ? { errorToThrow: responseError } : { skipStrategy: true };
          }
          const asked = retryAfterMs(response);
          if (asked !== undefined && asked > options.maxRetryDelayInMs) {
            // azcore: "the retry-after delay exceeds the cap so don't retry".
            return responseError ? { errorToThrow: responseError } : { skipStrategy: true };
          }
          return { retryAfterInMs: asked ?? armRetryDelay(options, retryCount + 1, random) };
        },
      },
    ],
    { maxRetries: options.maxRetries },
  );
}

/** Replaces a client's default retry policy by {@link armRetryPolicy}. */
export function useArmRetries<T extends { pipeline: import("@azure/core-rest-pipeline").Pipeline }>(
  client: T,
  options: ArmRetryOptions,
): T {
  client.pipeline.removePolicy({ name: "defaultRetryPolicy" });
  client.pipeline.addPolicy(armRetryPolicy(options), { phase: "Retry" });
  return client;
}
