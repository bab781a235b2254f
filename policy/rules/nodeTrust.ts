/**
 * NodeRegistryTrust's installer, recognised by what the component sets rather than by a name or label anyone can
 * copy. Only this DaemonSet is granted root (locked down) and containerd's directories (`nodeTrustHostPaths`
 * writable, `nodeTrustReadOnlyHostPaths` read only); every other workload gets `allowedHostPaths` /
 * `allowedReadOnlyHostPaths` (default none).
 *
 * The pod is the installer when all of these hold:
 * - a `DaemonSet` object (or List item) — never a `*Patch`, which may change a pod the reviewer never saw;
 * - exactly one container (no init or ephemeral ones) whose command is `/bin/sh -c <INSTALL_SCRIPT>`, without
 *   `args`, whose readiness and liveness probes run `/bin/sh -c <READY_SCRIPT>` and `<LIVE_SCRIPT>` — the scripts of this package's
 *   `components/lib/nodeTrustScripts.ts`, byte for byte;
 * - an image pinned by digest;
 * - volumes that are only the ConfigMap and hostPath volumes;
 * - the pod template's `edge-registry.io/node-trust-installer` annotation equals the fingerprint recomputed here
 *   from the pod itself (scripts, image, host paths and their read-only flags), so an edit that changes any of
 *   these without the component (a copy with another script, an extra host path) is not recognised.
 * A copy that passes all of this runs exactly the installer against allowed directories, which is what the
 * grant allows. The pack and the components must come from the same release (the scripts are compared).
 */
import {
  INSTALL_SCRIPT,
  LIVE_SCRIPT,
  NODE_TRUST_FINGERPRINT_ANNOTATION,
  READY_SCRIPT,
  installerFingerprint,
} from "../../components/lib/nodeTrustScripts";
import { parseImage } from "./images";
import { hostPathVolumes, mountedReadOnly } from "./mounts";
import { arrayAt, objectAt, stringAt } from "./values";
import { Workload } from "./workload";

const sameCommand = (value: unknown, script: string) => {
  const command = arrayAt(value);
  return command.length === 3 && command[0] === "/bin/sh" && command[1] === "-c" && command[2] === script;
};

/** Whether the workload is NodeRegistryTrust's installer DaemonSet (see the module comment). */
export function isNodeTrustInstaller(w: Workload): boolean {
  if (w.kind !== "DaemonSet" || w.form === "patch") {
    return false;
  }
  const spec = w.podSpec;
  if (arrayAt(spec.initContainers).length > 0 || arrayAt(spec.ephemeralContainers).length > 0) {
    return false;
  }
  if (w.containers.length !== 1) {
    return false;
  }
  const [c] = w.containers;
  const image = c.image === undefined ? undefined : parseImage(c.image);
  if (
    !sameCommand(c.props.command, INSTALL_SCRIPT) ||
    c.props.args !== undefined ||
    !sameCommand(objectAt(objectAt(c.props.readinessProbe)?.exec)?.command, READY_SCRIPT) ||
    !sameCommand(objectAt(objectAt(c.props.livenessProbe)?.exec)?.command, LIVE_SCRIPT) ||
    image?.digest === undefined
  ) {
    return false;
  }
  const volumes = arrayAt(spec.volumes).map(objectAt);
  if (!volumes.every((v) => v && Object.keys(v).every((key) => ["name", "configMap", "hostPath"].includes(key)))) {
    return false;
  }
  const hostPaths = [...hostPathVolumes(w)].map(([volume, path]) => ({
    path: path ?? "",
    readOnly: mountedReadOnly(w, volume),
  }));
  if (hostPaths.some((p) => p.path === "")) {
    return false;
  }
  const annotation = stringAt(objectAt(w.podMetadata.annotations)?.[NODE_TRUST_FINGERPRINT_ANNOTATION]);
  return annotation !== undefined && annotation === installerFingerprint(c.image!, hostPaths);
}
