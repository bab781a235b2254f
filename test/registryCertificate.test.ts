/**
 * RegistryCertificate under mocks: exact @pulumi/tls inputs, secrecy, base64 forms, and (through the
 * tls double's real X.509) a chain that verifies with the requested SANs.
 */
import { cloud, constructionError, isSecret, resetCloud, settle, unwrap } from "./harness/mocks";
import * as crypto from "node:crypto";
import { CertificateKeyAlgorithm, RegistryCertificate } from "../components";

const KEY = "tls:index/privateKey:PrivateKey";
const SELF = "tls:index/selfSignedCert:SelfSignedCert";
const CSR = "tls:index/certRequest:CertRequest";
const SIGNED = "tls:index/locallySignedCert:LocallySignedCert";

describe("defaults (RSA 4096, one year)", () => {
  let cert: RegistryCertificate;
  beforeAll(async () => {
    resetCloud();
    cert = new RegistryCertificate("registry", { ipAddresses: ["192.100.100.1"], dnsNames: ["registry.local"] });
    await settle();
  });

  it("creates a CA key and self-signed CA, a server key, a CSR and a CA-signed certificate", () => {
    expect(cloud.countsByType()).toEqual({
      "edge-registry:index:RegistryCertificate": 1,
      [CSR]: 1,
      [SIGNED]: 1,
      [KEY]: 2,
      [SELF]: 1,
    });
    expect(cloud.get(KEY, "registry-ca").inputs).toEqual({ algorithm: "RSA", rsaBits: 4096 });
    expect(cloud.get(KEY, "registry-server").inputs).toEqual({ algorithm: "RSA", rsaBits: 4096 });
    const ca = cloud.get(SELF, "registry-ca").inputs;
    expect({ ...ca, privateKeyPem: undefined }).toEqual({
      privateKeyPem: undefined,
      subject: { commonName: "registry CA", organization: "edge-registry" },
      validityPeriodHours: 8760,
      isCaCertificate: true,
      allowedUses: ["cert_signing", "crl_signing"],
    });
    const csr = cloud.get(CSR, "registry-server").inputs;
    expect({ ...csr, privateKeyPem: undefined }).toEqual({
      privateKeyPem: undefined,
      subject: { commonName: "192.100.100.1", organization: "edge-registry" },
      ipAddresses: ["192.100.100.1"],
      dnsNames: ["registry.local"],
    });
    const signed = cloud.get(SIGNED, "registry-server").inputs;
    expect(Object.keys(signed).sort()).toEqual([
      "allowedUses",
      "caCertPem",
      "caPrivateKeyPem",
      "certRequestPem",
      "validityPeriodHours",
    ]);
    expect(signed.allowedUses).toEqual(["server_auth", "digital_signature", "key_encipherment"]);
    expect(signed.validityPeriodHours).toBe(8760);
  });

  it("signs the CSR of the server key with the CA key (inputs wired to the right outputs)", () => {
    const keyPem = (name: string) => cloud.get(KEY, name).state.privateKeyPem;
    const reveal = (v: any) => (typeof v === "object" ? v.value : v);
    expect(reveal(cloud.get(SELF, "registry-ca").inputs.privateKeyPem)).toBe(keyPem("registry-ca"));
    expect(reveal(cloud.get(CSR, "registry-server").inputs.privateKeyPem)).toBe(keyPem("registry-server"));
    const signed = cloud.get(SIGNED, "registry-server").inputs;
    expect(reveal(signed.caPrivateKeyPem)).toBe(keyPem("registry-ca"));
    expect(signed.caCertPem).toBe(cloud.get(SELF, "registry-ca").state.certPem);
    expect(signed.certRequestPem).toBe(cloud.get(CSR, "registry-server").state.certRequestPem);
  });

  it("outputs a real chain: the server certificate has the SANs, its key, and verifies against the CA", async () => {
    const server = new crypto.X509Certificate(await unwrap(cert.certificatePem));
    const ca = new crypto.X509Certificate(await unwrap(cert.caCertificatePem));
    expect(server.checkIP("192.100.100.1")).toBe("192.100.100.1");
    expect(server.checkHost("registry.local")).toBe("registry.local");
    expect(server.checkPrivateKey(crypto.createPrivateKey(await unwrap(cert.privateKeyPem)))).toBe(true);
    expect(server.checkIssued(ca) && server.verify(ca.publicKey)).toBe(true);
    expect(ca.ca).toBe(true);
    expect(server.publicKey.asymmetricKeyDetails?.modulusLength).toBe(4096);
  });

  it("marks the key outputs secret and the certificates not", async () => {
    expect(await isSecret(cert.privateKeyPem)).toBe(true);
    expect(await isSecret(cert.privateKeyPemBase64)).toBe(true);
    expect(await isSecret(cert.certificatePem)).toBe(false);
    expect(await isSecret(cert.caCertificatePemBase64)).toBe(false);
  });

  it("gives base64 forms that decode to the PEMs", async () => {
    const decode = async (b64: Promise<string>) => Buffer.from(await b64, "base64").toString("utf8");
    expect(await decode(unwrap(cert.certificatePemBase64))).toBe(await unwrap(cert.certificatePem));
    expect(await decode(unwrap(cert.privateKeyPemBase64))).toBe(await unwrap(cert.privateKeyPem));
    expect(await decode(unwrap(cert.caCertificatePemBase64))).toBe(await unwrap(cert.caCertificatePem));
  });
});

it("uses ECDSA P-256 keys, the given common name and validity on request", async () => {
  resetCloud();
  const cert = new RegistryCertificate("edge", {
    ipAddresses: ["fd00::10"],
    commonName: "edge registry",
    validityHours: 720,
    algorithm: CertificateKeyAlgorithm.ECDSA,
  });
  await settle();
  expect(cloud.get(KEY, "edge-ca").inputs).toEqual({ algorithm: "ECDSA", ecdsaCurve: "P256" });
  expect(cloud.get(KEY, "edge-server").inputs).toEqual({ algorithm: "ECDSA", ecdsaCurve: "P256" });
  expect(cloud.get(CSR, "edge-server").inputs.subject).toEqual({
    commonName: "edge registry",
    organization: "edge-registry",
  });
  expect(cloud.get(SIGNED, "edge-server").inputs.validityPeriodHours).toBe(720);
  expect(cloud.get(SELF, "edge-ca").inputs.validityPeriodHours).toBe(720);
  const server = new crypto.X509Certificate(await unwrap(cert.certificatePem));
  expect(server.checkIP("fd00::10")).toBe("fd00::10");
});

describe("bad input fails at construction, naming the argument", () => {
  it.each([
    [{ ipAddresses: ["192.100.100.300"] }, "ipAddresses[0]", /not an IPv4 or IPv6 address/],
    [{ ipAddresses: ["10.0.0.0/16"] }, "ipAddresses[0]", /is a CIDR block/],
    [{ ipAddresses: [] }, "ipAddresses", /is empty/],
    [{ ipAddresses: ["10.0.0.1"], dnsNames: ["bad name"] }, "dnsNames[0]", /not a DNS name/],
    [{ ipAddresses: ["10.0.0.1"], validityHours: 0 }, "validityHours", /positive whole number/],
    [{ ipAddresses: ["10.0.0.1"], rsaBits: 1024 }, "rsaBits", /use 2048, 3072 or 4096/],
    [{ ipAddresses: ["10.0.0.1"], algorithm: "DSA" }, "algorithm", /use one of "RSA", "ECDSA"/],
    [
      { ipAddresses: ["10.0.0.1"], algorithm: CertificateKeyAlgorithm.ECDSA, rsaBits: 4096 },
      "rsaBits",
      /only applies to algorithm RSA/,
    ],
  ])("%j → %s", (args, propertyPath, message) => {
    const error = constructionError(() => new RegistryCertificate("bad", args as any));
    expect(error.propertyPath).toBe(propertyPath);
    expect(error.reason).toMatch(message);
    expect(error.reason.startsWith(propertyPath)).toBe(true);
  });
});
