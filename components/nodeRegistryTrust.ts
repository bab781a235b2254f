import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as apps from "@pulumi/kubernetes/apps/v1";
import * as core from "@pulumi/kubernetes/core/v1";
import { trustedCertificateCheck } from "./pem";
import { Check, validateKnown, validateWhenKnown } from "./validation";

/** Why the installer runs as uid 0 (the one workload baseline it cannot meet). */
const ROOT_REASON = "writes containerd's root-owned hosts directory on the node";

/**
 * The default installer image: BusyBox 1.36.1 (sh, cmp, cp, mv, sleep; about 2 MB), pinned by the digest
 * of its multi-architecture index on Docker Hub as many public projects pin it. Mirror it into your own
 * registry for air-gapped clusters and pass `image`.
 */
export const DEFAULT_NODE_TRUST_IMAGE =
  "docker.io/library/busybox:1.36.1@sha256:73aaf090f3d85aa34ee199857f03fa3a95c8ede2ffd4cc2cdb5b94e566b11662";

/** containerd's usual `config_path`. */
export const DEFAULT_CONTAINERD_HOSTS_DIR = "/etc/containerd/certs.d";

/** CPU and memory of the installer container (requests = what the scheduler reserves; limits = the cap). */
export interface NodeRegistryTrustResources {
  /** CPU request. Default `10m`. */
  readonly cpuRequest?: pulumi.Input<string>;
  /** Memory request. Default `16Mi`. */
  readonly memoryRequest?: pulumi.Input<string>;
  /** CPU limit. Default `100m`. */
  readonly cpuLimit?: pulumi.Input<string>;
  /** Memory limit. Default `32Mi`. */
  readonly memoryLimit?: pulumi.Input<string>;
}

/** Arguments of {@link NodeRegistryTrust}. */
export interface NodeRegistryTrustArgs {
  /**
   * The registry as it appears in image references: a host or `host:port` without scheme or path, e.g.
   * `192.100.100.1` or `myregistry.example.com:5000`. It names the node directory `<hostsDir>/<registryHost>`
   * (containerd looks up `host:port` directories by that exact name). Required.
   */
  readonly registryHost: pulumi.Input<string>;
  /**
   * PEM of the CA that issued the registry's serving certificate (a bundle of several CAs is allowed; a
   * self-signed serving certificate is accepted as its own CA). Must parse, must not have expired, must
   * not contain a private key. Written to `ca.crt` next to `hosts.toml`. Required.
   */
  readonly caCertificatePem: pulumi.Input<string>;
  /**
   * Namespace of the ConfigMap and DaemonSet; it must exist and, under Pod Security Admission, allow
   * hostPath volumes and uid 0 (level `privileged`, as `kube-system` does). Default `kube-system`.
   */
  readonly namespace?: pulumi.Input<string>;
  /**
   * containerd's hosts directory on the nodes: the CRI registry `config_path`. An absolute path. Default
   * `/etc/containerd/certs.d`.
   */
  readonly hostsDir?: pulumi.Input<string>;
  /**
   * Installer image: anything with a POSIX `sh`, `cmp`, `cp`, `mv` and `sleep`. Default BusyBox 1.36.1
   * pinned by digest (`DEFAULT_NODE_TRUST_IMAGE`); pass a mirrored copy for clusters without Docker Hub access.
   */
  readonly image?: pulumi.Input<string>;
  /** How often (seconds, 5-86400) the installer re-checks the node files and re-copies them if they differ. Default 60. */
  readonly refreshSeconds?: pulumi.Input<number>;
  /** CPU and memory requests and limits of the installer container. Default 10m/16Mi requested, 100m/32Mi limits. */
  readonly resources?: pulumi.Input<NodeRegistryTrustResources>;
}

/**
 * Makes every node's containerd trust a private registry's CA (for example a connected registry whose
 * extension trust distribution is off, or any self-signed registry on kind, minikube or bare metal).
 *
 * Creates a `core/v1 ConfigMap` with `hosts.toml` and `ca.crt`, and an `apps/v1 DaemonSet` (one pod per
 * Linux node, tolerating every taint) that copies both files into `<hostsDir>/<registryHost>/` on the
 * node through a hostPath volume, atomically (copy then rename), and re-copies them whenever they differ
 * (a changed CA, or files removed on the node). A pod is ready once the node's files match, so
 * `pulumi up` waits until every node trusts the CA.
 *
 * containerd must have its CRI registry `config_path` set to `hostsDir`
 * (`[plugins."io.containerd.grpc.v1.cri".registry] config_path = "/etc/containerd/certs.d"`; k3s, kind and
 * recent distributions do). Enabling `config_path` needs a containerd restart; changes inside the directory
 * do not: containerd reads `hosts.toml` on every pull.
 *
 * The installer runs as root (uid 0) because the node directory belongs to root; otherwise it is
 * hardened: not privileged, no privilege escalation, all capabilities dropped, read-only root file
 * system, seccomp `RuntimeDefault`, no service-account token, and a hostPath mount of only
 * `<hostsDir>/<registryHost>`. Deleting the component leaves the files on the nodes (remove the
 * directory to stop trusting the CA).
 */
export class NodeRegistryTrust extends pulumi.ComponentResource {
  /** The `hosts.toml` written to every node, in containerd's hosts format. */
  public readonly hostsToml: pulumi.Output<string>;
  /** The node directory that holds `hosts.toml` and `ca.crt`: `<hostsDir>/<registryHost>`. */
  public readonly hostDirectory: pulumi.Output<string>;
  /** Namespace of the ConfigMap and DaemonSet. */
  public readonly namespace: pulumi.Output<string>;
  /** Name of the ConfigMap holding `hosts.toml` and `ca.crt`. */
  public readonly configMapName: pulumi.Output<string>;
  /** Name of the installer DaemonSet (`kubectl rollout status daemonset/<name>`). */
  public readonly daemonSetName: pulumi.Output<string>;

  constructor(name: string, args: NodeRegistryTrustArgs, opts?: pulumi.ComponentResourceOptions) {
    super("edge-registry:index:NodeRegistryTrust", name, {}, opts);

    const registryHost = validateWhenKnown("registryHost", args.registryHost, registryHostCheck);
    const caCertificatePem = validateWhenKnown("caCertificatePem", args.caCertificatePem, trustedCertificateCheck());
    const hostsDir = validateWhenKnown("hostsDir", args.hostsDir ?? DEFAULT_CONTAINERD_HOSTS_DIR, hostsDirCheck);
    const namespace = validateWhenKnown("namespace", args.namespace ?? "kube-system", namespaceCheck);
    validateKnown("image", args.image, (image) => (image.trim() === "" ? "must not be empty." : undefined));
    validateKnown("refreshSeconds", args.refreshSeconds, refreshCheck);

    this.hostsToml = pulumi.all([registryHost, hostsDir]).apply(([host, dir]) => renderHostsToml(host, dir));
    this.hostDirectory = pulumi.interpolate`${hostsDir}/${registryHost}`;

    const labels = {
      "app.kubernetes.io/name": "node-registry-trust",
      "app.kubernetes.io/instance": labelValue(name),
      // The policy pack recognises node trust by this label (extension trust distribution off is then fine).
      "app.kubernetes.io/component": "node-registry-trust",
      "app.kubernetes.io/managed-by": "pulumi",
    };
    const configMap = new core.ConfigMap(
      name,
      {
        metadata: { namespace, labels },
        data: { "hosts.toml": this.hostsToml, "ca.crt": caCertificatePem },
      },
      { parent: this },
    );

    const resources = pulumi.output(args.resources ?? {});
    const daemonSet = new apps.DaemonSet(
      name,
      {
        // Checkov's own skip annotation, honoured by Checkov and our policy pack, makes the one exception reviewable.
        metadata: { namespace, labels, annotations: { "checkov.io/skip1": `CKV_K8S_23=${ROOT_REASON}` } },
        spec: {
          selector: {
            matchLabels: {
              "app.kubernetes.io/name": labels["app.kubernetes.io/name"],
              "app.kubernetes.io/instance": labels["app.kubernetes.io/instance"],
            },
          },
          template: {
            metadata: { labels },
            spec: {
              automountServiceAccountToken: false,
              enableServiceLinks: false,
              terminationGracePeriodSeconds: 5,
              nodeSelector: { "kubernetes.io/os": "linux" },
              tolerations: [{ operator: "Exists" }],
              containers: [
                {
                  name: "install",
                  image: args.image ?? DEFAULT_NODE_TRUST_IMAGE,
                  command: ["/bin/sh", "-c", INSTALL_SCRIPT],
                  env: [
                    { name: "SOURCE_DIR", value: "/config" },
                    { name: "TARGET_DIR", value: "/trust" },
                    { name: "REFRESH_SECONDS", value: pulumi.output(args.refreshSeconds ?? 60).apply(String) },
                  ],
                  readinessProbe: {
                    exec: { command: ["/bin/sh", "-c", READY_SCRIPT] },
                    periodSeconds: 10,
                  },
                  resources: {
                    requests: {
                      cpu: resources.apply((r) => r.cpuRequest ?? "10m"),
                      memory: resources.apply((r) => r.memoryRequest ?? "16Mi"),
                    },
                    limits: {
                      cpu: resources.apply((r) => r.cpuLimit ?? "100m"),
                      memory: resources.apply((r) => r.memoryLimit ?? "32Mi"),
                    },
                  },
                  securityContext: {
                    // uid 0 only to write into the root-owned node directory; nothing else is granted.
                    runAsUser: 0,
                    runAsGroup: 0,
                    runAsNonRoot: false,
                    privileged: false,
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    capabilities: { drop: ["ALL"] },
                    seccompProfile: { type: "RuntimeDefault" },
                  },
                  volumeMounts: [
                    { name: "trust-files", mountPath: "/config", readOnly: true },
                    { name: "node-host-dir", mountPath: "/trust" },
                  ],
                },
              ],
              volumes: [
                { name: "trust-files", configMap: { name: configMap.metadata.name, defaultMode: 0o444 } },
                { name: "node-host-dir", hostPath: { path: this.hostDirectory, type: "DirectoryOrCreate" } },
              ],
            },
          },
        },
      },
      { parent: this },
    );

    this.namespace = configMap.metadata.namespace;
    this.configMapName = configMap.metadata.name;
    this.daemonSetName = daemonSet.metadata.name;
    this.registerOutputs();
  }
}

/**
 * The installer loop (run by the tests with a real `sh`). Copies `ca.crt` first so
 * `hosts.toml` never points at a missing CA; each copy goes to a temporary file renamed over the old one,
 * so containerd never reads half a file. SIGTERM ends it at once.
 */
const INSTALL_SCRIPT = `set -eu
trap 'exit 0' TERM INT
while true; do
  for file in ca.crt hosts.toml; do
    if ! cmp -s "$SOURCE_DIR/$file" "$TARGET_DIR/$file"; then
      cp "$SOURCE_DIR/$file" "$TARGET_DIR/.$file.tmp"
      mv -f "$TARGET_DIR/.$file.tmp" "$TARGET_DIR/$file"
      echo "installed $TARGET_DIR/$file"
    fi
  done
  sleep "$REFRESH_SECONDS" &
  wait $!
done
`;

/** Readiness: the node's files equal the ConfigMap's. */
const READY_SCRIPT = `cmp -s "$SOURCE_DIR/ca.crt" "$TARGET_DIR/ca.crt" && cmp -s "$SOURCE_DIR/hosts.toml" "$TARGET_DIR/hosts.toml"`;

/** containerd's `hosts.toml` for one registry trusted through `<hostsDir>/<host>/ca.crt` (platform-facts §4). */
function renderHostsToml(registryHost: string, hostsDir: string): string {
  return [
    `server = "https://${registryHost}"`,
    `[host."https://${registryHost}"]`,
    `  capabilities = ["pull", "resolve"]`,
    `  ca = "${hostsDir}/${registryHost}/ca.crt"`,
    "",
  ].join("\n");
}

const DNS_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** A registry host as containerd names it: `host` or `host:port`, with no scheme, path or user info. */
const registryHostCheck: Check<string> = (value) => {
  const example = "e.g. 192.100.100.1 or myregistry.example.com:5000";
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    return `"${value}" has a scheme; pass only the host or host:port (${example}).`;
  }
  if (value.includes("/")) {
    return `"${value}" has a path; pass only the host or host:port (${example}), not an image or repository.`;
  }
  const [host, port, ...rest] = value.split(":");
  const badPort = port !== undefined && (!/^[0-9]{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535);
  if (rest.length > 0 || badPort || host.length > 253 || !host.split(".").every((label) => DNS_LABEL.test(label))) {
    return `"${value}" is not a host or host:port (${example}); IPv6 literals are not supported, use a DNS name.`;
  }
  return undefined;
};

const hostsDirCheck: Check<string> = (value) =>
  /^(\/[A-Za-z0-9._-]+)+$/.test(value) && !value.split("/").includes("..")
    ? undefined
    : `"${value}" must be an absolute directory path without "..", spaces or a trailing "/", e.g. ${DEFAULT_CONTAINERD_HOSTS_DIR}.`;

const namespaceCheck: Check<string> = (value) =>
  /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(value)
    ? undefined
    : `"${value}" is not a Kubernetes namespace name (lowercase letters, digits and "-", at most 63).`;

const refreshCheck: Check<number> = (value) =>
  Number.isInteger(value) && value >= 5 && value <= 86400
    ? undefined
    : `${value} must be a whole number from 5 to 86400.`;

/** The component name as a label value, or a stable hash of it when it is not a valid label value. */
function labelValue(name: string): string {
  return /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(name)
    ? name
    : crypto.createHash("sha256").update(name).digest("hex").slice(0, 32);
}
