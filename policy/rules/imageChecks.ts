/** Workload checks of the images containers run: pinned, by digest, from an allowed registry (CKV_K8S_14/15/43, KSV013, KSV0125). */
import { ImageRef, imageMatches, normaliseHost, parseImage } from "./images";
import { Container, WorkloadCheck } from "./workload";

const parsed = (c: Container): ImageRef | undefined => (c.image === undefined ? undefined : parseImage(c.image));

export const imagePinned: WorkloadCheck = {
  name: "k8s-image-pinned",
  ids: ["CKV_K8S_14", "KSV013"],
  description: "Images are pinned: a digest, or a tag other than latest (CKV_K8S_14, KSV013).",
  mandatory: true,
  configKeys: ["allowUnpinnedImages"],
  check: (w, config) =>
    w.containers
      .filter((c) => {
        const image = parsed(c);
        return (
          image !== undefined &&
          image.digest === undefined &&
          (image.tag === undefined || image.tag.toLowerCase() === "latest") &&
          !imageMatches(image, config.allowUnpinnedImages ?? [])
        );
      })
      .map(
        (c) =>
          `container "${c.name}": image ${c.image} is not pinned: use a digest (@sha256:...) or a version tag, not latest (CKV_K8S_14).`,
      ),
};

export const imageDigest: WorkloadCheck = {
  name: "k8s-image-digest",
  ids: ["CKV_K8S_43", "CKV_K8S_15"],
  description: "Images are referenced by digest, which also makes the pull policy irrelevant (CKV_K8S_43, CKV_K8S_15).",
  mandatory: false,
  check: (w) =>
    w.containers
      .filter((c) => parsed(c) !== undefined && parsed(c)?.digest === undefined)
      .map(
        (c) => `container "${c.name}": image ${c.image} has no digest: pin it by digest (@sha256:...) (CKV_K8S_43).`,
      ),
};

export const imageRegistryAllowed: WorkloadCheck = {
  name: "k8s-image-registry-allowed",
  ids: ["KSV0125"],
  description:
    "Images come only from the registries listed in allowedRegistries (hosts, `host:port`); an empty list (the default) allows every registry (KSV0125 trusted registries).",
  mandatory: true,
  configKeys: ["allowedRegistries"],
  check: (w, config) => {
    const allowed = (config.allowedRegistries ?? []).map(normaliseHost);
    if (allowed.length === 0) {
      return [];
    }
    return w.containers
      .filter((c) => parsed(c) !== undefined && !allowed.includes(parsed(c)!.host))
      .map(
        (c) =>
          `container "${c.name}": image ${c.image} comes from ${parsed(c)!.host}, which is not in allowedRegistries (${allowed.join(", ")}): mirror it into an allowed registry (KSV0125).`,
      );
  },
};
