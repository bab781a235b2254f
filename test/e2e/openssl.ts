/** openssl: the bring-your-own-certificate path of the docs. */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import { Harness, RunResult } from "./harness";

/** A PEM certificate and key pair. */
export interface PemPair {
  certificatePem: string;
  privateKeyPem: string;
}

/**
 * The docs' BYOC command (seed 000, with the platform-facts §8 fix: one `subjectAltName`): a self-signed
 * certificate whose SAN is the service IP; it is its own CA (`tls.cacrt` / the node's `ca.crt`).
 * RSA 2048 instead of the docs' 4096 only to keep key generation fast.
 */
export async function opensslSelfSigned(h: Harness, name: string, ip: string): Promise<PemPair> {
  const keyFile = h.path("openssl", `${name}.key`);
  const certFile = h.path("openssl", `${name}.crt`);
  await h.check("openssl", [
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-sha256",
    "-keyout",
    keyFile,
    "-x509",
    "-days",
    "365",
    "-subj",
    `/CN=${ip}`,
    "-out",
    certFile,
    "-addext",
    `subjectAltName = IP:${ip}`,
  ]);
  return { certificatePem: fs.readFileSync(certFile, "utf8"), privateKeyPem: fs.readFileSync(keyFile, "utf8") };
}

/** `openssl verify -CAfile <ca> <cert>`: does `caPem` verify `certificatePem`? (never throws) */
export async function opensslVerify(h: Harness, caPem: string, certificatePem: string): Promise<RunResult> {
  const id = crypto.randomBytes(4).toString("hex");
  const ca = h.write(`openssl/verify-${id}-ca.pem`, caPem);
  const cert = h.write(`openssl/verify-${id}-cert.pem`, certificatePem);
  return h.run("openssl", ["verify", "-CAfile", ca, cert]);
}
