import * as pulumi from "@pulumi/pulumi";
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import { leafSubjects, trustedCertificateCheck } from "./lib/pem";
import { inputError, isKnown, knownValue, oneOf, validateKnown } from "./lib/validation";

/** API version of `TkgServiceConfiguration` (vSphere with Tanzu Supervisor). */
export enum TkgApiVersion {
  /** `run.tanzu.vmware.com/v1alpha1` (vSphere 7 U2 and later; the version of the VMware docs). */
  V1alpha1 = "run.tanzu.vmware.com/v1alpha1",
  /** `run.tanzu.vmware.com/v1alpha2`. */
  V1alpha2 = "run.tanzu.vmware.com/v1alpha2",
  /** `run.tanzu.vmware.com/v1alpha3`. */
  V1alpha3 = "run.tanzu.vmware.com/v1alpha3",
}

/** Default CNI of new Tanzu Kubernetes clusters. */
export enum TkgCni {
  /** Antrea (the TKG service default). */
  Antrea = "antrea",
  /** Calico. */
  Calico = "calico",
}

/** One CA certificate that Tanzu Kubernetes cluster nodes trust. */
export interface TrustedCertificate {
  /**
   * Name of the entry: letters, digits, `.`, `_` and `-`, unique in the list. Nodes get it as
   * `/etc/ssl/certs/tkg-<name>.pem`. Required.
   */
  readonly name: pulumi.Input<string>;
  /**
   * PEM of one CA certificate (e.g. the private registry's self-signed CA). Must parse and must not have
   * expired; a leaf (non-CA, not self-signed) certificate is accepted with a warning. Stored base64-encoded
   * in clear text (it is public). Change it to rotate. Required.
   */
  readonly certificatePem: pulumi.Input<string>;
}

/** Arguments of {@link TanzuRegistryTrust}. */
export interface TanzuRegistryTrustArgs {
  /**
   * The CAs new Tanzu Kubernetes clusters trust (`spec.trust.additionalTrustedCAs`), in order. Rotation =
   * changing an entry's `certificatePem`; removal = dropping the entry. Required (may be empty).
   */
  readonly certificates: pulumi.Input<pulumi.Input<TrustedCertificate>[]>;
  /** API version of the object (a plain value). Default `run.tanzu.vmware.com/v1alpha1` (as in the VMware docs). */
  readonly apiVersion?: pulumi.Input<TkgApiVersion>;
  /** `spec.defaultCNI`: the CNI of new clusters that do not choose one. Default `antrea`. */
  readonly defaultCNI?: pulumi.Input<TkgCni>;
  /**
   * Name of the object. The TKG service reads only `tkg-service-configuration` (the cluster-wide
   * singleton); override only for a Supervisor that differs. Default `tkg-service-configuration`.
   */
  readonly configurationName?: pulumi.Input<string>;
  /**
   * Take over fields another manager (e.g. an earlier `kubectl apply`) set on the existing singleton, via
   * the `pulumi.com/patchForce` server-side-apply annotation. Without it such conflicts fail the update.
   * Default false.
   */
  readonly forceOwnership?: pulumi.Input<boolean>;
  /**
   * Keep the object in the cluster when the component is deleted. The singleton is shared by the whole
   * Supervisor (and usually existed before this stack), so it is kept by default; set false to delete it.
   * A plain value (a resource option).
   * Default true.
   */
  readonly retainOnDelete?: pulumi.Input<boolean>;
}

/**
 * Makes new Tanzu Kubernetes clusters (vSphere with Tanzu 7 U2+) trust private registries with
 * self-signed certificates: the Supervisor's `TkgServiceConfiguration` with
 * `spec.trust.additionalTrustedCAs: [{name, data: base64(PEM)}]` and `spec.defaultCNI`.
 *
 * Apply it with a Kubernetes provider for the **Supervisor** cluster (not a workload cluster). The
 * object is a cluster-wide singleton named `tkg-service-configuration`: with server-side apply (the
 * Pulumi Kubernetes provider default) an existing one is updated in place ("upsert"); use one component
 * per Supervisor. The trust applies to clusters created afterwards: **existing clusters need a rolling
 * update** (the first custom `TkgServiceConfiguration` starts one). Nodes hold each CA as
 * `/etc/ssl/certs/tkg-<name>.pem`; a missing or wrong CA shows up as `x509: certificate signed by
 * unknown authority` / `ErrImagePull`. Clusters of the v1beta1 `Cluster` API use a Secret instead.
 */
export class TanzuRegistryTrust extends pulumi.ComponentResource {
  /** Names of the trusted CA entries, in order. */
  public readonly trustedCaNames: pulumi.Output<string[]>;
  /** Name of the `TkgServiceConfiguration` object. */
  public readonly configurationName: pulumi.Output<string>;

  constructor(name: string, args: TanzuRegistryTrustArgs, opts?: pulumi.ComponentResourceOptions) {
    super("edge-registry:index:TanzuRegistryTrust", name, {}, opts);

    const apiVersion = args.apiVersion ?? TkgApiVersion.V1alpha1;
    if (!isKnown(apiVersion)) {
      throw inputError("apiVersion", "must be a plain value (it selects the object's type, known before deployment).");
    }
    validateKnown("apiVersion", apiVersion, oneOf(Object.values(TkgApiVersion)));
    validateKnown("defaultCNI", args.defaultCNI, oneOf(Object.values(TkgCni)));
    validateKnown("configurationName", args.configurationName, dnsSubdomainCheck);
    const retainOnDelete = args.retainOnDelete ?? true;
    if (!isKnown(retainOnDelete)) {
      throw inputError(
        "retainOnDelete",
        "must be a plain true or false (it is a resource option, known before deployment).",
      );
    }
    if (args.certificates === undefined || args.certificates === null) {
      throw inputError("certificates", "is required: pass a list of {name, certificatePem} (it may be empty).");
    }
    // Plain names and PEMs are checked now; values known only at deploy time when they resolve.
    checkCertificates(
      (knownValue(args.certificates) ?? []).map((certificate) => ({
        name: knownValue(knownValue(certificate)?.name),
        certificatePem: knownValue(knownValue(certificate)?.certificatePem),
      })),
    );
    const certificates = pulumi.output(args.certificates).apply((list) => {
      checkCertificates(list);
      list.forEach((certificate, index) => this.warnLeaves(index, certificate.certificatePem));
      return list;
    });
    const trustedCAs = certificates.apply((list) =>
      list.map((certificate) => ({
        name: certificate.name,
        data: Buffer.from(certificate.certificatePem, "utf8").toString("base64"),
      })),
    );

    const configurationName = args.configurationName ?? "tkg-service-configuration";
    const configuration = new CustomResource(
      name,
      {
        apiVersion,
        kind: "TkgServiceConfiguration",
        metadata: {
          name: configurationName,
          annotations: pulumi
            .output(args.forceOwnership)
            .apply((force) => (force ? { "pulumi.com/patchForce": "true" } : undefined)),
        },
        spec: {
          defaultCNI: args.defaultCNI ?? TkgCni.Antrea,
          trust: { additionalTrustedCAs: trustedCAs },
        },
      },
      { parent: this, retainOnDelete },
    );

    this.trustedCaNames = certificates.apply((certificates) => certificates.map((c) => c.name));
    this.configurationName = configuration.metadata.name;
    this.registerOutputs();
  }

  /** Warns (once per deployment, when the PEM is known) about leaf certificates. */
  private warnLeaves(index: number, pem: string): void {
    for (const subject of leafSubjects(pem)) {
      void pulumi.log.warn(
        `certificates[${index}].certificatePem: certificate "${subject}" is a leaf (neither a CA nor self-signed); nodes will trust only that ` +
          "exact certificate. Prefer the CA that issued it, so the registry's certificate can be renewed.",
        this,
      );
    }
  }
}

const pemCheck = trustedCertificateCheck({ requireCa: false, single: true });

const certificateNameCheck = (value: unknown): string | undefined =>
  typeof value === "string" && /^[A-Za-z0-9._-]+$/.test(value)
    ? undefined
    : `${JSON.stringify(value)} is not a valid name: use only letters, digits, ".", "_" and "-" (no spaces).`;

const dnsSubdomainCheck = (value: string): string | undefined =>
  /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(value)
    ? undefined
    : `"${value}" is not a Kubernetes object name (lowercase letters, digits, "-" and ".").`;

/**
 * Checks each entry's name (valid, not repeated) and PEM (parses, one certificate, not expired), skipping
 * values not known yet. Throws an input error naming the entry.
 */
function checkCertificates(list: readonly { name?: string; certificatePem?: string }[]): void {
  const names: string[] = [];
  list.forEach(({ name, certificatePem }, index) => {
    if (name !== undefined) {
      validateKnown(`certificates[${index}].name`, name, certificateNameCheck);
      if (names.includes(name)) {
        throw inputError(
          `certificates[${index}].name`,
          `"${name}" is used twice; each trusted CA needs its own name (drop or rename one).`,
        );
      }
      names.push(name);
    }
    validateKnown(`certificates[${index}].certificatePem`, certificatePem, pemCheck);
  });
}
