/**
 * The pod-level escape hatches of `RegistryWorkload` (placement, health checks, extra env and volumes), typed
 * with `@pulumi/kubernetes`' own input types, and how they merge over the hardened defaults.
 *
 * The multi-language schema cannot express a union type (component providers reject them), so Kubernetes'
 * `Probe` — whose `httpGet.port`/`tcpSocket.port` are `IntOrString` — is mirrored here with a numeric port
 * and otherwise the upstream types (`ExecAction`, `GRPCAction`, `HTTPHeader`). Every other escape hatch is
 * the upstream type itself (`Toleration`, `Affinity`, `TopologySpreadConstraint`, `EnvVar`, `Volume`,
 * `VolumeMount`).
 */
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { firstDuplicate, inputError, isKnown } from "./validation";

/** An HTTP GET health check (Kubernetes `HTTPGetAction` with a numeric port). */
export interface ProbeHttpGetAction {
  /** Host name to connect to. Default: the pod IP (set the `Host` header in `httpHeaders` instead). */
  readonly host?: pulumi.Input<string>;
  /** Custom headers of the request. Default: none. */
  readonly httpHeaders?: pulumi.Input<pulumi.Input<k8s.types.input.core.v1.HTTPHeader>[]>;
  /** Path to request, e.g. `/healthz`. Default `/`. */
  readonly path?: pulumi.Input<string>;
  /** Port number to request (1-65535), e.g. the workload's `containerPort`. Required. */
  readonly port: pulumi.Input<number>;
  /** `HTTP` or `HTTPS` (the certificate is not verified). Default `HTTP`. */
  readonly scheme?: pulumi.Input<string>;
}

/** A TCP health check: the container is healthy when the port accepts a connection. */
export interface ProbeTcpSocketAction {
  /** Host name to connect to. Default: the pod IP. */
  readonly host?: pulumi.Input<string>;
  /** Port number to connect to (1-65535). Required. */
  readonly port: pulumi.Input<number>;
}

/**
 * A Kubernetes container probe (`core/v1 Probe`): exactly one of `exec`, `grpc`, `httpGet` or `tcpSocket`,
 * plus its timing. Ports are numbers (the schema has no int-or-string type).
 */
export interface WorkloadProbe {
  /** Run a command in the container; exit status 0 is healthy. */
  readonly exec?: pulumi.Input<k8s.types.input.core.v1.ExecAction>;
  /** Call the gRPC health checking protocol on a port. */
  readonly grpc?: pulumi.Input<k8s.types.input.core.v1.GRPCAction>;
  /** Send an HTTP GET; a status of 200-399 is healthy. */
  readonly httpGet?: pulumi.Input<ProbeHttpGetAction>;
  /** Open a TCP connection. */
  readonly tcpSocket?: pulumi.Input<ProbeTcpSocketAction>;
  /** Seconds after the container starts before the first probe. Default `0`. */
  readonly initialDelaySeconds?: pulumi.Input<number>;
  /** Seconds between probes. Default `10`. */
  readonly periodSeconds?: pulumi.Input<number>;
  /** Seconds after which a probe times out. Default `1`. */
  readonly timeoutSeconds?: pulumi.Input<number>;
  /** Consecutive successes to be healthy after a failure (must be 1 for liveness and startup). Default `1`. */
  readonly successThreshold?: pulumi.Input<number>;
  /** Consecutive failures to be unhealthy. Default `3`. */
  readonly failureThreshold?: pulumi.Input<number>;
  /** Grace period (seconds) when a failed liveness or startup probe kills the pod. Default: the pod's. */
  readonly terminationGracePeriodSeconds?: pulumi.Input<number>;
}

type Volume = pulumi.Unwrap<k8s.types.input.core.v1.Volume>;
type VolumeMount = pulumi.Unwrap<k8s.types.input.core.v1.VolumeMount>;
type EnvVar = pulumi.Unwrap<k8s.types.input.core.v1.EnvVar>;

const probeHandlers = ["exec", "grpc", "httpGet", "tcpSocket"] as const;

/** Checks a known probe now: exactly one handler, and a valid port. Unknown parts are left to the API server. */
export function checkProbe(argument: string, probe: pulumi.Input<WorkloadProbe> | undefined): void {
  if (probe === undefined || !isKnown(probe)) {
    return;
  }
  const handlers = probeHandlers.filter((h) => probe[h] !== undefined);
  if (handlers.length !== 1) {
    throw inputError(
      argument,
      handlers.length === 0
        ? "needs one of exec, grpc, httpGet or tcpSocket (what the kubelet checks)."
        : `sets ${handlers.join(" and ")}; a probe has exactly one handler.`,
    );
  }
  const handler = probe[handlers[0]];
  const port = handler !== undefined && isKnown(handler) ? (handler as { port?: unknown }).port : undefined;
  if (typeof port === "number" && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
    throw inputError(`${argument}.${handlers[0]}.port`, `${port} is not a port; use 1-65535.`);
  }
}

/**
 * Extra volumes after the component's own (`defaults`): names must not collide, and `hostPath` volumes are
 * refused — they hand the pod the node's file system, which the hardened defaults exist to prevent (Checkov
 * CKV_K8S_27/KSV023); run node-level work in its own, reviewed DaemonSet (like `NodeRegistryTrust`).
 */
export function mergeVolumes(defaults: Volume[], extra: Volume[]): Volume[] {
  extra.forEach((volume, i) => checkVolume(`volumes[${i}]`, volume));
  const merged = [...defaults, ...extra];
  const duplicate = firstDuplicate(merged.map((v) => v.name));
  if (duplicate !== undefined) {
    throw inputError("volumes", `"${duplicate}" is used twice (the workload mounts its own "tmp"); rename it.`);
  }
  return merged;
}

/** Refuses a known `hostPath` volume now, before any other input of it is known. */
export function checkVolumesNow(volumes: pulumi.Input<pulumi.Input<k8s.types.input.core.v1.Volume>[]> | undefined) {
  if (volumes === undefined || !isKnown(volumes)) {
    return;
  }
  volumes.forEach((volume, i) => {
    if (isKnown(volume)) {
      checkVolume(`volumes[${i}]`, volume as Volume);
    }
  });
}

function checkVolume(path: string, volume: Volume): void {
  if (volume.hostPath !== undefined && volume.hostPath !== null) {
    throw inputError(
      `${path}.hostPath`,
      "hostPath volumes are refused: they expose the node's file system to the pod. Use a configMap, secret, " +
        "emptyDir, persistentVolumeClaim or csi volume.",
    );
  }
}

/** Extra mounts after the component's own; a second mount at the same path is refused. */
export function mergeVolumeMounts(defaults: VolumeMount[], extra: VolumeMount[]): VolumeMount[] {
  const merged = [...defaults, ...extra];
  const duplicate = firstDuplicate(merged.map((m) => m.mountPath));
  if (duplicate !== undefined) {
    throw inputError(
      "volumeMounts",
      `two mounts at "${duplicate}" (the workload mounts /tmp itself); use another path.`,
    );
  }
  return merged;
}

/** The container's env: the `env` map first, then `extraEnv` (secret or field references); names are unique. */
export function mergeEnv(plain: { [key: string]: string }, extra: EnvVar[]): EnvVar[] | undefined {
  const merged: EnvVar[] = [...Object.entries(plain).map(([name, value]) => ({ name, value })), ...extra];
  const duplicate = firstDuplicate(merged.map((e) => e.name));
  if (duplicate !== undefined) {
    throw inputError("extraEnv", `"${duplicate}" is set twice (in env and extraEnv); set each variable once.`);
  }
  return merged.length > 0 ? merged : undefined;
}
