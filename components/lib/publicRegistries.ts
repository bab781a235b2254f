/**
 * Public registries: hosts whose certificates chain to public CAs that every node already trusts. Writing a
 * `hosts.toml` with a private CA for one of them replaces how containerd reaches it for every pod on the node (a
 * mistake at best, a node-wide man in the middle at worst), so `NodeRegistryTrust` needs an explicit opt-in.
 *
 * Azure Container Registry login servers (`*.azurecr.io`, `.cn`, `.us`) count as public here too: they serve
 * publicly trusted certificates, so a private CA for them is never needed (a connected registry is reached by
 * its cluster IP instead).
 */

/** Exact public registry hosts (lower case, without port). */
const PUBLIC_HOSTS = new Set([
  "docker.io",
  "index.docker.io",
  "registry-1.docker.io",
  "registry.hub.docker.com",
  "mcr.microsoft.com",
  "ghcr.io",
  "quay.io",
  "registry.k8s.io",
  "k8s.gcr.io",
  "gcr.io",
  "public.ecr.aws",
  "registry.gitlab.com",
  "nvcr.io",
]);

/** Public registry host suffixes. */
const PUBLIC_SUFFIXES = [".azurecr.io", ".azurecr.cn", ".azurecr.us", ".gcr.io", ".pkg.dev", ".docker.io"];

/** Whether `registryHost` (`host`, `host:port` or `[v6]:port`) is a public registry. */
export function isPublicRegistry(registryHost: string): boolean {
  const host = registryHost.startsWith("[") ? "" : registryHost.split(":")[0].toLowerCase().replace(/\.$/, "");
  return PUBLIC_HOSTS.has(host) || PUBLIC_SUFFIXES.some((suffix) => host.endsWith(suffix));
}
