/** Running a DaemonSet's container on this machine, as if it were a node. */
import * as fs from "node:fs";
import * as path from "node:path";
import { Harness } from "./harness";

/** The bits of recorded Kubernetes objects (mock inputs) the node emulation reads. */
export interface KubeObject {
  metadata?: { name?: string };
  data?: { [key: string]: string };
  spec?: any;
}

/**
 * Runs the first container of a recorded DaemonSet with this machine's tools, as a node would: its
 * ConfigMap volumes become directories holding the recorded ConfigMap's data, its hostPath volumes are the
 * real host paths (they must lie inside the harness dir, which the test owns), and environment values that
 * name a mount path are rewritten to the local directory. Waits until the container's own exec readiness
 * probe passes (and `ready()`, when given), then kills it (as if the pod kept running). Returns its output.
 */
export async function runDaemonSetOnce(
  h: Harness,
  name: string,
  daemonSet: KubeObject,
  configMaps: KubeObject[],
  ready: () => boolean = () => true,
  options: {
    /** Runs while the container runs (after it is ready). */
    whileRunning?: () => Promise<void>;
    /** SIGKILL (default): the pod keeps running on a node. SIGTERM: the pod is deleted (e.g. with its DaemonSet). */
    stopSignal?: NodeJS.Signals;
  } = {},
): Promise<string> {
  const pod = daemonSet.spec.template.spec;
  const container = pod.containers[0];
  const mounts: { [mountPath: string]: string } = {};
  for (const mount of container.volumeMounts ?? []) {
    const volume = pod.volumes.find((v: any) => v.name === mount.name);
    if (volume?.configMap) {
      const configMap = configMaps.find((c) => c.metadata?.name === volume.configMap.name);
      if (!configMap) throw new Error(`${name}: ConfigMap ${volume.configMap.name} was not recorded`);
      const dir = h.mkdir(name, "volumes", mount.name);
      for (const [key, value] of Object.entries(configMap.data ?? {})) fs.writeFileSync(path.join(dir, key), value);
      mounts[mount.mountPath] = dir;
    } else if (volume?.hostPath) {
      const hostPath: string = volume.hostPath.path;
      if (!hostPath.startsWith(h.dir + "/")) {
        throw new Error(`${name}: refusing hostPath ${hostPath} outside the test's own directory ${h.dir}`);
      }
      fs.mkdirSync(hostPath, { recursive: true }); // type DirectoryOrCreate
      mounts[mount.mountPath] = hostPath;
    } else {
      throw new Error(`${name}: volume ${mount.name} is neither a ConfigMap nor a hostPath`);
    }
  }
  const env: { [key: string]: string } = {};
  for (const variable of container.env ?? []) {
    // The downward API's pod uid is the only valueFrom the components use.
    env[variable.name] =
      variable.valueFrom?.fieldRef?.fieldPath === "metadata.uid"
        ? `${name}-uid`
        : (mounts[variable.value] ?? variable.value);
  }
  const [command, ...args] = [...(container.command ?? []), ...(container.args ?? [])];
  const probe: string[] | undefined = container.readinessProbe?.exec?.command;
  const probePasses = async () =>
    probe === undefined || (await h.run(probe[0], probe.slice(1), { env, timeoutMs: 5_000 })).code === 0;
  const started = await h.startWithEnv(name, command, args, env, async () => ready() && (await probePasses()));
  await options.whileRunning?.();
  // SIGKILL by default: the pod keeps running on a real node, and a terminating installer removes its files
  // (what the DaemonSet's deletion does: pass stopSignal SIGTERM for that).
  await started.stop(5_000, options.stopSignal ?? "SIGKILL");
  return started.output();
}
