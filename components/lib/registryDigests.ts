/**
 * Reading manifest digests from registries, for the image import's idempotency (a target tag that
 * already points at the source's digest is the import having happened, not a conflict).
 *
 * - An Azure Container Registry: the official data-plane SDK, `@azure/container-registry`
 *   (`ContainerRegistryClient`). It exchanges the caller's Entra token for an ACR token (`/oauth2/exchange`,
 *   then `/oauth2/token`), so it reads with exactly the login the management calls use. The token
 *   audience is ACR's own, `https://containerregistry.azure.net`, in every cloud: that is what
 *   `az acr` asks for, and the components' registries refuse ARM-audience tokens.
 * - Any other registry (the public source of an import): the OCI distribution API, `HEAD
 *   /v2/<repository>/manifests/<reference>` with the anonymous bearer token of the Docker token spec
 *   (answer the `WWW-Authenticate: Bearer realm=…,service=…,scope=…` challenge with a GET on the
 *   realm). The request accepts image indexes and manifest lists first, so a multi-platform tag gives
 *   the index digest, which is what an ACR import copies and what the target tag then points at.
 *
 * Every request retries 429 (honouring `Retry-After`) and 5xx / dropped connections with exponential
 * backoff, through `@azure/core-rest-pipeline`'s retry policy, at most {@link retryOptions}.maxRetries
 * times and within {@link callTimeoutMs} in total. The SDKs are required lazily: previews never load them.
 */
import type { TokenCredential } from "@azure/identity";

/** The token audience of every ACR data plane (what `az acr login` asks Entra ID for). */
export const acrAudience = "https://containerregistry.azure.net";

/** Bounded retries: 429 with `Retry-After` honoured, 5xx and network errors with exponential backoff. */
export const retryOptions = { maxRetries: 4, retryDelayInMs: 1000, maxRetryDelayInMs: 30_000 } as const;

/** The longest one digest read may take, retries included. */
export const callTimeoutMs = 120_000;

/** Media types accepted for a manifest: an index / manifest list first (what a multi-platform import copies). */
export const manifestMediaTypes = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
] as const;

/** Reads what an Azure Container Registry holds. */
export interface AcrDigestReader {
  /** The digest `repository:tag` points at, or undefined when the tag (or repository) does not exist. */
  tagDigest(repository: string, tag: string): Promise<string | undefined>;
  /** Whether the manifest `repository@digest` exists (tagged or not). */
  hasManifest(repository: string, digest: string): Promise<boolean>;
}

function statusOf(error: unknown): number | undefined {
  return typeof error === "object" && error !== null ? (error as { statusCode?: number }).statusCode : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A reader for the registry at `loginServer` (`myacr.azurecr.io`), logged in with `credential`. */
export function acrDigestReader(loginServer: string, credential: TokenCredential): AcrDigestReader {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require("@azure/container-registry") as typeof import("@azure/container-registry");
  const client = new sdk.ContainerRegistryClient(`https://${loginServer}`, credential, {
    audience: acrAudience,
    retryOptions,
  });
  const explain = (what: string, error: unknown): Error => {
    const status = statusOf(error);
    const hint =
      status === 401 || status === 403
        ? " The identity azure-native logs in with needs read access to the registry's content (e.g. the AcrPull role)."
        : "";
    return new Error(`reading ${what} in registry ${loginServer} failed: ${messageOf(error)}.${hint}`);
  };
  return {
    async tagDigest(repository, tag) {
      try {
        const properties = await client
          .getArtifact(repository, tag)
          .getTagProperties(tag, { abortSignal: AbortSignal.timeout(callTimeoutMs) });
        return properties.digest;
      } catch (error) {
        if (statusOf(error) === 404) {
          return undefined;
        }
        throw explain(`tag ${repository}:${tag}`, error);
      }
    },
    async hasManifest(repository, digest) {
      try {
        await client
          .getArtifact(repository, digest)
          .getManifestProperties({ abortSignal: AbortSignal.timeout(callTimeoutMs) });
        return true;
      } catch (error) {
        if (statusOf(error) === 404) {
          return false;
        }
        throw explain(`manifest ${repository}@${digest}`, error);
      }
    },
  };
}

/** The host serving the distribution API of `registry` (Docker Hub's is not `docker.io`). */
export function distributionHost(registry: string): string {
  const host = registry.toLowerCase();
  return host === "docker.io" || host === "index.docker.io" || host === "registry.hub.docker.com"
    ? "registry-1.docker.io"
    : host;
}

/** `key="value"` parameters of a `WWW-Authenticate: Bearer ...` challenge, or undefined when not Bearer. */
export function bearerChallenge(header: string | undefined): Record<string, string> | undefined {
  const match = /^\s*Bearer\s+(.*)$/i.exec(header ?? "");
  if (!match) {
    return undefined;
  }
  const parameters: Record<string, string> = {};
  for (const [, key, value] of match[1].matchAll(/([A-Za-z_]+)="([^"]*)"/g)) {
    parameters[key.toLowerCase()] = value;
  }
  return parameters;
}

/**
 * The digest `registry/repository:reference` resolves to, read anonymously through the OCI distribution
 * API (see the module documentation). Fails with a message naming the image when the registry refuses
 * anonymous reads or does not know the image.
 */
export async function distributionDigest(registry: string, repository: string, reference: string): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const http = require("@azure/core-rest-pipeline") as typeof import("@azure/core-rest-pipeline");
  const pipeline = http.createPipelineFromOptions({ retryOptions });
  const client = http.createDefaultHttpClient();
  const abortSignal = AbortSignal.timeout(callTimeoutMs);
  const image = `${registry}/${repository}:${reference}`;
  const send = (url: string, method: "GET" | "HEAD", headers: Record<string, string>) =>
    pipeline.sendRequest(
      client,
      http.createPipelineRequest({ url, method, headers: http.createHttpHeaders(headers), abortSignal }),
    );

  const url = `https://${distributionHost(registry)}/v2/${repository}/manifests/${reference}`;
  const accept = { Accept: manifestMediaTypes.join(", ") };
  let response = await send(url, "HEAD", accept);
  if (response.status === 401) {
    const challenge = bearerChallenge(response.headers.get("www-authenticate"));
    if (!challenge?.realm) {
      throw new Error(`reading the digest of ${image} needs credentials (the registry offers no anonymous token).`);
    }
    const realm = new URL(challenge.realm);
    if (challenge.service) realm.searchParams.set("service", challenge.service);
    realm.searchParams.set("scope", challenge.scope ?? `repository:${repository}:pull`);
    const tokenResponse = await send(realm.toString(), "GET", { Accept: "application/json" });
    const body =
      tokenResponse.status === 200 ? (JSON.parse(tokenResponse.bodyAsText ?? "{}") as Record<string, unknown>) : {};
    const token = body.token ?? body.access_token;
    if (typeof token !== "string") {
      throw new Error(
        `reading the digest of ${image}: the registry's token service answered ${tokenResponse.status} without a token.`,
      );
    }
    response = await send(url, "HEAD", { ...accept, Authorization: `Bearer ${token}` });
  }
  const digest = response.headers.get("docker-content-digest");
  if (response.status !== 200 || !digest) {
    throw new Error(
      `reading the digest of ${image} failed: the registry answered ${response.status}${digest ? "" : " without a Docker-Content-Digest"}.`,
    );
  }
  return digest;
}
