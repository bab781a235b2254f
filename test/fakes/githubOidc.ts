/** The fake GitHub Actions OIDC token endpoint (`ACTIONS_ID_TOKEN_REQUEST_URL`) and the OIDC tokens it issues. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { signJwt } from "./azureJwt";
import { send } from "./azureHttps";
import type { FakeAzureState } from "./azureState";

const FEDERATED_DEFAULT_AUDIENCE = "api://AzureADTokenExchange";

/** An OIDC token as GitHub would issue it (issuer `<url>/github`, signed by the fake); see {@link FakeAzure.issueOidcToken}. */
export function issueOidcToken(
  state: FakeAzureState,
  { audience: tokenAudience, subject }: { audience?: string; subject?: string } = {},
): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(
    { alg: "ES256", typ: "JWT", kid: "fake-github" },
    {
      iss: `${state.url}/github`,
      aud: tokenAudience ?? FEDERATED_DEFAULT_AUDIENCE,
      sub: subject ?? "repo:contoso/edge:ref:refs/heads/main",
      iat: now,
      nbf: now - 60,
      exp: now + 600,
    },
    state.signingKey.privateKey,
  );
}

/** Answers `GET /github/token?audience=...` with `{"value": <OIDC JWT>}` when the request token is right. */
export function github(
  state: FakeAzureState,
  request: IncomingMessage,
  response: ServerResponse,
  query: URLSearchParams,
): void {
  const authorization = request.headers.authorization;
  const ok = authorization === `Bearer ${state.githubRequestToken}`;
  state.githubRequests.push({ audience: query.get("audience"), authorization, ok });
  if (!ok) {
    return send(response, 401, { message: "Bad credentials" });
  }
  // `valueKey` in the request URL (a test's ACTIONS_ID_TOKEN_REQUEST_URL) names the token's JSON key, to
  // check that the client matches it as Go's encoding/json does (case-insensitively).
  const key = query.get("valueKey") ?? "value";
  send(response, 200, { count: 1, [key]: issueOidcToken(state, { audience: query.get("audience") ?? undefined }) });
}
