/** Image references and registry hosts: parsing, normalisation and the pack's definition of a "private" registry. */
import { isIP } from "node:net";

/** A parsed image reference, `[host[:port]/]repository[:tag][@digest]`. */
export interface ImageRef {
  /** Registry host as written (lower-cased), `docker.io` when the reference names none. */
  host: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/** Docker Hub's aliases, all normalised to `docker.io`. */
const DOCKER_HUB = new Set(["docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"]);

/** Public Azure Container Registry suffixes: every `<name>.azurecr.*` registry needs credentials to pull. */
const ACR_SUFFIXES = [".azurecr.io", ".azurecr.cn", ".azurecr.us"];

/** Parses an image reference the way container runtimes do (the first path part is a host if it has `.`/`:` or is `localhost`). */
export function parseImage(image: string): ImageRef {
  const [name, digest] = image.trim().split("@", 2);
  const slash = name.indexOf("/");
  const first = slash < 0 ? "" : name.slice(0, slash);
  const hasHost = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  const host = hasHost ? first.toLowerCase() : "docker.io";
  const path = hasHost ? name.slice(slash + 1) : name;
  const colon = path.lastIndexOf(":");
  const tag = colon > path.lastIndexOf("/") && colon >= 0 ? path.slice(colon + 1) : undefined;
  const repository = tag === undefined ? path : path.slice(0, colon);
  return { host: normaliseHost(host), repository, tag: tag || undefined, digest: digest || undefined };
}

/**
 * A registry server or host as kubelet compares it: scheme, path and trailing `/` removed, lower-cased, Docker
 * Hub aliases folded into `docker.io` (kubectl's default server `https://index.docker.io/v1/` is Docker Hub).
 */
export function normaliseHost(server: string): string {
  const host = server
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, "")
    .split("/")[0];
  return DOCKER_HUB.has(host) ? "docker.io" : host;
}

/** The host name of `host[:port]` or `[v6]:port` (brackets removed). */
function hostName(host: string): string {
  if (host.startsWith("[")) {
    return host.slice(1, host.indexOf("]"));
  }
  return host.split(":")[0];
}

/**
 * Whether images from `host` come from a private registry that needs a pull secret. Private means:
 * - the host is an IP address (IPv4 or IPv6, any port) — a connected registry or other self-hosted registry;
 * - the host is an Azure Container Registry login server (`*.azurecr.io`, `.cn`, `.us`);
 * - the host (with or without its port) is listed in `extraHosts` (pack config `privateRegistryHosts`).
 * Everything else — Docker Hub, `mcr.microsoft.com`, `ghcr.io`, `quay.io`, `registry.k8s.io`, ... — counts as
 * public: those images are pulled anonymously, and a missing pull secret is not flagged.
 */
export function isPrivateHost(host: string, extraHosts: readonly string[] = []): boolean {
  const normalised = normaliseHost(host);
  const name = hostName(normalised);
  if (isIP(name) !== 0 || ACR_SUFFIXES.some((suffix) => name.endsWith(suffix))) {
    return true;
  }
  return extraHosts.map(normaliseHost).some((extra) => extra === normalised || extra === name);
}

/**
 * Whether `image` matches an allow-list entry: a repository (`nginx`, `10.0.0.1/team/app`; any tag or digest) or
 * a prefix ending in `*` (`10.0.0.1/*`). Both sides are compared as `host/repository`, with `docker.io` for none.
 */
export function imageMatches(image: ImageRef, entries: readonly string[]): boolean {
  const full = `${image.host}/${image.repository}`.toLowerCase();
  return entries.some((entry) => {
    const e = entry.trim().toLowerCase();
    if (e.endsWith("*")) {
      const prefix = parseImage(`${e.slice(0, -1)}x`);
      return full.startsWith(`${prefix.host}/${prefix.repository}`.slice(0, -1));
    }
    const parsed = parseImage(e);
    return `${parsed.host}/${parsed.repository}` === full;
  });
}
