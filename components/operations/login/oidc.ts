/**
 * OIDC client assertions (azure-native's `newOidcCredential`, pulumi-azure-native `auth_azidentity.go`):
 * the token file and the GitHub Actions token exchange.
 */
import { readFileSync } from "node:fs";
import { AzureLoginError, settingLabel } from "./settings";

/**
 * The token in `file`, read at every call: a projected service-account token (Kubernetes workload identity)
 * is rewritten before it expires, and each token request must present the current one. `check` reads it once
 * up front, so a wrong path is reported before any Azure call.
 */
export function tokenFileAssertion(file: string): { read: () => Promise<string>; check: () => void } {
  const read = (): string => {
    try {
      return readFileSync(file, "utf8");
    } catch (error) {
      throw new AzureLoginError(
        `failed to read OIDC token from ${file} (${settingLabel("oidcTokenFilePath")}): ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
  return {
    read: async () => read(),
    check: () => {
      read();
    },
  };
}

/**
 * The token of GitHub's answer as Go's `json.Unmarshal` into `struct { Value string `json:"value"` }` finds
 * it: the key matched case-insensitively (exact or folded; the last matching key wins), `null` or missing =
 * empty, any other type an error.
 */
export function gitHubTokenValue(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new Error(`GitHub OIDC: cannot unmarshal response: ${String(error)}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error(`GitHub OIDC: cannot unmarshal response: expected a JSON object, got ${body.slice(0, 80)}`);
  }
  let value: unknown = null;
  for (const [key, candidate] of Object.entries(parsed)) {
    if (key.toLowerCase() === "value") {
      value = candidate;
    }
  }
  if (value !== null && typeof value !== "string") {
    throw new Error(`GitHub OIDC: cannot unmarshal response: "value" is a ${typeof value}, not a string`);
  }
  return value ?? "";
}

/** The GitHub Actions OIDC exchange: GET `<url>&audience=<aud>` with the bearer request token → `value`. */
export function gitHubAssertion(requestUrl: string, requestToken: string, audience: string): () => Promise<string> {
  return async () => {
    const url = new URL(requestUrl);
    url.searchParams.set("audience", audience);
    let response: Response;
    try {
      response = await fetch(url, {
        headers: {
          Accept: "application/json",
          Authorization: `Bearer ${requestToken}`,
          "Content-Type": "application/x-www-form-urlencoded",
        },
      });
    } catch (error) {
      throw new Error(
        `GitHub OIDC: couldn't request token: ${error instanceof Error ? ((error.cause as Error)?.message ?? error.message) : String(error)}`,
      );
    }
    const body = await response.text();
    if (response.status < 200 || response.status > 299) {
      throw new Error(`GitHub OIDC: ${response.status} with response: ${body}`);
    }
    const value = gitHubTokenValue(body);
    if (value === "") {
      throw new Error("GitHub OIDC: the response has no token in `value`");
    }
    return value;
  };
}
