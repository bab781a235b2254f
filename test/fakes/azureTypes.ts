/** The public types of the fake Azure (test/fakes/azure.ts): registrations, ARM routes and faults, logs, the fake itself. */

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
  /** When the request arrived (`Date.now()`), e.g. to check that a retry waited the delay asked for. */
  readonly at: number;
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
   * - `throttle`: answer 429 with `Retry-After` or `retry-after-ms` (the handler does not run);
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
  /** `Retry-After` seconds for `throttle` (default 1, unless `retryAfterMs` is given). */
  readonly retryAfterSeconds?: number;
  /**
   * For `throttle`: answer `retry-after-ms: <this>` instead of `Retry-After` (the header azcore and
   * `@azure/core-rest-pipeline` read first, in milliseconds), so a test waits a fraction of a second.
   */
  readonly retryAfterMs?: number;
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
   * (azure-native's policy, components/operations/armRetry.ts) back off in milliseconds instead of 20 s (a
   * `Retry-After` is still honoured as sent), and `EDGE_REGISTRY_LRO_POLL_INTERVAL_MS=10` so their
   * long-running calls poll this fake every 10 ms instead of the SDK's 2 s (components/operations/client.ts).
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
