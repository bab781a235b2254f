/**
 * The preview-time certificate and address checks, on certificates made by openssl exactly as the
 * seeds make them (`openssl req -newkey rsa:... -x509 -addext "subjectAltName = IP:<ip>"`) and, for
 * dates openssl cannot produce (already expired), by @peculiar/x509 (./certificates).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expiredSelfSigned } from "./harness/certificates";
import { cidrContains, cidrProblem, ipAddressProblem } from "../components/lib/network";
import { expiryWarning, servingCertificateProblem } from "../components/lib/x509";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "x509-check-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const read = (file: string) => fs.readFileSync(path.join(dir, file), "utf8");
const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });

/** The seeds' self-signed BYOC certificate (errata applied: one subjectAltName). */
function selfSigned(file: string, san: string, days = "365", extra: string[] = []) {
  openssl(
    "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-sha256",
    "-keyout", `${file}.key`, "-x509", "-days", days, "-out", `${file}.crt`, "-subj", "/CN=registry",
    "-addext", `subjectAltName = ${san}`, ...extra,
  ); // prettier-ignore
  return { certificatePem: read(`${file}.crt`), privateKeyPem: read(`${file}.key`) };
}

let seed: { certificatePem: string; privateKeyPem: string };
let ca: { certificatePem: string; privateKeyPem: string };
let leaf: { certificatePem: string; privateKeyPem: string };
let otherCa: { certificatePem: string; privateKeyPem: string };
beforeAll(() => {
  seed = selfSigned("seed", "IP:192.100.100.1");
  ca = selfSigned("ca", "DNS:ca", "365", ["-addext", "basicConstraints=critical,CA:TRUE"]);
  otherCa = selfSigned("other", "DNS:ca", "365", ["-addext", "basicConstraints=critical,CA:TRUE"]);
  openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=leaf"); // prettier-ignore
  fs.writeFileSync(path.join(dir, "leaf.ext"), "subjectAltName=IP:10.0.0.100\nextendedKeyUsage=serverAuth\n");
  openssl("x509", "-req", "-in", "leaf.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "30", "-extfile", "leaf.ext", "-out", "leaf.crt"); // prettier-ignore
  leaf = { certificatePem: read("leaf.crt"), privateKeyPem: read("leaf.key") };
});

describe("servingCertificateProblem", () => {
  it("accepts the seeds' self-signed certificate for its IP (it is its own CA)", () => {
    expect(servingCertificateProblem(seed, "192.100.100.1")).toBeUndefined();
  });

  it("accepts a CA-issued certificate with its CA", () => {
    expect(servingCertificateProblem({ ...leaf, caCertificatePem: ca.certificatePem }, "10.0.0.100")).toBeUndefined();
  });

  it("refuses text that is not a certificate, and a key that is not a key", () => {
    expect(servingCertificateProblem({ ...seed, certificatePem: "hello" }, "192.100.100.1")?.field).toBe(
      "certificatePem",
    );
    expect(servingCertificateProblem({ ...seed, privateKeyPem: "hello" }, "192.100.100.1")?.field).toBe(
      "privateKeyPem",
    );
  });

  it("refuses the key of another certificate", () => {
    expect(servingCertificateProblem({ ...seed, privateKeyPem: leaf.privateKeyPem }, "192.100.100.1")).toEqual({
      field: "privateKeyPem",
      reason: expect.stringContaining("does not belong to certificatePem"),
    });
  });

  it("refuses a certificate whose IP SANs lack the cluster IP", () => {
    expect(servingCertificateProblem(seed, "192.100.100.2")).toEqual({
      field: "certificatePem",
      reason: expect.stringContaining("has no IP subject alternative name 192.100.100.2"),
    });
  });

  it("refuses a CA that did not issue it, a missing CA for a non-self-signed certificate, and a non-CA", () => {
    expect(servingCertificateProblem({ ...leaf, caCertificatePem: otherCa.certificatePem }, "10.0.0.100")).toEqual({
      field: "caCertificatePem",
      reason: expect.stringContaining("did not issue certificatePem"),
    });
    expect(servingCertificateProblem(leaf, "10.0.0.100")?.field).toBe("caCertificatePem");
  });

  it("refuses an EKU without server auth", () => {
    const clientOnly = selfSigned("client", "IP:10.0.0.1", "365", ["-addext", "extendedKeyUsage=clientAuth"]);
    expect(servingCertificateProblem(clientOnly, "10.0.0.1")).toEqual({
      field: "certificatePem",
      reason: expect.stringContaining("does not allow TLS server authentication"),
    });
  });

  it("refuses an expired certificate", async () => {
    expect(servingCertificateProblem(await expiredSelfSigned("10.0.0.1"), "10.0.0.1")).toEqual({
      field: "certificatePem",
      reason: expect.stringMatching(/^expired on Jan {1,2}1 00:00:00 2021 GMT/),
    });
  });
});

describe("expiryWarning", () => {
  it("warns under 30 days left and is silent otherwise", () => {
    expect(expiryWarning(leaf.certificatePem)).toMatch(/expires on .* \(in (29|30) days\)/);
    expect(expiryWarning(seed.certificatePem)).toBeUndefined();
  });
});

describe("addresses", () => {
  it("accepts IPv4 and IPv6 addresses and refuses the rest", () => {
    expect(ipAddressProblem("192.100.100.1")).toBeUndefined();
    expect(ipAddressProblem("fd00::10")).toBeUndefined();
    expect(ipAddressProblem("192.100.100.300")).toMatch(/is not an IPv4 or IPv6 address/);
    expect(ipAddressProblem("registry.local")).toMatch(/is not an IPv4 or IPv6 address/);
  });

  it("parses CIDR blocks", () => {
    expect(cidrProblem("10.0.0.0/16")).toBeUndefined();
    expect(cidrProblem("fd00::/108")).toBeUndefined();
    expect(cidrProblem("10.0.0.0/33")).toMatch(/is not a CIDR block/);
    expect(cidrProblem("10.0.0.0")).toMatch(/is not a CIDR block/);
  });

  it("tells whether an address lies inside a block, per family", () => {
    expect(cidrContains("10.0.0.0/16", "10.0.255.254")).toBe(true);
    expect(cidrContains("10.0.0.0/16", "10.1.0.1")).toBe(false);
    expect(cidrContains("fd00::/108", "fd00::a")).toBe(true);
    expect(cidrContains("fd00::/108", "fd00::1:0:a")).toBe(false);
    expect(cidrContains("10.0.0.0/8", "fd00::a")).toBe(false);
  });
});
