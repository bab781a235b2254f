import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as apps from "@pulumi/kubernetes/apps/v1";
import * as core from "@pulumi/kubernetes/core/v1";
import { trustedCertificateCheck } from "./lib/pem";
import { registryHostProblem } from "./lib/imageReference";
import { isDns1123Label, labelValueProblem } from "./lib/kubernetesNames";
import {
  INSTALL_SCRIPT,
  LIVE_SCRIPT,
  NODE_TRUST_FINGERPRINT_ANNOTATION,
  READY_SCRIPT,
  installerFingerprint,
  nodeCleanupCommand,
} from "./lib/nodeTrustScripts";
import { isPublicRegistry } from "./lib/publicRegistries";
import { Check, inputError, knownValue, oneOf, validateKnown, validateWhenKnown } from "./lib/validation";

/** Why the installer runs as uid 0 (the one workload baseline it cannot meet). */
const ROOT_REASON = "writes containerd's root-owned hosts directory on the node";

/**
 * The default installer image: BusyBox 1.36.1 (sh, awk, cmp, cp, mv, rm, mkdir, touch, stat, date, sleep; about 2 MB), pinned by the digest
 * of its multi-architecture index on Docker Hub as many public projects pin it. Mirror it into your own
 * registry for air-gapped clusters and pass `image`.
 */
export const DEFAULT_NODE_TRUST_IMAGE =
  "docker.io/library/busybox:1.36.1@sha256:73aaf090f3d85aa34ee199857f03fa3a95c8ede2ffd4cc2cdb5b94e566b11662";

/** containerd's usual `config_path`. */
export const DEFAULT_CONTAINERD_HOSTS_DIR = "/etc/containerd/certs.d";

/** Where the node's containerd keeps its hosts directory and configuration. */
export enum ContainerdDistribution {
  /**
   * containerd as packaged (kubeadm, kind, Cluster API / TKG node images from kubernetes-sigs/image-builder, AKS
   * Arc): hosts directory `/etc/containerd/certs.d`, configuration `/etc/containerd` (containerd docs/hosts.md).
   */
  Containerd = "Containerd",
  /** k3s' embedded containerd: `/var/lib/rancher/k3s/agent/etc/containerd/certs.d` and `.../containerd`. */
  K3s = "K3s",
  /** RKE2's embedded containerd: `/var/lib/rancher/rke2/agent/etc/containerd/certs.d` and `.../containerd`. */
  Rke2 = "Rke2",
}

/**
 * The directories of each preset. Sources: containerd `docs/hosts.md` (`config_path = "/etc/containerd/certs.d"`
 * in `/etc/containerd/config.toml`); k3s issues 9983 and 5568 (files generated under
 * `/var/lib/rancher/k3s/agent/etc/containerd/certs.d`, config in `.../agent/etc/containerd/config.toml`); RKE2
 * issue 5298 (`config_path = "/var/lib/rancher/rke2/agent/etc/containerd/certs.d"` in
 * `/var/lib/rancher/rke2/agent/etc/containerd/config.toml`).
 */
export const CONTAINERD_PRESETS: { readonly [d in ContainerdDistribution]: { hostsDir: string; configDir: string } } = {
  [ContainerdDistribution.Containerd]: { hostsDir: "/etc/containerd/certs.d", configDir: "/etc/containerd" },
  [ContainerdDistribution.K3s]: {
    hostsDir: "/var/lib/rancher/k3s/agent/etc/containerd/certs.d",
    configDir: "/var/lib/rancher/k3s/agent/etc/containerd",
  },
  [ContainerdDistribution.Rke2]: {
    hostsDir: "/var/lib/rancher/rke2/agent/etc/containerd/certs.d",
    configDir: "/var/lib/rancher/rke2/agent/etc/containerd",
  },
};

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
   * `192.100.100.1`, `myregistry.example.com:5000` or `[fd00::100]`. It names the node directory
   * `<hostsDir>/<registryHost>` (containerd looks up `host:port` directories by that exact name). A public
   * registry (`docker.io`, `mcr.microsoft.com`, `ghcr.io`, `quay.io`, `registry.k8s.io`, `*.azurecr.io`, ...) is
   * refused unless `allowPublicRegistry` is true. Required.
   */
  readonly registryHost: pulumi.Input<string>;
  /**
   * Allow `registryHost` to be a public registry: its pulls on every node then trust only `caCertificatePem`
   * (e.g. a TLS-intercepting mirror). Default false.
   */
  readonly allowPublicRegistry?: pulumi.Input<boolean>;
  /**
   * Where the nodes' containerd keeps its hosts directory and configuration: `Containerd` (default), `K3s`,
   * `Rke2`. `hostsDir` and `containerdConfigDir` override the preset's directories.
   */
  readonly distribution?: pulumi.Input<ContainerdDistribution>;
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
   * containerd's hosts directory on the nodes: the CRI registry `config_path`. An absolute path. Default: the
   * `distribution` preset's (`/etc/containerd/certs.d` for containerd).
   */
  readonly hostsDir?: pulumi.Input<string>;
  /**
   * containerd's configuration directory on the nodes (with `config.toml`, and `conf.d/*.toml`), mounted read
   * only so that readiness can check that a `config_path` names `hostsDir`. Default: the `distribution` preset's
   * (`/etc/containerd`).
   */
  readonly containerdConfigDir?: pulumi.Input<string>;
  /**
   * Keep pods not ready, with the reason in `kubectl describe pod`, while containerd's configuration has no
   * `config_path` naming `hostsDir` (containerd would ignore the files). Default true; false mounts no
   * configuration directory.
   */
  readonly verifyContainerdConfig?: pulumi.Input<boolean>;
  /**
   * Remove the files from the nodes when the component is deleted (and restore a `hosts.toml`/`ca.crt` that was
   * there before). Default true. False leaves them, and also keeps them while an installer pod restarts.
   */
  readonly removeOnDelete?: pulumi.Input<boolean>;
  /**
   * Installer image: anything with a POSIX `sh`, `awk`, `cmp`, `cp`, `mv`, `rm`, `mkdir`, `touch`, `stat`, `date`
   * and `sleep`. Default BusyBox 1.36.1 pinned by digest (`DEFAULT_NODE_TRUST_IMAGE`); pass a mirrored copy for
   * clusters without Docker Hub access.
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
 * system, seccomp `RuntimeDefault`, no service-account token, and hostPath mounts of only
 * `<hostsDir>/<registryHost>` (writable) and containerd's configuration directory (read only). It keeps a
 * `hosts.toml`/`ca.crt` it replaces (`<file>.pre-edge-registry`) and, when the component is deleted, removes its
 * files and restores those (see `lib/nodeTrustScripts.ts`). Pods stay not ready, saying why, until containerd's
 * `config_path` names `hostsDir`.
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
  /**
   * After `pulumi destroy`: lists the nodes whose installer pod has not finished removing the files yet (a node
   * that was down keeps its pod Terminating, and its files, until it is back: then the pod removes them). Empty
   * output: every node is clean.
   */
  public readonly leftoverNodesCommand: pulumi.Output<string>;
  /**
   * Removes the trust files (and restores the ones they replaced) on one node by hand, run as root on the node:
   * for a node that was down at destroy time and will not come back as the same Kubernetes node.
   */
  public readonly nodeCleanupCommand: pulumi.Output<string>;

  constructor(name: string, args: NodeRegistryTrustArgs, opts?: pulumi.ComponentResourceOptions) {
    super("edge-registry:index:NodeRegistryTrust", name, {}, opts);

    for (const [arg, value] of Object.entries({
      allowPublicRegistry: args.allowPublicRegistry,
      distribution: args.distribution,
      verifyContainerdConfig: args.verifyContainerdConfig,
    })) {
      if (value !== undefined && knownValue(value) === undefined) {
        throw inputError(arg, "must be known when the program runs (it decides what is mounted and allowed).");
      }
    }
    validateKnown("distribution", args.distribution, oneOf(Object.values(ContainerdDistribution)));
    const preset = CONTAINERD_PRESETS[knownValue(args.distribution) ?? ContainerdDistribution.Containerd];
    const allowPublic = knownValue(args.allowPublicRegistry) === true;
    const verifyConfig = knownValue(args.verifyContainerdConfig) !== false;
    const registryHost = validateWhenKnown("registryHost", args.registryHost, (host) =>
      registryHostCheck(host, allowPublic),
    );
    const caCertificatePem = validateWhenKnown("caCertificatePem", args.caCertificatePem, trustedCertificateCheck());
    const hostsDir = validateWhenKnown("hostsDir", args.hostsDir ?? preset.hostsDir, hostsDirCheck);
    const configDir = validateWhenKnown(
      "containerdConfigDir",
      args.containerdConfigDir ?? preset.configDir,
      hostsDirCheck,
    );
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
    const image = pulumi.output(args.image ?? DEFAULT_NODE_TRUST_IMAGE);
    // The policy pack grants root and containerd's directories to this pod only when this fingerprint equals the
    // one it recomputes from the pod (policy/rules/nodeTrust.ts): a copy of the labels or the name gets nothing.
    const fingerprint = pulumi
      .all([image, this.hostDirectory, configDir])
      .apply(([img, hostDirectory, config]) =>
        installerFingerprint(img, [
          { path: hostDirectory, readOnly: false },
          ...(verifyConfig ? [{ path: config, readOnly: true }] : []),
        ]),
      );
    const daemonSet = new apps.DaemonSet(
      name,
      {
        // Checkov's own skip annotation, honoured by Checkov and our policy pack, makes the one exception reviewable.
        metadata: {
          namespace,
          labels,
          annotations: {
            "checkov.io/skip1": `CKV_K8S_23=${ROOT_REASON}`,
            // Delete the DaemonSet without waiting for its pods: the provider's default (Foreground, pulumi-kubernetes
            // provider/pkg/metadata/overrides.go DeletionPropagation; awaited in provider/pkg/await/await.go Deletion)
            // waits for every pod, and a pod on a node that is down stays Terminating (its tolerations keep it from
            // eviction) until the 10-minute timeout fails the destroy. Live nodes' pods still terminate gracefully and
            // remove the files; see leftoverNodesCommand and nodeCleanupCommand for nodes that were down.
            "pulumi.com/deletionPropagationPolicy": "background",
          },
        },
        spec: {
          // The new pod runs before the old one stops, so a rollout never leaves a node without the files (the
          // old pod sees the new one's lease and leaves them; see lib/nodeTrustScripts.ts).
          updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
          selector: {
            matchLabels: {
              "app.kubernetes.io/name": labels["app.kubernetes.io/name"],
              "app.kubernetes.io/instance": labels["app.kubernetes.io/instance"],
            },
          },
          template: {
            metadata: { labels, annotations: { [NODE_TRUST_FINGERPRINT_ANNOTATION]: fingerprint } },
            spec: {
              automountServiceAccountToken: false,
              enableServiceLinks: false,
              terminationGracePeriodSeconds: 30,
              nodeSelector: { "kubernetes.io/os": "linux" },
              tolerations: [{ operator: "Exists" }],
              containers: [
                {
                  name: "install",
                  image,
                  command: ["/bin/sh", "-c", INSTALL_SCRIPT],
                  env: [
                    { name: "SOURCE_DIR", value: "/config" },
                    { name: "TARGET_DIR", value: "/trust" },
                    { name: "HOSTS_DIR", value: hostsDir },
                    { name: "CONFIG_DIR", value: "/containerd" },
                    { name: "NODE_CONFIG_DIR", value: configDir },
                    { name: "VERIFY_CONFIG", value: String(verifyConfig) },
                    {
                      name: "REMOVE_ON_DELETE",
                      value: pulumi.output(args.removeOnDelete ?? true).apply((remove) => String(remove !== false)),
                    },
                    { name: "POD_UID", valueFrom: { fieldRef: { fieldPath: "metadata.uid" } } },
                    { name: "REFRESH_SECONDS", value: pulumi.output(args.refreshSeconds ?? 60).apply(String) },
                  ],
                  readinessProbe: {
                    exec: { command: ["/bin/sh", "-c", READY_SCRIPT] },
                    periodSeconds: 10,
                  },
                  livenessProbe: {
                    exec: { command: ["/bin/sh", "-c", LIVE_SCRIPT] },
                    periodSeconds: 30,
                    failureThreshold: 2,
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
                    ...(verifyConfig ? [{ name: "containerd-config", mountPath: "/containerd", readOnly: true }] : []),
                  ],
                },
              ],
              volumes: [
                { name: "trust-files", configMap: { name: configMap.metadata.name, defaultMode: 0o444 } },
                { name: "node-host-dir", hostPath: { path: this.hostDirectory, type: "DirectoryOrCreate" } },
                ...(verifyConfig
                  ? [{ name: "containerd-config", hostPath: { path: configDir, type: "Directory" } }]
                  : []),
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
    this.leftoverNodesCommand = pulumi.interpolate`kubectl get pods --namespace ${configMap.metadata.namespace} --selector app.kubernetes.io/name=node-registry-trust,app.kubernetes.io/instance=${labels["app.kubernetes.io/instance"]} --output custom-columns=NODE:.spec.nodeName,POD:.metadata.name,DELETING:.metadata.deletionTimestamp --no-headers`;
    this.nodeCleanupCommand = this.hostDirectory.apply(nodeCleanupCommand);
    this.registerOutputs();
  }
}

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

/** A registry host as containerd names it (`host`, `host:port`, `[v6]`, `[v6]:port`); public ones only on opt-in. */
function registryHostCheck(value: string, allowPublic: boolean): string | undefined {
  const problem = registryHostProblem(value);
  if (problem !== undefined) {
    return problem;
  }
  return isPublicRegistry(value) && !allowPublic
    ? `"${value}" is a public registry, whose pulls on every node would then trust only caCertificatePem; pass your private registry's host, or set allowPublicRegistry: true if that is really intended (e.g. a TLS-intercepting mirror).`
    : undefined;
}

const hostsDirCheck: Check<string> = (value) =>
  /^(\/[A-Za-z0-9._-]+)+$/.test(value) && !value.split("/").includes("..")
    ? undefined
    : `"${value}" must be an absolute directory path without "..", spaces or a trailing "/", e.g. ${DEFAULT_CONTAINERD_HOSTS_DIR}.`;

const namespaceCheck: Check<string> = (value) =>
  isDns1123Label(value)
    ? undefined
    : `"${value}" is not a Kubernetes namespace name (lowercase letters, digits and "-", at most 63).`;

const refreshCheck: Check<number> = (value) =>
  Number.isInteger(value) && value >= 5 && value <= 86400
    ? undefined
    : `${value} must be a whole number from 5 to 86400.`;

/** The component name as a label value, or a stable hash of it when it is not a valid label value. */
function labelValue(name: string): string {
  return name !== "" && labelValueProblem(name) === undefined
    ? name
    : crypto.createHash("sha256").update(name).digest("hex").slice(0, 32);
}
