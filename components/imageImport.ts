import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import {
  checkTargetTags,
  defaultTargetTags,
  parseImageReference,
  ImageReference,
  registryNameProblem,
  sourceImageOf,
  sourceRegistryProblem,
  untaggedTargetRepository,
} from "./lib/acrNames";
import { registryIdProblem } from "./lib/armId";
import { ImageImportInputs, imageImportOperation } from "./operations/imageImport";
import { operationResource } from "./operations/register";
import { Check, inputError, knownValue, oneOf, validateKnown, validateWhenKnown } from "./lib/validation";
import { mapAll, mapInput } from "./lib/inputs";

/** What an import does when a target tag already exists in the registry. */
export enum ImportMode {
  /** Fail the import, before anything is copied, when a target tag exists (the safe default). */
  NoForce = "NoForce",
  /** Overwrite existing target tags. */
  Force = "Force",
}

/** Arguments of {@link ImageImport}. */
export interface ImageImportArgs {
  /** Resource group of the target registry. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** Name of the target registry (5-50 letters and digits). */
  readonly registryName: pulumi.Input<string>;
  /**
   * The image to import: `registry/repository[:tag][@sha256:<digest>]`, e.g.
   * `mcr.microsoft.com/mcr/hello-world:latest` or `docker.io/library/nginx:1.25`. No tag means `latest`; a
   * digest pins the content. The registry host is required (as `az acr import` requires it), except with
   * `sourceRegistryId`, where `source` is the repository inside that registry (`app/web:1.0`).
   */
  readonly source: pulumi.Input<string>;
  /**
   * ARM id of an Azure container registry of the same tenant to import from, sent as `source.resourceId` (what
   * `az acr import` sends when it finds the source registry in the subscription; no credentials needed, the
   * caller's access to that registry is used). `source` is then the repository inside it, without a host.
   * Default: none (the source's host is the registry, sent as `source.registryUri`).
   */
  readonly sourceRegistryId?: pulumi.Input<string>;
  /**
   * `repository:tag` targets in the registry. Default: as `az acr import`, the source's full path and tag
   * (`mcr.microsoft.com/mcr/hello-world:latest` → `mcr/hello-world:latest`); for a digest without a tag, an
   * untagged copy into that path (pull it by digest). Changing the targets re-imports.
   */
  readonly targetTags?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Default `NoForce`: the import fails, naming the tag, when a target tag already points at another
   * image that this import did not write (a tag already at the source's digest counts as imported, so a
   * retried `pulumi up` succeeds). Set `Force` to overwrite such tags. Changing only the mode imports nothing.
   */
  readonly mode?: pulumi.Input<ImportMode>;
  /** Subscription of the registry. Default: the subscription of the azure-native provider's credentials. */
  readonly subscriptionId?: pulumi.Input<string>;
}

/** The reason `source` cannot be imported (from `sourceRegistryId` when `inRegistry`), or undefined. */
function sourceProblem(source: string, inRegistry: boolean): string | undefined {
  const parsed = parseImageReference(source);
  if (typeof parsed === "string") {
    return parsed;
  }
  if (inRegistry) {
    return parsed.hasRegistry
      ? `"${source}" names a registry host, but sourceRegistryId already names the registry; give the repository inside it (e.g. ${parsed.path}:${parsed.tag ?? "latest"}).`
      : undefined;
  }
  return sourceRegistryProblem(source, parsed);
}

/** The image inside a registry given by id: the path as written (no Docker Hub defaults). */
function sourceImageInRegistry(image: ImageReference): string {
  return image.digest ? `${image.path}@${image.digest}` : `${image.path}:${image.tag ?? "latest"}`;
}

/** The import request for a source and optional explicit targets (checked again for deploy-time values). */
function importRequest(
  source: string,
  targetTags: string[] | undefined,
  sourceRegistryId: string | undefined,
): Pick<ImageImportInputs, "sourceResourceId" | "sourceImage" | "targetTags" | "untaggedTargetRepositories"> & {
  registryUri?: string;
} {
  const problem = sourceProblem(source, sourceRegistryId !== undefined);
  if (problem !== undefined) {
    throw inputError("source", problem);
  }
  const image = parseImageReference(source) as ImageReference;
  checkTargetTags("targetTags", targetTags);
  const targets = targetTags ?? defaultTargetTags(image);
  return {
    ...(sourceRegistryId === undefined
      ? { registryUri: image.registry, sourceImage: sourceImageOf(image) }
      : { sourceResourceId: sourceRegistryId, sourceImage: sourceImageInRegistry(image) }),
    targetTags: targets,
    untaggedTargetRepositories: targets.length === 0 ? [untaggedTargetRepository(image)] : [],
  };
}

/**
 * Imports an image into an Azure Container Registry, like `az acr import` (default targets, the refusal of a
 * source without a registry host, and `source.resourceId` for a registry of the same tenant follow azure-cli's
 * `acr/import.py`; no `--username/--password` for private non-Azure registries), from a public registry such as
 * `mcr.microsoft.com` or Docker Hub or from another Azure registry, without Docker.
 *
 * The import is idempotent: target tags that already point at the source's digest count as imported
 * (a retried or interrupted `pulumi up` succeeds), a target tag pointing elsewhere fails with `NoForce`
 * (set `mode: Force` to overwrite it). Changing the source or targets imports again in place, and may
 * re-point the tags this import wrote; changing only `mode` changes nothing in Azure. `pulumi refresh`
 * records each target's digest, and a target deleted outside Pulumi is imported again by the next
 * `pulumi up`. **Deleting the resource keeps the imported tags**: removing tags needs data-plane delete
 * rights, and a tag may be shared with other imports. Delete tags with `az acr repository delete` if you
 * need them gone; deleting the registry removes them all.
 */
export class ImageImport extends pulumi.ComponentResource {
  /** The `repository:tag` targets written in the registry (empty for an untagged digest import). */
  public readonly targetTags: pulumi.Output<string[]>;

  constructor(name: string, args: ImageImportArgs, opts?: pulumi.ComponentResourceOptions) {
    super("edge-registry:index:ImageImport", name, {}, opts);

    validateKnown("registryName", args.registryName, registryNameProblem);
    validateKnown("sourceRegistryId", args.sourceRegistryId, registryIdProblem);
    const sourceCheck: Check<string> = (source) => sourceProblem(source, args.sourceRegistryId !== undefined);
    validateKnown("source", args.source, sourceCheck);
    validateKnown("mode", args.mode, oneOf(Object.values(ImportMode)));
    checkTargetTags("targetTags", knownValue(args.targetTags) as string[] | undefined);

    const request = mapAll(
      [validateWhenKnown("source", args.source, sourceCheck), args.targetTags, args.sourceRegistryId],
      ([source, tags, registryId]) => importRequest(source, tags, registryId),
    );
    const subscriptionId =
      args.subscriptionId ?? authorization.getClientConfigOutput({ parent: this }).apply((c) => c.subscriptionId);

    const resource = operationResource(
      imageImportOperation,
      name,
      {
        subscriptionId,
        resourceGroupName: args.resourceGroupName,
        registryName: args.registryName,
        // Unset when importing by `sourceRegistryId` (an Output of undefined is left out of the inputs).
        registryUri: mapInput(request, (r) => r.registryUri) as pulumi.Input<string>,
        sourceResourceId: mapInput(request, (r) => r.sourceResourceId),
        sourceImage: mapInput(request, (r) => r.sourceImage),
        targetTags: mapInput(request, (r) => r.targetTags),
        untaggedTargetRepositories: mapInput(request, (r) => r.untaggedTargetRepositories),
        mode: mapInput(args.mode, (mode) => mode ?? ImportMode.NoForce),
      },
      ["targetTags"],
      { parent: this },
    );

    this.targetTags = resource.targetTags;
    this.registerOutputs();
  }
}
