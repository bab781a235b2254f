import * as pulumi from "@pulumi/pulumi";
import * as appsv1 from "@pulumi/kubernetes/apps/v1";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import type * as k8s from "@pulumi/kubernetes";
import { digestProblem, registryHostProblem, repositoryProblem, tagProblem } from "./lib/imageReference";
import { checkExclusive, inputError, knownValue, oneOf, validateKnown, validateWhenKnown } from "./lib/validation";
import { mapAll, mapInput } from "./lib/inputs";
import {
  WorkloadProbe,
  checkProbe,
  checkVolumesNow,
  mergeEnv,
  mergeVolumeMounts,
  mergeVolumes,
} from "./lib/workloadPod";
import {
  checkWorkloadNames,
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  labelValueProblem,
} from "./lib/kubernetesNames";

/** When the kubelet pulls the image. */
export enum ImagePullPolicy {
  /** Resolve the reference on every pod start (the default for tags: a moved tag is noticed). */
  Always = "Always",
  /** Pull only when the image is missing on the node (the default for digests, which cannot move). */
  IfNotPresent = "IfNotPresent",
  /** Never pull; the image must already be on the node. */
  Never = "Never",
}

/** The seccomp profile of the pod and container. */
export enum SeccompProfileType {
  /** The container runtime's default profile (the secure default). */
  RuntimeDefault = "RuntimeDefault",
  /** No seccomp filtering (fails the security baselines; only for debugging). */
  Unconfined = "Unconfined",
}

/** CPU and memory requests and limits of the container (Kubernetes quantities). */
export interface WorkloadResources {
  /** CPU request. Default `100m`. */
  readonly cpuRequest?: pulumi.Input<string>;
  /** Memory request. Default `64Mi`. */
  readonly memoryRequest?: pulumi.Input<string>;
  /** CPU limit. Default `500m`. */
  readonly cpuLimit?: pulumi.Input<string>;
  /** Memory limit. Default `256Mi`. */
  readonly memoryLimit?: pulumi.Input<string>;
}

/** Security settings of the pod and container; every default passes the Checkov/Trivy workload rules. */
export interface WorkloadSecurity {
  /** User id the container runs as. Default `65532` (non-root; must not be 0 while `runAsNonRoot` is true). */
  readonly runAsUser?: pulumi.Input<number>;
  /** Group id the container runs as, also the pod's `fsGroup`. Default `65532`. */
  readonly runAsGroup?: pulumi.Input<number>;
  /** Refuse to start a container whose user is root. Default `true`. */
  readonly runAsNonRoot?: pulumi.Input<boolean>;
  /** Mount the root file system read-only (an emptyDir is mounted at `/tmp`). Default `true`. */
  readonly readOnlyRootFilesystem?: pulumi.Input<boolean>;
  /** Let a process gain more privileges than its parent (setuid). Default `false`. */
  readonly allowPrivilegeEscalation?: pulumi.Input<boolean>;
  /** Linux capabilities added back after dropping `ALL`. Default: none. */
  readonly addCapabilities?: pulumi.Input<pulumi.Input<string>[]>;
  /** Seccomp profile of pod and container. Default `RuntimeDefault`. */
  readonly seccompProfile?: pulumi.Input<SeccompProfileType>;
  /** Mount a service-account token into the pod. Default `false`. */
  readonly automountServiceAccountToken?: pulumi.Input<boolean>;
}

/** The arguments of {@link RegistryWorkload}. */
export interface RegistryWorkloadArgs {
  /** Namespace of the Deployment (a DNS-1123 label). `default` is refused unless `allowDefaultNamespace`. Required. */
  readonly namespace: pulumi.Input<string>;
  /** Allow the `default` namespace (fails the security baselines). Default `false`. */
  readonly allowDefaultNamespace?: pulumi.Input<boolean>;
  /**
   * The registry host, exactly the `server` of the pull secret (e.g. `myacr.azurecr.io`, `192.100.100.1`,
   * `registry.local:5000`). Required.
   */
  readonly registryServer: pulumi.Input<string>;
  /** The repository in the registry, e.g. `hello-world` or `team/app`. Required. */
  readonly repository: pulumi.Input<string>;
  /** The image tag. Conflicts with `digest`. `latest` or no tag at all is accepted with a warning. Default: none. */
  readonly tag?: pulumi.Input<string>;
  /** The manifest digest `sha256:<64 hex>` (preferred: it cannot move). Conflicts with `tag`. Default: none. */
  readonly digest?: pulumi.Input<string>;
  /** Names of `kubernetes.io/dockerconfigjson` Secrets in the namespace (e.g. `RegistryPullSecret.secretName`). Required (may be empty). */
  readonly imagePullSecretNames: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Name of the Deployment (and Service): a DNS-1123 subdomain, and with `createService` an RFC 1035 label (at most
   * 63 lowercase letters, digits and "-", starting with a letter, no "."). Default: the resource name plus "-" and
   * 8 random characters, checked by the same rules.
   */
  readonly deploymentName?: pulumi.Input<string>;
  /** The `app.kubernetes.io/name` label, used as the selector. Default: the resource name. */
  readonly appName?: pulumi.Input<string>;
  /** Extra labels on the Deployment, pods and Service (not part of the selector). Default: none. */
  readonly labels?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
  /** Name of the container. Default `app`. */
  readonly containerName?: pulumi.Input<string>;
  /** Number of pods. Default `1`. */
  readonly replicas?: pulumi.Input<number>;
  /** CPU and memory requests and limits. Default: 100m/64Mi requested, 500m/256Mi limit. */
  readonly resources?: pulumi.Input<WorkloadResources>;
  /** Security settings. Default: non-root 65532, read-only root, no escalation, drop ALL, RuntimeDefault, no token. */
  readonly security?: pulumi.Input<WorkloadSecurity>;
  /** Image pull policy. Default `IfNotPresent` with a digest, `Always` with a tag. */
  readonly imagePullPolicy?: pulumi.Input<ImagePullPolicy>;
  /** The port the container listens on. Required with `createService`. Default: none. */
  readonly containerPort?: pulumi.Input<number>;
  /** Also create a ClusterIP Service for `containerPort`. Must be known when the program runs. Default `false`. */
  readonly createService?: pulumi.Input<boolean>;
  /** The Service's port. Default: `containerPort`. */
  readonly servicePort?: pulumi.Input<number>;
  /** Command (entrypoint) of the container. Default: the image's. */
  readonly command?: pulumi.Input<pulumi.Input<string>[]>;
  /** Arguments of the command. Default: the image's. */
  readonly containerArgs?: pulumi.Input<pulumi.Input<string>[]>;
  /** Environment variables of the container (plain values; use Secrets for secret material). Default: none. */
  readonly env?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
  /** Size limit of the `/tmp` emptyDir. Default `64Mi`. */
  readonly tmpSizeLimit?: pulumi.Input<string>;
  /**
   * More environment variables of the container, as Kubernetes `EnvVar`s (e.g. `valueFrom.secretKeyRef` for
   * secret material), after the ones of `env`. A name set in both is refused. Default: none.
   */
  readonly extraEnv?: pulumi.Input<pulumi.Input<k8s.types.input.core.v1.EnvVar>[]>;
  /**
   * More pod volumes (Kubernetes `Volume`s: configMap, secret, emptyDir, persistentVolumeClaim, csi…), after
   * the component's `tmp` emptyDir; mount them with `volumeMounts`. `hostPath` volumes and the name `tmp` are
   * refused. Default: none.
   */
  readonly volumes?: pulumi.Input<pulumi.Input<k8s.types.input.core.v1.Volume>[]>;
  /** More mounts of the container (Kubernetes `VolumeMount`s), after `/tmp`. A second mount at a path is refused. Default: none. */
  readonly volumeMounts?: pulumi.Input<pulumi.Input<k8s.types.input.core.v1.VolumeMount>[]>;
  /** Taints the pods tolerate (Kubernetes `Toleration`s), e.g. to run on dedicated edge nodes. Default: none. */
  readonly tolerations?: pulumi.Input<pulumi.Input<k8s.types.input.core.v1.Toleration>[]>;
  /** Node labels the pods' node must have, e.g. `{"kubernetes.io/os": "linux"}`. Default: none. */
  readonly nodeSelector?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
  /** Node and pod (anti-)affinity rules (Kubernetes `Affinity`). Default: none. */
  readonly affinity?: pulumi.Input<k8s.types.input.core.v1.Affinity>;
  /** How the pods spread across zones or nodes (Kubernetes `TopologySpreadConstraint`s). Default: none. */
  readonly topologySpreadConstraints?: pulumi.Input<pulumi.Input<k8s.types.input.core.v1.TopologySpreadConstraint>[]>;
  /** Name of an existing PriorityClass for the pods. Default: none (the cluster's default priority). */
  readonly priorityClassName?: pulumi.Input<string>;
  /** Liveness probe: the kubelet restarts the container when it fails. Default: none. */
  readonly livenessProbe?: pulumi.Input<WorkloadProbe>;
  /** Readiness probe: the pod receives Service traffic only while it succeeds. Default: none. */
  readonly readinessProbe?: pulumi.Input<WorkloadProbe>;
  /** Startup probe: the other probes wait until it succeeds once (slow starters). Default: none. */
  readonly startupProbe?: pulumi.Input<WorkloadProbe>;
  /** Annotations of the pods (the pod template's metadata), e.g. for metrics scrapers or Checkov skips. Default: none. */
  readonly podAnnotations?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
}

const defaultResources = { cpuRequest: "100m", memoryRequest: "64Mi", cpuLimit: "500m", memoryLimit: "256Mi" };
const defaultSecurity = {
  runAsUser: 65532,
  runAsGroup: 65532,
  runAsNonRoot: true,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  addCapabilities: [] as string[],
  seccompProfile: SeccompProfileType.RuntimeDefault,
  automountServiceAccountToken: false,
};

/**
 * A hardened Deployment (and optional ClusterIP Service) pulling `<registryServer>/<repository>` by tag or
 * digest with image pull secrets. Its defaults pass the Checkov/Trivy workload rules: non-root user,
 * no privilege escalation, read-only root file system (emptyDir at `/tmp`), all capabilities dropped,
 * seccomp `RuntimeDefault`, requests and limits, no service-account token, not the `default` namespace.
 */
export class RegistryWorkload extends pulumi.ComponentResource {
  /** The name of the Deployment. */
  public readonly deploymentName: pulumi.Output<string>;
  /** The image reference the pods run, `<registryServer>/<repository>:<tag>` or `@<digest>`. */
  public readonly image: pulumi.Output<string>;
  /** The Deployment resource, for `dependsOn` or any of its outputs. */
  public readonly deployment: appsv1.Deployment;
  /** The ClusterIP Service, when `createService` is true; otherwise undefined. */
  public readonly service?: corev1.Service;

  constructor(name: string, args: RegistryWorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
    super("edge-registry:index:RegistryWorkload", name, {}, opts);

    const allowDefault = knownValue(args.allowDefaultNamespace) === true;
    const namespace = validateWhenKnown("namespace", args.namespace, (ns) =>
      ns === "default" && !allowDefault
        ? 'the "default" namespace is refused; use a dedicated namespace (or set allowDefaultNamespace).'
        : dns1123LabelProblem(ns),
    );
    checkExclusive({ tag: args.tag, digest: args.digest }, "Pin the image by digest (preferred) or by tag, not both.");
    const registryServer = validateWhenKnown("registryServer", args.registryServer, registryHostProblem);
    const repository = validateWhenKnown("repository", args.repository, repositoryProblem);
    const tag = args.tag === undefined ? undefined : validateWhenKnown("tag", args.tag, tagProblem);
    const digest = args.digest === undefined ? undefined : validateWhenKnown("digest", args.digest, digestProblem);
    validateKnown("deploymentName", args.deploymentName, dns1123SubdomainProblem);
    validateKnown("containerName", args.containerName, dns1123LabelProblem);
    validateKnown("imagePullPolicy", args.imagePullPolicy, oneOf(Object.values(ImagePullPolicy)));
    validateKnown("replicas", args.replicas, (n) =>
      Number.isInteger(n) && n >= 0 ? undefined : "must be an integer >= 0.",
    );
    validateKnown("containerPort", args.containerPort, portProblem);
    validateKnown("servicePort", args.servicePort, portProblem);
    const createService = knownValue(args.createService);
    if (args.createService !== undefined && createService === undefined) {
      throw inputError(
        "createService",
        "must be a plain boolean known when the program runs (it decides whether a Service exists).",
      );
    }
    if (createService && args.containerPort === undefined) {
      throw inputError("createService", "needs containerPort (the port the Service forwards to).");
    }
    // The Deployment's name is a DNS-1123 subdomain, the Service's (the same name) an RFC 1035 label: checked as
    // the API server will, including the name the provider generates from the resource name.
    const plainDeploymentName = knownValue(args.deploymentName);
    if (args.deploymentName === undefined || plainDeploymentName !== undefined) {
      checkWorkloadNames("deploymentName", name, plainDeploymentName, createService === true);
    }
    const appName = validateWhenKnown("appName", args.appName ?? name, labelValueProblem);
    checkProbe("livenessProbe", args.livenessProbe);
    checkProbe("readinessProbe", args.readinessProbe);
    checkProbe("startupProbe", args.startupProbe);
    checkVolumesNow(args.volumes);
    const plainSecurity = knownValue(args.security);
    if (
      plainSecurity &&
      knownValue(plainSecurity.runAsUser) === 0 &&
      (plainSecurity.runAsNonRoot === undefined || knownValue(plainSecurity.runAsNonRoot) === true)
    ) {
      throw inputError("security.runAsUser", rootWithNonRoot);
    }
    // Plain inputs when the arguments are known (the usual case): cheaper to evaluate, known at every preview.
    const security = args.security ?? {};
    const withDefaults = (s: pulumi.Unwrap<WorkloadSecurity>) => checkSecurity({ ...defaultSecurity, ...s });
    const podSecurityContext = mapInput(security, (s) => podSecurityContextOf(withDefaults(s)));
    const containerSecurityContext = mapInput(security, (s) => containerSecurityContextOf(withDefaults(s)));
    const automountServiceAccountToken = mapInput(security, (s) => withDefaults(s).automountServiceAccountToken);
    const resources = mapInput(args.resources ?? {}, (r) => resourcesOf({ ...defaultResources, ...r }));

    const image = mapAll([registryServer, repository, tag, digest], ([server, repo, t, d]) =>
      d ? `${server}/${repo}@${d}` : `${server}/${repo}${t ? `:${t}` : ""}`,
    );
    this.image = pulumi.output(image);
    const plainTag = knownValue(args.tag);
    if (args.digest === undefined && (args.tag === undefined || plainTag === "latest")) {
      void pulumi.log.warn(
        `${name}: the image is not pinned (${args.tag === undefined ? "no tag" : "tag latest"}); pods may run different images. Set digest (preferred) or a fixed tag.`,
        this,
      );
    }
    const pullPolicy =
      args.imagePullPolicy ?? (args.digest !== undefined ? ImagePullPolicy.IfNotPresent : ImagePullPolicy.Always);

    const selector = { "app.kubernetes.io/name": appName };
    const labels = mapAll([args.labels ?? {}, appName], ([extra, app]) => ({
      ...extra,
      "app.kubernetes.io/name": app,
      "app.kubernetes.io/managed-by": "pulumi",
    }));
    const metadata = { name: args.deploymentName, namespace, labels };
    // The escape hatches come after the hardened defaults and never replace them: extra volumes, mounts and
    // env are appended (collisions refused), the security contexts have no escape hatch but `security`.
    const tmpVolume = { name: "tmp", emptyDir: { sizeLimit: args.tmpSizeLimit ?? "64Mi" } };
    const volumes = mapAll([tmpVolume, args.volumes ?? []], ([tmp, extra]) => mergeVolumes([tmp], extra));
    const volumeMounts = mapInput(args.volumeMounts ?? [], (extra) =>
      mergeVolumeMounts([{ name: "tmp", mountPath: "/tmp" }], extra),
    );
    const env =
      args.env === undefined && args.extraEnv === undefined
        ? undefined
        : mapAll([args.env ?? {}, args.extraEnv ?? []], ([plain, extra]) => mergeEnv(plain, extra));

    const deployment = new appsv1.Deployment(
      name,
      {
        metadata,
        spec: {
          replicas: args.replicas ?? 1,
          selector: { matchLabels: selector },
          template: {
            metadata: { labels, annotations: args.podAnnotations },
            spec: {
              automountServiceAccountToken,
              tolerations: args.tolerations,
              nodeSelector: args.nodeSelector,
              affinity: args.affinity,
              topologySpreadConstraints: args.topologySpreadConstraints,
              priorityClassName: args.priorityClassName,
              securityContext: podSecurityContext,
              imagePullSecrets: mapInput(args.imagePullSecretNames, (names) => names.map((n) => ({ name: n }))),
              containers: [
                {
                  name: args.containerName ?? "app",
                  image,
                  imagePullPolicy: pullPolicy,
                  command: args.command,
                  args: args.containerArgs,
                  env,
                  ports:
                    args.containerPort === undefined
                      ? undefined
                      : [{ name: "http", containerPort: args.containerPort }],
                  resources,
                  securityContext: containerSecurityContext,
                  volumeMounts,
                  livenessProbe: args.livenessProbe,
                  readinessProbe: args.readinessProbe,
                  startupProbe: args.startupProbe,
                },
              ],
              volumes,
            },
          },
        },
      },
      { parent: this },
    );

    this.deployment = deployment;
    if (createService) {
      this.service = new corev1.Service(
        name,
        {
          metadata: { name: deployment.metadata.name, namespace, labels },
          spec: {
            type: "ClusterIP",
            selector,
            ports: [{ name: "http", port: args.servicePort ?? args.containerPort!, targetPort: "http" }],
          },
        },
        { parent: this },
      );
    }

    this.deploymentName = deployment.metadata.name;
    this.registerOutputs();
  }
}

const rootWithNonRoot = "0 is root, which runAsNonRoot forbids; use a non-zero uid such as 65532.";

function portProblem(port: number): string | undefined {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? undefined : `${port} is not a port; use 1-65535.`;
}

type Security = typeof defaultSecurity;

/** The pod's security context from the merged settings. */
function podSecurityContextOf(security: Security) {
  return {
    runAsNonRoot: security.runAsNonRoot,
    runAsUser: security.runAsUser,
    runAsGroup: security.runAsGroup,
    fsGroup: security.runAsGroup,
    seccompProfile: { type: security.seccompProfile },
  };
}

/** The container's security context from the merged settings: never privileged, all capabilities dropped. */
function containerSecurityContextOf(security: Security) {
  return {
    privileged: false,
    allowPrivilegeEscalation: security.allowPrivilegeEscalation,
    readOnlyRootFilesystem: security.readOnlyRootFilesystem,
    runAsNonRoot: security.runAsNonRoot,
    runAsUser: security.runAsUser,
    runAsGroup: security.runAsGroup,
    capabilities: { drop: ["ALL"], add: security.addCapabilities.length ? security.addCapabilities : undefined },
    seccompProfile: { type: security.seccompProfile },
  };
}

/** Requests and limits from the merged settings. */
function resourcesOf(resources: typeof defaultResources) {
  return {
    requests: { cpu: resources.cpuRequest, memory: resources.memoryRequest },
    limits: { cpu: resources.cpuLimit, memory: resources.memoryLimit },
  };
}

/** Deploy-time check of the merged security settings (plain ones were checked in the constructor). */
function checkSecurity<T extends { runAsUser: number; runAsNonRoot: boolean }>(security: T): T {
  if (security.runAsUser === 0 && security.runAsNonRoot) {
    throw inputError("security.runAsUser", rootWithNonRoot);
  }
  return security;
}
