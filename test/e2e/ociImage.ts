/** A tiny OCI image layout, built here for the registry and container runtime tests. */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { Harness } from "./harness";

/** What `buildOciImage` produced. */
export interface OciImage {
  layoutDir: string;
  tag: string;
  /** Digest of the image manifest (`sha256:...`), which a registry and containerd report back. */
  manifestDigest: string;
}

const GOARCH: { [nodeArch: string]: string } = {
  x64: "amd64",
  arm64: "arm64",
  arm: "arm",
  s390x: "s390x",
  ppc64: "ppc64le",
};

/**
 * Builds an OCI image layout with one layer (a tar.gz made by `tar` from `files`), a config for this
 * machine's platform (containerd unpacks only matching platforms) and an `index.json` naming `tag`.
 */
export async function buildOciImage(
  h: Harness,
  name: string,
  tag: string,
  files: { [fileName: string]: string },
): Promise<OciImage> {
  const layoutDir = h.mkdir(name, "layout");
  const rootfs = h.mkdir(name, "rootfs");
  for (const [file, content] of Object.entries(files))
    fs.writeFileSync(path.join(rootfs, file), content, { mode: 0o644 });
  const layerFile = h.path(name, "layer.tar.gz");
  await h.check("tar", [
    "--create",
    "--gzip",
    "--file",
    layerFile,
    "--directory",
    rootfs,
    "--owner=0",
    "--group=0",
    "--numeric-owner",
    "--mtime=@0",
    ...Object.keys(files).sort(),
  ]);
  const blobs = h.mkdir(name, "layout", "blobs", "sha256");
  const sha256 = (data: Buffer) => crypto.createHash("sha256").update(data).digest("hex");
  const putBlob = (data: Buffer) => {
    const hex = sha256(data);
    fs.writeFileSync(path.join(blobs, hex), data);
    return { digest: `sha256:${hex}`, size: data.length };
  };
  const layerGz = fs.readFileSync(layerFile);
  const layer = putBlob(layerGz);
  const config = putBlob(
    Buffer.from(
      JSON.stringify({
        architecture: GOARCH[process.arch] ?? process.arch,
        os: "linux",
        config: { Cmd: ["/hello"] },
        rootfs: { type: "layers", diff_ids: [`sha256:${sha256(zlib.gunzipSync(layerGz))}`] },
      }),
    ),
  );
  const manifestMediaType = "application/vnd.oci.image.manifest.v1+json";
  const manifest = putBlob(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: manifestMediaType,
        config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
        layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", ...layer }],
      }),
    ),
  );
  fs.writeFileSync(path.join(layoutDir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  fs.writeFileSync(
    path.join(layoutDir, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        { mediaType: manifestMediaType, ...manifest, annotations: { "org.opencontainers.image.ref.name": tag } },
      ],
    }),
  );
  return { layoutDir, tag, manifestDigest: manifest.digest };
}
