/** A pod's hostPath volumes and how its containers mount them (shared by the host-access checks and node trust). */
import { Props, arrayAt, flagAt, objectAt, stringAt } from "./values";
import { Container, Workload } from "./workload";

/** The hostPath volumes of a pod: volume name → path (unknown paths left out). */
export function hostPathVolumes(w: Workload): Map<string, string | undefined> {
  const volumes = new Map<string, string | undefined>();
  for (const volume of arrayAt(w.podSpec.volumes).map(objectAt)) {
    const hostPath = objectAt(volume?.hostPath);
    const name = stringAt(volume?.name);
    if (hostPath && name !== undefined) {
      volumes.set(name, stringAt(hostPath.path));
    }
  }
  return volumes;
}

/** The mounts of a volume by a container: `readOnly` of each. */
export function mountsOf(c: Container, volume: string): Props[] {
  return arrayAt(c.props.volumeMounts)
    .map(objectAt)
    .filter((m): m is Props => m !== undefined && m.name === volume);
}

/** Whether every mount of `volume` in the pod is read only. */
export function mountedReadOnly(w: Workload, volume: string): boolean {
  return w.containers.every((c) => mountsOf(c, volume).every((m) => flagAt(m.readOnly) === true));
}
