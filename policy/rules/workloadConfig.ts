/**
 * The workload policies' configuration (one definition for the pack) and how it applies to a workload:
 * exemptions and the namespace a workload lands in.
 */
import type { Workload } from "./workload";
import { Props, isUnknown, stringAt } from "./values";

/** A configuration exemption: the workload named `name` in `namespace` (and of `kind`, when given). */
export interface Exemption {
  /** `metadata.name` of the exempted object. */
  name: string;
  /** Its namespace; `default` when omitted (the same rule as for the object). */
  namespace?: string;
  /**
   * Its kind (`DaemonSet`), any object kind when omitted. A server-side apply patch of an exempted object is not
   * exempt: it may add a container the reviewer never saw. To exempt a patch, name its kind (`DaemonSetPatch`).
   */
  kind?: string;
  /** Why: kept for the reviewer, not read. */
  reason?: string;
}

/**
 * The configuration of the workload policies, one definition for the pack (each policy reads `exemptions` and
 * its own keys; the schema and defaults are in `policies.ts`). Set with `pulumi policy enable --config`.
 */
export interface WorkloadPolicyConfig {
  /**
   * Workloads the policy does not check, by `metadata.name`, `namespace` (default `default`) and `kind` (any when
   * omitted), e.g. `{name: "node-trust", namespace: "kube-system", kind: "DaemonSet", reason: "..."}`. Default
   * none. The checked resource itself can never exempt itself (no annotation or label is read).
   */
  exemptions?: Exemption[];
  /** `k8s-image-pinned`: images allowed without a pinned tag (`nginx`, `10.0.0.5/dev/*`, see `imageMatches`). Default none. */
  allowUnpinnedImages?: string[];
  /** `k8s-image-registry-allowed`: the only registry hosts images may come from. Default none = any registry. */
  allowedRegistries?: string[];
  /** `k8s-host-path-allow-list`: host paths pods may mount (`/dir` exactly, `/dir/*` one level below; see `hostPaths.ts`). */
  allowedHostPaths?: string[];
  /** `k8s-host-path-allow-list`: host paths pods may mount when every mount of the volume is read only. */
  allowedReadOnlyHostPaths?: string[];
  /** `k8s-no-added-capabilities`: capabilities containers may add (`NET_BIND_SERVICE`; `CAP_` prefix and case ignored). Default none. */
  allowedCapabilities?: string[];
  /**
   * `k8s-run-as-non-root`: accept uid 0 for a locked-down container whose only host access is a path of
   * `allowedHostPaths` it writes. Default false (NodeRegistryTrust's installer is granted by `nodeTrustInstaller`).
   */
  allowRootHostPathWriters?: boolean;
  /**
   * `k8s-host-path-allow-list`, `k8s-run-as-non-root`: grant NodeRegistryTrust's installer DaemonSet — recognised
   * by its scripts and fingerprint annotation (`nodeTrust.ts`), never by a name — locked-down root and the paths
   * below. Default true.
   */
  nodeTrustInstaller?: boolean;
  /** Host paths the installer may mount writable. Default one registry directory below each preset's `certs.d`. */
  nodeTrustHostPaths?: string[];
  /** Host paths the installer may mount read only. Default the presets' containerd configuration directories. */
  nodeTrustReadOnlyHostPaths?: string[];
  /** Not a config key: the provider's default namespace, set by the pack, used when the object names none. */
  providerNamespace?: string;
}

/** The namespace a workload lands in: its own, else the provider's, else `default` (`""` counts as unset). */
export function namespaceOf(metadata: Props, providerNamespace?: string): string | undefined {
  const own = metadata.namespace;
  if (isUnknown(own)) {
    return undefined;
  }
  const name = stringAt(own)?.trim();
  if (name) {
    return name;
  }
  return providerNamespace?.trim() || "default";
}

/** Whether the configuration exempts this workload. */
export function isExempt(workload: Workload, config: WorkloadPolicyConfig): boolean {
  const name = stringAt(workload.metadata.name);
  if (name === undefined) {
    return false;
  }
  const namespace = namespaceOf(workload.metadata, config.providerNamespace);
  const patch = workload.form === "patch";
  const kind = patch ? `${workload.kind}Patch` : workload.kind;
  return (config.exemptions ?? []).some(
    (e) =>
      e.name === name && (e.namespace ?? "default") === namespace && (e.kind === undefined ? !patch : e.kind === kind),
  );
}
