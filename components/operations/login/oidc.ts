/**
 * OIDC client assertions (azure-native's `newOidcCredential`, pulumi-azure-native `auth_azidentity.go`):
 * the GitHub Actions token exchange.
 */

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
    let value: unknown;
    try {
      value = (JSON.parse(body) as { value?: unknown }).value;
    } catch (error) {
      throw new Error(`GitHub OIDC: cannot unmarshal response: ${String(error)}`);
    }
    if (typeof value !== "string" || value === "") {
      throw new Error("GitHub OIDC: the response has no token in `value`");
    }
    return value;
  };
}
