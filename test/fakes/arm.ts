/**
 * The fake Azure Resource Manager: bearer tokens checked, faults injected, routes answered, long-running operations
 * polled, every request logged.
 */
import * as crypto from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { verifyOwnJwt } from "./azureJwt";
import { armError, readBody, send } from "./azureHttps";
import { type FakeAzureState, sameAudience } from "./azureState";
import type { ArmRequestRecord, ArmResponse, FaultSpec, LroOptions, TokenClaims } from "./azureTypes";

function takeFault(state: FakeAzureState, method: string, pathname: string): FaultSpec | undefined {
  const index = state.pendingFaults.findIndex(
    (f) => (!f.method || f.method.toUpperCase() === method) && (!f.path || f.path.test(pathname)),
  );
  if (index < 0) {
    return undefined;
  }
  const fault = state.pendingFaults[index];
  fault.remaining -= 1;
  if (fault.remaining <= 0) {
    state.pendingFaults.splice(index, 1);
  }
  return fault;
}

function pollOperation(state: FakeAzureState, id: string, kind: "status" | "location"): ArmResponse {
  const operation = state.operations.get(id);
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
            headers: {
              "Retry-After": "0",
              Location: `${state.url}/fakeOperations/${id}/result?api-version=2023-01-01`,
            },
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

/** Answers an ARM request (see {@link FakeAzure.route}, {@link FakeAzure.faults}). */
export async function arm(
  state: FakeAzureState,
  request: IncomingMessage,
  response: ServerResponse,
  parsed: URL,
): Promise<void> {
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
  const verified = bearer ? verifyOwnJwt(bearer, state.signingKey.publicKey) : undefined;
  const claims =
    verified && sameAudience(verified.aud, state.audience) ? (verified as unknown as TokenClaims) : undefined;
  const record: ArmRequestRecord = {
    at: Date.now(),
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
  state.requests.push(record);
  if (!claims) {
    record.status = 401;
    return send(
      response,
      401,
      armError(
        bearer ? "InvalidAuthenticationToken" : "AuthenticationFailed",
        bearer
          ? `The access token is invalid or has the wrong audience (expected ${state.audience}).`
          : "Authentication failed. The 'Authorization' header is missing.",
      ),
      { "WWW-Authenticate": `Bearer authorization_uri="${state.url}/${state.tenantId}", error="invalid_token"` },
    );
  }
  const fault = takeFault(state, method, parsed.pathname);
  if (fault) {
    record.fault = fault.kind;
  }
  if (fault?.kind === "dropBefore") {
    request.socket.destroy();
    return;
  }
  if (fault?.kind === "throttle") {
    record.status = 429;
    const retryAfter: Record<string, string> =
      fault.retryAfterMs !== undefined
        ? { "retry-after-ms": String(fault.retryAfterMs) }
        : { "Retry-After": String(fault.retryAfterSeconds ?? 1) };
    return send(response, 429, armError("TooManyRequests", "The request is being throttled."), retryAfter);
  }
  if (fault?.kind === "conflict") {
    record.status = 409;
    const code = fault.code ?? "AnotherOperationInProgress";
    return send(response, 409, armError(code, `Conflict (${code}): another operation is in progress on the resource.`));
  }
  if (fault?.kind === "serverError") {
    record.status = fault.status ?? 500;
    return send(response, record.status, armError("InternalServerError", "Encountered internal server error."));
  }
  let answer: ArmResponse;
  const operation = /^\/fakeOperations\/([^/]+)(\/result)?$/.exec(parsed.pathname);
  if (operation && method === "GET") {
    answer = pollOperation(state, operation[1], operation[2] ? "location" : "status");
  } else {
    const route = state.routes.find((r) => r.method === method && r.path.test(parsed.pathname));
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

/** Starts a long-running operation: its initial answer (see {@link FakeAzure.lro}). */
export function startLro(state: FakeAzureState, lroOptions: LroOptions = {}): ArmResponse {
  const id = crypto.randomUUID();
  state.operations.set(id, { options: lroOptions, polls: 0, done: false });
  const which = lroOptions.headers ?? "both";
  const headers: Record<string, string> = { "Retry-After": "0" };
  if (which !== "location") {
    headers["Azure-AsyncOperation"] = `${state.url}/fakeOperations/${id}?api-version=2023-01-01`;
  }
  if (which !== "azure-async-operation") {
    headers.Location = `${state.url}/fakeOperations/${id}/result?api-version=2023-01-01`;
  }
  return { status: lroOptions.status ?? 202, body: lroOptions.initialBody, headers };
}
