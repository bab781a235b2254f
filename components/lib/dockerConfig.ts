/** The `.dockerconfigjson` format of image pull secrets, encoded exactly as kubectl encodes it. */

/**
 * The `.dockerconfigjson` kubectl writes: `{"auths":{S:{"username","password","email"?,"auth"}}}` in
 * that key order, encoded the way Go's encoding/json encodes it.
 */
export function dockerConfigJsonOf(server: string, username: string, password: string, email?: string): string {
  const entry = {
    username,
    password,
    ...(email ? { email } : {}),
    auth: Buffer.from(`${username}:${password}`).toString("base64"),
  };
  return goJson({ auths: { [server]: entry } });
}

/**
 * JSON as Go's `json.Marshal` writes it: like `JSON.stringify` (same short escapes, `\u00xx` for other
 * control characters), plus HTML-safe escapes for `<`, `>`, `&` and the JavaScript line separators.
 */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
