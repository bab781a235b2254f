/**
 * The `@pulumi/tls` test double must build what the provider builds: checked here against openssl
 * (an oracle nobody here wrote): `openssl x509 -text -noout`, `openssl req -verify` and `openssl verify`.
 */
import { cloud, resetCloud, settle, unwrap } from "./harness/mocks";
import { execFileSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tls from "@pulumi/tls";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tls-double-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function openssl(args: string[], files: Record<string, string>): string {
  for (const [name, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), content);
  }
  return execFileSync("openssl", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** A CA and a server certificate chained like RegistryCertificate builds them. */
async function chain(algorithm: "RSA" | "ECDSA") {
  const keyArgs = algorithm === "RSA" ? { algorithm, rsaBits: 2048 } : { algorithm, ecdsaCurve: "P256" };
  const caKey = new tls.PrivateKey(`ca-${algorithm}`, keyArgs);
  const ca = new tls.SelfSignedCert(`ca-${algorithm}`, {
    privateKeyPem: caKey.privateKeyPem,
    subject: { commonName: "edge CA", organization: "Contoso" },
    validityPeriodHours: 48,
    isCaCertificate: true,
    allowedUses: ["cert_signing", "crl_signing"],
  });
  const serverKey = new tls.PrivateKey(`server-${algorithm}`, keyArgs);
  const csr = new tls.CertRequest(`server-${algorithm}`, {
    privateKeyPem: serverKey.privateKeyPem,
    subject: { commonName: "192.100.100.1" },
    ipAddresses: ["192.100.100.1", "fd00::10"],
    dnsNames: ["registry.local"],
  });
  const server = new tls.LocallySignedCert(`server-${algorithm}`, {
    certRequestPem: csr.certRequestPem,
    caPrivateKeyPem: caKey.privateKeyPem,
    caCertPem: ca.certPem,
    validityPeriodHours: 24,
    allowedUses: ["server_auth", "digital_signature", "key_encipherment"],
  });
  await settle();
  return {
    caKeyPem: await unwrap(caKey.privateKeyPem),
    caPem: await unwrap(ca.certPem),
    csrPem: await unwrap(csr.certRequestPem),
    serverKeyPem: await unwrap(serverKey.privateKeyPem),
    serverPkcs8: await unwrap(serverKey.privateKeyPemPkcs8),
    serverPublicPem: await unwrap(serverKey.publicKeyPem),
    serverPem: await unwrap(server.certPem),
  };
}

describe.each(["RSA", "ECDSA"] as const)("%s chain", (algorithm) => {
  let pems: Awaited<ReturnType<typeof chain>>;
  beforeAll(async () => {
    resetCloud();
    pems = await chain(algorithm);
  });

  it("writes keys in the provider's encodings", () => {
    const traditional = algorithm === "RSA" ? "RSA PRIVATE KEY" : "EC PRIVATE KEY";
    expect(pems.serverKeyPem).toMatch(new RegExp(`^-----BEGIN ${traditional}-----\\n`));
    expect(pems.serverPkcs8).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(pems.serverPublicPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const text = openssl(["pkey", "-in", "key.pem", "-noout", "-text"], { "key.pem": pems.serverKeyPem });
    expect(text).toContain(algorithm === "RSA" ? "Private-Key: (2048 bit" : "ASN1 OID: prime256v1");
  });

  it("makes a CA certificate openssl reads as a CA for cert and CRL signing", () => {
    const text = openssl(["x509", "-in", "ca.pem", "-text", "-noout"], { "ca.pem": pems.caPem });
    expect(text).toContain("Subject: O = Contoso, CN = edge CA");
    expect(text).toContain("Issuer: O = Contoso, CN = edge CA");
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE/);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign\n/);
    expect(text).toContain("X509v3 Subject Key Identifier");
    expect(text).not.toContain("Extended Key Usage");
    expect(text).toContain(algorithm === "RSA" ? "sha256WithRSAEncryption" : "ecdsa-with-SHA256");
  });

  it("makes a CSR with the subject and SANs, signed by the key", () => {
    const text = openssl(["req", "-in", "csr.pem", "-verify", "-text", "-noout"], { "csr.pem": pems.csrPem });
    expect(text).toContain("Subject: CN = 192.100.100.1");
    expect(text).toMatch(/DNS:registry.local, IP Address:192.100.100.1, IP Address:FD00:0:0:0:0:0:0:10/);
  });

  it("signs a server certificate with the CSR's subject and SANs, the CA as issuer and the allowed uses", () => {
    const text = openssl(["x509", "-in", "server.pem", "-text", "-noout"], { "server.pem": pems.serverPem });
    expect(text).toContain("Subject: CN = 192.100.100.1");
    expect(text).toContain("Issuer: O = Contoso, CN = edge CA");
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment\n/);
    expect(text).toMatch(/X509v3 Extended Key Usage:\s+TLS Web Server Authentication\n/);
    expect(text).toMatch(/X509v3 Subject Alternative Name:\s+DNS:registry.local, IP Address:192.100.100.1/);
    expect(text).toContain("X509v3 Authority Key Identifier");
    const days = (new Date(new crypto.X509Certificate(pems.serverPem).validTo).getTime() - Date.now()) / 3600_000;
    expect(Math.round(days)).toBe(24);
  });

  it("chains: openssl verifies the server certificate against the CA, and the key matches", () => {
    const out = openssl(["verify", "-CAfile", "ca.pem", "-purpose", "sslserver", "server.pem"], {
      "ca.pem": pems.caPem,
      "server.pem": pems.serverPem,
    });
    expect(out.trim()).toBe("server.pem: OK");
    const cert = new crypto.X509Certificate(pems.serverPem);
    expect(cert.checkPrivateKey(crypto.createPrivateKey(pems.serverKeyPem))).toBe(true);
    expect(cert.checkIP("192.100.100.1")).toBe("192.100.100.1");
  });

  it("rejects a chain against another CA", () => {
    const other = crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const cert = new crypto.X509Certificate(pems.serverPem);
    expect(cert.verify(other.publicKey)).toBe(false);
  });
});

it("caches keys per algorithm, size and logical name, so the same name gives the same key", async () => {
  resetCloud();
  const a = new tls.PrivateKey("same", { algorithm: "ECDSA", ecdsaCurve: "P256" });
  const b = new tls.PrivateKey("same-again", { algorithm: "ECDSA", ecdsaCurve: "P256" });
  await settle();
  const first = await unwrap(a.privateKeyPem);
  resetCloud();
  const again = new tls.PrivateKey("same", { algorithm: "ECDSA", ecdsaCurve: "P256" });
  await settle();
  expect(await unwrap(again.privateKeyPem)).toBe(first);
  expect(await unwrap(b.privateKeyPem)).not.toBe(first);
  expect(cloud.ofType("tls:index/privateKey:PrivateKey")).toHaveLength(1);
});
