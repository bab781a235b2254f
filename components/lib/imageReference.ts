/**
 * Checks for the parts of a container image reference (`<host>/<repository>:<tag>` or `@<digest>`,
 * the grammar of the distribution `reference` package). Each check returns `undefined` or the reason (see
 * `Check` in validation.ts). Kubernetes object names: `kubernetesNames.ts`.
 */
import { isIPv4, isIPv6 } from "node:net";

const dnsName =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
/**
 * The distribution grammar of a repository path: lowercase components of letters and digits joined by ".", "_",
 * "__" or "-"s, separated by "/". The one copy of it; every check of a repository name in the package uses it.
 */
export const repositoryPattern = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
/** The distribution grammar of a tag: up to 128 letters, digits, "_", "." and "-", not starting with "." or "-". */
export const tagPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const digestPattern = /^sha256:[a-f0-9]{64}$/;

const hostExamples = "e.g. myacr.azurecr.io, 192.100.100.1, registry.local:5000 or [fd00::1]:443";

/**
 * The reason `server` is not a registry host (`host`, `host:port`, `[ipv6]` or `[ipv6]:port`), or
 * undefined. URLs are refused: kubelet and containerd match pull credentials on the image's host
 * exactly, so `https://myacr.azurecr.io/` would never be used for `myacr.azurecr.io/app:1`.
 */
export function registryHostProblem(server: string): string | undefined {
  if (server.includes("://") || server.includes("/")) {
    return `"${server}" is a URL or has a path; give the registry host only, ${hostExamples}.`;
  }
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(server);
  const host = match?.[1] ?? "";
  const port = match?.[2];
  // Addresses are checked by node:net (no zone ids: an image reference cannot carry one); a dotted all-numeric
  // name (`999.1.1.1`) is a bad IPv4 address, not a DNS name (no top-level domain is numeric).
  const ipv6 = host.startsWith("[") && host.endsWith("]") && !host.includes("%") && isIPv6(host.slice(1, -1));
  const name = dnsName.test(host) && !/^[0-9]+$/.test(host.split(".").pop() ?? "");
  if (!(isIPv4(host) || ipv6 || name)) {
    return `"${server}" is not a registry host; ${hostExamples}.`;
  }
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) {
    return `port ${port} in "${server}" is outside 1-65535.`;
  }
  return undefined;
}

/** The reason `repository` is not a repository path (lowercase, `/`-separated), or undefined. */
export function repositoryProblem(repository: string): string | undefined {
  return repositoryPattern.test(repository) && repository.length <= 255
    ? undefined
    : `"${repository}" is not a repository name; use lowercase path components separated by "/" (e.g. hello-world or team/app), without the registry host, tag or digest.`;
}

/** The reason `tag` is not an image tag, or undefined. */
export function tagProblem(tag: string): string | undefined {
  return tagPattern.test(tag)
    ? undefined
    : `"${tag}" is not an image tag; use up to 128 letters, digits, "_", "." or "-", not starting with "." or "-".`;
}

/** The reason `digest` is not a sha256 manifest digest, or undefined. */
export function digestProblem(digest: string): string | undefined {
  return digestPattern.test(digest)
    ? undefined
    : `"${digest}" is not a manifest digest; expected sha256: followed by 64 lowercase hex digits (see \`az acr repository show-manifests\` or \`crane digest\`).`;
}
