/**
 * Host paths: normalisation and the allow-list of node directories pods may mount (Pod Security Standards
 * baseline "HostPath Volumes" forbids them all; this pack allows exactly the listed ones).
 *
 * An allow-list entry is an absolute path, compared after normalisation with the mounted path:
 * - `/a/b` allows exactly `/a/b` (not `/a/b/c`, not `/a`, not `/a/bc`);
 * - `/a/b/*` allows exactly one directory level below `/a/b` (`/a/b/c`, not `/a/b` itself, not `/a/b/c/d`).
 * Normalisation resolves `.` and `..` and repeated or trailing slashes the way the node's kernel would, so
 * `/etc/containerd/certs.d/../..` is `/etc` and `/etc/containerd//certs.d/x/` is `/etc/containerd/certs.d/x`.
 * A relative path is never allowed. Symbolic links on the node cannot be seen from here: keep the listed
 * directories root-owned.
 *
 * Below a containerd hosts directory, a `/*` entry never allows `_default` (containerd's fallback for every
 * registry) nor a public registry's directory (`docker.io`, `mcr.microsoft.com`, ...): a writer there would decide
 * how every node pulls those images. List such a directory exactly to allow it.
 */
import * as path from "node:path";
import { isPublicRegistry } from "../../components/lib/publicRegistries";

/** containerd's hosts directory on common distributions (the `NodeRegistryTrust` presets). */
export const CONTAINERD_HOSTS_DIRS = [
  "/etc/containerd/certs.d",
  "/var/lib/rancher/k3s/agent/etc/containerd/certs.d",
  "/var/lib/rancher/rke2/agent/etc/containerd/certs.d",
];

/** containerd's configuration directories on the same distributions (read only: `NodeRegistryTrust`'s readiness reads `config_path`). */
export const CONTAINERD_CONFIG_DIRS = [
  "/etc/containerd",
  "/var/lib/rancher/k3s/agent/etc/containerd",
  "/var/lib/rancher/rke2/agent/etc/containerd",
];

/** Default `nodeTrustHostPaths`: one registry directory below each containerd hosts directory (NodeRegistryTrust's installer only). */
export const NODE_TRUST_HOST_PATHS = CONTAINERD_HOSTS_DIRS.map((dir) => `${dir}/*`);

/** Default `nodeTrustReadOnlyHostPaths`: containerd's configuration directories, read only (the installer's readiness). */
export const NODE_TRUST_READ_ONLY_HOST_PATHS = [...CONTAINERD_CONFIG_DIRS];

/** Default `allowedHostPaths` for every other workload: none (Pod Security Standards baseline). */
export const DEFAULT_ALLOWED_HOST_PATHS: string[] = [];

/** Default `allowedReadOnlyHostPaths` for every other workload: none. */
export const DEFAULT_ALLOWED_READ_ONLY_HOST_PATHS: string[] = [];

/** The normalised absolute path, or `undefined` for a relative or empty path. */
export function normaliseHostPath(value: string): string | undefined {
  if (!value.startsWith("/")) {
    return undefined;
  }
  const normalised = path.posix.normalize(value);
  return normalised.length > 1 ? normalised.replace(/\/+$/, "") : normalised;
}

/** Whether the (raw) host path is allowed by one of the entries. */
export function hostPathAllowed(value: string, entries: readonly string[]): boolean {
  const target = normaliseHostPath(value);
  if (target === undefined) {
    return false;
  }
  return entries.some((entry) => {
    const trimmed = entry.trim();
    if (trimmed.endsWith("/*")) {
      const dir = normaliseHostPath(trimmed.slice(0, -2));
      const name = path.posix.basename(target);
      return (
        dir !== undefined &&
        dir !== "/" &&
        path.posix.dirname(target) === dir &&
        target !== dir &&
        !(CONTAINERD_HOSTS_DIRS.includes(dir) && (name === "_default" || isPublicRegistry(name)))
      );
    }
    const exact = normaliseHostPath(trimmed);
    return exact !== undefined && exact !== "/" && exact === target;
  });
}
