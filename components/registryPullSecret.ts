import * as pulumi from "@pulumi/pulumi";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import { dockerConfigJsonOf } from "./lib/dockerConfig";
import { registryHostProblem } from "./lib/imageReference";
import { dns1123LabelProblem, dns1123SubdomainProblem } from "./lib/kubernetesNames";
import { Check, firstDuplicate, inputError, knownValue, validateKnown, validateWhenKnown } from "./lib/validation";

/** The arguments of {@link RegistryPullSecret}. */
export interface RegistryPullSecretArgs {
  /**
   * The registry host exactly as it appears in image references: `myacr.azurecr.io`, `192.100.100.1`,
   * `registry.local:5000` or `[fd00::1]:443`. Not a URL: no scheme, no path. Required.
   */
  readonly server: pulumi.Input<string>;
  /** The user name: a token name, or a service principal's application (client) id. Required, not empty. */
  readonly username: pulumi.Input<string>;
  /**
   * The password. Stored only in the Secret's data, which is marked secret. Required, not empty.
   * @secret
   */
  readonly password: pulumi.Input<string>;
  /** Optional e-mail written into the entry, as `kubectl create secret docker-registry --docker-email`. Default: none. */
  readonly email?: pulumi.Input<string>;
  /** Namespace of the Secret (a DNS-1123 label). Default: the Kubernetes provider's default namespace. */
  readonly namespace?: pulumi.Input<string>;
  /** Name of the Secret (a DNS-1123 subdomain). Default: an auto-name derived from the resource name. */
  readonly secretName?: pulumi.Input<string>;
  /**
   * Existing ServiceAccounts in the same namespace whose `imagePullSecrets` get this Secret through a
   * server-side apply patch (the ServiceAccount itself is neither created nor taken over). Names must be
   * known when the program runs and unique. `imagePullSecrets` is an atomic list under server-side apply:
   * the patch owns the whole list, so a list someone else already set makes the update fail with a
   * conflict instead of being overwritten. Default: none (reference the Secret from each pod instead).
   */
  readonly serviceAccountNames?: pulumi.Input<string>[];
}

/**
 * A `kubernetes.io/dockerconfigjson` Secret whose `.dockerconfigjson` is byte for byte what
 * `kubectl create secret docker-registry NAME --docker-server --docker-username --docker-password
 * [--docker-email]` writes, optionally added to the `imagePullSecrets` of existing ServiceAccounts.
 */
export class RegistryPullSecret extends pulumi.ComponentResource {
  /** The name of the Secret, for a pod's `imagePullSecrets`. */
  public readonly secretName: pulumi.Output<string>;
  /** The namespace of the Secret (pods must run in the same namespace). */
  public readonly namespace: pulumi.Output<string>;
  /** The Secret resource (its data is secret), for `dependsOn` or any of its outputs. */
  public readonly secret: corev1.Secret;

  constructor(name: string, args: RegistryPullSecretArgs, opts?: pulumi.ComponentResourceOptions) {
    super("edge-registry:index:RegistryPullSecret", name, {}, opts);

    const server = validateWhenKnown("server", args.server, registryHostProblem);
    const username = validateWhenKnown("username", args.username, notEmpty("the registry user name"));
    const password = validateWhenKnown("password", args.password, notEmpty("the registry password"));
    validateKnown("namespace", args.namespace, dns1123LabelProblem);
    validateKnown("secretName", args.secretName, dns1123SubdomainProblem);
    const serviceAccountNames = plainServiceAccountNames(args.serviceAccountNames);

    const dockerConfigJson = pulumi
      .all([server, username, password, args.email])
      .apply(([s, u, p, e]) => Buffer.from(dockerConfigJsonOf(s, u, p, e)).toString("base64"));

    const secret = new corev1.Secret(
      name,
      {
        metadata: { name: args.secretName, namespace: args.namespace },
        type: "kubernetes.io/dockerconfigjson",
        data: pulumi.secret({ ".dockerconfigjson": dockerConfigJson }),
      },
      { parent: this },
    );

    for (const serviceAccountName of serviceAccountNames) {
      new corev1.ServiceAccountPatch(
        `${name}-sa-${serviceAccountName}`,
        {
          metadata: { name: serviceAccountName, namespace: secret.metadata.namespace },
          imagePullSecrets: [{ name: secret.metadata.name }],
        },
        { parent: this },
      );
    }

    this.secret = secret;
    this.secretName = secret.metadata.name;
    this.namespace = secret.metadata.namespace;
    this.registerOutputs();
  }
}

function notEmpty(what: string): Check<string> {
  return (value) => (value === "" ? `${what} must not be empty.` : undefined);
}

/** The service account names, which name child resources and so must be known now. */
function plainServiceAccountNames(names: pulumi.Input<string>[] | undefined): string[] {
  const plain = (names ?? []).map((n, i) => {
    const path = `serviceAccountNames[${i}]`;
    const value = knownValue(n);
    if (value === undefined) {
      throw inputError(path, "must be a plain string known when the program runs (it names a child resource).");
    }
    validateKnown(path, value, dns1123SubdomainProblem);
    return value;
  });
  const duplicate = firstDuplicate(plain);
  if (duplicate !== undefined) {
    throw inputError("serviceAccountNames", `"${duplicate}" is listed twice; list each ServiceAccount once.`);
  }
  return plain;
}
