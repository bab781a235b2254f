/**
 * Test certificates made outside the code under test: by openssl, exactly as the seeds make their
 * bring-your-own certificate, and (for dates openssl 3.0 cannot set, e.g. already expired) by @peculiar/x509.
 */
import { execFileSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as X509 from "@peculiar/x509";

/** @peculiar/x509, loaded on first use: most importers only call openssl (it takes ~0.2 s to load). */
function peculiar(): typeof X509 {
  /* eslint-disable @typescript-eslint/no-require-imports */
  require("reflect-metadata");
  const x509 = require("@peculiar/x509") as typeof X509;
  /* eslint-enable @typescript-eslint/no-require-imports */
  x509.cryptoProvider.set(crypto.webcrypto as crypto.webcrypto.Crypto);
  return x509;
}

/** A certificate and its key, as PEM. */
export interface TestCertificate {
  certificatePem: string;
  privateKeyPem: string;
}

/**
 * The seeds' command with the errata applied (one subjectAltName), on a P-256 key for speed:
 * `openssl req -newkey ... -nodes -sha256 -keyout k -x509 -days <days> -out c -addext "subjectAltName = <san>"`.
 */
export function opensslSelfSigned(san: string, days = 365, extraArgs: string[] = []): TestCertificate {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openssl-"));
  try {
    execFileSync(
      "openssl",
      ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-sha256", "-keyout", "k.pem",
        "-x509", "-days", String(days), "-out", "c.pem", "-subj", "/CN=registry", "-addext", `subjectAltName = ${san}`,
        ...extraArgs], // prettier-ignore
      { cwd: dir, stdio: "pipe" },
    );
    return {
      certificatePem: fs.readFileSync(path.join(dir, "c.pem"), "utf8"),
      privateKeyPem: fs.readFileSync(path.join(dir, "k.pem"), "utf8"),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A self-signed certificate for `ip` that expired on 2021-01-01. */
export async function expiredSelfSigned(ip: string): Promise<TestCertificate> {
  const x509 = peculiar();
  const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = (await crypto.webcrypto.subtle.generateKey(algorithm, true, [
    "sign",
    "verify",
  ])) as crypto.webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: "CN=old",
    keys,
    notBefore: new Date("2020-01-01T00:00:00Z"),
    notAfter: new Date("2021-01-01T00:00:00Z"),
    signingAlgorithm: algorithm,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: "ip", value: ip }])],
  });
  const pkcs8 = Buffer.from(await crypto.webcrypto.subtle.exportKey("pkcs8", keys.privateKey)).toString("base64");
  return {
    certificatePem: cert.toString("pem"),
    privateKeyPem: `-----BEGIN PRIVATE KEY-----\n${pkcs8}\n-----END PRIVATE KEY-----\n`,
  };
}
