/**
 * `RegistryCertificate`: a private CA and a TLS serving certificate for a connected registry, built
 * with `@pulumi/tls` instead of the seeds' hand-run `openssl req ... -addext subjectAltName=IP:<ip>`.
 */
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { cidrProblem, ipAddressProblem } from "./lib/network";
import { inputError, knownValue, oneOf, validateKnown } from "./lib/validation";

/** The key algorithm of the CA and the server certificate. */
export enum CertificateKeyAlgorithm {
  /** RSA (4096 bits by default, as the seeds' `openssl req -newkey rsa:4096`). */
  RSA = "RSA",
  /** ECDSA on the NIST P-256 curve (smaller and faster; every containerd and Docker client accepts it). */
  ECDSA = "ECDSA",
}

/** Arguments of {@link RegistryCertificate}. */
export interface RegistryCertificateArgs {
  /**
   * IP addresses the registry is reached by (IPv4 or IPv6), written as IP subject alternative names;
   * for the Arc extension this is its `service.clusterIP`. At least one IP address or DNS name is required.
   */
  readonly ipAddresses: pulumi.Input<pulumi.Input<string>[]>;
  /** DNS names written as DNS subject alternative names. Default: none. */
  readonly dnsNames?: pulumi.Input<pulumi.Input<string>[]>;
  /** Common name of the server certificate. Default: the first IP address (or DNS name). */
  readonly commonName?: pulumi.Input<string>;
  /** Validity of the CA and the server certificate, in hours. Default: 8760 (one year, as the seeds' `-days 365`). */
  readonly validityHours?: pulumi.Input<number>;
  /** Key algorithm of both keys. Default: `RSA`. */
  readonly algorithm?: pulumi.Input<CertificateKeyAlgorithm>;
  /** RSA key size: 2048, 3072 or 4096. Default: 4096. Only with `algorithm: RSA` (conflicts with `ECDSA`). */
  readonly rsaBits?: pulumi.Input<number>;
  /**
   * Any value; changing it replaces the keys and certificates (rotation). Default: none. `@pulumi/tls`'s
   * `earlyRenewalHours` is not used because it does not renew reliably under Pulumi.
   */
  readonly rotationTrigger?: pulumi.Input<string>;
}

const rsaSizes = [2048, 3072, 4096];
const serverUses = ["server_auth", "digital_signature", "key_encipherment"];
const caUses = ["cert_signing", "crl_signing"];

const base64 = (pem: pulumi.Input<string>) =>
  pulumi.output(pem).apply((p) => Buffer.from(p, "utf8").toString("base64"));

/**
 * A private CA (self-signed, CA:TRUE, cert and CRL signing) and a server certificate it signs, with the
 * given IP and DNS subject alternative names and server-auth usage, for serving a registry over TLS.
 * Nodes and clients must trust `caCertificatePem`.
 */
export class RegistryCertificate extends pulumi.ComponentResource {
  /** The server certificate (PEM). */
  public readonly certificatePem: pulumi.Output<string>;
  /**
   * The server certificate's private key (PEM, PKCS#1 for RSA, SEC1 for ECDSA). Secret.
   * @secret
   */
  public readonly privateKeyPem: pulumi.Output<string>;
  /** The CA certificate (PEM) that signed the server certificate: what nodes and clients must trust. */
  public readonly caCertificatePem: pulumi.Output<string>;
  /** Base64 of `certificatePem` (the form the extension's `tls.crt` protected setting takes). */
  public readonly certificatePemBase64: pulumi.Output<string>;
  /**
   * Base64 of `privateKeyPem` (the form of the extension's `tls.key`). Secret.
   * @secret
   */
  public readonly privateKeyPemBase64: pulumi.Output<string>;
  /** Base64 of `caCertificatePem` (the form of the extension's `tls.cacrt`). */
  public readonly caCertificatePemBase64: pulumi.Output<string>;

  constructor(name: string, args: RegistryCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
    super("edge-registry:index:RegistryCertificate", name, {}, opts);
    validateArgs(args);

    const algorithm = args.algorithm ?? CertificateKeyAlgorithm.RSA;
    const isEcdsa = pulumi.output(algorithm).apply((a) => a === CertificateKeyAlgorithm.ECDSA);
    const keyArgs: tls.PrivateKeyArgs = {
      algorithm: isEcdsa.apply((ecdsa) => (ecdsa ? "ECDSA" : "RSA")),
      rsaBits: pulumi.all([isEcdsa, args.rsaBits]).apply(([ecdsa, bits]) => (ecdsa ? undefined : (bits ?? 4096))),
      ecdsaCurve: isEcdsa.apply((ecdsa) => (ecdsa ? "P256" : undefined)),
    };
    const validityPeriodHours = args.validityHours ?? 8760;
    const rotation = { replacementTrigger: args.rotationTrigger };
    const child = { parent: this, ...rotation };

    const caKey = new tls.PrivateKey(`${name}-ca`, keyArgs, child);
    const caCert = new tls.SelfSignedCert(
      `${name}-ca`,
      {
        privateKeyPem: caKey.privateKeyPem,
        subject: { commonName: `${name} CA`, organization: "edge-registry" },
        validityPeriodHours,
        isCaCertificate: true,
        allowedUses: caUses,
      },
      child,
    );
    const serverKey = new tls.PrivateKey(`${name}-server`, keyArgs, child);
    const dnsNames = args.dnsNames ?? [];
    const commonName =
      args.commonName ?? pulumi.all([args.ipAddresses, dnsNames]).apply(([ips, dns]) => [...ips, ...dns][0] ?? name);
    const request = new tls.CertRequest(
      `${name}-server`,
      {
        privateKeyPem: serverKey.privateKeyPem,
        subject: { commonName, organization: "edge-registry" },
        ipAddresses: args.ipAddresses,
        dnsNames,
      },
      child,
    );
    const serverCert = new tls.LocallySignedCert(
      `${name}-server`,
      {
        certRequestPem: request.certRequestPem,
        caPrivateKeyPem: caKey.privateKeyPem,
        caCertPem: caCert.certPem,
        validityPeriodHours,
        allowedUses: serverUses,
      },
      child,
    );

    this.certificatePem = serverCert.certPem;
    this.privateKeyPem = pulumi.secret(serverKey.privateKeyPem);
    this.caCertificatePem = caCert.certPem;
    this.certificatePemBase64 = base64(this.certificatePem);
    this.privateKeyPemBase64 = pulumi.secret(base64(this.privateKeyPem));
    this.caCertificatePemBase64 = base64(this.caCertificatePem);

    this.registerOutputs();
  }
}

function validateArgs(args: RegistryCertificateArgs): void {
  const ips = knownValue(args.ipAddresses);
  ips?.forEach((ip, i) =>
    validateKnown(`ipAddresses[${i}]`, ip, (v) =>
      cidrProblem(v) === undefined ? `"${v}" is a CIDR block; give the single address.` : ipAddressProblem(v),
    ),
  );
  const dns = knownValue(args.dnsNames);
  if (ips?.length === 0 && (args.dnsNames === undefined || dns?.length === 0)) {
    throw inputError("ipAddresses", "is empty; give the address clients reach the registry by (its cluster IP).");
  }
  dns?.forEach((d, i) =>
    validateKnown(`dnsNames[${i}]`, d, (v) =>
      /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(v)
        ? undefined
        : `"${v}" is not a DNS name.`,
    ),
  );
  validateKnown("validityHours", args.validityHours, (h) =>
    Number.isInteger(h) && h > 0 ? undefined : `${h} is not a positive whole number of hours (e.g. 8760 for a year).`,
  );
  validateKnown("algorithm", args.algorithm, oneOf(Object.values(CertificateKeyAlgorithm)));
  validateKnown("rsaBits", args.rsaBits, (bits) =>
    rsaSizes.includes(bits) ? undefined : `${bits} is not supported; use 2048, 3072 or 4096.`,
  );
  if (args.rsaBits !== undefined && knownValue(args.algorithm) === CertificateKeyAlgorithm.ECDSA) {
    throw inputError("rsaBits", "only applies to algorithm RSA; remove it or set algorithm to RSA (ECDSA uses P-256).");
  }
}
