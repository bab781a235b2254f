/**
 * E2E, bring-your-own certificate made with `openssl` exactly as the docs do (one `subjectAltName=IP:...`):
 * a real registry serves it on loopback; real containerd (`ctr --hosts-dir`) and skopeo pull through the
 * node trust files and credentials, and fail with the real error texts when trust, SAN or password is wrong.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { describeE2e, Harness } from "./harness";
import { RunningRegistry, startRegistry } from "./registryServer";
import { containerdPullErrors, Containerd, hostsToml, startContainerd, writeHostsEntry } from "./containerd";
import { certDir, dockerConfigJson, skopeoPull, skopeoPush } from "./skopeo";
import { buildOciImage, OciImage } from "./ociImage";
import { opensslSelfSigned, opensslVerify, PemPair } from "./openssl";

/** The registry's service IP (the SAN) and a second address serving the same certificate. */
const SERVICE_IP = "127.0.0.2";
const OTHER_IP = "127.0.0.3";
const USER = "client-token";
const PASSWORD = `pw-${crypto.randomBytes(12).toString("base64url")}`;
const REPOSITORY = "e2e/hello";

describeE2e("e2e: bring-your-own certificate (openssl) against docker-registry, containerd and skopeo", () => {
  let h: Harness;
  let byoc: PemPair;
  let registry: RunningRegistry;
  let otherAddress: RunningRegistry;
  let containerd: Containerd;
  let image: OciImage;
  let trustedHosts: string;
  let untrustedHosts: string;
  let caDir: string;
  const ref = (host: string) => `${host}/${REPOSITORY}:${image.tag}`;

  beforeAll(async () => {
    h = Harness.create();
    byoc = await opensslSelfSigned(h, "byoc", SERVICE_IP);
    const users = { [USER]: PASSWORD };
    [registry, containerd, image] = await Promise.all([
      startRegistry(h, "registry", { address: SERVICE_IP, ...byoc, users }),
      startContainerd(h),
      buildOciImage(h, "image", "v1", { hello: "hello from the edge\n" }),
    ]);
    // Same certificate (SAN = SERVICE_IP) and content, served on another address: a SAN mismatch.
    otherAddress = await startRegistry(h, "registry-other-ip", {
      address: OTHER_IP,
      ...byoc,
      users,
      storageDir: registry.storageDir,
    });
    caDir = certDir(h, "byoc", byoc.certificatePem);
    await skopeoPush(h, image.layoutDir, image.tag, ref(registry.host), {
      certDir: caDir,
      creds: `${USER}:${PASSWORD}`,
    });

    // Node trust as containerd reads it: <hostsDir>/<host>/hosts.toml (+ ca.crt), one dir trusted, one not.
    trustedHosts = h.mkdir("hosts-trusted");
    for (const host of [registry.host, otherAddress.host]) {
      writeHostsEntry(
        trustedHosts,
        host,
        hostsToml(host, path.join(trustedHosts, host, "ca.crt")),
        byoc.certificatePem,
      );
    }
    untrustedHosts = h.mkdir("hosts-untrusted");
    writeHostsEntry(untrustedHosts, registry.host, hostsToml(registry.host));
  }, 90_000);

  afterAll(async () => {
    await h?.dispose();
  }, 30_000);

  it("the certificate is its own CA and carries exactly the service IP", async () => {
    const cert = new crypto.X509Certificate(byoc.certificatePem);
    expect(cert.subjectAltName).toBe(`IP Address:${SERVICE_IP}`);
    expect(cert.checkIP(SERVICE_IP)).toBe(SERVICE_IP);
    expect(cert.checkIP(OTHER_IP)).toBeUndefined();
    expect((await opensslVerify(h, byoc.certificatePem, byoc.certificatePem)).stdout).toContain(": OK");
  });

  it("containerd pulls with the CA in hosts.toml and the client token's credentials", async () => {
    const result = await containerd.pull(ref(registry.host), { hostsDir: trustedHosts, user: `${USER}:${PASSWORD}` });
    expect(containerdPullErrors(result.stderr)).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`unpacking linux/`);
    expect(await containerd.images()).toContain(ref(registry.host));
  });

  it("skopeo pulls with --authfile pointed at a .dockerconfigjson", async () => {
    const authfile = h.write("auth/byoc.json", dockerConfigJson(registry.host, USER, PASSWORD));
    const result = await skopeoPull(h, ref(registry.host), { certDir: caDir, authfile });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Writing manifest to image destination");
  });

  it("a node without the CA (hosts.toml without ca) fails: x509: certificate signed by unknown authority", async () => {
    const result = await containerd.pull(ref(registry.host), { hostsDir: untrustedHosts, user: `${USER}:${PASSWORD}` });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `ctr: failed to resolve reference "${ref(registry.host)}": failed to do request: ` +
        `Head "https://${registry.host}/v2/${REPOSITORY}/manifests/${image.tag}": x509: certificate signed by unknown authority`,
    );
  });

  it("a certificate made for another IP fails with the SAN error, in containerd and skopeo", async () => {
    const result = await containerd.pull(ref(otherAddress.host), {
      hostsDir: trustedHosts,
      user: `${USER}:${PASSWORD}`,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`x509: certificate is valid for ${SERVICE_IP}, not ${OTHER_IP}`);

    const authfile = h.write("auth/other.json", dockerConfigJson(otherAddress.host, USER, PASSWORD));
    const skopeo = await skopeoPull(h, ref(otherAddress.host), { certDir: caDir, authfile });
    expect(skopeo.code).not.toBe(0);
    expect(skopeo.stderr).toContain(`x509: certificate is valid for ${SERVICE_IP}, not ${OTHER_IP}`);
  });

  it("a wrong password is unauthorized, in containerd and skopeo", async () => {
    const result = await containerd.pull(ref(registry.host), {
      hostsDir: trustedHosts,
      user: `${USER}:wrong-password`,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `ctr: failed to resolve reference "${ref(registry.host)}": ` +
        `pulling from host ${registry.host} failed with status code [manifests ${image.tag}]: 401 Unauthorized`,
    );

    const authfile = h.write("auth/wrong.json", dockerConfigJson(registry.host, USER, "wrong-password"));
    const skopeo = await skopeoPull(h, ref(registry.host), { certDir: caDir, authfile });
    expect(skopeo.code).not.toBe(0);
    expect(skopeo.stderr).toContain("unauthorized: authentication required");
  });

  it("leaves the pushed image byte-identical in the registry (the manifest digest survives the round trip)", async () => {
    const authfile = h.write("auth/digest.json", dockerConfigJson(registry.host, USER, PASSWORD));
    const result = await h.run(
      "skopeo",
      ["inspect", "--cert-dir", caDir, "--authfile", authfile, "--raw", `docker://${ref(registry.host)}`],
      { env: { HOME: h.mkdir("skopeo-home") } },
    );
    expect(result.code).toBe(0);
    const digest = `sha256:${crypto.createHash("sha256").update(result.stdout).digest("hex")}`;
    expect(digest).toBe(image.manifestDigest);
    expect(fs.existsSync(path.join(image.layoutDir, "blobs", "sha256", digest.slice("sha256:".length)))).toBe(true);
  });
});
