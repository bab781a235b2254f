/** skopeo as a registry client: push and pull with a docker authfile and a CA directory. */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { Harness, RunResult } from "./harness";

/** A docker `config.json`/authfile for one registry (what kubectl puts in `.dockerconfigjson`). */
export function dockerConfigJson(server: string, username: string, password: string): string {
  const auth = Buffer.from(`${username}:${password}`).toString("base64");
  return JSON.stringify({ auths: { [server]: { username, password, auth } } });
}

/** A directory with the CA as `ca.crt`, the form skopeo's `--cert-dir` options read. */
export function certDir(h: Harness, name: string, caPem: string): string {
  const dir = h.mkdir("certs", name);
  fs.writeFileSync(path.join(dir, "ca.crt"), caPem);
  return dir;
}

/** Isolates skopeo from any credentials on the machine. */
function skopeoEnv(h: Harness): { [key: string]: string } {
  return { REGISTRY_AUTH_FILE: h.path("skopeo", "no-auth.json"), HOME: h.mkdir("skopeo", "home") };
}

/** `skopeo copy oci:<layout>:<tag> docker://<ref>` with a CA dir and `user:password`; throws on failure. */
export async function skopeoPush(
  h: Harness,
  layoutDir: string,
  tag: string,
  ref: string,
  options: { certDir: string; creds: string },
): Promise<void> {
  await h.check(
    "skopeo",
    [
      "copy",
      "--dest-cert-dir",
      options.certDir,
      "--dest-creds",
      options.creds,
      `oci:${layoutDir}:${tag}`,
      `docker://${ref}`,
    ],
    { timeoutMs: 60_000, env: skopeoEnv(h) },
  );
}

/** `skopeo copy docker://<ref> oci:<new dir>:pulled` with an authfile and CA dir; does not throw. */
export function skopeoPull(
  h: Harness,
  ref: string,
  options: { certDir: string; authfile: string },
): Promise<RunResult> {
  const target = h.path("skopeo", `pull-${crypto.randomBytes(4).toString("hex")}`);
  return h.run(
    "skopeo",
    [
      "copy",
      "--src-cert-dir",
      options.certDir,
      "--src-authfile",
      options.authfile,
      `docker://${ref}`,
      `oci:${target}:pulled`,
    ],
    { timeoutMs: 60_000, env: skopeoEnv(h) },
  );
}
