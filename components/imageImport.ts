import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import {
  checkTargetTags,
  defaultTargetTags,
  parseImageReference,
  registryNameProblem,
  repositoryName,
  sourceImageOf,
} from "./acrNames";
import { ImageImportInputs, imageImportOperation } from "./operations/imageImport";
import { operationResource } from "./operations/register";
import { Check, inputError, knownValue, oneOf, validateKnown, validateWhenKnown } from "./validation";
import { mapAll, mapInput } from "./inputs";

/** What an import does when a target tag already exists in the registry. */
export enum ImportMode {
  /**
   * Fail the import, before anything is copied, when a target tag points at another image than the
   * source's and this import did not write it (the safe default).
   */
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
   * The image to import: `[registry/]repository[:tag][@sha256:<digest>]`, e.g.
   * `mcr.microsoft.com/mcr/hello-world:latest`. No tag means `latest`; no registry means Docker Hub
   * (`nginx` is `docker.io/library/nginx:latest`). A digest pins the content.
   */
  readonly source: pulumi.Input<string>;
  /**
   * `repository:tag` targets in the registry. Default: the source's last path segment and tag
   * (`hello-world:latest`); for a digest without a tag, an untagged copy into that repository (pull it
   * by digest). Changing the targets re-imports.
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

const sourceCheck: Check<string> = (source) => {
  const parsed = parseImageReference(source);
  return typeof parsed === "string" ? parsed : undefined;
};

/** The import request for a source and optional explicit targets (checked again for deploy-time values). */
function importRequest(
  source: string,
  targetTags: string[] | undefined,
): Pick<ImageImportInputs, "registryUri" | "sourceImage" | "targetTags" | "untaggedTargetRepositories"> {
  const image = parseImageReference(source);
  if (typeof image === "string") {
    throw inputError("source", image);
  }
  checkTargetTags("targetTags", targetTags);
  const targets = targetTags ?? defaultTargetTags(image);
  return {
    registryUri: image.registry,
    sourceImage: sourceImageOf(image),
    targetTags: targets,
    untaggedTargetRepositories: targets.length === 0 ? [repositoryName(image)] : [],
  };
}

/**
 * Imports an image into an Azure Container Registry (`az acr import`), from a public registry such as
 * `mcr.microsoft.com` or Docker Hub, without Docker.
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
    validateKnown("source", args.source, sourceCheck);
    validateKnown("mode", args.mode, oneOf(Object.values(ImportMode)));
    checkTargetTags("targetTags", knownValue(args.targetTags) as string[] | undefined);

    const request = mapAll([validateWhenKnown("source", args.source, sourceCheck), args.targetTags], ([source, tags]) =>
      importRequest(source, tags),
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
        registryUri: mapInput(request, (r) => r.registryUri),
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
