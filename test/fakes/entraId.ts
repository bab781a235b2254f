/**
 * The fake Microsoft Entra ID: OpenID discovery and the token endpoint (client credentials with a client secret, a
 * client certificate assertion verified against the registered certificate, or a federated assertion this fake issued).
 */
import * as crypto from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { decodeJwt, signJwt, thumbprintMatches, verifyCertificateAssertion, verifyOwnJwt } from "./azureJwt";
import { readBody, send } from "./azureHttps";
import { type FakeAzureState, sameAudience } from "./azureState";
import type { TokenRequestRecord } from "./azureTypes";

const CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** An access token (JWT, ES256) for `claims`, issued by the fake's tenant. */
export function issueToken(
  state: FakeAzureState,
  claims: { appid: string; tid: string; oid: string; aud: string },
): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(
    { alg: "ES256", typ: "JWT", kid: "fake-azure" },
    {
      ...claims,
      azp: claims.appid,
      iss: `${state.url}/${claims.tid}/v2.0`,
      sub: claims.oid,
      idtyp: "app",
      iat: now,
      nbf: now - 60,
      exp: now + 3600,
    },
    state.signingKey.privateKey,
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

export function discovery(state: FakeAzureState, response: ServerResponse, tenant: string): void {
  state.discoveryRequests.push(tenant);
  send(response, 200, {
    token_endpoint: `${state.url}/${tenant}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${state.url}/${tenant}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: `${state.url}/${tenant}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${state.url}/oidc/userinfo`,
    authorization_endpoint: `${state.url}/${tenant}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${state.url}/${tenant}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${state.url}/${tenant}/oauth2/v2.0/logout`,
    claims_supported: ["sub", "iss", "aud", "exp", "iat", "nonce", "tid"],
    kerberos_endpoint: `${state.url}/${tenant}/kerberos`,
    tenant_region_scope: "WW",
    cloud_instance_name: new URL(state.url).host,
    cloud_graph_host_name: new URL(state.url).host,
    msgraph_host: new URL(state.url).host,
    rbac_url: state.url,
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

export async function token(
  state: FakeAzureState,
  request: IncomingMessage,
  response: ServerResponse,
  tenant: string,
): Promise<void> {
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
    state.tokenRequests.push({ tenantId: tenant, clientId, kind, scope, error: `${error}: ${description}` });
    oauthError(response, status, error, description);
  };
  const client = state.clients.get(clientId);
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
      const endpoint = `${state.url}/${tenant}/oauth2/v2.0/token`;
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
      const claims = verifyOwnJwt(assertion ?? "", state.signingKey.publicKey);
      if (!claims || claims.iss !== `${state.url}/github`) {
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
  state.tokenRequests.push({ tenantId: tenant, clientId, kind, scope });
  const aud = scopes[0].slice(0, -"/.default".length);
  send(response, 200, tokenAnswer(issueToken(state, { appid: clientId, tid: tenant, oid: client.objectId, aud })));
}
