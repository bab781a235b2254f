/**
 * A faithful test double of the `@pulumi/tls` provider for the mocks: it answers `PrivateKey`,
 * `SelfSignedCert`, `CertRequest` and `LocallySignedCert` registrations with REAL keys, CSRs and X.509
 * certificates (node:crypto keys, `@peculiar/x509` certificates), built the way the provider
 * (terraform-provider-tls, Go's crypto/x509) builds them:
 * - `privateKeyPem` is PKCS#1 for RSA and SEC1 for ECDSA, `privateKeyPemPkcs8` is PKCS#8;
 * - certificates are signed with SHA-256, get a random positive 128-bit serial, `notBefore` = now,
 *   `notAfter` = now + `validityPeriodHours`, critical basic constraints (CA:TRUE only for
 *   `isCaCertificate`), critical key usage and a non-critical EKU from `allowedUses`;
 * - CA certificates get a subject key identifier; locally signed certificates get the CA's key id as
 *   authority key identifier, the CA's subject as issuer and the CSR's subject, key and SANs.
 *
 * Generating an RSA 4096 key takes a second or more, so keys are cached per (algorithm, size, logical
 * name) for the life of the process: the same logical resource always gets the same key, two resources
 * get two keys. RSA keys also come from a pool shared by the test processes (see `sharedRsaKey`).
 */
import "reflect-metadata";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as x509 from "@peculiar/x509";
import type * as pulumi from "@pulumi/pulumi";
import { revealSecrets } from "./secrets";

type WebCrypto = crypto.webcrypto.Crypto;
type SigningAlgorithm = crypto.webcrypto.RsaHashedImportParams | crypto.webcrypto.EcKeyImportParams;

x509.cryptoProvider.set(crypto.webcrypto as WebCrypto);

/** The outputs a rule answers with (the shape of `OutputRule` in mocks.ts). */
export interface TlsRuleResult {
  id?: string;
  state?: Record<string, any>;
}

/** What the provider accepts in `allowedUses`, as key usage bits or extended key usage OIDs. */
const keyUsageBits: Record<string, x509.KeyUsageFlags> = {
  digital_signature: x509.KeyUsageFlags.digitalSignature,
  content_commitment: x509.KeyUsageFlags.nonRepudiation,
  key_encipherment: x509.KeyUsageFlags.keyEncipherment,
  data_encipherment: x509.KeyUsageFlags.dataEncipherment,
  key_agreement: x509.KeyUsageFlags.keyAgreement,
  cert_signing: x509.KeyUsageFlags.keyCertSign,
  crl_signing: x509.KeyUsageFlags.cRLSign,
  encipher_only: x509.KeyUsageFlags.encipherOnly,
  decipher_only: x509.KeyUsageFlags.decipherOnly,
};
const extendedKeyUsageOids: Record<string, string> = {
  any_extended: "2.5.29.37.0",
  server_auth: "1.3.6.1.5.5.7.3.1",
  client_auth: "1.3.6.1.5.5.7.3.2",
  code_signing: "1.3.6.1.5.5.7.3.3",
  email_protection: "1.3.6.1.5.5.7.3.4",
  ipsec_end_system: "1.3.6.1.5.5.7.3.5",
  ipsec_tunnel: "1.3.6.1.5.5.7.3.6",
  ipsec_user: "1.3.6.1.5.5.7.3.7",
  timestamping: "1.3.6.1.5.5.7.3.8",
  ocsp_signing: "1.3.6.1.5.5.7.3.9",
};

const curves: Record<string, { node: string; web: string }> = {
  P256: { node: "prime256v1", web: "P-256" },
  P384: { node: "secp384r1", web: "P-384" },
  P521: { node: "secp521r1", web: "P-521" },
};

const keyCache = new Map<string, crypto.KeyPairKeyObjectResult>();
/**
 * RSA keys take a tenth of a second (2048 bits) to seconds (4096) to generate, so they come from a pool kept
 * (as test-only PKCS#8 files) in a directory shared by the test processes of this machine: a process's first
 * logical name of a size gets the pool's key 0 of that size, its second name key 1, and so on (a name keeps its
 * key for the life of the process, distinct names get distinct keys). A cold run generates as many keys of a
 * size as one process uses (not one per name in the whole suite); a file that does not parse is regenerated.
 */
const rsaKeyPool = path.join(os.tmpdir(), "edge-registry-tls-double");
/** How many pooled RSA keys of each size this process has handed out. */
const rsaKeysUsed = new Map<number, number>();

function sharedRsaKey(bits: number): crypto.KeyPairKeyObjectResult {
  const index = rsaKeysUsed.get(bits) ?? 0;
  rsaKeysUsed.set(bits, index + 1);
  const file = path.join(rsaKeyPool, `rsa-${bits}-${index}.pem`);
  try {
    const privateKey = crypto.createPrivateKey(fs.readFileSync(file, "utf8"));
    if (privateKey.asymmetricKeyDetails?.modulusLength === bits) {
      return { privateKey, publicKey: crypto.createPublicKey(privateKey) };
    }
  } catch {
    // not in the pool yet (or unreadable): generate below
  }
  const pair = crypto.generateKeyPairSync("rsa", { modulusLength: bits });
  fs.mkdirSync(rsaKeyPool, { recursive: true });
  const temporary = `${file}.${process.pid}`;
  fs.writeFileSync(temporary, pair.privateKey.export({ type: "pkcs8", format: "pem" }));
  fs.renameSync(temporary, file);
  return pair;
}

/** Generates (once per algorithm, size and logical name) the key pair of a `tls.PrivateKey`. */
function cachedKeyPair(name: string, algorithm: string, rsaBits: number, ecdsaCurve: string) {
  const cacheKey = algorithm === "RSA" ? `RSA:${rsaBits}:${name}` : `${algorithm}:${ecdsaCurve}:${name}`;
  let pair = keyCache.get(cacheKey);
  if (!pair) {
    if (algorithm === "RSA") {
      pair = sharedRsaKey(rsaBits);
    } else if (algorithm === "ECDSA") {
      const curve = curves[ecdsaCurve];
      if (!curve) {
        throw new Error(`tls double: ECDSA curve ${ecdsaCurve} is not supported (use P256, P384 or P521)`);
      }
      pair = crypto.generateKeyPairSync("ec", { namedCurve: curve.node });
    } else if (algorithm === "ED25519") {
      pair = crypto.generateKeyPairSync("ed25519");
    } else {
      throw new Error(`tls double: invalid algorithm "${algorithm}" (the provider accepts RSA, ECDSA, ED25519)`);
    }
    keyCache.set(cacheKey, pair);
  }
  return pair;
}

function privateKeyState(name: string, inputs: Record<string, any>): TlsRuleResult {
  const algorithm = String(inputs.algorithm);
  const rsaBits = Number(inputs.rsaBits ?? 2048);
  const ecdsaCurve = String(inputs.ecdsaCurve ?? "P224");
  const { privateKey, publicKey } = cachedKeyPair(name, algorithm, rsaBits, ecdsaCurve);
  const traditional = algorithm === "RSA" ? "pkcs1" : algorithm === "ECDSA" ? "sec1" : "pkcs8";
  const publicDer = publicKey.export({ type: "spki", format: "der" });
  return {
    id: crypto.createHash("sha1").update(publicDer).digest("hex"),
    state: {
      algorithm,
      rsaBits,
      ecdsaCurve,
      privateKeyPem: privateKey.export({ type: traditional, format: "pem" } as crypto.KeyExportOptions<"pem">),
      privateKeyPemPkcs8: privateKey.export({ type: "pkcs8", format: "pem" }),
      publicKeyPem: publicKey.export({ type: "spki", format: "pem" }),
      publicKeyFingerprintSha256: `SHA256:${crypto.createHash("sha256").update(publicDer).digest("base64")}`,
    },
  };
}

/** The WebCrypto algorithm that signs with a key: SHA-256 with RSA PKCS#1 v1.5, or ECDSA with SHA-256. */
function signingAlgorithm(key: crypto.KeyObject): SigningAlgorithm {
  if (key.asymmetricKeyType === "rsa") {
    return { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
  }
  if (key.asymmetricKeyType === "ec") {
    const curve = Object.values(curves).find((c) => c.node === key.asymmetricKeyDetails?.namedCurve);
    if (curve) {
      return { name: "ECDSA", namedCurve: curve.web, hash: "SHA-256" };
    }
  }
  throw new Error(`tls double: cannot sign with a ${key.asymmetricKeyType} key`);
}

/** Imports a PEM private key (any encoding) as a WebCrypto key pair for signing. */
async function webKeyPair(
  privateKeyPem: string,
): Promise<{ keys: crypto.webcrypto.CryptoKeyPair; algorithm: SigningAlgorithm }> {
  const privateKey = crypto.createPrivateKey(privateKeyPem);
  const algorithm = signingAlgorithm(privateKey);
  const subtle = crypto.webcrypto.subtle;
  const keys = {
    privateKey: await subtle.importKey("pkcs8", privateKey.export({ type: "pkcs8", format: "der" }), algorithm, true, [
      "sign",
    ]),
    publicKey: await subtle.importKey(
      "spki",
      crypto.createPublicKey(privateKey).export({ type: "spki", format: "der" }),
      algorithm,
      true,
      ["verify"],
    ),
  };
  return { keys, algorithm };
}

/** The subject in Go's pkix.Name order (C, ST, L, street, postal code, O, OU, CN, serial number, email). */
function subjectName(subject: Record<string, any> | undefined): x509.JsonName {
  const s = subject ?? {};
  const attributes: [string, unknown][] = [
    ["C", s.country],
    ["ST", s.province],
    ["L", s.locality],
    ["2.5.4.9", s.streetAddresses],
    ["2.5.4.17", s.postalCode],
    ["O", s.organization],
    ["OU", s.organizationalUnit],
    ["CN", s.commonName],
    ["2.5.4.5", s.serialNumber],
    ["E", s.emailAddress],
  ];
  return attributes
    .filter(([, value]) => value !== undefined && value !== "" && !(Array.isArray(value) && value.length === 0))
    .map(([type, value]) => ({ [type]: Array.isArray(value) ? value.map(String) : [String(value)] }));
}

function sanExtension(inputs: Record<string, any>): x509.Extension[] {
  const names: x509.JsonGeneralNames = [
    ...((inputs.dnsNames as string[] | undefined) ?? []).map((value) => ({ type: "dns" as const, value })),
    ...((inputs.ipAddresses as string[] | undefined) ?? []).map((value) => ({ type: "ip" as const, value })),
    ...((inputs.uris as string[] | undefined) ?? []).map((value) => ({ type: "url" as const, value })),
  ];
  return names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names, false)] : [];
}

/** Basic constraints, key usage and EKU exactly as the provider derives them from its inputs. */
function usageExtensions(inputs: Record<string, any>): x509.Extension[] {
  const uses = (inputs.allowedUses as string[] | undefined) ?? [];
  let bits = 0;
  const ekus: string[] = [];
  for (const use of uses) {
    if (use in keyUsageBits) {
      bits |= keyUsageBits[use];
    } else if (use in extendedKeyUsageOids) {
      ekus.push(extendedKeyUsageOids[use]);
    } else {
      throw new Error(`tls double: allowedUses contains "${use}", which the provider rejects`);
    }
  }
  const isCa = inputs.isCaCertificate === true;
  const maxPathLength =
    typeof inputs.maxPathLength === "number" && inputs.maxPathLength > 0 ? inputs.maxPathLength : undefined;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(isCa, isCa ? maxPathLength : undefined, true),
  ];
  if (bits !== 0) {
    extensions.push(new x509.KeyUsagesExtension(bits, true));
  }
  if (ekus.length > 0) {
    extensions.push(new x509.ExtendedKeyUsageExtension(ekus, false));
  }
  return extensions;
}

/** A random positive serial number of 128 bits, as hex. */
function serialNumber(): string {
  const bytes = crypto.randomBytes(16);
  bytes[0] &= 0x7f;
  return bytes.toString("hex");
}

function validity(inputs: Record<string, any>) {
  const notBefore = new Date(Math.floor(Date.now() / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + Number(inputs.validityPeriodHours) * 3600_000);
  return { notBefore, notAfter };
}

function certificateState(
  cert: x509.X509Certificate,
  inputs: Record<string, any>,
  keyAlgorithm: string,
): TlsRuleResult {
  return {
    id: BigInt(`0x${cert.serialNumber}`).toString(10),
    state: {
      certPem: cert.toString("pem") + "\n",
      keyAlgorithm,
      validityStartTime: cert.notBefore.toISOString().replace(".000Z", "Z"),
      validityEndTime: cert.notAfter.toISOString().replace(".000Z", "Z"),
      readyForRenewal: false,
      earlyRenewalHours: inputs.earlyRenewalHours ?? 0,
      isCaCertificate: inputs.isCaCertificate ?? false,
      setSubjectKeyId: inputs.setSubjectKeyId ?? false,
    },
  };
}

const keyAlgorithmName = (pem: string) =>
  ({ rsa: "RSA", ec: "ECDSA", ed25519: "ED25519" })[String(crypto.createPrivateKey(pem).asymmetricKeyType)] ??
  "unknown";

async function selfSignedCertState(inputs: Record<string, any>): Promise<TlsRuleResult> {
  const { keys, algorithm } = await webKeyPair(inputs.privateKeyPem);
  const extensions = [...usageExtensions(inputs), ...sanExtension(inputs)];
  if (inputs.isCaCertificate === true || inputs.setSubjectKeyId === true) {
    extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey));
  }
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: subjectName(inputs.subject),
    ...validity(inputs),
    keys,
    signingAlgorithm: algorithm,
    extensions,
  });
  return certificateState(cert, inputs, keyAlgorithmName(inputs.privateKeyPem));
}

async function certRequestState(inputs: Record<string, any>): Promise<TlsRuleResult> {
  const { keys, algorithm } = await webKeyPair(inputs.privateKeyPem);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: subjectName(inputs.subject),
    keys,
    signingAlgorithm: algorithm,
    extensions: sanExtension(inputs),
  });
  return {
    id: crypto.createHash("sha1").update(Buffer.from(csr.rawData)).digest("hex"),
    state: { certRequestPem: csr.toString("pem") + "\n", keyAlgorithm: keyAlgorithmName(inputs.privateKeyPem) },
  };
}

async function locallySignedCertState(inputs: Record<string, any>): Promise<TlsRuleResult> {
  const csr = new x509.Pkcs10CertificateRequest(inputs.certRequestPem);
  if (!(await csr.verify())) {
    throw new Error("tls double: certRequestPem has an invalid signature");
  }
  const ca = new x509.X509Certificate(inputs.caCertPem);
  const { keys, algorithm } = await webKeyPair(inputs.caPrivateKeyPem);
  const extensions = [...usageExtensions(inputs)];
  // Like the provider: the CSR's SANs are copied; any other requested extension is ignored.
  const requestedSans = csr.extensions.find((e) => e instanceof x509.SubjectAlternativeNameExtension);
  if (requestedSans) {
    extensions.push(new x509.SubjectAlternativeNameExtension(requestedSans.names.toJSON(), false));
  }
  const caKeyId = ca.getExtension(x509.SubjectKeyIdentifierExtension);
  if (caKeyId) {
    extensions.push(new x509.AuthorityKeyIdentifierExtension(caKeyId.keyId));
  }
  if (inputs.isCaCertificate === true || inputs.setSubjectKeyId === true) {
    extensions.push(await x509.SubjectKeyIdentifierExtension.create(csr.publicKey));
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: csr.subjectName,
    issuer: ca.subjectName,
    ...validity(inputs),
    publicKey: csr.publicKey,
    signingKey: keys.privateKey,
    signingAlgorithm: algorithm,
    extensions,
  });
  const result = certificateState(cert, inputs, keyAlgorithmName(inputs.caPrivateKeyPem));
  return { id: result.id, state: { ...result.state, caKeyAlgorithm: result.state?.keyAlgorithm } };
}

export { revealSecrets };

/** True when every named input is a known string (in a mocked preview they may be unknown). */
const known = (inputs: Record<string, any>, ...names: string[]) => names.every((n) => typeof inputs[n] === "string");

/** Output rules for the four `@pulumi/tls` resource types, keyed by type token. */
export const tlsOutputRules: Record<
  string,
  (args: pulumi.runtime.MockResourceArgs) => TlsRuleResult | Promise<TlsRuleResult>
> = {
  "tls:index/privateKey:PrivateKey": ({ name, inputs }) => privateKeyState(name, revealSecrets(inputs)),
  "tls:index/selfSignedCert:SelfSignedCert": ({ inputs }) => {
    const plain = revealSecrets(inputs);
    return known(plain, "privateKeyPem") ? selfSignedCertState(plain) : {};
  },
  "tls:index/certRequest:CertRequest": ({ inputs }) => {
    const plain = revealSecrets(inputs);
    return known(plain, "privateKeyPem") ? certRequestState(plain) : {};
  },
  "tls:index/locallySignedCert:LocallySignedCert": ({ inputs }) => {
    const plain = revealSecrets(inputs);
    return known(plain, "certRequestPem", "caCertPem", "caPrivateKeyPem") ? locallySignedCertState(plain) : {};
  },
};
