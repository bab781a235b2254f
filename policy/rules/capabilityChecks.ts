/**
 * Workload checks of containers' Linux capabilities: drop ALL, add nothing beyond the allowed (CKV_K8S_25/37/39,
 * KSV003, KSV022, PSS).
 *
 * Values are compared the way containerd's CRI reads them (containerd `internal/cri/opts/spec_opts.go`
 * `WithCapabilities`): an entry equal to `ALL` ignoring case (`util.InStringSlice`, `strings.EqualFold`, no
 * trimming) adds or drops every capability; any other entry becomes `"CAP_" + strings.ToUpper(entry)` for
 * `oci.WithAddedCapabilities`/`oci.WithDroppedCapabilities` (`pkg/oci/spec_opts.go`), so `drop: ["CAP_ALL"]`
 * drops `CAP_CAP_ALL` — nothing — and `drop: ["CAP_SYS_ADMIN"]` drops nothing either. Added entries are judged
 * by their capability with or without `CAP_` (a runtime that strips the prefix would grant it).
 */
import { arrayAt, isUnknown, objectAt, stringAt } from "./values";
import { Container, WorkloadCheck, sc } from "./workload";

/** A capability name as the kernel knows it, without `CAP_`, upper-cased. */
export const capability = (value: string) => value.trim().toUpperCase().replace(/^CAP_/, "");

/** The capabilities a container adds (known entries only). */
export function addedCapabilities(c: Container): string[] {
  return arrayAt(objectAt(sc(c).capabilities)?.add)
    .map(stringAt)
    .filter((cap): cap is string => cap !== undefined);
}

/** Whether containerd reads the entry as "every capability": `ALL` in any case, nothing around it. */
export const isAll = (value: unknown): boolean => typeof value === "string" && value.toUpperCase() === "ALL";

/** Whether the container drops ALL capabilities as containerd reads `drop` (`CAP_ALL` drops nothing). */
export function dropsAll(c: Container): boolean {
  return arrayAt(objectAt(sc(c).capabilities)?.drop).some(isAll);
}

/** The entries of `drop` that look like "all" to a reader but drop nothing in containerd (`CAP_ALL`, ` ALL`). */
function misspelledAll(c: Container): string[] {
  return arrayAt(objectAt(sc(c).capabilities)?.drop)
    .map(stringAt)
    .filter((cap): cap is string => cap !== undefined && !isAll(cap) && capability(cap) === "ALL");
}

/** Why a `CAP_ALL`-like entry does not count, for the message. */
function misspelledNote(c: Container): string {
  const entries = misspelledAll(c);
  return entries.length === 0
    ? ""
    : ` (${entries.map((cap) => JSON.stringify(cap)).join(", ")} drops nothing: containerd only recognises ALL and turns any other entry into "CAP_" + its upper case)`;
}

export const dropAllCapabilities: WorkloadCheck = {
  name: "k8s-drop-all-capabilities",
  ids: ["CKV_K8S_37", "KSV003", "PSS restricted: Capabilities"],
  description: "Containers drop all capabilities (CKV_K8S_37, KSV003, PSS restricted).",
  mandatory: true,
  check: (w) =>
    w.containers
      .filter((c) => !isUnknown(objectAt(sc(c).capabilities)?.drop) && !isUnknown(sc(c).capabilities) && !dropsAll(c))
      .map(
        (c) =>
          `container "${c.name}": securityContext.capabilities.drop does not contain "ALL"${misspelledNote(c)}: drop ALL and add back only what is needed (CKV_K8S_37, KSV003).`,
      ),
};

export const noAddedCapabilities: WorkloadCheck = {
  name: "k8s-no-added-capabilities",
  ids: ["CKV_K8S_25", "CKV_K8S_39", "KSV022", "PSS baseline: Capabilities"],
  description:
    "Containers add no capabilities beyond allowedCapabilities (default none; SYS_ADMIN, NET_ADMIN, SYS_PTRACE... give away the node) (CKV_K8S_25, CKV_K8S_39, KSV022, PSS baseline).",
  mandatory: true,
  configKeys: ["allowedCapabilities"],
  check: (w, config) => {
    const allowed = new Set((config.allowedCapabilities ?? []).map(capability));
    return w.containers.flatMap((c) => {
      const extra = addedCapabilities(c).filter((cap) => !allowed.has(capability(cap)));
      return extra.length === 0
        ? []
        : [
            `container "${c.name}": securityContext.capabilities.add has ${extra.join(", ")}: remove them, or list them in the policy's allowedCapabilities (CKV_K8S_25, KSV022).`,
          ];
    });
  },
};
