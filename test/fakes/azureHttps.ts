/** The HTTPS side of the fake Azure: its server certificate (a test CA per run), request bodies, JSON answers, ARM errors. */
import "reflect-metadata";
import * as crypto from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(crypto.webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export async function makeServerCertificate(): Promise<{ caPem: string; certPem: string; keyPem: string }> {
  const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const now = Date.now();
  const day = 24 * 60 * 60 * 1000;
  const subtle = crypto.webcrypto.subtle;
  const caKeys = (await subtle.generateKey(algorithm, true, ["sign", "verify"])) as crypto.webcrypto.CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: "CN=edge-registry fake Azure test CA",
    notBefore: new Date(now - day),
    notAfter: new Date(now + day),
    keys: caKeys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const serverKeys = (await subtle.generateKey(algorithm, true, ["sign", "verify"])) as crypto.webcrypto.CryptoKeyPair;
  const server = await x509.X509CertificateGenerator.create({
    subject: "CN=127.0.0.1",
    issuer: ca.subject,
    notBefore: new Date(now - day),
    notAfter: new Date(now + day),
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: "ip", value: "127.0.0.1" },
        { type: "dns", value: "localhost" },
      ]),
    ],
  });
  const pkcs8 = Buffer.from(await subtle.exportKey("pkcs8", serverKeys.privateKey));
  const keyPem = crypto.createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" }).export({
    type: "pkcs8",
    format: "pem",
  }) as string;
  return { caPem: ca.toString("pem") + "\n", certPem: server.toString("pem") + "\n", keyPem };
}

/** The whole body of a request, as text. */
export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/** Answers with a JSON body (none for HEAD) and ARM's request id header. */
export function send(
  response: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  response.writeHead(status, {
    ...(body === undefined ? {} : { "Content-Type": "application/json; charset=utf-8" }),
    "Content-Length": String(Buffer.byteLength(text)),
    "x-ms-request-id": crypto.randomUUID(),
    ...headers,
  });
  response.end(response.req.method === "HEAD" ? undefined : text);
}

export function armError(code: string, message: string) {
  return { error: { code, message } };
}
