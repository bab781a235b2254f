/**
 * Offline X.509 checks of a serving certificate (platform-facts §6), with node:crypto only.
 *
 * These catch at preview what otherwise fails late on the cluster: a SAN without the registry's IP,
 * a key of another certificate, an expired certificate, a CA that did not issue it (nodes then fail
 * with `x509: certificate signed by unknown authority`).
 */
import * as crypto from "node:crypto";

/** EKU OIDs that allow a certificate to serve TLS. */
const serverAuthOid = "1.3.6.1.5.5.7.3.1";
const anyExtendedKeyUsageOid = "2.5.29.37.0";
/** Days before expiry from which a warning is given. */
export const expiryWarningDays = 30;

/** A serving certificate as PEM strings. */
export interface CertificatePems {
  certificatePem: string;
  privateKeyPem: string;
  caCertificatePem?: string;
}

/** A problem with one field of a {@link CertificatePems}: `field` is its name, `reason` says how to fix it. */
export interface CertificateProblem {
  field: keyof CertificatePems;
  reason: string;
}

/** Parses the first certificate of a PEM, or returns undefined. */
export function parseCertificate(pem: string): crypto.X509Certificate | undefined {
  try {
    return new crypto.X509Certificate(pem);
  } catch {
    return undefined;
  }
}

function parsePrivateKey(pem: string): crypto.KeyObject | undefined {
  try {
    return crypto.createPrivateKey(pem);
  } catch {
    return undefined;
  }
}

/** True when `cert` was issued and signed by `issuer`. */
export function issuedBy(cert: crypto.X509Certificate, issuer: crypto.X509Certificate): boolean {
  return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}

/**
 * The first problem of a certificate that must serve TLS on `ipAddress`, or undefined when it is fine:
 * PEMs parse, the key matches, it is currently valid, an IP SAN contains `ipAddress`, its EKU allows
 * server auth, and `caCertificatePem` (a CA) issued it — or, without one, it is self-signed.
 */
export function servingCertificateProblem(
  pems: CertificatePems,
  ipAddress: string,
  now: Date = new Date(),
): CertificateProblem | undefined {
  const cert = parseCertificate(pems.certificatePem);
  if (!cert) {
    return { field: "certificatePem", reason: "is not a PEM-encoded X.509 certificate (-----BEGIN CERTIFICATE-----)." };
  }
  const key = parsePrivateKey(pems.privateKeyPem);
  if (!key) {
    return { field: "privateKeyPem", reason: "is not an unencrypted PEM-encoded private key." };
  }
  if (!cert.checkPrivateKey(key)) {
    return {
      field: "privateKeyPem",
      reason: "does not belong to certificatePem; pass the key the certificate was issued for.",
    };
  }
  if (new Date(cert.validTo).getTime() <= now.getTime()) {
    return { field: "certificatePem", reason: `expired on ${cert.validTo}; issue a new certificate.` };
  }
  if (new Date(cert.validFrom).getTime() > now.getTime()) {
    return { field: "certificatePem", reason: `is not valid before ${cert.validFrom}.` };
  }
  if (cert.checkIP(ipAddress) === undefined) {
    return {
      field: "certificatePem",
      reason: `has no IP subject alternative name ${ipAddress} (serviceClusterIP); clients reach the registry by that address, so issue the certificate with subjectAltName=IP:${ipAddress}.`,
    };
  }
  const ekus = cert.keyUsage;
  if (ekus !== undefined && !ekus.includes(serverAuthOid) && !ekus.includes(anyExtendedKeyUsageOid)) {
    return {
      field: "certificatePem",
      reason: `its extended key usage (${ekus.join(", ")}) does not allow TLS server authentication (${serverAuthOid}); issue it with extendedKeyUsage=serverAuth.`,
    };
  }
  if (pems.caCertificatePem === undefined) {
    return issuedBy(cert, cert)
      ? undefined
      : {
          field: "caCertificatePem",
          reason:
            "is required: certificatePem is not self-signed, so pass the CA certificate that issued it (nodes must trust that CA).",
        };
  }
  const ca = parseCertificate(pems.caCertificatePem);
  if (!ca) {
    return {
      field: "caCertificatePem",
      reason: "is not a PEM-encoded X.509 certificate (-----BEGIN CERTIFICATE-----).",
    };
  }
  if (!issuedBy(cert, ca)) {
    return {
      field: "caCertificatePem",
      reason: `did not issue certificatePem (issuer "${cert.issuer.replace(/\n/g, ", ")}", CA subject "${ca.subject.replace(/\n/g, ", ")}"); pass the CA that signed it, or nodes fail with "x509: certificate signed by unknown authority".`,
    };
  }
  if (!ca.ca && ca.fingerprint256 !== cert.fingerprint256) {
    return { field: "caCertificatePem", reason: "is not a CA certificate (basic constraints CA:FALSE)." };
  }
  return undefined;
}

/** A warning when the certificate expires within {@link expiryWarningDays} days, else undefined. */
export function expiryWarning(certificatePem: string, now: Date = new Date()): string | undefined {
  const cert = parseCertificate(certificatePem);
  if (!cert) {
    return undefined;
  }
  const daysLeft = (new Date(cert.validTo).getTime() - now.getTime()) / 86_400_000;
  return daysLeft < expiryWarningDays
    ? `the registry's TLS certificate expires on ${cert.validTo} (in ${Math.max(0, Math.floor(daysLeft))} days); renew it before then.`
    : undefined;
}
