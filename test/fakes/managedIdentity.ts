/** The fake managed identity endpoint (App Service protocol: `GET /msi/token`, header `X-IDENTITY-HEADER`). */
import type { IncomingMessage, ServerResponse } from "node:http";
import { send } from "./azureHttps";
import type { FakeAzureState } from "./azureState";
import { issueToken } from "./entraId";

export function managedIdentity(
  state: FakeAzureState,
  request: IncomingMessage,
  response: ServerResponse,
  query: URLSearchParams,
): void {
  const requested = query.get("client_id");
  const identity = requested
    ? state.identities.find((i) => i.clientId === requested)
    : state.identities.find((i) => i.systemAssigned);
  const ok = request.headers["x-identity-header"] === state.identityHeader && identity !== undefined;
  state.managedIdentityRequests.push({
    resource: query.get("resource"),
    clientId: requested,
    apiVersion: query.get("api-version"),
    ok,
  });
  if (!ok || !identity) {
    return send(response, 400, { statusCode: 400, message: "No managed identity matches the request." });
  }
  const resource = (query.get("resource") ?? "").replace(/\/\.default$/, "");
  const accessToken = issueToken(state, {
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
