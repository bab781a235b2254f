/** Stack rules about pulling from private registries: pull secrets present, and pointing at the right server. */
import { isPrivateHost, normaliseHost, parseImage } from "./images";
import { Finding, Props, StackResource, arrayAt, isUnknown, objectAt, stringAt } from "./values";
import { Workload, namespaceOf, workloadsOf as workloadsOfResource } from "./workload";

const SERVICE_ACCOUNT_TYPES = ["kubernetes:core/v1:ServiceAccount", "kubernetes:core/v1:ServiceAccountPatch"];
const SECRET_TYPE = "kubernetes:core/v1:Secret";
const DOCKER_CONFIG_JSON = "kubernetes.io/dockerconfigjson";

/** Whether a list of pull secrets is known and non-empty, or unknown (then it may well be non-empty). */
function hasOrMayHave(value: unknown): boolean {
  return isUnknown(value) || arrayAt(value).length > 0;
}

/** The workloads of a stack with their resources. */
function workloadsOf(resources: StackResource[]): { resource: StackResource; workload: Workload }[] {
  return resources.flatMap((resource) => {
    return workloadsOfResource(resource.type, resource.props).map((workload) => ({ resource, workload }));
  });
}

/** Whether a ServiceAccount (or patch) in the stack gives pods of `namespace`/`name` image pull secrets. */
function serviceAccountProvides(resources: StackResource[], namespace: string, name: string): boolean {
  return resources.some((r) => {
    if (!SERVICE_ACCOUNT_TYPES.includes(r.type)) {
      return false;
    }
    const metadata = objectAt(r.props.metadata) ?? {};
    const sameNamespace = isUnknown(metadata.namespace) || namespaceOf(metadata) === namespace;
    const sameName = isUnknown(metadata.name) || metadata.name === name;
    return sameNamespace && sameName && hasOrMayHave(r.props.imagePullSecrets);
  });
}

/**
 * Pull secret present (stack): a workload with images from a private registry (see `isPrivateHost`) needs image
 * pull secrets, either in its pod spec or on its service account (a `ServiceAccount` or `ServiceAccountPatch` in
 * the stack, as `RegistryPullSecret` with `serviceAccountNames` creates). Otherwise the kubelet pulls
 * anonymously and the pod stays in `ImagePullBackOff` (`unauthorized`).
 */
export function pullSecretFindings(
  resources: StackResource[],
  privateRegistryHosts: readonly string[] = [],
): Finding[] {
  return workloadsOf(resources).flatMap(({ resource, workload }) => {
    const privateImages = workload.containers
      .map((c) => c.image)
      .filter(
        (image): image is string => image !== undefined && isPrivateHost(parseImage(image).host, privateRegistryHosts),
      );
    // A patch that leaves imagePullSecrets out keeps the existing object's (server-side apply).
    const keptByPatch = workload.form === "patch" && workload.podSpec.imagePullSecrets === undefined;
    if (privateImages.length === 0 || keptByPatch || hasOrMayHave(workload.podSpec.imagePullSecrets)) {
      return [];
    }
    const namespace = namespaceOf(workload.metadata) ?? "default";
    const account =
      stringAt(workload.podSpec.serviceAccountName) ?? stringAt(workload.podSpec.serviceAccount) ?? "default";
    if (isUnknown(workload.podSpec.serviceAccountName) || serviceAccountProvides(resources, namespace, account)) {
      return [];
    }
    return [
      {
        urn: resource.urn,
        message:
          `${resource.name}: images ${[...new Set(privateImages)].join(", ")} come from a private registry but the pod has no imagePullSecrets ` +
          `and service account "${account}" gets none in this stack: add a kubernetes.io/dockerconfigjson Secret for the registry to imagePullSecrets.`,
      },
    ];
  });
}

/**
 * The servers of a `.dockerconfigjson` Secret, normalised; `undefined` when the data cannot be read (unknown
 * during preview, or not JSON). Reads `stringData` (plain JSON) or `data` (base64 JSON).
 */
export function dockerConfigServers(props: Props): string[] | undefined {
  const fromStringData = objectAt(props.stringData)?.[".dockerconfigjson"];
  const fromData = objectAt(props.data)?.[".dockerconfigjson"];
  let json: string | undefined;
  if (typeof fromStringData === "string" && !isUnknown(fromStringData)) {
    json = fromStringData;
  } else if (typeof fromData === "string" && !isUnknown(fromData)) {
    json = Buffer.from(fromData, "base64").toString("utf8");
  }
  if (json === undefined) {
    return undefined;
  }
  try {
    const auths = objectAt(objectAt(JSON.parse(json))?.auths);
    return auths ? Object.keys(auths).map(normaliseHost) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Pull secret server matches an image host (stack, advisory): kubelet only uses a credential whose server equals
 * the image's host exactly (`10.0.0.5` is not `10.0.0.5:443`, `https://x.azurecr.io/v1/` is `x.azurecr.io`).
 * A `kubernetes.io/dockerconfigjson` Secret whose servers match no image host of the stack's workloads is
 * probably mistyped. Secrets whose data cannot be read yet, and stacks without workloads, are not judged.
 */
export function pullSecretServerFindings(resources: StackResource[]): Finding[] {
  const hosts = new Set(
    workloadsOf(resources).flatMap(({ workload }) =>
      workload.containers.flatMap((c) => (c.image === undefined ? [] : [parseImage(c.image).host])),
    ),
  );
  if (hosts.size === 0) {
    return [];
  }
  return resources
    .filter((r) => r.type === SECRET_TYPE && stringAt(r.props.type) === DOCKER_CONFIG_JSON)
    .flatMap((r) => {
      const servers = dockerConfigServers(r.props);
      if (servers === undefined || servers.some((server) => hosts.has(server))) {
        return [];
      }
      return [
        {
          urn: r.urn,
          message:
            `pull secret "${r.name}" has credentials for ${servers.join(", ") || "no server"}, which matches no image host of this stack ` +
            `(${[...hosts].join(", ")}): set --docker-server to exactly the image's host (and port).`,
        },
      ];
    });
}
