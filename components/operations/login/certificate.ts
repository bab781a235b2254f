/**
 * Client certificates for the certificate login (`clientCertificatePath`): azure-native reads the file with
 * `azidentity.ParseCertificates` (pulumi-azure-native `auth_azidentity.go`, `readCertificate`), which takes PEM
 * or PKCS#12; `@azure/identity` takes PEM only (private key + certificate chain, the key's certificate first).
 */
// Named imports: the dynamic provider serializes this module by value, and a namespace import compiled by swc is
// a copy of node's module that the closure serializer cannot recognise as `require("crypto")`.
import { createPrivateKey, createPublicKey, KeyObject, X509Certificate } from "node:crypto";

/** A PFX converted to the PEM `@azure/identity` takes (private key + certificate chain, leaf first). */
export function pfxToPem(pfx: Buffer, password: string | undefined): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const forge = require("node-forge") as typeof import("node-forge");
  const parse = () => forge.asn1.fromDer(forge.util.createBuffer(pfx.toString("binary")));
  let p12: ReturnType<typeof forge.pkcs12.pkcs12FromAsn1>;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(parse(), false, password ?? "");
  } catch (error) {
    // OpenSSL 3 derives the MAC key from the password as BMPString (what forge does with a JS string) but
    // feeds PBES2 (AES) the password's UTF-8 bytes (forge takes a binary string there). A non-ASCII password
    // whose MAC verified (the error is not forge's MAC error) is therefore retried with its UTF-8 bytes for
    // decryption, the already-verified MAC left out.
    if (!password || !/[^\x20-\x7e]/.test(password) || /MAC could not be verified/.test(String(error))) {
      throw error;
    }
    const withoutMac = parse();
    (withoutMac.value as unknown[]).splice(2);
    p12 = forge.pkcs12.pkcs12FromAsn1(withoutMac, false, forge.util.encodeUtf8(password));
  }
  const oids = forge.pki.oids;
  const keyBags = [
    ...(p12.getBags({ bagType: oids.pkcs8ShroudedKeyBag })[oids.pkcs8ShroudedKeyBag] ?? []),
    ...(p12.getBags({ bagType: oids.keyBag })[oids.keyBag] ?? []),
  ];
  const certBags = p12.getBags({ bagType: oids.certBag })[oids.certBag] ?? [];
  // forge decodes RSA keys; other key types stay as their PrivateKeyInfo ASN.1, which node:crypto reads.
  const bag = keyBags.find((candidate) => candidate.key || candidate.asn1);
  if (!bag) {
    throw new Error("no private key found in the PFX");
  }
  const keyInfo = bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)) : bag.asn1;
  const privateKey = createPrivateKey({
    key: Buffer.from(forge.asn1.toDer(keyInfo).getBytes(), "binary"),
    format: "der",
    type: "pkcs8",
  });
  const certificates = certBags.flatMap((candidate) =>
    candidate.cert ? [forge.pki.certificateToPem(candidate.cert)] : [],
  );
  if (certificates.length === 0) {
    throw new Error("no certificates found in the PFX");
  }
  return identityPem(privateKey, certificates, "the PFX");
}

/** The key in PKCS#8 PEM, then its certificate, then the rest of the chain (@azure/identity presents the first). */
function identityPem(privateKey: KeyObject, certificates: string[], source: string): string {
  const publicKey = createPublicKey(privateKey).export({ type: "spki", format: "pem" });
  const isLeaf = (pem: string) =>
    new X509Certificate(pem).publicKey.export({ type: "spki", format: "pem" }) === publicKey;
  const sorted = [...certificates].sort((a, b) => Number(isLeaf(b)) - Number(isLeaf(a)));
  if (!isLeaf(sorted[0])) {
    throw new Error(`no certificate in ${source} matches its private key`);
  }
  return (privateKey.export({ type: "pkcs8", format: "pem" }) as string) + sorted.join("");
}

/** The PEM blocks of `text` (type and DER bytes), as Go's `pem.Decode` finds them one after another. */
function pemBlocks(text: string): { type: string; der: Buffer }[] {
  const blocks: { type: string; der: Buffer }[] = [];
  for (const match of text.matchAll(/-----BEGIN ([^-\r\n]+)-----\r?\n([\s\S]*?)-----END \1-----/g)) {
    // Go's pem.Decode skips RFC 1421 headers ("Proc-Type: ...") before the base64 body.
    const body = match[2].replace(/^[A-Za-z-]+:.*\r?\n/gm, "").replace(/\s+/g, "");
    blocks.push({ type: match[1], der: Buffer.from(body, "base64") });
  }
  return blocks;
}

/**
 * A client certificate file as `azidentity.ParseCertificates` reads it: without a password, PEM blocks
 * (`CERTIFICATE`, the key as `PRIVATE KEY` (PKCS#8, else PKCS#1) or `RSA PRIVATE KEY`), else, or when the file
 * has no PEM block, PKCS#12. Returned as the PEM `@azure/identity` takes. Like azidentity, an encrypted PEM key
 * is not decrypted (it is "no private key").
 */
export function clientCertificatePem(data: Buffer, password: string | undefined): string {
  const blocks = password ? [] : pemBlocks(data.toString("latin1"));
  if (blocks.length === 0) {
    try {
      return pfxToPem(data, password);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(
        `neither PEM nor PKCS#12: ${message}` +
          (password && pemBlocks(data.toString("latin1")).length > 0
            ? " (the file is PEM, which takes no password: unset the certificate password)"
            : ""),
      );
    }
  }
  const certificates: string[] = [];
  let privateKey: KeyObject | undefined;
  const setKey = (make: () => KeyObject) => {
    if (privateKey !== undefined) {
      throw new Error("certData contains multiple private keys");
    }
    privateKey = make();
  };
  for (const block of blocks) {
    if (block.type === "CERTIFICATE") {
      certificates.push(new X509Certificate(block.der).toString());
    } else if (block.type === "PRIVATE KEY") {
      setKey(() => {
        try {
          return createPrivateKey({ key: block.der, format: "der", type: "pkcs8" });
        } catch {
          return createPrivateKey({ key: block.der, format: "der", type: "pkcs1" });
        }
      });
    } else if (block.type === "RSA PRIVATE KEY") {
      setKey(() => createPrivateKey({ key: block.der, format: "der", type: "pkcs1" }));
    }
  }
  if (certificates.length === 0) {
    throw new Error("found no certificate");
  }
  if (privateKey === undefined) {
    throw new Error(
      "found no private key (a PEM file needs an unencrypted `PRIVATE KEY` or `RSA PRIVATE KEY` block beside its certificate)",
    );
  }
  return identityPem(privateKey, certificates, "the PEM file");
}
