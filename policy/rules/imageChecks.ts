/**
 * Workload checks of the images a pod pulls — its containers' and its image volumes' (`volumes[].image.reference`,
 * which the kubelet pulls like a container image): pinned, by digest, from an allowed registry (CKV_K8S_14/15/43,
 * KSV013, KSV0125).
 */
import { imageMatches, normaliseHost, parseImage } from "./images";
import { WorkloadCheck, imagesOf } from "./workload";

/** The parsed images of a workload with their owner (`container "app"`, `volume "data"`). */
const parsedImages = (w: Parameters<typeof imagesOf>[0]) =>
  imagesOf(w).map((entry) => ({ ...entry, ref: parseImage(entry.image) }));

export const imagePinned: WorkloadCheck = {
  name: "k8s-image-pinned",
  ids: ["CKV_K8S_14", "KSV013"],
  description:
    "Images are pinned: a digest, or a tag other than latest, for containers and image volumes (CKV_K8S_14, KSV013).",
  mandatory: true,
  configKeys: ["allowUnpinnedImages"],
  check: (w, config) =>
    parsedImages(w)
      .filter(
        ({ ref }) =>
          ref.digest === undefined &&
          (ref.tag === undefined || ref.tag.toLowerCase() === "latest") &&
          !imageMatches(ref, config.allowUnpinnedImages ?? []),
      )
      .map(
        ({ owner, image }) =>
          `${owner}: image ${image} is not pinned: use a digest (@sha256:...) or a version tag, not latest (CKV_K8S_14).`,
      ),
};

export const imageDigest: WorkloadCheck = {
  name: "k8s-image-digest",
  ids: ["CKV_K8S_43", "CKV_K8S_15"],
  description:
    "Images (containers and image volumes) are referenced by digest, which also makes the pull policy irrelevant (CKV_K8S_43, CKV_K8S_15).",
  mandatory: false,
  check: (w) =>
    parsedImages(w)
      .filter(({ ref }) => ref.digest === undefined)
      .map(
        ({ owner, image }) => `${owner}: image ${image} has no digest: pin it by digest (@sha256:...) (CKV_K8S_43).`,
      ),
};

export const imageRegistryAllowed: WorkloadCheck = {
  name: "k8s-image-registry-allowed",
  ids: ["KSV0125"],
  description:
    "Images (containers and image volumes) come only from the registries listed in allowedRegistries (hosts, `host:port`); an empty list (the default) allows every registry (KSV0125 trusted registries).",
  mandatory: true,
  configKeys: ["allowedRegistries"],
  check: (w, config) => {
    const allowed = (config.allowedRegistries ?? []).map(normaliseHost);
    if (allowed.length === 0) {
      return [];
    }
    return parsedImages(w)
      .filter(({ ref }) => !allowed.includes(ref.host))
      .map(
        ({ owner, image, ref }) =>
          `${owner}: image ${image} comes from ${ref.host}, which is not in allowedRegistries (${allowed.join(", ")}): mirror it into an allowed registry (KSV0125).`,
      );
  },
};
