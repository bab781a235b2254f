/**
 * Offline checks of PEM certificates (node:crypto `X509Certificate`), for components that hand a CA
 * certificate to nodes: `NodeRegistryTrust` (containerd `ca.crt`) and `TanzuRegistryTrust`
 * (`additionalTrustedCAs`). Each check returns `undefined` or the reason, so it plugs into
 * `validateKnown` / `validateWhenKnown` from `validation.ts`.
 */
import { X509Certificate } from "node:crypto";
import { Check } from "./validation";

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
const PRIVATE_KEY_BLOCK = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/** The result of reading a PEM bundle: its certificates, or why it cannot be used. */
export interface PemBundle {
  certificates: X509Certificate[];
  problem?: string;
}

/** Reads every `CERTIFICATE` block of `pem` (text around the blocks is ignored, as Go and OpenSSL do). */
export function readPemBundle(pem: string): PemBundle {
  if (typeof pem !== "string" || pem.trim() === "") {
    return { certificates: [], problem: "is empty; pass the PEM text of a certificate (-----BEGIN CERTIFICATE-----)." };
  }
  if (PRIVATE_KEY_BLOCK.test(pem)) {
    return {
      certificates: [],
      problem: "contains a private key; pass only the public certificate (never put a key into trust material).",
    };
  }
  const blocks = pem.match(CERTIFICATE_BLOCK) ?? [];
  if (blocks.length === 0) {
    return {
      certificates: [],
      problem: "is not a PEM certificate: no -----BEGIN CERTIFICATE----- block found (DER or base64-only input?).",
    };
  }
  const certificates: X509Certificate[] = [];
  for (const [index, block] of blocks.entries()) {
    try {
      certificates.push(new X509Certificate(block));
    } catch (error) {
      return { certificates, problem: `certificate #${index + 1} does not parse: ${(error as Error).message}.` };
    }
  }
  return { certificates };
}

/**
 * True when the certificate signs itself: issuer = subject and its own key verifies the signature.
 * (Not `checkIssued`, which also demands keyCertSign, so it misses self-signed server certificates.)
 */
export function isSelfSigned(certificate: X509Certificate): boolean {
  return certificate.issuer === certificate.subject && certificate.verify(certificate.publicKey);
}

/** True for a CA (basic constraints `CA:TRUE`) or a self-signed certificate (which trusts only itself). */
export function isCertificateAuthority(certificate: X509Certificate): boolean {
  return certificate.ca || isSelfSigned(certificate);
}

/** True when `now` is after the certificate's `notAfter`. */
export function isExpired(certificate: X509Certificate, now: Date = new Date()): boolean {
  return new Date(certificate.validTo).getTime() < now.getTime();
}

/** Options of {@link trustedCertificateCheck}. */
export interface TrustedCertificateOptions {
  /** Fail when a certificate is neither a CA nor self-signed (default true). */
  requireCa?: boolean;
  /** Fail when the PEM holds more than one certificate (default false: bundles allowed). */
  single?: boolean;
  /** The time expiry is checked against (default: now). */
  now?: Date;
}

/**
 * A check for PEM text that nodes will trust: it parses, holds no private key, no certificate has
 * expired, and (unless `requireCa` is false) every certificate is a CA or self-signed.
 */
export function trustedCertificateCheck(options: TrustedCertificateOptions = {}): Check<string> {
  return (pem) => {
    const { certificates, problem } = readPemBundle(pem);
    if (problem !== undefined) {
      return problem;
    }
    if (options.single && certificates.length > 1) {
      return `holds ${certificates.length} certificates; pass one certificate per entry.`;
    }
    for (const certificate of certificates) {
      if (isExpired(certificate, options.now)) {
        return `certificate "${certificate.subject.replace(/\n/g, ", ")}" expired on ${certificate.validTo}; pass a current CA certificate.`;
      }
      if ((options.requireCa ?? true) && !isCertificateAuthority(certificate)) {
        return `certificate "${certificate.subject.replace(/\n/g, ", ")}" is a leaf (neither a CA nor self-signed); pass the CA certificate that issued the registry's certificate.`;
      }
    }
    return undefined;
  };
}

/** The subjects of the certificates in `pem` that are neither CAs nor self-signed (for warnings). */
export function leafSubjects(pem: string): string[] {
  return readPemBundle(pem)
    .certificates.filter((certificate) => !isCertificateAuthority(certificate))
    .map((certificate) => certificate.subject.replace(/\n/g, ", "));
}
