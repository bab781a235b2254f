/**
 * The image import's world, for tests with the real SDKs: a registry on the fake ARM of
 * {@link startFakeAzure} with `importImage`, its ACR data plane, and a public source registry.
 *
 * - ARM (`fake.route`): `GET .../registries/{r}` (its `loginServer` is the fake data plane,
 *   `127.0.0.1:<port>`) and `POST .../registries/{r}/importImage`, long-running as the REST spec's
 *   `ImportImageFromPublicRegistry` example answers it (202 + `Location`, polled until 200). The copy
 *   is applied when the request arrives (so a dropped answer, `faults.add({kind: "dropAfter"})`, still
 *   imports). `NoForce` with an existing target tag fails the operation before anything is copied,
 *   the source is looked up by `registryUri` in the fake source registry or by `resourceId` in this
 *   registry, and a source by digest imports that manifest.
 * - The ACR data plane (HTTPS on 127.0.0.1, what `@azure/container-registry` talks to): the token
 *   exchange of ACR's AAD integration (`POST /oauth2/exchange` takes an Entra access token whose audience
 *   is `https://containerregistry.azure.net`, ARM-audience tokens are refused as the components'
 *   registries do; `POST /oauth2/token` turns the refresh token into an access token for the challenge's
 *   scope), and `GET /acr/v1/{repository}/_tags/{tag}` and `/_manifests/{digest}`, which answer 401 with
 *   a `WWW-Authenticate: Bearer realm=...,service=...,scope=...` challenge until a token is presented.
 * - The source registry (HTTPS on 127.0.0.1): the OCI distribution API with Docker's anonymous token
 *   flow (`HEAD /v2/{repository}/manifests/{reference}` 401 with a challenge, `GET /token?service&scope`
 *   gives a token). A multi-platform image answers its index digest only when the index media type is
 *   accepted (like Docker Hub), else its first platform manifest.
 *
 * Both HTTPS servers use one self-signed certificate for 127.0.0.1 made by openssl; {@link caFile}
 * holds it together with the fake Azure's CA, for `NODE_EXTRA_CA_CERTS`.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import * as path from "node:path";
import { opensslSelfSigned } from "../harness/certificates";
import { readBody, send, type ArmRequest, type ArmResponse, type FakeAzure } from "./azure";

/** An image of the source registry: one manifest, or an index of several platform manifests. */
export interface FakeImage {
  /** Digest of the index (multi-platform) or of the single manifest. */
  readonly digest: string;
  /** Media type of what `digest` names. */
  readonly mediaType: string;
  /** For an index: the digest of its first platform manifest (what a client not accepting indexes gets). */
  readonly platformDigest?: string;
}

/** One request to a fake registry's HTTPS server. */
export interface RegistryRequest {
  /** When the request arrived (`Date.now()`). */
  readonly at: number;
  readonly method: string;
  readonly path: string;
  /** `Authorization` scheme presented (`Bearer`, `Basic`) or undefined. */
  readonly auth: string | undefined;
  /** The `Accept` header. */
  readonly accept: string | undefined;
  /** Status answered (0 when the connection was dropped). */
  status: number;
}

/** One `importImage` request as the fake ARM applied (or refused) it. */
export interface ImportRecord {
  readonly body: {
    source: { registryUri?: string; resourceId?: string; sourceImage: string };
    targetTags?: string[];
    untaggedTargetRepositories?: string[];
    mode?: string;
  };
  /** `imported` or the error code the operation failed with. */
  readonly outcome: string;
}

/** The registry with `importImage` and its data plane. */
export interface FakeImportRegistry {
  readonly resourceGroupName: string;
  readonly registryName: string;
  readonly registryId: string;
  /** `127.0.0.1:<port>`: the data plane, and the ARM answer's `loginServer`. */
  readonly loginServer: string;
  /** Tags: `repository:tag` → digest. Edit it to change the registry outside Pulumi. */
  readonly tags: Map<string, string>;
  /** Manifests per repository (tagged or not). */
  readonly manifests: Map<string, Set<string>>;
  /** Every `importImage` request, in order. */
  readonly imports: ImportRecord[];
  /** Every data-plane request. */
  readonly requests: RegistryRequest[];
  /** The claims (`appid`, `tid`, `aud`) of every Entra token exchanged at `/oauth2/exchange` (accepted or not). */
  readonly exchanges: { appid: unknown; tid: unknown; aud: unknown; accepted: boolean }[];
  /**
   * Answers the next `times` data-plane reads (`/acr/v1/...`) with 429 and `retry-after-ms: ms` (what
   * `@azure/core-rest-pipeline` reads first; without a delay header it would not retry a 429 at all).
   */
  throttle(times: number, ms: number): void;
  /** Refuses (401) every token exchange while set, as for an identity without data-plane rights. */
  refuseExchanges: boolean;
}

/** The public source registry. */
export interface FakeSourceRegistry {
  /** `127.0.0.1:<port>`, the `registryUri` of imports from it. */
  readonly host: string;
  /** Images by `repository:tag`. */
  readonly images: Map<string, FakeImage>;
  /** Every manifest digest ever pushed (a tag moved away keeps its old manifest pullable by digest). */
  readonly digests: Set<string>;
  /** Every request (manifests and tokens). */
  readonly requests: RegistryRequest[];
  /** Adds (or moves) `repository:tag` to a new single-platform manifest and returns its digest. */
  push(reference: string): string;
  /** Adds (or moves) `repository:tag` to a new multi-platform index and returns the index digest. */
  pushIndex(reference: string): string;
}

/** Everything {@link startFakeImport} serves. */
export interface FakeImport {
  readonly registry: FakeImportRegistry;
  readonly source: FakeSourceRegistry;
  /** The fake Azure's CA and this fake's certificate, for `NODE_EXTRA_CA_CERTS`. */
  readonly caFile: string;
  close(): Promise<void>;
}

const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const ACR_AUDIENCE = "https://containerregistry.azure.net";

/** Records a registry request in `log` and returns the function that answers it (recording the status). */
function recordedAnswer(request: IncomingMessage, response: ServerResponse, url: URL, log: RegistryRequest[]) {
  const record: RegistryRequest = {
    at: Date.now(),
    method: request.method ?? "GET",
    path: url.pathname,
    auth: request.headers.authorization?.split(" ")[0],
    accept: request.headers.accept,
    status: 0,
  };
  log.push(record);
  return (status: number, body?: unknown, headers?: Record<string, string>): void => {
    record.status = status;
    send(response, status, body, headers);
  };
}

const randomDigest = () => `sha256:${crypto.randomBytes(32).toString("hex")}`;

/** The payload of a JWT, unverified (the fake Azure signed it; here only its claims matter). */
function jwtClaims(token: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function unsignedJwt(payload: object): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "none", typ: "JWT" })}.${part(payload)}.`;
}

async function listen(
  certificate: { certificatePem: string; privateKeyPem: string },
  handler: (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void>,
): Promise<{ host: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = https.createServer(
    { cert: certificate.certificatePem, key: certificate.privateKeyPem },
    (req, res) => {
      handler(req, res, new URL(req.url ?? "/", "https://127.0.0.1")).catch((error: unknown) => {
        if (!res.headersSent) send(res, 500, { errors: [{ code: "FAKE", message: String(error) }] });
      });
    },
  );
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  };
}

/**
 * Starts the source registry and the data plane, and adds registry `registryName` (in
 * `resourceGroupName` of the fake's subscription) with its `importImage` to `fake`'s ARM.
 */
export async function startFakeImport(
  fake: FakeAzure,
  resourceGroupName: string,
  registryName: string,
): Promise<FakeImport> {
  const certificate = opensslSelfSigned("IP:127.0.0.1");
  const caFile = path.join(fake.dir, "import-ca.pem");
  fs.writeFileSync(caFile, `${fake.caPem}\n${certificate.certificatePem}`);

  // ---- source registry (OCI distribution, anonymous tokens) ---------------------------------------------
  const images = new Map<string, FakeImage>();
  const digests = new Set<string>();
  const sourceRequests: RegistryRequest[] = [];
  const sourceTokens = new Set<string>();
  const source = await listen(certificate, async (request, response, url) => {
    const answer = recordedAnswer(request, response, url, sourceRequests);
    if (url.pathname === "/token") {
      const token = crypto.randomBytes(16).toString("hex");
      sourceTokens.add(token);
      return answer(200, { token, access_token: token, expires_in: 300 });
    }
    const match = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
    if (!match) {
      return answer(404, { errors: [{ code: "NOT_FOUND", message: "no such route" }] });
    }
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
    if (!bearer || !sourceTokens.has(bearer)) {
      return answer(
        401,
        { errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] },
        {
          "WWW-Authenticate": `Bearer realm="https://${source.host}/token",service="${source.host}",scope="repository:${match[1]}:pull"`,
        },
      );
    }
    const image = match[2].startsWith("sha256:")
      ? digests.has(match[2])
        ? { digest: match[2], mediaType: OCI_MANIFEST }
        : undefined
      : images.get(`${match[1]}:${match[2]}`);
    if (!image) {
      return answer(404, { errors: [{ code: "MANIFEST_UNKNOWN", message: "manifest unknown" }] });
    }
    const acceptsIndex = (request.headers.accept ?? "").includes(image.mediaType);
    const digest = image.platformDigest && !acceptsIndex ? image.platformDigest : image.digest;
    const mediaType = image.platformDigest && !acceptsIndex ? OCI_MANIFEST : image.mediaType;
    answer(200, undefined, { "Docker-Content-Digest": digest, "Content-Type": mediaType });
  });
  const sourceRegistry: FakeSourceRegistry = {
    host: source.host,
    images,
    digests,
    requests: sourceRequests,
    push(reference) {
      const digest = randomDigest();
      images.set(reference, { digest, mediaType: OCI_MANIFEST });
      digests.add(digest);
      return digest;
    },
    pushIndex(reference) {
      const digest = randomDigest();
      const platformDigest = randomDigest();
      images.set(reference, { digest, mediaType: OCI_INDEX, platformDigest });
      digests.add(digest).add(platformDigest);
      return digest;
    },
  };

  // ---- the registry's data plane --------------------------------------------------------------------------
  const tags = new Map<string, string>();
  const manifests = new Map<string, Set<string>>();
  const requests: RegistryRequest[] = [];
  const exchanges: FakeImportRegistry["exchanges"] = [];
  const refreshTokens = new Set<string>();
  const accessTokens = new Set<string>();
  let throttled = { times: 0, ms: 0 };
  const data = await listen(certificate, async (request, response, url) => {
    const answer = recordedAnswer(request, response, url, requests);
    const unauthorized = () => answer(401, { errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] });
    if (request.method === "POST" && url.pathname === "/oauth2/exchange") {
      const form = new URLSearchParams(await readBody(request));
      const claims = jwtClaims(form.get("access_token") ?? "");
      const accepted =
        !registry.refuseExchanges &&
        form.get("grant_type") === "access_token" &&
        form.get("service") === data.host &&
        claims?.aud === ACR_AUDIENCE &&
        typeof claims.appid === "string";
      exchanges.push({ appid: claims?.appid, tid: claims?.tid, aud: claims?.aud, accepted });
      if (!accepted) return unauthorized();
      const refresh = unsignedJwt({ sub: claims?.appid, exp: Math.floor(Date.now() / 1000) + 3600 });
      refreshTokens.add(refresh);
      return answer(200, { refresh_token: refresh });
    }
    if (request.method === "POST" && url.pathname === "/oauth2/token") {
      const form = new URLSearchParams(await readBody(request));
      if (form.get("grant_type") !== "refresh_token" || !refreshTokens.has(form.get("refresh_token") ?? "")) {
        return unauthorized();
      }
      const access = crypto.randomBytes(16).toString("hex");
      accessTokens.add(access);
      return answer(200, { access_token: access });
    }
    const tag = /^\/acr\/v1\/(.+)\/_tags\/([^/]+)$/.exec(url.pathname);
    const manifest = /^\/acr\/v1\/(.+)\/_manifests\/([^/]+)$/.exec(url.pathname);
    const repository = decodeURIComponent((tag ?? manifest)?.[1] ?? "");
    if (!tag && !manifest) {
      return answer(404, { errors: [{ code: "NOT_FOUND", message: "no such route" }] });
    }
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
    if (!bearer || !accessTokens.has(bearer)) {
      return answer(
        401,
        { errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] },
        {
          "WWW-Authenticate": `Bearer realm="https://${data.host}/oauth2/token",service="${data.host}",scope="repository:${repository}:metadata_read"`,
        },
      );
    }
    if (throttled.times > 0) {
      throttled = { ...throttled, times: throttled.times - 1 };
      return answer(
        429,
        { errors: [{ code: "TOOMANYREQUESTS", message: "throttled" }] },
        { "retry-after-ms": String(throttled.ms) },
      );
    }
    const now = new Date().toISOString();
    if (tag) {
      const name = decodeURIComponent(tag[2]);
      const digest = tags.get(`${repository}:${name}`);
      if (digest === undefined) {
        return answer(404, { errors: [{ code: "TAG_UNKNOWN", message: "the specified tag does not exist" }] });
      }
      return answer(200, {
        registry: data.host,
        imageName: repository,
        tag: { name, digest, createdTime: now, lastUpdateTime: now, signed: false },
      });
    }
    const digest = decodeURIComponent(manifest?.[2] ?? "");
    if (!manifests.get(repository)?.has(digest)) {
      return answer(404, { errors: [{ code: "MANIFEST_UNKNOWN", message: "manifest unknown" }] });
    }
    return answer(200, {
      registry: data.host,
      imageName: repository,
      manifest: { digest, createdTime: now, lastUpdateTime: now, mediaType: OCI_MANIFEST },
    });
  });

  // ---- ARM ------------------------------------------------------------------------------------------------
  const registryId = `/subscriptions/${fake.subscriptionId}/resourceGroups/${resourceGroupName}/providers/Microsoft.ContainerRegistry/registries/${registryName}`;
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const base = `^/subscriptions/${escape(fake.subscriptionId)}/resourceGroups/${escape(resourceGroupName)}/providers/Microsoft\\.ContainerRegistry/registries/${escape(registryName)}`;
  const imports: ImportRecord[] = [];

  fake.route("GET", new RegExp(`${base}$`, "i"), () => ({
    body: {
      id: registryId,
      name: registryName,
      type: "Microsoft.ContainerRegistry/registries",
      location: "eastus",
      sku: { name: "Premium", tier: "Premium" },
      properties: { loginServer: data.host, provisioningState: "Succeeded", dataEndpointEnabled: true },
    },
  }));

  const addManifest = (repository: string, digest: string) => {
    manifests.set(repository, (manifests.get(repository) ?? new Set()).add(digest));
  };
  const fail = (record: ImportRecord["body"], code: string, message: string): ArmResponse => {
    imports.push({ body: record, outcome: code });
    return fake.lro({ headers: "location", polls: 0, failWith: { code, message } });
  };

  fake.route("POST", new RegExp(`${base}/importImage$`, "i"), (request: ArmRequest) => {
    const body = request.body as ImportRecord["body"];
    const { sourceImage } = body.source;
    const [repository, reference] = sourceImage.includes("@")
      ? sourceImage.split("@")
      : [sourceImage.slice(0, sourceImage.lastIndexOf(":")), sourceImage.slice(sourceImage.lastIndexOf(":") + 1)];
    let digest: string | undefined;
    if (body.source.resourceId !== undefined) {
      if (body.source.resourceId.toLowerCase() !== registryId.toLowerCase()) {
        return fail(body, "InvalidParameters", `Source registry ${body.source.resourceId} not found.`);
      }
      digest = reference.startsWith("sha256:")
        ? manifests.get(repository)?.has(reference)
          ? reference
          : undefined
        : tags.get(`${repository}:${reference}`);
    } else if (body.source.registryUri === sourceRegistry.host) {
      digest = reference.startsWith("sha256:")
        ? digests.has(reference)
          ? reference
          : undefined
        : images.get(`${repository}:${reference}`)?.digest;
    } else {
      return fail(body, "InvalidParameters", `The fake knows no registry ${body.source.registryUri}.`);
    }
    if (!digest) {
      return fail(body, "InvalidParameters", `Source image ${sourceImage} was not found.`);
    }
    const targets = body.targetTags ?? [];
    if (body.mode !== "Force") {
      const existing = targets.find((t) => tags.has(t));
      if (existing !== undefined) {
        return fail(body, "TagAlreadyExists", `Tag ${existing} already exists in target registry.`);
      }
    }
    for (const target of targets) {
      tags.set(target, digest);
      addManifest(target.slice(0, target.lastIndexOf(":")), digest);
    }
    for (const target of body.untaggedTargetRepositories ?? []) {
      addManifest(target, digest);
    }
    imports.push({ body, outcome: "imported" });
    return fake.lro({ headers: "location", polls: 1, result: () => undefined });
  });

  const registry: FakeImportRegistry = {
    resourceGroupName,
    registryName,
    registryId,
    loginServer: data.host,
    tags,
    manifests,
    imports,
    requests,
    exchanges,
    throttle(times, ms) {
      throttled = { times, ms };
    },
    refuseExchanges: false,
  };
  return {
    registry,
    source: sourceRegistry,
    caFile,
    close: async () => {
      await Promise.all([source.close(), data.close()]);
    },
  };
}
