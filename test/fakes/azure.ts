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
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as tls from "node:tls";
import { arm, startLro } from "./arm";
import { armError, makeServerCertificate, send } from "./azureHttps";
import type { FakeAzureState } from "./azureState";
import type { FakeAzure, FakeAzureOptions } from "./azureTypes";
import { discovery, issueToken, token } from "./entraId";
import { github, issueOidcToken } from "./githubOidc";
import { managedIdentity } from "./managedIdentity";

export * from "./azureTypes";
export { readBody, send } from "./azureHttps";

const DEFAULT_TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const DEFAULT_SUBSCRIPTION = "8f2b1d6e-3c4a-4e5f-9a7b-1c2d3e4f5a6b";
const DEFAULT_AUDIENCE = "https://management.fake.test/";

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
  const state: FakeAzureState = {
    url: "",
    tenantId,
    audience,
    signingKey,
    githubRequestToken,
    identityHeader,
    clients: new Map(),
    identities: [],
    routes: [],
    pendingFaults: [],
    operations: new Map(),
    requests: [],
    tokenRequests: [],
    githubRequests: [],
    managedIdentityRequests: [],
    discoveryRequests: [],
  };
  const { clients, identities, routes, pendingFaults, requests, tokenRequests, githubRequests } = state;
  const { managedIdentityRequests, discoveryRequests } = state;
  const sockets = new Set<Socket>();
  const untrusts = new Set<() => void>();

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const parsed = new URL(request.url ?? "/", state.url);
    const pathname = parsed.pathname;
    let match: RegExpExecArray | null;
    if ((match = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(pathname))) {
      return discovery(state, response, match[1]);
    }
    if ((match = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(pathname)) && request.method === "POST") {
      return token(state, request, response, match[1]);
    }
    if (pathname === "/msi/token") {
      return managedIdentity(state, request, response, parsed.searchParams);
    }
    if (pathname === "/github/token") {
      return github(state, request, response, parsed.searchParams);
    }
    return arm(state, request, response, parsed);
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
  const url = (state.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`);
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
      EDGE_REGISTRY_LRO_POLL_INTERVAL_MS: "10",
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
    issueOidcToken: (oidcOptions) => issueOidcToken(state, oidcOptions),
    issueArmToken: ({ appid, tid, oid }) =>
      issueToken(state, { appid, tid, oid: oid ?? crypto.randomUUID(), aud: audience }),
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
    lro: (lroOptions) => startLro(state, lroOptions),
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
