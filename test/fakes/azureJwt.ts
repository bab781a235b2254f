/** The JWTs of the fake Azure: ES256 signing and verification of its own tokens, client certificate assertions. */
import * as crypto from "node:crypto";

export function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString("base64url");
}

/** A JWT signed ES256 with `key`. */
export function signJwt(header: object, payload: object, key: crypto.KeyObject): string {
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = crypto.sign("sha256", Buffer.from(signingInput), { key, dsaEncoding: "ieee-p1363" });
  return `${signingInput}.${base64url(signature)}`;
}

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: Buffer;
  signature: Buffer;
}

export function decodeJwt(token: string): DecodedJwt | undefined {
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
export function verifyOwnJwt(token: string, key: crypto.KeyObject): Record<string, unknown> | undefined {
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
export function verifyCertificateAssertion(jwt: DecodedJwt, certificate: crypto.X509Certificate): boolean {
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
export function thumbprintMatches(jwt: DecodedJwt, certificate: crypto.X509Certificate): boolean {
  const sha1 = base64url(crypto.createHash("sha1").update(certificate.raw).digest());
  const sha256 = base64url(crypto.createHash("sha256").update(certificate.raw).digest());
  return jwt.header.x5t === sha1 || jwt.header["x5t#S256"] === sha256;
}
