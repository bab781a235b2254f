/**
 * `ConnectedRegistryExtension`: the Arc extension `Microsoft.ContainerRegistry.ConnectedRegistry` that
 * runs a connected registry in a Kubernetes cluster, in every TLS and trust set-up of seeds 000/001
 * (platform-facts §3), with the late failures of those set-ups moved to preview.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as kubernetesconfiguration from "@pulumi/azure-native/kubernetesconfiguration";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as pulumi from "@pulumi/pulumi";
import { ResourceTimeouts, checkedTimeouts } from "./lib/childOptions";
import { isDns1123Subdomain } from "./lib/kubernetesNames";
import { cidrProblem, clusterIPProblem, registryEndpointOf } from "./lib/network";
import { deactivation as deactivationOperation } from "./operations/deactivation";
import { operationResource } from "./operations/register";
import { RegistryCertificate } from "./registryCertificate";
import { inputError, isKnown, knownValue, oneOf, validateKnown } from "./lib/validation";
import { mapAll, mapInput } from "./lib/inputs";
import { CertificatePems, expiryWarning, servingCertificateProblem } from "./lib/x509";

/** The kind of cluster the extension is installed on. */
export enum ClusterType {
  /** An Arc-enabled Kubernetes cluster (`Microsoft.Kubernetes/connectedClusters`). */
  ConnectedClusters = "ConnectedClusters",
  /** An AKS cluster (`Microsoft.ContainerService/managedClusters`). */
  ManagedClusters = "ManagedClusters",
}

/** How the connected registry gets its TLS serving certificate. */
export enum TlsMode {
  /** The extension installs cert-manager and issues the certificate (the documented secure default). */
  CertManager = "CertManager",
  /** A cert-manager already installed in the cluster issues the certificate (`cert-manager.install=false`). */
  PreinstalledCertManager = "PreinstalledCertManager",
  /** Bring your own certificate: protected `tls.crt`, `tls.key`, `tls.cacrt` (given or generated). */
  Certificate = "Certificate",
  /** A `kubernetes.io/tls` Secret (`ca.crt`, `tls.crt`, `tls.key`) named in protected `tls.secret`. */
  KubernetesSecret = "KubernetesSecret",
}

/** A TLS serving certificate as PEM strings. */
export interface TlsCertificate {
  /** The server certificate (PEM). Its IP SANs must contain `serviceClusterIP`; its EKU must allow server auth. */
  readonly certificatePem: pulumi.Input<string>;
  /**
   * The certificate's unencrypted private key (PEM).
   * @secret
   */
  readonly privateKeyPem: pulumi.Input<string>;
  /** The CA certificate that issued it (PEM). Default: the certificate itself, which must then be self-signed. */
  readonly caCertificatePem?: pulumi.Input<string>;
}

/** Which connected registry the extension runs (enables deactivation when the extension is deleted or replaced). */
export interface ConnectedRegistryReference {
  /** Resource group of the cloud registry. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** Name of the cloud registry. */
  readonly registryName: pulumi.Input<string>;
  /** Name of the connected registry. */
  readonly connectedRegistryName: pulumi.Input<string>;
  /** Subscription of the registry. Default: the subscription of the azure-native provider. */
  readonly subscriptionId?: pulumi.Input<string>;
}

/** Arguments of {@link ConnectedRegistryExtension}. */
export interface ConnectedRegistryExtensionArgs {
  /** Resource group of the cluster. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** Name of the Arc-enabled (or AKS) cluster. */
  readonly clusterName: pulumi.Input<string>;
  /**
   * The connected registry's connection string (e.g. `ConnectedRegistry.connectionString`). Always sent as a protected setting.
   * @secret
   */
  readonly connectionString: pulumi.Input<string>;
  /**
   * `service.clusterIP`: a free IPv4/IPv6 address inside the cluster's service CIDR where the registry
   * listens; pods pull from `<serviceClusterIP>/<repository>`.
   */
  readonly serviceClusterIP: pulumi.Input<string>;
  /** The cluster's service CIDR (e.g. `10.0.0.0/16`); when given, `serviceClusterIP` must lie inside it. Default: not checked. */
  readonly serviceCidr?: pulumi.Input<string>;
  /**
   * Kind of cluster. Default: `ConnectedClusters` (Arc). May be an output (e.g. a fleet hub's inventory read
   * through a StackReference): the extension's cluster provider follows it.
   */
  readonly clusterType?: pulumi.Input<ClusterType>;
  /** Name of the extension resource. Default: the component's name. */
  readonly extensionName?: pulumi.Input<string>;
  /** TLS set-up. Default: `CertManager`. */
  readonly tlsMode?: pulumi.Input<TlsMode>;
  /**
   * The serving certificate, for `tlsMode` `Certificate` or `KubernetesSecret` (conflicts with the cert-manager
   * modes and with `tlsSecretName`). Default: a `RegistryCertificate` for `serviceClusterIP` is generated.
   */
  readonly certificate?: pulumi.Input<TlsCertificate>;
  /** Whether a certificate may be generated when `certificate` is not given. Default: true. */
  readonly generateCertificate?: pulumi.Input<boolean>;
  /** Changing this value rotates the generated certificate. Default: none. Conflicts with `certificate`. */
  readonly certificateRotationTrigger?: pulumi.Input<string>;
  /**
   * An existing `kubernetes.io/tls` Secret (with `ca.crt`, `tls.crt`, `tls.key`) in namespace
   * `connected-registry`, for `tlsMode: KubernetesSecret` only. Default: a Secret is created there from
   * `certificate` or a generated certificate (through the kubernetes provider passed in `providers`).
   */
  readonly tlsSecretName?: pulumi.Input<string>;
  /** The extension's trust distribution to the nodes' containerd. Default: true; false gives `trustDistribution.enabled=false`. */
  readonly trustDistribution?: pulumi.Input<boolean>;
  /** `trustDistribution.skipNodeSelector`. Default: not set (the extension's default). */
  readonly trustDistributionSkipNodeSelector?: pulumi.Input<boolean>;
  /** `pvc.storageClassName` for the registry's volume. Default: the cluster's default storage class. */
  readonly pvcStorageClassName?: pulumi.Input<string>;
  /** `pvc.storageRequest`, a Kubernetes quantity (e.g. `250Gi`). Default: the extension's default. */
  readonly pvcStorageRequest?: pulumi.Input<string>;
  /** Release train. Default: `preview` (as the seeds; the extension is published there). */
  readonly releaseTrain?: pulumi.Input<string>;
  /** Whether minor versions upgrade automatically. Default: true. */
  readonly autoUpgradeMinorVersion?: pulumi.Input<boolean>;
  /** Pinned extension version. Default: none. Only with `autoUpgradeMinorVersion: false`. */
  readonly version?: pulumi.Input<string>;
  /**
   * Further (non-secret) configuration settings. Keys set through other arguments (`service.clusterIP`,
   * `cert-manager.*`, `trustDistribution.*`, `pvc.*`) and secret keys (`connectionString`, `tls.*`) are refused.
   */
  readonly configurationSettings?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
  /**
   * The connected registry the extension runs. When given, deleting or replacing the extension
   * deactivates it, so the next installation does not fail with `ALREADY_ACTIVATED`. Default: none.
   */
  readonly connectedRegistry?: pulumi.Input<ConnectedRegistryReference>;
  /**
   * How long Pulumi waits for the extension to be created, updated or deleted (an install pulls images and
   * may wait for cert-manager and a volume; slow clusters need more). Plain values; unset fields keep the
   * default. Default: `20m` each.
   */
  readonly customTimeouts?: ResourceTimeouts;
}

/** The extension's default operation timeouts: an install takes up to ten minutes on a healthy cluster. */
const defaultExtensionTimeouts = { create: "20m", update: "20m", delete: "20m" };

/** The extension's fixed identity (platform-facts §3). */
const extensionType = "Microsoft.ContainerRegistry.ConnectedRegistry";
const releaseNamespace = "connected-registry";
/** The cluster's resource provider; an unknown type (from an output) fails naming `clusterType`. */
function clusterProviderOf(type: ClusterType): { clusterRp: string; clusterResourceName: string } {
  const provider = clusterProviders[type];
  if (provider === undefined) {
    throw inputError("clusterType", `is "${type}"; use ${Object.values(ClusterType).join(" or ")}.`);
  }
  return provider;
}

const clusterProviders: Record<ClusterType, { clusterRp: string; clusterResourceName: string }> = {
  [ClusterType.ConnectedClusters]: { clusterRp: "Microsoft.Kubernetes", clusterResourceName: "connectedClusters" },
  [ClusterType.ManagedClusters]: { clusterRp: "Microsoft.ContainerService", clusterResourceName: "managedClusters" },
};
/** Settings keys owned by arguments of this component, with the argument to use instead. */
const managedKeys: [RegExp, string][] = [
  [/^service\.clusterIP$/, "serviceClusterIP"],
  [/^cert-manager\./, "tlsMode"],
  [/^trustDistribution\./, "trustDistribution / trustDistributionSkipNodeSelector"],
  [/^pvc\.storageClassName$/, "pvcStorageClassName"],
  [/^pvc\.storageRequest$/, "pvcStorageRequest"],
];
const quantity = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;

const base64 = (value: pulumi.Input<string>) =>
  pulumi.output(value).apply((v) => Buffer.from(v, "utf8").toString("base64"));

/** The reason a configuration settings key may not be passed through, or undefined. */
function settingsKeyProblem(key: string): string | undefined {
  // ARM and the extension's Helm chart do not care about case or stray whitespace: `ConnectionString` or
  // ` TLS.key ` would still be secret material stored in clear.
  const normalised = key.trim().toLowerCase();
  if (normalised === "connectionstring" || normalised.startsWith("tls.")) {
    return "is secret material and belongs in the protected settings, which this component fills: pass the connection string as `connectionString` and TLS material as `certificate` or `tlsSecretName` (configurationSettings are stored in clear).";
  }
  const managed = managedKeys.find(([pattern]) => pattern.test(key.trim()));
  return managed ? `is set by the ${managed[1]} argument; use that instead.` : undefined;
}

/**
 * The connected registry's Arc extension (`kubernetesconfiguration.Extension`) with its settings for the
 * chosen TLS mode, a generated certificate and TLS Secret when needed, and deactivation of the
 * connected registry when the extension is deleted or replaced.
 */
export class ConnectedRegistryExtension extends pulumi.ComponentResource {
  /** ARM id of the extension. */
  public readonly extensionId: pulumi.Output<string>;
  /** Provisioning state of the extension (`Succeeded` once installed). */
  public readonly provisioningState: pulumi.Output<string>;
  /** The installed extension version. */
  public readonly currentVersion: pulumi.Output<string>;
  /** Where pods pull from: the service cluster IP (IPv6 in brackets), e.g. `192.100.100.1/hello-world:latest`. */
  public readonly registryEndpoint: pulumi.Output<string>;
  /**
   * The CA certificate (PEM) nodes must trust, when this component knows it (`Certificate` mode, or
   * `KubernetesSecret` mode with a given or generated certificate); undefined with cert-manager or `tlsSecretName`.
   */
  public readonly caCertificatePem: pulumi.Output<string | undefined>;
  /** Principal id of the extension's system-assigned identity. */
  public readonly principalId: pulumi.Output<string | undefined>;
  /** The Arc extension resource, for `dependsOn` (e.g. workloads that pull from it) or any of its outputs. */
  public readonly extension: kubernetesconfiguration.Extension;

  constructor(name: string, args: ConnectedRegistryExtensionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("edge-registry:index:ConnectedRegistryExtension", name, {}, opts);
    const plan = validateArgs(args);
    const customTimeouts = checkedTimeouts("customTimeouts", args.customTimeouts, defaultExtensionTimeouts);

    const serviceClusterIP = checkedClusterIP(args);
    const certificate =
      plan.certificate !== undefined
        ? checkedCertificate("certificate", plan.certificate, serviceClusterIP, knownValue(args.serviceClusterIP), this)
        : plan.generate
          ? this.generatedCertificate(name, args, serviceClusterIP)
          : undefined;

    const tlsProtected: { [key: string]: pulumi.Input<string> } = {};
    if (plan.mode === TlsMode.Certificate && certificate) {
      tlsProtected["tls.crt"] = base64(certificate.certificatePem);
      tlsProtected["tls.key"] = base64(certificate.privateKeyPem);
      tlsProtected["tls.cacrt"] = base64(certificate.caCertificatePem);
    } else if (plan.mode === TlsMode.KubernetesSecret) {
      tlsProtected["tls.secret"] = args.tlsSecretName ?? this.tlsSecret(name, certificate!);
    }

    // The cluster's provider may come from another stack's output (a fleet site reads it from the hub): mapped
    // when known, checked inside the apply otherwise.
    const cluster = {
      clusterRp: mapInput(plan.clusterType, (type) => clusterProviderOf(type).clusterRp),
      clusterResourceName: mapInput(plan.clusterType, (type) => clusterProviderOf(type).clusterResourceName),
    };
    const extensionName = args.extensionName ?? name;
    const deactivation = this.deactivation(name, args, { ...cluster, extensionName });
    const extension = new kubernetesconfiguration.Extension(
      name,
      {
        resourceGroupName: args.resourceGroupName,
        clusterName: args.clusterName,
        ...cluster,
        extensionName,
        extensionType,
        autoUpgradeMinorVersion: args.autoUpgradeMinorVersion ?? true,
        // Always sent: azure-native would otherwise send `Stable`, where this extension (and a pinned
        // preview version) is not published.
        releaseTrain: args.releaseTrain ?? "preview",
        version: args.version,
        scope: { cluster: { releaseNamespace } },
        identity: { type: "SystemAssigned" },
        configurationSettings: configurationSettings(args, plan.mode, serviceClusterIP),
        configurationProtectedSettings: pulumi.secret(
          pulumi.all({ connectionString: args.connectionString, ...tlsProtected }),
        ),
      },
      {
        parent: this,
        // The old extension must be gone before a new one is installed for the same connected registry
        // (one activation at a time), and an install takes up to ten minutes (`customTimeouts`).
        deleteBeforeReplace: true,
        customTimeouts,
        // See `deactivation` for why the extension depends on its deactivation resource.
        ...(deactivation ? { dependsOn: [deactivation], replaceWith: [deactivation] } : {}),
      },
    );

    this.extension = extension;
    this.extensionId = extension.id;
    this.provisioningState = extension.provisioningState;
    this.currentVersion = extension.currentVersion;
    this.registryEndpoint = pulumi.output(mapInput(serviceClusterIP, registryEndpointOf));
    this.caCertificatePem = certificate ? certificate.caCertificatePem : pulumi.output(undefined);
    this.principalId = extension.identity.apply((identity) => identity?.principalId);

    this.registerOutputs();
  }

  /** A CA and serving certificate for the cluster IP, checked like a supplied one once known. */
  private generatedCertificate(name: string, args: ConnectedRegistryExtensionArgs, ip: pulumi.Input<string>) {
    const generated = new RegistryCertificate(
      `${name}-tls`,
      { ipAddresses: [ip], rotationTrigger: args.certificateRotationTrigger },
      { parent: this },
    );
    return checkedCertificate(
      "generated certificate",
      {
        certificatePem: generated.certificatePem,
        privateKeyPem: generated.privateKeyPem,
        caCertificatePem: generated.caCertificatePem,
      },
      ip,
      undefined,
      this,
    );
  }

  /**
   * The `kubernetes.io/tls` Secret the extension reads (`tls.secret`), in the release namespace. The
   * namespace is declared too because the Secret must exist before the extension installs (which is what
   * would otherwise create the namespace); it is retained on delete as the extension may own it too.
   */
  private tlsSecret(name: string, certificate: CheckedCertificate): pulumi.Output<string> {
    const namespace = new corev1.Namespace(
      `${name}-namespace`,
      { metadata: { name: releaseNamespace } },
      { parent: this, retainOnDelete: true },
    );
    const secret = new corev1.Secret(
      `${name}-tls`,
      {
        metadata: { namespace: namespace.metadata.name },
        type: "kubernetes.io/tls",
        data: pulumi.secret({
          "ca.crt": base64(certificate.caCertificatePem),
          "tls.crt": base64(certificate.certificatePem),
          "tls.key": base64(certificate.privateKeyPem),
        }),
      },
      { parent: this },
    );
    return secret.metadata.name;
  }

  /**
   * The resource whose delete deactivates the connected registry (`ConnectedRegistryDeactivation`).
   *
   * Ordering: the extension depends on it, and Pulumi deletes dependents before their dependencies, so
   * - removing the component (or `pulumi destroy`) deletes the extension first, then this resource:
   *   the connected registry is deactivated once the extension that activated it is gone;
   * - replacing the extension: this resource's inputs include every property that replaces the
   *   extension (cluster, extension name and type, release namespace), so it is replaced in the same
   *   update, delete-before-replace: the old connected registry is deactivated before the new extension
   *   (and this resource's no-op create) runs; the extension's `replaceWith` makes a replacement of this
   *   resource (e.g. another connected registry) also reinstall the extension.
   */
  private deactivation(
    name: string,
    args: ConnectedRegistryExtensionArgs,
    cluster: {
      clusterRp: pulumi.Input<string>;
      clusterResourceName: pulumi.Input<string>;
      extensionName: pulumi.Input<string>;
    },
  ): pulumi.Resource | undefined {
    const reference = knownValue(args.connectedRegistry);
    if (reference === undefined) {
      return undefined;
    }
    return operationResource(
      deactivationOperation,
      `${name}-deactivation`,
      {
        subscriptionId:
          reference.subscriptionId ?? authorization.getClientConfigOutput({ parent: this }).subscriptionId,
        resourceGroupName: reference.resourceGroupName,
        registryName: reference.registryName,
        connectedRegistryName: reference.connectedRegistryName,
        extension: pulumi.all({
          resourceGroupName: args.resourceGroupName,
          clusterName: args.clusterName,
          clusterRp: cluster.clusterRp,
          clusterResourceName: cluster.clusterResourceName,
          extensionName: cluster.extensionName,
          extensionType,
          releaseNamespace,
        }),
      },
      [],
      { parent: this, deleteBeforeReplace: true },
    );
  }
}

/** A certificate whose checks run when its values are known; `caCertificatePem` is always set. */
interface CheckedCertificate {
  certificatePem: pulumi.Output<string>;
  privateKeyPem: pulumi.Output<string>;
  caCertificatePem: pulumi.Output<string>;
}

/**
 * Checks a serving certificate for `ip` now when everything is known (`plainIP` is its value when known) (throwing an error that names
 * `label.<field>`), and otherwise when the values resolve, failing the deployment with the same message.
 * Warns when it expires within 30 days. Without a CA, the (self-signed) certificate is its own CA.
 */
function checkedCertificate(
  label: string,
  certificate: TlsCertificate,
  ip: pulumi.Input<string>,
  plainIP: string | undefined,
  resource: pulumi.Resource,
): CheckedCertificate {
  const problem = (pems: CertificatePems, address: string) => {
    const found = servingCertificateProblem(pems, address);
    return found ? inputError(`${label}.${found.field}`, found.reason) : undefined;
  };
  const plain = {
    certificatePem: knownValue(certificate.certificatePem),
    privateKeyPem: knownValue(certificate.privateKeyPem),
    caCertificatePem: knownValue(certificate.caCertificatePem),
  };
  const caKnown = certificate.caCertificatePem === undefined || plain.caCertificatePem !== undefined;
  if (plain.certificatePem !== undefined && plain.privateKeyPem !== undefined && caKnown && plainIP !== undefined) {
    const error = problem(plain as CertificatePems, plainIP);
    if (error) {
      throw error;
    }
  }
  const checked = pulumi
    .all([certificate.certificatePem, certificate.privateKeyPem, certificate.caCertificatePem, ip])
    .apply(([certificatePem, privateKeyPem, caCertificatePem, address]) => {
      const error = problem({ certificatePem, privateKeyPem, caCertificatePem }, address);
      if (error) {
        throw error;
      }
      const warning = expiryWarning(certificatePem);
      if (warning) {
        void pulumi.log.warn(`${label}: ${warning}`, resource);
      }
      return { certificatePem, privateKeyPem, caCertificatePem: caCertificatePem ?? certificatePem };
    });
  // The check reads the private key, which taints everything it returns as secret; the certificates are
  // public (nodes and reviewers must see them), so only the key stays secret.
  return {
    certificatePem: pulumi.unsecret(checked.certificatePem),
    privateKeyPem: pulumi.secret(checked.privateKeyPem),
    caCertificatePem: pulumi.unsecret(checked.caCertificatePem),
  };
}

/** `serviceClusterIP`, checked (and checked against `serviceCidr`) now when known, else once known. */
function checkedClusterIP(args: ConnectedRegistryExtensionArgs): pulumi.Input<string> {
  return mapAll([args.serviceClusterIP, args.serviceCidr], ([ip, cidr]) => {
    const reason = clusterIPProblem(ip, cidr !== undefined && cidrProblem(cidr) === undefined ? cidr : undefined);
    if (reason !== undefined) {
      throw inputError("serviceClusterIP", reason);
    }
    return ip;
  });
}

/** The non-secret settings (platform-facts §3), exactly as the seeds' `--config` flags for the mode. */
function configurationSettings(
  args: ConnectedRegistryExtensionArgs,
  mode: TlsMode,
  serviceClusterIP: pulumi.Input<string>,
): pulumi.Input<{ [key: string]: string }> {
  return mapAll(
    [
      serviceClusterIP,
      args.trustDistribution,
      args.trustDistributionSkipNodeSelector,
      args.pvcStorageClassName,
      args.pvcStorageRequest,
      args.configurationSettings,
    ],
    ([ip, trust, skipNodeSelector, storageClass, storageRequest, extra]) => {
      for (const key of Object.keys(extra ?? {})) {
        const reason = settingsKeyProblem(key);
        if (reason) {
          throw inputError(`configurationSettings["${key}"]`, reason);
        }
      }
      const settings: { [key: string]: string } = { "service.clusterIP": ip };
      if (mode === TlsMode.Certificate || mode === TlsMode.KubernetesSecret) {
        settings["cert-manager.enabled"] = "false";
      }
      if (mode !== TlsMode.CertManager) {
        settings["cert-manager.install"] = "false";
      }
      if (trust === false) {
        settings["trustDistribution.enabled"] = "false";
      }
      if (skipNodeSelector !== undefined) {
        settings["trustDistribution.skipNodeSelector"] = String(skipNodeSelector);
      }
      if (storageClass !== undefined) {
        settings["pvc.storageClassName"] = storageClass;
      }
      if (storageRequest !== undefined) {
        settings["pvc.storageRequest"] = storageRequest;
      }
      return { ...settings, ...extra };
    },
  );
}

/** What the constructor decided from the plain arguments. */
interface Plan {
  mode: TlsMode;
  clusterType: pulumi.Input<ClusterType>;
  certificate?: TlsCertificate;
  generate: boolean;
}

/** Checks every argument known at construction; conflicts throw an error naming the argument. */
function validateArgs(args: ConnectedRegistryExtensionArgs): Plan {
  for (const [path, value] of Object.entries({
    tlsMode: args.tlsMode,
    certificate: args.certificate,
    generateCertificate: args.generateCertificate,
    connectedRegistry: args.connectedRegistry,
  })) {
    if (!isKnown(value)) {
      throw inputError(path, "must be known when the program runs (it decides which resources are created).");
    }
  }
  validateKnown("tlsMode", args.tlsMode, oneOf(Object.values(TlsMode)));
  validateKnown("clusterType", args.clusterType, oneOf(Object.values(ClusterType)));
  const mode = (knownValue(args.tlsMode) ?? TlsMode.CertManager) as TlsMode;
  const usesCertManager = mode === TlsMode.CertManager || mode === TlsMode.PreinstalledCertManager;
  const certificate = knownValue(args.certificate);
  const generateAllowed = knownValue(args.generateCertificate) !== false;

  validateKnown("serviceCidr", args.serviceCidr, cidrProblem);
  const cidr = knownValue(args.serviceCidr);
  validateKnown("serviceClusterIP", args.serviceClusterIP, (ip) => clusterIPProblem(ip, cidr));

  if (certificate !== undefined && usesCertManager) {
    throw inputError(
      "certificate",
      `cannot be used with tlsMode ${mode}, where cert-manager issues the certificate; set tlsMode to Certificate or KubernetesSecret, or remove it.`,
    );
  }
  if (args.tlsSecretName !== undefined && mode !== TlsMode.KubernetesSecret) {
    throw inputError(
      "tlsSecretName",
      `only applies to tlsMode KubernetesSecret (tlsMode is ${mode}); set tlsMode: KubernetesSecret or remove it.`,
    );
  }
  if (args.tlsSecretName !== undefined && certificate !== undefined) {
    throw inputError(
      "certificate",
      "cannot be combined with tlsSecretName: the existing Secret already holds the certificate; remove one of them.",
    );
  }
  validateKnown("tlsSecretName", args.tlsSecretName, (v) =>
    isDns1123Subdomain(v) ? undefined : `"${v}" is not a valid Secret name (lowercase letters, digits, '-' and '.').`,
  );
  const needsCertificate =
    mode === TlsMode.Certificate || (mode === TlsMode.KubernetesSecret && args.tlsSecretName === undefined);
  if (needsCertificate && certificate === undefined && !generateAllowed) {
    throw mode === TlsMode.Certificate
      ? inputError("certificate", "is required in tlsMode Certificate when generateCertificate is false.")
      : inputError(
          "tlsSecretName",
          "is required in tlsMode KubernetesSecret when neither certificate is given nor generateCertificate is allowed: name an existing kubernetes.io/tls Secret, pass certificate, or let the component generate one.",
        );
  }
  if (args.certificateRotationTrigger !== undefined && !(needsCertificate && certificate === undefined)) {
    throw inputError(
      "certificateRotationTrigger",
      "only rotates a generated certificate; it has no effect with certificate, tlsSecretName or a cert-manager tlsMode.",
    );
  }

  // An output (e.g. following a version read from another stack) is checked by the service, not here.
  const autoUpgrade = args.autoUpgradeMinorVersion === undefined || knownValue(args.autoUpgradeMinorVersion) === true;
  if (args.version !== undefined && autoUpgrade) {
    throw inputError(
      "version",
      "pins a version, which requires autoUpgradeMinorVersion: false; set it, or remove version.",
    );
  }
  validateKnown("pvcStorageRequest", args.pvcStorageRequest, (v) =>
    quantity.test(v) ? undefined : `"${v}" is not a Kubernetes quantity (e.g. 250Gi).`,
  );
  const extra = knownValue(args.configurationSettings);
  for (const key of Object.keys(extra ?? {})) {
    validateKnown(`configurationSettings["${key}"]`, key, settingsKeyProblem);
  }
  validateKnown("connectionString", args.connectionString, (v) =>
    ["ConnectedRegistryName=", "SyncTokenName=", "SyncTokenPassword=", "ParentGatewayEndpoint="].every((part) =>
      v.includes(part),
    )
      ? undefined
      : "is not a connected registry connection string (ConnectedRegistryName=...;SyncTokenName=...;SyncTokenPassword=...;ParentGatewayEndpoint=...;ParentEndpointProtocol=https); use ConnectedRegistry.connectionString.",
  );

  return {
    mode,
    clusterType: args.clusterType ?? ClusterType.ConnectedClusters,
    certificate,
    generate: needsCertificate && certificate === undefined,
  };
}
