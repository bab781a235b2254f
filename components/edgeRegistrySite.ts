import * as pulumi from "@pulumi/pulumi";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import { ContainerRegistry } from "./containerRegistry";
import { ImageImport } from "./imageImport";
import {
  ConnectedRegistry,
  ConnectedRegistryDescendant,
  ConnectedRegistryLogLevel,
  ConnectedRegistryMode,
  ParentEndpointProtocol,
  TokenPasswordSlot,
} from "./connectedRegistry";
import { ClusterType, ConnectedRegistryExtension, TlsCertificate, TlsMode } from "./connectedRegistryExtension";
import { ContainerdDistribution, NodeRegistryTrust } from "./nodeRegistryTrust";
import { RegistryPullSecret } from "./registryPullSecret";
import { RegistryWorkload } from "./registryWorkload";
import { subscriptionOf } from "./lib/armId";
import { inputError, knownValue } from "./lib/validation";
import type * as k8s from "@pulumi/kubernetes";
import type { ResourceTimeouts, StatefulResourceOptions } from "./lib/childOptions";
import { mapInput } from "./lib/inputs";
import { registryEndpointOf } from "./lib/network";
import { siteConnectedRegistryName } from "./lib/connectedRegistryChecks";
import { checkSiteArgs } from "./lib/edgeRegistrySite/checks";
import { parentConnectedRegistry } from "./lib/edgeRegistrySite/childSite";
import { givenCloudSide } from "./lib/edgeRegistrySite/clusterOnly";
import { CloudSide, siteDefaults } from "./lib/edgeRegistrySite/plan";

/** A client token's login, for the cluster-only form of {@link EdgeRegistrySite}. */
export interface SiteClientCredential {
  /** The token's name (the docker user name). */
  readonly username: pulumi.Input<string>;
  /**
   * One of the token's passwords (secret).
   * @secret
   */
  readonly password: pulumi.Input<string>;
}

/**
 * Arguments of {@link EdgeRegistrySite}. Plain values only (no component references), so the site can be
 * declared from every Pulumi language and from stack config.
 */
export interface EdgeRegistrySiteArgs {
  /** Resource group of the cloud registry and its connected registry. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** Azure region of a registry this site creates. Default: the resource group's provider default location. */
  readonly location?: pulumi.Input<string>;
  /**
   * Name of the registry to create (5-50 letters and digits, globally unique). Default: derived from the site's
   * name. Conflicts with `existingRegistryName`.
   */
  readonly registryName?: pulumi.Input<string>;
  /**
   * Use this existing registry (Premium, dedicated data endpoint enabled) instead of creating one, in
   * `resourceGroupName`. Conflicts with `registryName`.
   */
  readonly existingRegistryName?: pulumi.Input<string>;
  /**
   * Images imported into the cloud registry before the connected registry syncs, with their registry host, e.g.
   * `docker.io/library/nginx:1.25` (target `library/nginx:1.25`, the full path as `az acr import` names it). Default: for a registry the site creates, when `repositories` is left at its default too,
   * `mcr.microsoft.com/mcr/hello-world:latest` imported as `hello-world:v1` (the workload then runs that pinned
   * tag); none otherwise (an existing registry is shared: import into it once, not per site).
   */
  readonly imports?: pulumi.Input<string>[];
  /** Connected registry name (5-50 letters and digits). Default: derived from the site's name. */
  readonly connectedRegistryName?: pulumi.Input<string>;
  /** Connected registry mode. Default `ReadOnly` (the documented secure default). */
  readonly connectedRegistryMode?: pulumi.Input<ConnectedRegistryMode>;
  /** Repositories synced to the edge. Default `["hello-world"]`. */
  readonly repositories?: pulumi.Input<string>[];
  /** Sync schedule (cron, 5 fields). Default `* * * * *` (continuous). */
  readonly syncSchedule?: pulumi.Input<string>;
  /** Sync window (ISO 8601 duration PT1H..P7D). Default: unset. */
  readonly syncWindow?: pulumi.Input<string>;
  /** Connected registry log level. Default `Information`. */
  readonly logLevel?: pulumi.Input<ConnectedRegistryLogLevel>;
  /** Name of the client token workloads pull with (it is the docker username). Default `<connectedRegistryName>client`. */
  readonly clientTokenName?: pulumi.Input<string>;
  /**
   * Makes this a child site (a nested connected registry, az `--parent`): the name of its parent connected
   * registry in the same cloud registry, e.g. the on-premises site's `connectedRegistryName`. The parent's sync
   * scope map must list this site in its `descendantConnectedRegistries`. Default: none (the cloud registry is the
   * parent).
   */
  readonly parentConnectedRegistryName?: pulumi.Input<string>;
  /**
   * The parent's mode, for the preview check that a parent is ReadWrite or of this site's mode. Default: not
   * checked. Only with `parentConnectedRegistryName`.
   */
  readonly parentConnectedRegistryMode?: pulumi.Input<ConnectedRegistryMode>;
  /**
   * The parent's address as this site's cluster reaches it, `host` or `host:port` (the parent site's
   * `registryEndpoint`, or the routable address in front of it): `ParentGatewayEndpoint` of the connection string.
   * Required with `parentConnectedRegistryName`.
   */
  readonly parentGatewayEndpoint?: pulumi.Input<string>;
  /** `ParentEndpointProtocol`: how this site reaches its parent. Default `https`. Only with `parentConnectedRegistryName`. */
  readonly parentEndpointProtocol?: pulumi.Input<ParentEndpointProtocol>;
  /**
   * The CA (PEM) that issued the parent's serving certificate (the parent site's `caCertificatePem`): installed
   * for `parentGatewayEndpoint` in containerd's hosts directory on every node of this cluster
   * (`NodeRegistryTrust`), since the Arc extension has no setting for an upstream CA. Needed when the parent's
   * certificate is not publicly trusted; only with https. Default: none.
   */
  readonly parentCaCertificatePem?: pulumi.Input<string>;
  /**
   * For a parent site: every connected registry below this one (children, grandchildren, …), whose gateway and
   * repository actions its sync scope map must hold (az adds them when it creates a child). Default: none.
   */
  readonly descendantConnectedRegistries?: pulumi.Input<pulumi.Input<ConnectedRegistryDescendant>[]>;
  /**
   * RFC 3339 expiry of the sync and client token passwords (e.g. `2027-12-31T23:59:59Z`). Default: no expiry.
   * Changing it rotates them without downtime: the extension and the pull secret move to the new passwords in
   * the same update, the previous ones stay valid until the following rotation. A time that has passed or is
   * less than 30 days away is a warning at preview.
   */
  readonly passwordExpiry?: pulumi.Input<string>;
  /** Any value; changing it rotates the token passwords as a new `passwordExpiry` does. Default: unset. */
  readonly passwordRotationTrigger?: pulumi.Input<string>;
  /**
   * The sync token's password slot (`password1` or `password2`) that may be taken over (regenerated, revoking
   * the password in it) although this stack did not generate that password: needed only when the token already
   * has passwords in both slots, or in the slot a rotation moves to. Default: unset — deployment stops with an
   * error naming this argument instead of revoking a password an edge device may be using.
   */
  readonly takeOverPasswordSlot?: pulumi.Input<TokenPasswordSlot>;
  /** The same as `takeOverPasswordSlot`, for the client token (`clientTokenName`). Default: unset. */
  readonly clientTokenTakeOverPasswordSlot?: pulumi.Input<TokenPasswordSlot>;

  /**
   * The cluster-only form: the connection string of a connected registry created elsewhere, e.g. by a fleet hub
   * (its `siteSecrets.<site>.connectionString`). The site then creates no registry, import, connected registry or
   * token: it installs the extension with this connection string, and the pull secret uses `clientCredential`.
   * Requires `existingRegistryName` (the registry holding the connected registry), `connectedRegistryName` and
   * `clientCredential`; conflicts with every argument of the cloud side (`registryName`, `location`, `imports`,
   * `repositories`, `connectedRegistryMode`, `syncSchedule`, `syncWindow`, `logLevel`, `clientTokenName`,
   * `parentConnectedRegistryName`, `parentConnectedRegistryMode`, `parentEndpointProtocol`,
   * `descendantConnectedRegistries`, `passwordExpiry`, `passwordRotationTrigger`, `takeOverPasswordSlot`,
   * `clientTokenTakeOverPasswordSlot`, `registryOptions`,
   * `connectedRegistryOptions`, `tokenOptions`). Stored as a secret. Default: none (the site creates its cloud side).
   * @secret
   */
  readonly connectionString?: pulumi.Input<string>;
  /**
   * With `connectionString`: the client token the pull secret logs in with (e.g. the hub's
   * `siteSecrets.<site>.clientCredentials.<token>`). Required with `connectionString`, and only with it.
   * @secret
   */
  readonly clientCredential?: pulumi.Input<SiteClientCredential>;

  /** Name of the Arc-enabled (or AKS) cluster that runs the connected registry. */
  readonly clusterName: pulumi.Input<string>;
  /** Resource group of the cluster. Default: `resourceGroupName`. */
  readonly clusterResourceGroupName?: pulumi.Input<string>;
  /** Kind of cluster. Default `ConnectedClusters` (Arc-enabled Kubernetes). */
  readonly clusterType?: pulumi.Input<ClusterType>;
  /** A free IP address in the cluster's service CIDR for the connected registry service, e.g. `192.100.100.1`. */
  readonly serviceClusterIP: pulumi.Input<string>;
  /** The cluster's service CIDR; when given, `serviceClusterIP` is checked against it at preview. */
  readonly serviceCidr?: pulumi.Input<string>;
  /** How the connected registry gets its TLS certificate. Default `CertManager`. */
  readonly tlsMode?: pulumi.Input<TlsMode>;
  /** Your own certificate for `tlsMode: Certificate` or `KubernetesSecret`; generated for `serviceClusterIP` when omitted. */
  readonly certificate?: pulumi.Input<TlsCertificate>;
  /** Existing `kubernetes.io/tls` Secret for `tlsMode: KubernetesSecret`. Default: one is created. */
  readonly tlsSecretName?: pulumi.Input<string>;
  /** Let the extension make every node trust the registry's CA. Default true. */
  readonly trustDistribution?: pulumi.Input<boolean>;
  /**
   * Install the CA into containerd's hosts directory on every node with {@link NodeRegistryTrust}. Default: true
   * when `trustDistribution` is false. Needs a known CA, so `tlsMode` must be `Certificate` or `KubernetesSecret`.
   */
  readonly nodeTrust?: pulumi.Input<boolean>;
  /** containerd hosts directory on the nodes, for `nodeTrust`. Default: the `nodeTrustDistribution` preset's. */
  readonly nodeTrustHostsDir?: pulumi.Input<string>;
  /** Where the nodes' containerd keeps its hosts directory (`Containerd`, `K3s`, `Rke2`), for `nodeTrust`. Default `Containerd`. */
  readonly nodeTrustDistribution?: pulumi.Input<ContainerdDistribution>;
  /** Storage class of the connected registry's volume claim (set it when claims stay Pending). */
  readonly pvcStorageClassName?: pulumi.Input<string>;
  /** Size of the connected registry's volume claim, e.g. `250Gi`. */
  readonly pvcStorageRequest?: pulumi.Input<string>;
  /** Extension release train. Default `preview`. */
  readonly releaseTrain?: pulumi.Input<string>;
  /**
   * Pinned extension version (minor versions then do not upgrade automatically), e.g. what a fleet hub wants of
   * its sites. Default: none (the release train's latest, upgraded automatically).
   */
  readonly extensionVersion?: pulumi.Input<string>;

  /** Namespace of the pull secret and workload; created unless `createWorkloadNamespace` is false. Default `edge-apps`. */
  readonly workloadNamespace?: pulumi.Input<string>;
  /** Create `workloadNamespace`. Default true. */
  readonly createWorkloadNamespace?: pulumi.Input<boolean>;
  /** Deploy a workload pulling from the connected registry. Default true. */
  readonly deployWorkload?: pulumi.Input<boolean>;
  /** Repository the workload runs. Default: the first of `repositories`; required in the cluster-only form (`connectionString`) unless `deployWorkload` is false. */
  readonly workloadRepository?: pulumi.Input<string>;
  /**
   * Tag of the workload image. Default `v1` for the default hello-world import, else `latest` (with a warning;
   * prefer `workloadDigest`). Conflicts with `workloadDigest`.
   */
  readonly workloadTag?: pulumi.Input<string>;
  /** Digest of the workload image (`sha256:...`), preferred over a tag. Conflicts with `workloadTag`. */
  readonly workloadDigest?: pulumi.Input<string>;
  /** Workload replicas. Default 1. */
  readonly workloadReplicas?: pulumi.Input<number>;
  /** Azure subscription for the dynamic providers (password generation, imports, deactivation). Default: the provider's. */
  readonly subscriptionId?: pulumi.Input<string>;

  /** Resource options of the registry the site creates (see `ContainerRegistry.registryOptions`). Default: none. */
  readonly registryOptions?: StatefulResourceOptions;
  /** Resource options of the connected registry (see `ConnectedRegistry.connectedRegistryOptions`). Default: none. */
  readonly connectedRegistryOptions?: StatefulResourceOptions;
  /** Resource options of the scope maps and tokens (see `ConnectedRegistry.tokenOptions`). Default: none. */
  readonly tokenOptions?: StatefulResourceOptions;
  /** Timeouts of the Arc extension (see `ConnectedRegistryExtension.customTimeouts`). Default `20m` each. */
  readonly extensionCustomTimeouts?: ResourceTimeouts;
  /** Taints the workload's pods tolerate (see `RegistryWorkload.tolerations`). Default: none. */
  readonly workloadTolerations?: pulumi.Input<pulumi.Input<k8s.types.input.core.v1.Toleration>[]>;
  /** Node labels the workload's pods need (see `RegistryWorkload.nodeSelector`). Default: none. */
  readonly workloadNodeSelector?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
  /** Affinity of the workload's pods (see `RegistryWorkload.affinity`). Default: none. */
  readonly workloadAffinity?: pulumi.Input<k8s.types.input.core.v1.Affinity>;
  /** Topology spread of the workload's pods (see `RegistryWorkload.topologySpreadConstraints`). Default: none. */
  readonly workloadTopologySpreadConstraints?: pulumi.Input<
    pulumi.Input<k8s.types.input.core.v1.TopologySpreadConstraint>[]
  >;
  /** PriorityClass of the workload's pods (see `RegistryWorkload.priorityClassName`). Default: none. */
  readonly workloadPriorityClassName?: pulumi.Input<string>;
  /** Annotations of the workload's pods (see `RegistryWorkload.podAnnotations`). Default: none. */
  readonly workloadPodAnnotations?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
}

/**
 * A whole edge site, as in the connected registry quickstart: a cloud registry (or an existing one) with image
 * imports, a connected registry with a client token, the Arc extension that runs it in the cluster (deactivated
 * before it is removed or replaced), a pull secret and a hardened workload pulling through the edge registry.
 *
 * Pass the cluster's Kubernetes provider in `providers` (or as the default provider) for the in-cluster parts.
 */
export class EdgeRegistrySite extends pulumi.ComponentResource {
  /** Login server of the cloud registry, e.g. `myacrregistry.azurecr.io`. */
  public readonly registryLoginServer: pulumi.Output<string>;
  /** Name of the cloud registry. */
  public readonly registryName: pulumi.Output<string>;
  /** Name of the connected registry. */
  public readonly connectedRegistryName: pulumi.Output<string>;
  /**
   * Connected registry connection state (`Online`, `Offline`, `Syncing`, `Unhealthy`). Undefined in the
   * cluster-only form (the stack that owns the connected registry has it; `fleet status` reads it from ARM).
   */
  public readonly connectionState: pulumi.Output<string | undefined>;
  /** Connected registry activation status (`Active` once the extension has started it). Undefined in the cluster-only form. */
  public readonly activationStatus: pulumi.Output<string | undefined>;
  /** Provisioning state of the Arc extension (`Succeeded` when installed). */
  public readonly extensionProvisioningState: pulumi.Output<string>;
  /** ARM id of the Arc extension. */
  public readonly extensionId: pulumi.Output<string>;
  /** Where pods pull from: the connected registry's cluster IP. */
  public readonly registryEndpoint: pulumi.Output<string>;
  /** The CA nodes must trust, when known (certificate and secret modes). */
  public readonly caCertificatePem: pulumi.Output<string | undefined>;
  /** The image the workload runs, e.g. `192.100.100.1/hello-world:latest`; empty when no workload is deployed. */
  public readonly workloadImage: pulumi.Output<string | undefined>;
  /** Name of the pull secret in `workloadNamespace`. */
  public readonly pullSecretName: pulumi.Output<string>;
  /**
   * The connected registry's connection string (secret); in the cluster-only form, the one given.
   * @secret
   */
  public readonly connectionString: pulumi.Output<string>;
  /** ARM id of the connected registry (what a child site's parent id is built from). */
  public readonly connectedRegistryId: pulumi.Output<string>;

  constructor(name: string, args: EdgeRegistrySiteArgs, opts?: pulumi.ComponentResourceOptions) {
    super("edge-registry:index:EdgeRegistrySite", name, {}, opts);
    checkSiteArgs(args);
    const parent = { parent: this };
    const { repositories, imports, workloadTag } = siteDefaults(args);

    const cloud =
      args.connectionString === undefined
        ? this.cloudSide(name, args, repositories, imports)
        : givenCloudSide(args, this);
    const { registryName, connectedRegistryName } = cloud;

    const extension = new ConnectedRegistryExtension(
      `${name}-extension`,
      {
        resourceGroupName: args.clusterResourceGroupName ?? args.resourceGroupName,
        clusterName: args.clusterName,
        clusterType: args.clusterType,
        // The name is known here; the extension waits for the connected registry through its connection string.
        extensionName: connectedRegistryName,
        connectionString: cloud.connectionString,
        serviceClusterIP: args.serviceClusterIP,
        serviceCidr: args.serviceCidr,
        tlsMode: args.tlsMode,
        certificate: args.certificate,
        tlsSecretName: args.tlsSecretName,
        trustDistribution: args.trustDistribution,
        pvcStorageClassName: args.pvcStorageClassName,
        pvcStorageRequest: args.pvcStorageRequest,
        releaseTrain: args.releaseTrain,
        version: args.extensionVersion,
        autoUpgradeMinorVersion:
          args.extensionVersion === undefined ? undefined : mapInput(args.extensionVersion, (v) => v === undefined),
        customTimeouts: args.extensionCustomTimeouts,
        connectedRegistry: {
          resourceGroupName: args.resourceGroupName,
          registryName,
          connectedRegistryName: cloud.connectedRegistryNameOutput,
          // Read from the connected registry's id (no extra provider call per site); the subscription is the same.
          subscriptionId:
            args.subscriptionId ??
            cloud.connectedRegistryId.apply((id) => {
              const subscription = subscriptionOf(id);
              if (subscription === undefined) {
                throw new Error(`the connected registry id "${id}" names no subscription; set subscriptionId.`);
              }
              return subscription;
            }),
        },
      },
      // The images must be in the cloud registry before the extension activates the connected registry (its
      // first sync); the connected registry and its tokens themselves do not need them, so they do not wait.
      { parent: this, dependsOn: cloud.importsDone },
    );

    // Where a registry host is needed (pull secret server, image, node trust): an IPv6 cluster IP in brackets.
    const registryHost = mapInput(args.serviceClusterIP, registryEndpointOf);
    const trustDistribution = knownValue(args.trustDistribution) ?? true;
    const nodeTrust = knownValue(args.nodeTrust) ?? !trustDistribution;
    if (nodeTrust) {
      new NodeRegistryTrust(
        `${name}-node-trust`,
        {
          registryHost,
          caCertificatePem: extension.caCertificatePem.apply((pem) => {
            if (!pem) {
              throw inputError(
                "nodeTrust",
                "the registry's CA is not known in this TLS mode; use tlsMode Certificate or KubernetesSecret, or leave trustDistribution on.",
              );
            }
            return pem;
          }),
          hostsDir: args.nodeTrustHostsDir,
          distribution: args.nodeTrustDistribution,
        },
        parent,
      );
    }

    if (args.parentCaCertificatePem !== undefined) {
      // The child's cluster trusts its parent's serving certificate (platform-facts §4: containerd hosts dir).
      new NodeRegistryTrust(
        `${name}-parent-trust`,
        {
          registryHost: args.parentGatewayEndpoint!,
          caCertificatePem: args.parentCaCertificatePem,
          hostsDir: args.nodeTrustHostsDir,
        },
        parent,
      );
    }

    const namespaceName: pulumi.Input<string> = args.workloadNamespace ?? "edge-apps";
    const namespace =
      knownValue(args.createWorkloadNamespace) === false
        ? undefined
        : new corev1.Namespace(`${name}-namespace`, { metadata: { name: namespaceName } }, parent);
    const workloadNamespace = namespace ? namespace.metadata.name : namespaceName;

    const credential = cloud.clientCredential;
    const pullSecret = new RegistryPullSecret(
      `${name}-pull`,
      {
        server: registryHost,
        username: credential.apply((c) => c.username),
        password: pulumi.secret(credential.apply((c) => c.password)),
        namespace: workloadNamespace,
      },
      parent,
    );

    let workloadImage: pulumi.Output<string | undefined> = pulumi.output(undefined);
    if (knownValue(args.deployWorkload) !== false) {
      const workload = new RegistryWorkload(
        `${name}-workload`,
        {
          namespace: workloadNamespace,
          registryServer: registryHost,
          repository: args.workloadRepository ?? pulumi.output(repositories).apply((r) => r[0]),
          tag: args.workloadDigest === undefined ? workloadTag : undefined,
          digest: args.workloadDigest,
          imagePullSecretNames: [pullSecret.secretName],
          replicas: args.workloadReplicas,
          tolerations: args.workloadTolerations,
          nodeSelector: args.workloadNodeSelector,
          affinity: args.workloadAffinity,
          topologySpreadConstraints: args.workloadTopologySpreadConstraints,
          priorityClassName: args.workloadPriorityClassName,
          podAnnotations: args.workloadPodAnnotations,
        },
        // The pods can only pull once the extension serves the registry.
        { parent: this, dependsOn: [extension] },
      );
      workloadImage = workload.image;
    }

    this.registryLoginServer = cloud.loginServer;
    this.registryName = registryName;
    this.connectedRegistryName = cloud.connectedRegistryNameOutput;
    this.connectionState = cloud.connectionState;
    this.activationStatus = cloud.activationStatus;
    this.extensionProvisioningState = extension.provisioningState;
    this.extensionId = extension.extensionId;
    this.registryEndpoint = extension.registryEndpoint;
    this.caCertificatePem = extension.caCertificatePem;
    this.workloadImage = workloadImage;
    this.pullSecretName = pullSecret.secretName;
    this.connectionString = pulumi.secret(cloud.connectionString);
    this.connectedRegistryId = cloud.connectedRegistryId;
    this.registerOutputs();
  }

  /** The cloud side the site creates: registry (or an existing one) with imports, connected registry, tokens. */
  private cloudSide(
    name: string,
    args: EdgeRegistrySiteArgs,
    repositories: pulumi.Input<pulumi.Input<string>[]>,
    imports: { source: pulumi.Input<string>; targetTags?: string[] }[],
  ): CloudSide {
    const parent = { parent: this };
    let registryName: pulumi.Output<string>;
    let loginServer: pulumi.Output<string>;
    let importsDone: pulumi.Resource[];
    let registryId: pulumi.Output<string> | undefined;
    if (args.existingRegistryName !== undefined) {
      registryName = pulumi.output(args.existingRegistryName);
      loginServer = registryName.apply((n) => `${n.toLowerCase()}.azurecr.io`);
      importsDone = imports.map(
        (image, index) =>
          new ImageImport(
            `${name}-import-${index}`,
            { resourceGroupName: args.resourceGroupName, registryName, ...image, subscriptionId: args.subscriptionId },
            parent,
          ),
      );
    } else {
      const registry = new ContainerRegistry(
        `${name}-registry`,
        {
          resourceGroupName: args.resourceGroupName,
          location: args.location,
          registryName: args.registryName,
          imports,
          registryOptions: args.registryOptions,
        },
        parent,
      );
      registryName = registry.registryName;
      registryId = registry.registryId;
      loginServer = registry.loginServer;
      importsDone = [registry];
    }

    // Token names name child resources, so they must be known while the program runs.
    const connectedRegistryName = knownValue(args.connectedRegistryName) ?? siteConnectedRegistryName(name);
    const clientTokenName = knownValue(args.clientTokenName) ?? `${connectedRegistryName}client`;
    const connected = new ConnectedRegistry(
      `${name}-connected`,
      {
        resourceGroupName: args.resourceGroupName,
        registryName,
        connectedRegistryName,
        mode: args.connectedRegistryMode,
        repositories,
        syncSchedule: args.syncSchedule,
        syncWindow: args.syncWindow,
        logLevel: args.logLevel,
        clientTokens: [{ name: clientTokenName, takeOverPasswordSlot: args.clientTokenTakeOverPasswordSlot }],
        takeOverPasswordSlot: args.takeOverPasswordSlot,
        passwordExpiry: args.passwordExpiry,
        passwordRotationTrigger: args.passwordRotationTrigger,
        subscriptionId: args.subscriptionId,
        connectedRegistryOptions: args.connectedRegistryOptions,
        tokenOptions: args.tokenOptions,
        parentConnectedRegistry: parentConnectedRegistry(args, this, registryName, registryId),
        descendants: args.descendantConnectedRegistries,
      },
      parent,
    );

    return {
      registryName,
      loginServer,
      connectedRegistryName,
      connectedRegistryNameOutput: connected.connectedRegistryName,
      connectedRegistryId: connected.connectedRegistryId,
      connectionString: connected.connectionString,
      clientCredential: connected.clientCredentials.apply((credentials) => credentials[clientTokenName]),
      connectionState: connected.connectionState,
      activationStatus: connected.activationStatus,
      importsDone,
    };
  }
}
