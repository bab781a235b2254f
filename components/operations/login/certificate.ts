/**
 * Client certificates for the certificate login (`clientCertificatePath`): `@azure/identity` takes PEM
 * (private key + certificate chain), azure-native takes what `azidentity.ParseCertificates` takes.
 */
// Named imports: the dynamic provider serializes this module by value, and a namespace import compiled by swc is
// a copy of node's module that the closure serializer cannot recognise as `require("crypto")`.
import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";

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
  // The certificate of the key first: @azure/identity takes the first certificate as the one to present.
  const publicKey = createPublicKey(privateKey).export({ type: "spki", format: "pem" });
  const isLeaf = (pem: string) =>
    new X509Certificate(pem).publicKey.export({ type: "spki", format: "pem" }) === publicKey;
  certificates.sort((a, b) => Number(isLeaf(b)) - Number(isLeaf(a)));
  if (!isLeaf(certificates[0])) {
    throw new Error("no certificate in the PFX matches its private key");
  }
  return (privateKey.export({ type: "pkcs8", format: "pem" }) as string) + certificates.join("");
}
