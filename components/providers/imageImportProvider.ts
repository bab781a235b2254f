/**
 * Dynamic provider for {@link ImageImport}: imports an image into a registry with
 * `registries.beginImportImageAndWait` (`POST .../registries/{registry}/importImage`), which
 * azure-native has no resource for.
 *
 * - create: one import request, built entirely by the component (see {@link ImageImportProps}).
 * - diff: any change (source, targets, mode, registry, subscription) replaces: an import is an action,
 *   there is nothing to update in place.
 * - delete: keeps the imported tags. Removing them needs the registry's data-plane API (another SDK
 *   and data-plane permissions), and during a replacement Pulumi creates the new import before it
 *   deletes the old one, so deleting the old targets would delete tags the new import just wrote.
 *   Deleting the registry deletes its images.
 */
import * as pulumi from "@pulumi/pulumi";
import type { RegistryClient } from "../azureClient";

/** The inputs (and outputs) of the dynamic resource: the import request, ready to send. */
export interface ImageImportProps {
  subscriptionId: string;
  resourceGroupName: string;
  registryName: string;
  /** Source registry host, e.g. `mcr.microsoft.com` (unset with `sourceResourceId`). */
  registryUri?: string;
  /** ARM id of a source Azure registry in the same tenant (`source.resourceId`), instead of `registryUri`. */
  sourceResourceId?: string;
  /** Repository with tag or digest inside the source registry, e.g. `mcr/hello-world:latest`. */
  sourceImage: string;
  /** `repository:tag` targets. */
  targetTags: string[];
  /** Repositories receiving an untagged copy (digest imports without target tags). */
  untaggedTargetRepositories: string[];
  /** `NoForce` or `Force`. */
  mode: string;
}

const replacingKeys: (keyof ImageImportProps)[] = [
  "subscriptionId",
  "resourceGroupName",
  "registryName",
  "registryUri",
  "sourceResourceId",
  "sourceImage",
  "targetTags",
  "untaggedTargetRepositories",
  "mode",
];

/** Creates the provider; `clientFor` returns the SDK client for a subscription (a fake in tests). */
export function makeImageImportProvider(
  clientFor: (subscriptionId: string) => RegistryClient,
): pulumi.dynamic.ResourceProvider<ImageImportProps, ImageImportProps> {
  return {
    async create(props) {
      const parameters = {
        source: props.sourceResourceId
          ? { resourceId: props.sourceResourceId, sourceImage: props.sourceImage }
          : { registryUri: props.registryUri, sourceImage: props.sourceImage },
        ...(props.targetTags.length > 0 ? { targetTags: props.targetTags } : {}),
        ...(props.untaggedTargetRepositories.length > 0
          ? { untaggedTargetRepositories: props.untaggedTargetRepositories }
          : {}),
        mode: props.mode,
      };
      try {
        await clientFor(props.subscriptionId).registries.beginImportImageAndWait(
          props.resourceGroupName,
          props.registryName,
          parameters,
        );
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const hint =
          props.mode === "NoForce" && /exist|conflict/i.test(message)
            ? " With mode NoForce an existing target tag fails the import; set mode to Force to overwrite it."
            : "";
        throw new Error(
          `importing ${props.registryUri ?? props.sourceResourceId}/${props.sourceImage} into registry ${props.registryName} failed: ${message}.${hint}`,
        );
      }
      const targets = [...props.targetTags, ...props.untaggedTargetRepositories].join(",");
      const id = `/subscriptions/${props.subscriptionId}/resourceGroups/${props.resourceGroupName}/providers/Microsoft.ContainerRegistry/registries/${props.registryName}/imports/${targets}`;
      return { id, outs: props };
    },

    async diff(_id, olds, news) {
      const replaces = replacingKeys.filter((key) => JSON.stringify(olds[key]) !== JSON.stringify(news[key]));
      return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
    },

    async delete() {
      // Imported tags are kept on purpose (see the module documentation).
    },
  };
}
