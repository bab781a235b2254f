/**
 * Azure Container Registry naming rules: registry names, image references (the `source` of an import)
 * and target tags. Pure functions; the components call them to validate plain arguments in the
 * constructor and to build the exact import request.
 *
 * Image references follow the OCI distribution grammar (`[host[:port]/]path[:tag][@digest]`, path
 * components lowercase), with Docker's defaults: no host means `docker.io`, and a one-component
 * Docker Hub path means `library/<name>` (`nginx` is `docker.io/library/nginx:latest`).
 */
import { repositoryPattern, tagPattern } from "./imageReference";
import { checkList, firstDuplicate } from "./validation";

/** The reason `name` is not a valid registry name, or undefined when it is one. */
export function registryNameProblem(name: string): string | undefined {
  return /^[a-zA-Z0-9]{5,50}$/.test(name)
    ? undefined
    : `"${name}" is not a valid registry name; use 5-50 letters and digits only (no dashes), unique across Azure.`;
}

/** An image reference split into its parts, with Docker's defaults applied. */
export interface ImageReference {
  /** Registry host (`mcr.microsoft.com`, `docker.io`, `myregistry.azurecr.io`, `host:5000`). */
  registry: string;
  /** Repository path inside the registry (`mcr/hello-world`, `library/nginx`). */
  repository: string;
  /** The repository path as written after the host (`docker.io/nginx` → `nginx`; `repository` is `library/nginx`). */
  path: string;
  /** Whether the reference names its registry host (`az acr import` refuses a source without one). */
  hasRegistry: boolean;
  /** The tag, when the reference names one. */
  tag?: string;
  /** The manifest digest (`sha256:<64 hex>`), when the reference names one. */
  digest?: string;
}

const hostPattern =
  /^(?:localhost|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*)(?::[0-9]{1,5})?$/;
const digestPattern = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

const example = "use [registry/]repository[:tag][@sha256:<digest>], e.g. mcr.microsoft.com/mcr/hello-world:latest";

/** Parses an image reference, or returns the reason it is not one. */
export function parseImageReference(reference: string): ImageReference | string {
  if (reference.trim() === "") {
    return `must not be empty; ${example}.`;
  }
  let rest = reference;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestPattern.test(digest)) {
      return `"${reference}" has an invalid digest "${digest}"; a digest is sha256: followed by 64 lowercase hex digits.`;
    }
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagPattern.test(tag)) {
      return `"${reference}" has an invalid tag "${tag}"; tags are 1-128 letters, digits, "_", "." or "-" (not starting with "." or "-").`;
    }
  }
  const slash = rest.indexOf("/");
  const first = slash >= 0 ? rest.slice(0, slash) : "";
  const hasHost = first.includes(".") || first.includes(":") || first === "localhost";
  let registry = hasHost ? first : "docker.io";
  let repository = hasHost ? rest.slice(slash + 1) : rest;
  const path = repository;
  if (hasHost && !hostPattern.test(registry)) {
    return `"${reference}" has an invalid registry host "${registry}"; ${example}.`;
  }
  if (!repositoryPattern.test(repository) || repository.length > 255) {
    return `"${reference}" has an invalid repository "${repository}"; repository names are lowercase letters, digits and separators (".", "_", "-", "/"); ${example}.`;
  }
  if (registry === "index.docker.io") {
    registry = "docker.io";
  }
  if (registry === "docker.io" && !repository.includes("/")) {
    repository = `library/${repository}`;
  }
  return { registry, repository, path, hasRegistry: hasHost, tag, digest };
}

/** Why `az acr import` would refuse this source for having no registry host, or undefined. */
export function sourceRegistryProblem(reference: string, image: ImageReference): string | undefined {
  return image.hasRegistry
    ? undefined
    : `"${reference}" names no registry host (az acr import refuses it too); write the registry, e.g. docker.io/library/${image.path}${image.tag ? `:${image.tag}` : ""}, or set sourceRegistryId for an Azure registry of the same tenant.`;
}

/**
 * The image as the registry's import API names it (`sourceImage`): `repository@digest` when a digest
 * is given (it pins the content; a tag beside it is ignored by registries), else `repository:tag`
 * with `latest` when no tag is given.
 */
export function sourceImageOf(image: ImageReference): string {
  return image.digest ? `${image.repository}@${image.digest}` : `${image.repository}:${image.tag ?? "latest"}`;
}

/** The last path segment of the repository (`mcr/hello-world` → `hello-world`). */
export function repositoryName(image: ImageReference): string {
  return image.repository.split("/").pop() as string;
}

/**
 * The target tags an import writes when none are given, as `az acr import` names them (azure-cli
 * `acr/import.py`): the full source path after the registry host with its tag
 * (`mcr.microsoft.com/mcr/hello-world:latest` → `mcr/hello-world:latest`; no tag means `latest`). A digest
 * without a tag gives no tag: the manifest is copied untagged into that path (see {@link untaggedTargetRepository}).
 */
export function defaultTargetTags(image: ImageReference): string[] {
  return image.digest && !image.tag ? [] : [`${image.path}:${image.tag ?? "latest"}`];
}

/** Where a digest import without targets copies the manifest: the source path without `@digest` (as az does). */
export function untaggedTargetRepository(image: ImageReference): string {
  return image.path;
}

/** The reason `target` is not a `repository:tag` target, or undefined when it is one. */
export function targetTagProblem(target: string): string | undefined {
  const colon = target.lastIndexOf(":");
  const repository = colon > 0 ? target.slice(0, colon) : target;
  const tag = colon > 0 ? target.slice(colon + 1) : "";
  if (!repositoryPattern.test(repository) || !tagPattern.test(tag)) {
    return `"${target}" is not a target tag; use repository:tag (lowercase repository path, no registry host), e.g. hello-world:latest.`;
  }
  return undefined;
}

/**
 * Throws an input error (at `path`, e.g. `imports[1].targetTags`) when explicit targets are empty,
 * malformed or listed twice. `undefined` (use the default targets) passes.
 */
export function checkTargetTags(path: string, targets: readonly string[] | undefined): void {
  if (targets === undefined) {
    return;
  }
  checkList(path, targets, targetTagProblem, (list) => {
    if (list.length === 0) {
      return "must not be empty; omit it to use the default target (repository:tag of the source).";
    }
    const duplicate = firstDuplicate(list);
    return duplicate === undefined ? undefined : `"${duplicate}" is listed twice; list each target tag once.`;
  });
}
