/** The e2e registry server: Debian `docker-registry` (distribution 2.8) with TLS and htpasswd auth. */
import * as crypto from "node:crypto";
import { Harness, Started, tcpOpen } from "./harness";

/** How to run one registry. */
export interface RegistryOptions {
  /** Loopback address to listen on, e.g. `127.0.0.2` (containerd treats 127.0.0.1 specially: avoid it). */
  address: string;
  /** Port (default 443, so image references need no port). */
  port?: number;
  /** Serving certificate (PEM; may include the chain). */
  certificatePem: string;
  /** Its private key (PEM). */
  privateKeyPem: string;
  /** htpasswd users: username -> password. */
  users: { [username: string]: string };
  /** Blob storage directory; pass another registry's to serve the same content (default: a new one). */
  storageDir?: string;
}

/** A running registry. */
export interface RunningRegistry {
  /** The registry host as it appears in image references and hosts dirs (`127.0.0.2` or `127.0.0.2:5000`). */
  host: string;
  storageDir: string;
  process: Started;
}

/** The Debian package's binary (`/usr/bin/docker-registry`), found on PATH. */
export const REGISTRY_BINARY = "docker-registry";

/** Starts `docker-registry serve` with TLS and htpasswd auth, ready when its port accepts connections. */
export async function startRegistry(h: Harness, name: string, options: RegistryOptions): Promise<RunningRegistry> {
  const port = options.port ?? 443;
  const storageDir = options.storageDir ?? h.mkdir(name, "storage");
  const certificate = h.write(`${name}/tls.crt`, options.certificatePem);
  const key = h.write(`${name}/tls.key`, options.privateKeyPem);
  const htpasswdLines: string[] = [];
  for (const [user, password] of Object.entries(options.users)) {
    htpasswdLines.push((await h.check("htpasswd", ["-Bbn", user, password])).stdout.trim());
  }
  const htpasswd = h.write(`${name}/htpasswd`, htpasswdLines.join("\n") + "\n");
  // Registry config (distribution 2.8): JSON is valid YAML, so no YAML writer is needed.
  const config = {
    version: 0.1,
    log: { level: "info", accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: storageDir }, delete: { enabled: true } },
    http: {
      addr: `${options.address}:${port}`,
      secret: crypto.randomBytes(16).toString("hex"),
      tls: { certificate, key },
    },
    auth: { htpasswd: { realm: "edge-registry-e2e", path: htpasswd } },
  };
  const configFile = h.write(`${name}/config.yml`, JSON.stringify(config, null, 2));
  const server = await h.start(name, REGISTRY_BINARY, ["serve", configFile], () => tcpOpen(options.address, port));
  return { host: port === 443 ? options.address : `${options.address}:${port}`, storageDir, process: server };
}
