/**
 * A fake Azure for tests: ONE HTTPS server on 127.0.0.1 (test CA generated per run) that plays
 *
 * - **Microsoft Entra ID** (what MSAL, behind `@azure/identity`, talks to): OpenID discovery
 *   `GET /{tenant}/v2.0/.well-known/openid-configuration` and the token endpoint
 *   `POST /{tenant}/oauth2/v2.0/token` (client credentials with a client secret, a client certificate
 *   assertion whose signature is verified against the registered certificate, or a federated client
 *   assertion = an OIDC token this fake issued, e.g. through its GitHub endpoint);
 * - a **managed identity endpoint** (App Service protocol: `GET /msi/token`, header `X-IDENTITY-HEADER`),
 *   reached through `IDENTITY_ENDPOINT` + `IDENTITY_HEADER` (see {@link FakeAzure.managedIdentityEnv});
 * - **GitHub Actions' OIDC token endpoint** (`ACTIONS_ID_TOKEN_REQUEST_URL`): `GET /github/token?audience=...`
 *   with `Authorization: Bearer <request token>` answers `{"value": <OIDC JWT>}`;
 * - **Azure Resource Manager**: every other path. Requests must carry a bearer token this fake issued for
 *   the ARM audience; routes are added with {@link FakeAzure.route}, faults with {@link FakeAzure.faults},
 *   long-running operations with {@link FakeAzure.lro}. Every ARM request is logged in
 *   {@link FakeAzure.requests} with the `appid`/`tid`/`oid` claims of its token.
 *
 * Tokens are JWTs (ES256, signed by the fake) carrying the client id (`appid`, `azp`), tenant (`tid`),
 * object id (`oid`) and audience (`aud` = the requested scope without `/.default`).
 *
 * Trusting the server: child processes get `NODE_EXTRA_CA_CERTS=fake.caFile` (Node reads it only at
 * start-up); in the test process itself, call {@link FakeAzure.trustInProcess}.
 *
 * ```ts
 * const fake = await startFakeAzure();
 * fake.route("GET", /^\/subscriptions\/[^/]+\/resourceGroups\/rg\/providers\/Microsoft\.ContainerRegistry\/registries\/acr$/i,
 *   () => ({ status: 200, body: { id: "...", name: "acr" } }));
 * const ctx = createOperationContext(() => undefined, { ...process.env, ...fake.env() });
 * // ... fake.requests[0].claims.appid === fake.defaultClient.clientId
 * await fake.close();
 * ```
 */
import "reflect-metadata";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as tls from "node:tls";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(crypto.webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** A service principal (app registration) the fake Entra ID knows. */
export interface FakeClient {
  /** Application (client) id: the `appid` claim of its tokens. */
  readonly clientId: string;
  /** Home tenant: the only tenant it may get tokens from (other tenants answer AADSTS700016). */
  readonly tenantId: string;
  /** Object id of its service principal: the `oid` claim. Default: a random UUID. */
  readonly objectId?: string;
  /** Accepted client secret, if any. */
  readonly secret?: string;
  /** PEM certificate whose key may sign client assertions (RSA; PS256 or RS256), if any. */
  readonly certificatePem?: string;
  /**
   * Federated credential: the audience an OIDC token issued by this fake must carry to be accepted as a
   * client assertion (Entra's default is `api://AzureADTokenExchange`). Unset = no federated credential.
   */
  readonly federatedAudience?: string;
}

/** A managed identity the fake managed-identity endpoint can issue tokens for. */
export interface FakeManagedIdentity {
  /** Client id of the identity (`appid`); a request naming this `client_id` selects it. */
  readonly clientId: string;
  /** Tenant of the identity (`tid`). */
  readonly tenantId: string;
  /** Object (principal) id (`oid`). Default: a random UUID. */
  readonly objectId?: string;
  /** Whether this is the system-assigned identity (chosen when the request names no identity). */
  readonly systemAssigned?: boolean;
}

/** The claims of the bearer token an ARM request carried (as the fake decoded and verified it). */
export interface TokenClaims {
  readonly appid: string;
  readonly tid: string;
  readonly oid: string;
  readonly aud: string;
  readonly iss: string;
  readonly [claim: string]: unknown;
}

/** One ARM request, as the fake saw it. */
export interface ArmRequest {
  /** HTTP method (upper case). */
  readonly method: string;
  /** URL path (not decoded), e.g. `/subscriptions/…/registries/acr`. */
  readonly path: string;
  /** The query string. */
  readonly query: URLSearchParams;
  /** The `api-version` query parameter (undefined when absent). */
  readonly apiVersion: string | undefined;
  /** Request headers (lower-case names). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Parsed JSON body (undefined when empty; the raw text when not JSON). */
  readonly body: unknown;
  /** Verified claims of the bearer token (undefined when the request was refused for its token). */
  readonly claims: TokenClaims | undefined;
  /** The match of the route's path regex (empty when no route matched). */
  readonly match: RegExpExecArray | [];
}

/** A logged ARM request with what the fake answered. */
export interface ArmRequestRecord extends ArmRequest {
  /** HTTP status answered (0 when the connection was dropped before an answer). */
  status: number;
  /** The fault applied to this request, if any. */
  fault?: FaultKind;
}

/** What an ARM route handler answers. */
export interface ArmResponse {
  /** HTTP status. Default 200. */
  readonly status?: number;
  /** JSON body (omitted = empty body). */
  readonly body?: unknown;
  /** Extra response headers. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Handles one ARM request (its `match` is the route regex's match of the path). */
export type ArmHandler = (request: ArmRequest) => ArmResponse | Promise<ArmResponse>;

/** Kinds of injected faults. */
export type FaultKind = "throttle" | "serverError" | "conflict" | "dropBefore" | "dropAfter";

/** A fault to inject into the next matching ARM requests. */
export interface FaultSpec {
  /**
   * - `throttle`: answer 429 with `Retry-After` (the handler does not run);
   * - `serverError`: answer `status` (default 500) with an ARM error body (the handler does not run);
   * - `conflict`: answer 409 with the ARM error `code` (default `AnotherOperationInProgress`, which
   *   azure-native retries) (the handler does not run);
   * - `dropBefore`: destroy the connection without running the handler;
   * - `dropAfter`: run the handler (the change IS applied) and then destroy the connection instead of
   *   answering (a lost response).
   */
  readonly kind: FaultKind;
  /** Only requests with this method (default: any). */
  readonly method?: string;
  /** Only requests whose path matches (default: any ARM path, including LRO polls). */
  readonly path?: RegExp;
  /** How many matching requests get the fault (default 1). */
  readonly times?: number;
  /** `Retry-After` seconds for `throttle` (default 1). */
  readonly retryAfterSeconds?: number;
  /** Status for `serverError` (default 500). */
  readonly status?: number;
  /** ARM error code for `conflict` (default `AnotherOperationInProgress`). */
  readonly code?: string;
}

/** The fault queue of the fake ARM. */
export interface FakeFaults {
  /** Queues a fault for the next `spec.times` (default 1) matching ARM requests. Faults apply in FIFO order. */
  add(spec: FaultSpec): void;
  /** Drops every queued fault. */
  clear(): void;
  /** Faults still queued (with the remaining count). */
  readonly pending: readonly (FaultSpec & { remaining: number })[];
}

/** Options of {@link FakeAzure.lro}. */
export interface LroOptions {
  /** Status of the initial answer (default 202; 201 for a PUT that creates). */
  readonly status?: number;
  /** Body of the initial answer (default none). */
  readonly initialBody?: unknown;
  /** Number of status polls answered `InProgress` before the operation completes (default 1). */
  readonly polls?: number;
  /**
   * The final result, computed when the operation completes (so the change can be applied then). Served
   * by the `Location` URL; with `failWith` the operation ends `Failed` instead.
   */
  readonly result?: () => unknown;
  /** End the operation `Failed` with this ARM error (`{code, message}`). */
  readonly failWith?: { readonly code: string; readonly message: string };
  /** Which headers to send: both (default), only `Azure-AsyncOperation`, or only `Location`. */
  readonly headers?: "both" | "azure-async-operation" | "location";
}

/** What a token request to the fake Entra ID looked like. */
export interface TokenRequestRecord {
  /** Tenant in the URL. */
  readonly tenantId: string;
  /** `client_id` of the request. */
  readonly clientId: string;
  /** How the client authenticated. */
  readonly kind: "secret" | "certificate" | "federated" | "unknown";
  /** Requested scope. */
  readonly scope: string;
  /** The OAuth error answered, if refused. */
  readonly error?: string;
}

/** A request to the fake GitHub OIDC token endpoint. */
export interface GitHubTokenRequestRecord {
  /** The `audience` query parameter. */
  readonly audience: string | null;
  /** The `Authorization` header. */
  readonly authorization: string | undefined;
  /** Whether it was answered with a token. */
  readonly ok: boolean;
}

/** A request to the fake managed-identity endpoint. */
export interface ManagedIdentityRequestRecord {
  /** `resource` query parameter. */
  readonly resource: string | null;
  /** `client_id` query parameter (user-assigned identity), if any. */
  readonly clientId: string | null;
  /** `api-version` query parameter. */
  readonly apiVersion: string | null;
  /** Whether `X-IDENTITY-HEADER` was right and an identity matched. */
  readonly ok: boolean;
}

/** Options of {@link startFakeAzure}. */
export interface FakeAzureOptions {
  /** Tenant of the default client. Default: a fixed UUID. */
  readonly tenantId?: string;
  /** Subscription the default `env()` names. Default: a fixed UUID. */
  readonly subscriptionId?: string;
  /** ARM audience the fake accepts (what `ARM_RESOURCE_MANAGER_AUDIENCE` says). Default `https://management.fake.test/`. */
  readonly audience?: string;
}

/** The running fake. Every member is documented: use it without reading the implementation. */
export interface FakeAzure {
  /** Base URL, `https://127.0.0.1:<port>` (no trailing slash): authority host, ARM endpoint and the rest. */
  readonly url: string;
  /** PEM of the per-run test CA that issued the server certificate. */
  readonly caPem: string;
  /** Path of a file holding {@link caPem} (for `NODE_EXTRA_CA_CERTS` in child processes). */
  readonly caFile: string;
  /** Directory for files the tests need (removed by `close()`). */
  readonly dir: string;
  /** The ARM audience the fake accepts in tokens. */
  readonly audience: string;
  /** Tenant of the default client. */
  readonly tenantId: string;
  /** The default subscription (`env().ARM_SUBSCRIPTION_ID`). */
  readonly subscriptionId: string;
  /** A client registered at start with a secret (used by `env()`). */
  readonly defaultClient: Required<Pick<FakeClient, "clientId" | "tenantId" | "objectId" | "secret">>;
  /** The bearer token the fake GitHub endpoint requires (`ACTIONS_ID_TOKEN_REQUEST_TOKEN`). */
  readonly githubRequestToken: string;
  /** The URL of the fake GitHub endpoint (`ACTIONS_ID_TOKEN_REQUEST_URL`; it already has a query). */
  readonly githubRequestUrl: string;
  /** The secret header the fake managed-identity endpoint requires (`IDENTITY_HEADER`). */
  readonly identityHeader: string;

  /**
   * The custom-cloud variables pointing at this fake (`ARM_ACTIVE_DIRECTORY_AUTHORITY_HOST`,
   * `ARM_RESOURCE_MANAGER_ENDPOINT`, `ARM_RESOURCE_MANAGER_AUDIENCE`) plus the default client's
   * `ARM_TENANT_ID`, `ARM_CLIENT_ID`, `ARM_CLIENT_SECRET` and `ARM_SUBSCRIPTION_ID`: a client-secret login.
   */
  env(): Record<string, string>;
  /**
   * The three custom-cloud variables, plus `EDGE_REGISTRY_ARM_RETRY_DELAY_MS=5` so the operations' ARM retries
   * (azure-native's policy, components/operations/armRetry.ts) back off in milliseconds instead of 20 s; a
   * `Retry-After` is still honoured as sent.
   */
  cloudEnv(): Record<string, string>;
  /** `IDENTITY_ENDPOINT` + `IDENTITY_HEADER` for the fake managed-identity endpoint (App Service protocol). */
  managedIdentityEnv(): Record<string, string>;

  /** Registers a service principal (secret, certificate and/or federated credential). */
  addClient(client: FakeClient): void;
  /** Registers a managed identity. */
  addManagedIdentity(identity: FakeManagedIdentity): void;
  /**
   * Issues an OIDC token as GitHub would (issuer `<url>/github`, signed by the fake), usable as
   * `ARM_OIDC_TOKEN` or in an `ARM_OIDC_TOKEN_FILE_PATH` file. Default audience `api://AzureADTokenExchange`.
   */
  issueOidcToken(options?: { audience?: string; subject?: string }): string;
  /** Issues an ARM access token directly (for tests that skip the login). */
  issueArmToken(claims: { appid: string; tid: string; oid?: string }): string;

  /**
   * Adds an ARM route. The first route (in insertion order) whose method matches and whose regex matches
   * the URL path handles the request; unmatched ARM requests answer 404 `ResourceNotFound`-like errors
   * naming the path. Routes never see unauthenticated requests (those get 401).
   */
  route(method: string, path: RegExp, handler: ArmHandler): void;
  /** Fault injection for ARM requests (applied before routing; LRO polls are ARM requests too). */
  readonly faults: FakeFaults;
  /**
   * Starts a long-running operation and returns the initial answer for a handler to return:
   * `Azure-AsyncOperation` (status JSON: `InProgress` `polls` times, then `Succeeded`/`Failed`) and
   * `Location` (202 while running, then 200 with `result()`; with `failWith`, the error). `result` runs once,
   * when the operation completes.
   */
  lro(options?: LroOptions): ArmResponse;

  /** Every ARM request (including LRO polls), in arrival order. */
  readonly requests: ArmRequestRecord[];
  /** Every token request to the fake Entra ID. */
  readonly tokenRequests: TokenRequestRecord[];
  /** Every request to the fake GitHub endpoint. */
  readonly githubRequests: GitHubTokenRequestRecord[];
  /** Every request to the fake managed-identity endpoint. */
  readonly managedIdentityRequests: ManagedIdentityRequestRecord[];
  /** Every discovery request (`openid-configuration`), by tenant. */
  readonly discoveryRequests: string[];
  /** Clears the logs above (routes, clients and faults stay). */
  resetLogs(): void;

  /**
   * Makes the CURRENT process trust the test CA (for in-process tests; child processes use `caFile`):
   * every TLS context created without an explicit `ca` also trusts it. Returns the undo function; `close()`
   * undoes it too (core modules are shared by every test file a jest worker runs: do not leave it on).
   */
  trustInProcess(): () => void;
  /** Stops the server and removes `dir`. */
  close(): Promise<void>;
}

const DEFAULT_TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const DEFAULT_SUBSCRIPTION = "8f2b1d6e-3c4a-4e5f-9a7b-1c2d3e4f5a6b";
const DEFAULT_AUDIENCE = "https://management.fake.test/";
const FEDERATED_DEFAULT_AUDIENCE = "api://AzureADTokenExchange";
const CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString("base64url");
}

/** A JWT signed ES256 with `key`. */
function signJwt(header: object, payload: object, key: crypto.KeyObject): string {
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = crypto.sign("sha256", Buffer.from(signingInput), { key, dsaEncoding: "ieee-p1363" });
  return `${signingInput}.${base64url(signature)}`;
}

interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: Buffer;
  signature: Buffer;
}

function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.trim().split(".");
  if (parts.length !== 3) {
    return undefined;
  }
  try {
    return {
      header: JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8")) as Record<string, unknown>,
      payload: JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as Record<string, unknown>,
      signingInput: Buffer.from(`${parts[0]}.${parts[1]}`),
      signature: Buffer.from(parts[2], "base64url"),
    };
  } catch {
    return undefined;
  }
}

/** Verifies a JWT signed ES256 by `key` and not expired. */
function verifyOwnJwt(token: string, key: crypto.KeyObject): Record<string, unknown> | undefined {
  const jwt = decodeJwt(token);
  if (!jwt || jwt.header.alg !== "ES256") {
    return undefined;
  }
  const ok = crypto.verify("sha256", jwt.signingInput, { key, dsaEncoding: "ieee-p1363" }, jwt.signature);
  const exp = jwt.payload.exp;
  if (!ok || (typeof exp === "number" && exp * 1000 < Date.now())) {
    return undefined;
  }
  return jwt.payload;
}

/** Verifies a client certificate assertion (RS256 or PS256) against the certificate's public key. */
function verifyCertificateAssertion(jwt: DecodedJwt, certificate: crypto.X509Certificate): boolean {
  const key = certificate.publicKey;
  if (jwt.header.alg === "RS256") {
    return crypto.verify("sha256", jwt.signingInput, key, jwt.signature);
  }
  if (jwt.header.alg === "PS256") {
    return crypto.verify(
      "sha256",
      jwt.signingInput,
      { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.constants.RSA_PSS_SALTLEN_AUTO },
      jwt.signature,
    );
  }
  return false;
}

/** Whether the assertion's `x5t`/`x5t#S256` names `certificate`. */
function thumbprintMatches(jwt: DecodedJwt, certificate: crypto.X509Certificate): boolean {
  const sha1 = base64url(crypto.createHash("sha1").update(certificate.raw).digest());
  const sha256 = base64url(crypto.createHash("sha256").update(certificate.raw).digest());
  return jwt.header.x5t === sha1 || jwt.header["x5t#S256"] === sha256;
}

async function makeServerCertificate(): Promise<{ caPem: string; certPem: string; keyPem: string }> {
  const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const now = Date.now();
  const day = 24 * 60 * 60 * 1000;
  const subtle = crypto.webcrypto.subtle;
  const caKeys = (await subtle.generateKey(algorithm, true, ["sign", "verify"])) as crypto.webcrypto.CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: "CN=edge-registry fake Azure test CA",
    notBefore: new Date(now - day),
    notAfter: new Date(now + day),
    keys: caKeys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const serverKeys = (await subtle.generateKey(algorithm, true, ["sign", "verify"])) as crypto.webcrypto.CryptoKeyPair;
  const server = await x509.X509CertificateGenerator.create({
    subject: "CN=127.0.0.1",
    issuer: ca.subject,
    notBefore: new Date(now - day),
    notAfter: new Date(now + day),
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: "ip", value: "127.0.0.1" },
        { type: "dns", value: "localhost" },
      ]),
    ],
  });
  const pkcs8 = Buffer.from(await subtle.exportKey("pkcs8", serverKeys.privateKey));
  const keyPem = crypto.createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" }).export({
    type: "pkcs8",
    format: "pem",
  }) as string;
  return { caPem: ca.toString("pem") + "\n", certPem: server.toString("pem") + "\n", keyPem };
}

/** The whole body of a request, as text. */
export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/** Answers with a JSON body (none for HEAD) and ARM's request id header. */
export function send(
  response: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  response.writeHead(status, {
    ...(body === undefined ? {} : { "Content-Type": "application/json; charset=utf-8" }),
    "Content-Length": String(Buffer.byteLength(text)),
    "x-ms-request-id": crypto.randomUUID(),
    ...headers,
  });
  response.end(response.req.method === "HEAD" ? undefined : text);
}

function armError(code: string, message: string) {
  return { error: { code, message } };
}

/** Starts the fake Azure (see the module doc). Close it with `close()`. */
export async function startFakeAzure(options: FakeAzureOptions = {}): Promise<FakeAzure> {
  const tenantId = options.tenantId ?? DEFAULT_TENANT;
  const subscriptionId = options.subscriptionId ?? DEFAULT_SUBSCRIPTION;
  const audience = options.audience ?? DEFAULT_AUDIENCE;
  const { caPem, certPem, keyPem } = await makeServerCertificate();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-azure-"));
  const caFile = path.join(dir, "ca.pem");
  fs.writeFileSync(caFile, caPem);
  const signingKey = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
  const githubRequestToken = `gh-request-${crypto.randomBytes(12).toString("hex")}`;
  const identityHeader = `id-header-${crypto.randomBytes(12).toString("hex")}`;

  const clients = new Map<string, FakeClient & { objectId: string }>();
  const identities: (FakeManagedIdentity & { objectId: string })[] = [];
  const routes: { method: string; path: RegExp; handler: ArmHandler }[] = [];
  const pendingFaults: (FaultSpec & { remaining: number })[] = [];
  const operations = new Map<string, { options: LroOptions; polls: number; done: boolean; result?: unknown }>();
  const requests: ArmRequestRecord[] = [];
  const tokenRequests: TokenRequestRecord[] = [];
  const githubRequests: GitHubTokenRequestRecord[] = [];
  const managedIdentityRequests: ManagedIdentityRequestRecord[] = [];
  const discoveryRequests: string[] = [];
  const sockets = new Set<Socket>();
  const untrusts = new Set<() => void>();
  let url = "";

  const sameAudience = (a: unknown, b: string) =>
    typeof a === "string" && a.replace(/\/+$/, "") === b.replace(/\/+$/, "");

  function issueToken(claims: { appid: string; tid: string; oid: string; aud: string }): string {
    const now = Math.floor(Date.now() / 1000);
    return signJwt(
      { alg: "ES256", typ: "JWT", kid: "fake-azure" },
      {
        ...claims,
        azp: claims.appid,
        iss: `${url}/${claims.tid}/v2.0`,
        sub: claims.oid,
        idtyp: "app",
        iat: now,
        nbf: now - 60,
        exp: now + 3600,
      },
      signingKey.privateKey,
    );
  }

  function tokenAnswer(accessToken: string) {
    return {
      token_type: "Bearer",
      expires_in: 3599,
      ext_expires_in: 3599,
      access_token: accessToken,
    };
  }

  // ---- Entra ID ---------------------------------------------------------------------------------------
  function discovery(response: ServerResponse, tenant: string): void {
    discoveryRequests.push(tenant);
    send(response, 200, {
      token_endpoint: `${url}/${tenant}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
      jwks_uri: `${url}/${tenant}/discovery/v2.0/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      issuer: `${url}/${tenant}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${url}/oidc/userinfo`,
      authorization_endpoint: `${url}/${tenant}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${url}/${tenant}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${url}/${tenant}/oauth2/v2.0/logout`,
      claims_supported: ["sub", "iss", "aud", "exp", "iat", "nonce", "tid"],
      kerberos_endpoint: `${url}/${tenant}/kerberos`,
      tenant_region_scope: "WW",
      cloud_instance_name: new URL(url).host,
      cloud_graph_host_name: new URL(url).host,
      msgraph_host: new URL(url).host,
      rbac_url: url,
    });
  }

  function oauthError(response: ServerResponse, status: number, error: string, description: string): void {
    send(response, status, {
      error,
      error_description: description,
      error_codes: [Number(/AADSTS(\d+)/.exec(description)?.[1] ?? 0)],
      timestamp: new Date().toISOString(),
      trace_id: crypto.randomUUID(),
      correlation_id: crypto.randomUUID(),
    });
  }

  async function token(request: IncomingMessage, response: ServerResponse, tenant: string): Promise<void> {
    const form = new URLSearchParams(await readBody(request));
    const clientId = form.get("client_id") ?? "";
    const scope = form.get("scope") ?? "";
    const assertion = form.get("client_assertion");
    const jwt = assertion ? decodeJwt(assertion) : undefined;
    const kind: TokenRequestRecord["kind"] = form.get("client_secret")
      ? "secret"
      : jwt && (jwt.header.x5t || jwt.header["x5t#S256"])
        ? "certificate"
        : jwt
          ? "federated"
          : "unknown";
    const refuse = (status: number, error: string, description: string) => {
      tokenRequests.push({ tenantId: tenant, clientId, kind, scope, error: `${error}: ${description}` });
      oauthError(response, status, error, description);
    };
    const client = clients.get(clientId);
    if (form.get("grant_type") !== "client_credentials") {
      return refuse(400, "unsupported_grant_type", `AADSTS70003: grant_type ${form.get("grant_type")} not supported.`);
    }
    if (!client || client.tenantId !== tenant) {
      return refuse(
        400,
        "unauthorized_client",
        `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${tenant}'.`,
      );
    }
    const scopes = scope.split(" ").filter((s) => s.endsWith("/.default"));
    if (scopes.length !== 1) {
      return refuse(400, "invalid_scope", `AADSTS1002012: The provided value for scope ${scope} is not valid.`);
    }
    if (kind === "secret") {
      if (!client.secret || form.get("client_secret") !== client.secret) {
        return refuse(401, "invalid_client", `AADSTS7000215: Invalid client secret provided.`);
      }
    } else if (kind === "certificate" || kind === "federated") {
      if (form.get("client_assertion_type") !== CLIENT_ASSERTION_TYPE || !jwt) {
        return refuse(400, "invalid_request", "AADSTS50027: Invalid JWT token.");
      }
      if (kind === "certificate") {
        const certificate = client.certificatePem ? new crypto.X509Certificate(client.certificatePem) : undefined;
        const endpoint = `${url}/${tenant}/oauth2/v2.0/token`;
        if (!certificate || !thumbprintMatches(jwt, certificate)) {
          return refuse(
            401,
            "invalid_client",
            "AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application.",
          );
        }
        if (!verifyCertificateAssertion(jwt, certificate)) {
          return refuse(401, "invalid_client", "AADSTS700027: Client assertion contains an invalid signature.");
        }
        if (jwt.payload.iss !== clientId || jwt.payload.sub !== clientId || !sameAudience(jwt.payload.aud, endpoint)) {
          return refuse(
            401,
            "invalid_client",
            `AADSTS700021: Client assertion audience/issuer/subject is invalid (aud must be ${endpoint}).`,
          );
        }
      } else {
        const claims = verifyOwnJwt(assertion ?? "", signingKey.publicKey);
        if (!claims || claims.iss !== `${url}/github`) {
          return refuse(
            401,
            "invalid_client",
            "AADSTS700211: No matching federated identity record found for presented assertion issuer.",
          );
        }
        if (!client.federatedAudience || claims.aud !== client.federatedAudience) {
          return refuse(
            401,
            "invalid_client",
            `AADSTS700212: No matching federated identity record found for presented assertion audience '${String(claims.aud)}'.`,
          );
        }
      }
    } else {
      return refuse(
        401,
        "invalid_client",
        "AADSTS7000218: The request body must contain client_assertion or client_secret.",
      );
    }
    tokenRequests.push({ tenantId: tenant, clientId, kind, scope });
    const aud = scopes[0].slice(0, -"/.default".length);
    send(response, 200, tokenAnswer(issueToken({ appid: clientId, tid: tenant, oid: client.objectId, aud })));
  }

  // ---- managed identity (App Service protocol) ------------------------------------------------------------
  function managedIdentity(request: IncomingMessage, response: ServerResponse, query: URLSearchParams): void {
    const requested = query.get("client_id");
    const identity = requested
      ? identities.find((i) => i.clientId === requested)
      : identities.find((i) => i.systemAssigned);
    const ok = request.headers["x-identity-header"] === identityHeader && identity !== undefined;
    managedIdentityRequests.push({
      resource: query.get("resource"),
      clientId: requested,
      apiVersion: query.get("api-version"),
      ok,
    });
    if (!ok || !identity) {
      return send(response, 400, { statusCode: 400, message: "No managed identity matches the request." });
    }
    const resource = (query.get("resource") ?? "").replace(/\/\.default$/, "");
    const accessToken = issueToken({
      appid: identity.clientId,
      tid: identity.tenantId,
      oid: identity.objectId,
      aud: resource,
    });
    send(response, 200, {
      access_token: accessToken,
      expires_on: String(Math.floor(Date.now() / 1000) + 3600),
      resource,
      token_type: "Bearer",
      client_id: identity.clientId,
    });
  }

  // ---- GitHub Actions OIDC ------------------------------------------------------------------------------
  function github(request: IncomingMessage, response: ServerResponse, query: URLSearchParams): void {
    const authorization = request.headers.authorization;
    const ok = authorization === `Bearer ${githubRequestToken}`;
    githubRequests.push({ audience: query.get("audience"), authorization, ok });
    if (!ok) {
      return send(response, 401, { message: "Bad credentials" });
    }
    // `valueKey` in the request URL (a test's ACTIONS_ID_TOKEN_REQUEST_URL) names the token's JSON key, to
    // check that the client matches it as Go's encoding/json does (case-insensitively).
    const key = query.get("valueKey") ?? "value";
    send(response, 200, { count: 1, [key]: fake.issueOidcToken({ audience: query.get("audience") ?? undefined }) });
  }

  // ---- ARM ----------------------------------------------------------------------------------------------
  function takeFault(method: string, pathname: string): FaultSpec | undefined {
    const index = pendingFaults.findIndex(
      (f) => (!f.method || f.method.toUpperCase() === method) && (!f.path || f.path.test(pathname)),
    );
    if (index < 0) {
      return undefined;
    }
    const fault = pendingFaults[index];
    fault.remaining -= 1;
    if (fault.remaining <= 0) {
      pendingFaults.splice(index, 1);
    }
    return fault;
  }

  function pollOperation(id: string, kind: "status" | "location"): ArmResponse {
    const operation = operations.get(id);
    if (!operation) {
      return { status: 404, body: armError("OperationNotFound", `Operation ${id} was not found.`) };
    }
    if (!operation.done) {
      if (operation.polls < (operation.options.polls ?? 1)) {
        operation.polls += 1;
        return kind === "status"
          ? { status: 200, body: { id, name: id, status: "InProgress" } }
          : {
              status: 202,
              headers: { "Retry-After": "0", Location: `${url}/fakeOperations/${id}/result?api-version=2023-01-01` },
            };
      }
      operation.done = true;
      if (!operation.options.failWith) {
        operation.result = operation.options.result?.();
      }
    }
    const failed = operation.options.failWith;
    if (kind === "status") {
      return {
        status: 200,
        body: failed ? { id, name: id, status: "Failed", error: failed } : { id, name: id, status: "Succeeded" },
      };
    }
    return failed ? { status: 400, body: { error: failed } } : { status: 200, body: operation.result };
  }

  async function arm(request: IncomingMessage, response: ServerResponse, parsed: URL): Promise<void> {
    const method = (request.method ?? "GET").toUpperCase();
    const text = await readBody(request);
    let body: unknown;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const bearer = /^Bearer (.+)$/i.exec(String(request.headers.authorization ?? ""))?.[1];
    const verified = bearer ? verifyOwnJwt(bearer, signingKey.publicKey) : undefined;
    const claims = verified && sameAudience(verified.aud, audience) ? (verified as unknown as TokenClaims) : undefined;
    const record: ArmRequestRecord = {
      method,
      path: parsed.pathname,
      query: parsed.searchParams,
      apiVersion: parsed.searchParams.get("api-version") ?? undefined,
      headers: request.headers,
      body,
      claims,
      match: [],
      status: 0,
    };
    requests.push(record);
    if (!claims) {
      record.status = 401;
      return send(
        response,
        401,
        armError(
          bearer ? "InvalidAuthenticationToken" : "AuthenticationFailed",
          bearer
            ? `The access token is invalid or has the wrong audience (expected ${audience}).`
            : "Authentication failed. The 'Authorization' header is missing.",
        ),
        { "WWW-Authenticate": `Bearer authorization_uri="${url}/${tenantId}", error="invalid_token"` },
      );
    }
    const fault = takeFault(method, parsed.pathname);
    if (fault) {
      record.fault = fault.kind;
    }
    if (fault?.kind === "dropBefore") {
      request.socket.destroy();
      return;
    }
    if (fault?.kind === "throttle") {
      record.status = 429;
      return send(response, 429, armError("TooManyRequests", "The request is being throttled."), {
        "Retry-After": String(fault.retryAfterSeconds ?? 1),
      });
    }
    if (fault?.kind === "conflict") {
      record.status = 409;
      const code = fault.code ?? "AnotherOperationInProgress";
      return send(
        response,
        409,
        armError(code, `Conflict (${code}): another operation is in progress on the resource.`),
      );
    }
    if (fault?.kind === "serverError") {
      record.status = fault.status ?? 500;
      return send(response, record.status, armError("InternalServerError", "Encountered internal server error."));
    }
    let answer: ArmResponse;
    const operation = /^\/fakeOperations\/([^/]+)(\/result)?$/.exec(parsed.pathname);
    if (operation && method === "GET") {
      answer = pollOperation(operation[1], operation[2] ? "location" : "status");
    } else {
      const route = routes.find((r) => r.method === method && r.path.test(parsed.pathname));
      if (route) {
        const match = route.path.exec(parsed.pathname) as RegExpExecArray;
        route.path.lastIndex = 0;
        (record as { match: RegExpExecArray }).match = match;
        try {
          answer = await route.handler(record);
        } catch (error) {
          answer = { status: 500, body: armError("FakeHandlerError", String(error)) };
        }
      } else {
        answer = {
          status: 404,
          body: armError("NoRouteInFakeAzure", `The fake ARM has no route for ${method} ${parsed.pathname}.`),
        };
      }
    }
    if (fault?.kind === "dropAfter") {
      request.socket.destroy();
      return;
    }
    record.status = answer.status ?? 200;
    send(response, record.status, answer.body, { ...(answer.headers ?? {}) });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const parsed = new URL(request.url ?? "/", url);
    const pathname = parsed.pathname;
    let match: RegExpExecArray | null;
    if ((match = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(pathname))) {
      return discovery(response, match[1]);
    }
    if ((match = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(pathname)) && request.method === "POST") {
      return token(request, response, match[1]);
    }
    if (pathname === "/msi/token") {
      return managedIdentity(request, response, parsed.searchParams);
    }
    if (pathname === "/github/token") {
      return github(request, response, parsed.searchParams);
    }
    return arm(request, response, parsed);
  }

  const server = https.createServer({ key: keyPem, cert: certPem }, (request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        send(response, 500, armError("FakeAzureError", String(error)));
      }
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const defaultClient = {
    clientId: "0f8fad5b-d9cb-469f-a165-70867728950e",
    tenantId,
    objectId: "7c9e6679-7425-40de-944b-e07fc1f90ae7",
    secret: `secret-${crypto.randomBytes(8).toString("hex")}`,
  };

  const fake: FakeAzure = {
    url,
    caPem,
    caFile,
    dir,
    audience,
    tenantId,
    subscriptionId,
    defaultClient,
    githubRequestToken,
    githubRequestUrl: `${url}/github/token?api-version=2.0`,
    identityHeader,
    cloudEnv: () => ({
      ARM_ACTIVE_DIRECTORY_AUTHORITY_HOST: `${url}/`,
      ARM_RESOURCE_MANAGER_ENDPOINT: url,
      ARM_RESOURCE_MANAGER_AUDIENCE: audience,
      EDGE_REGISTRY_ARM_RETRY_DELAY_MS: "5",
    }),
    env: () => ({
      ...fake.cloudEnv(),
      ARM_TENANT_ID: defaultClient.tenantId,
      ARM_CLIENT_ID: defaultClient.clientId,
      ARM_CLIENT_SECRET: defaultClient.secret,
      ARM_SUBSCRIPTION_ID: subscriptionId,
    }),
    managedIdentityEnv: () => ({ IDENTITY_ENDPOINT: `${url}/msi/token`, IDENTITY_HEADER: identityHeader }),
    addClient(client) {
      clients.set(client.clientId, { ...client, objectId: client.objectId ?? crypto.randomUUID() });
    },
    addManagedIdentity(identity) {
      identities.push({ ...identity, objectId: identity.objectId ?? crypto.randomUUID() });
    },
    issueOidcToken({ audience: tokenAudience, subject } = {}) {
      const now = Math.floor(Date.now() / 1000);
      return signJwt(
        { alg: "ES256", typ: "JWT", kid: "fake-github" },
        {
          iss: `${url}/github`,
          aud: tokenAudience ?? FEDERATED_DEFAULT_AUDIENCE,
          sub: subject ?? "repo:contoso/edge:ref:refs/heads/main",
          iat: now,
          nbf: now - 60,
          exp: now + 600,
        },
        signingKey.privateKey,
      );
    },
    issueArmToken: ({ appid, tid, oid }) => issueToken({ appid, tid, oid: oid ?? crypto.randomUUID(), aud: audience }),
    route(method, pathRegex, handler) {
      routes.push({ method: method.toUpperCase(), path: pathRegex, handler });
    },
    faults: {
      add(spec) {
        pendingFaults.push({ ...spec, remaining: spec.times ?? 1 });
      },
      clear() {
        pendingFaults.length = 0;
      },
      get pending() {
        return pendingFaults;
      },
    },
    lro(lroOptions = {}) {
      const id = crypto.randomUUID();
      operations.set(id, { options: lroOptions, polls: 0, done: false });
      const which = lroOptions.headers ?? "both";
      const headers: Record<string, string> = { "Retry-After": "0" };
      if (which !== "location") {
        headers["Azure-AsyncOperation"] = `${url}/fakeOperations/${id}?api-version=2023-01-01`;
      }
      if (which !== "azure-async-operation") {
        headers.Location = `${url}/fakeOperations/${id}/result?api-version=2023-01-01`;
      }
      return { status: lroOptions.status ?? 202, body: lroOptions.initialBody, headers };
    },
    requests,
    tokenRequests,
    githubRequests,
    managedIdentityRequests,
    discoveryRequests,
    resetLogs() {
      requests.length = 0;
      tokenRequests.length = 0;
      githubRequests.length = 0;
      managedIdentityRequests.length = 0;
      discoveryRequests.length = 0;
    },
    trustInProcess() {
      // The module object itself (an `import * as` namespace may be a copy under CommonJS interop).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const tlsModule = require("node:tls") as { createSecureContext: typeof tls.createSecureContext };
      const original = tlsModule.createSecureContext;
      const trusted = [...tls.rootCertificates, caPem];
      const patched: typeof tls.createSecureContext = (contextOptions) =>
        original(contextOptions?.ca ? contextOptions : { ...contextOptions, ca: trusted });
      tlsModule.createSecureContext = patched;
      const undo = () => {
        if (tlsModule.createSecureContext === patched) {
          tlsModule.createSecureContext = original;
        }
        untrusts.delete(undo);
      };
      untrusts.add(undo);
      return undo;
    },
    async close() {
      for (const undo of [...untrusts].reverse()) {
        undo();
      }
      for (const socket of sockets) {
        socket.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  fake.addClient(defaultClient);
  return fake;
}
