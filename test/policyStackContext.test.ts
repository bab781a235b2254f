/**
 * The policy pack in context: what the rest of the stack provides (node trust, connected registries, service
 * accounts, public registries), unknown values during preview, and the pack's configuration.
 */
import "./harness/mocks";
import { policies } from "../policy/policies";
import { dockerConfigServers } from "../policy/rules/pullSecrets";
import { RawResource, mandatory, runPolicies } from "./harness/policyHarness";
import {
  DIGEST,
  EDGE,
  UNKNOWN,
  container,
  dockerConfig,
  names,
  registryProps,
  secureStack,
  variant,
} from "./harness/policyStack";

describe("stack context", () => {
  it("accepts node trust from a NodeRegistryTrust DaemonSet or a Tanzu TkgServiceConfiguration", async () => {
    const policy = policies.filter((p) => p.name === "extension-node-trust-when-distribution-off");
    const stack = variant("site1-ext", (p) => (p.configurationSettings["trustDistribution.enabled"] = false));
    const daemonSet: RawResource = {
      type: "kubernetes:apps/v1:DaemonSet",
      name: "trust",
      props: {
        metadata: { namespace: "kube-system", labels: { "app.kubernetes.io/component": "node-registry-trust" } },
      },
    };
    const tanzu: RawResource = {
      type: "kubernetes:run.tanzu.vmware.com/v1alpha1:TkgServiceConfiguration",
      name: "tkg",
      props: { spec: { trust: { additionalTrustedCAs: [{ name: "edge", data: "LS0t" }] } } },
    };
    expect(await runPolicies(stack, { policies: policy })).toHaveLength(1);
    expect(await runPolicies([...stack, daemonSet], { policies: policy })).toEqual([]);
    expect(await runPolicies([...stack, tanzu], { policies: policy })).toEqual([]);
    const unlabelled = { ...daemonSet, props: { metadata: { namespace: "kube-system" } } };
    expect(await runPolicies([...stack, unlabelled], { policies: policy })).toHaveLength(1);
  });

  it("checks the data endpoint only of registries that connected registries sync from", async () => {
    const other: RawResource = {
      type: "azure-native:containerregistry:Registry",
      name: "other",
      props: { ...registryProps(), registryName: "otheracr", dataEndpointEnabled: false },
    };
    const policy = policies.filter((p) => p.name === "acr-data-endpoint-for-connected-registries");
    expect(await runPolicies([...secureStack(), other], { policies: policy })).toEqual([]);
    const withoutConnected = variant("acr", (p) => (p.dataEndpointEnabled = false)).filter((r) => r.name !== "site1");
    expect(await runPolicies(withoutConnected, { policies: policy })).toEqual([]);
  });

  it("accepts pull secrets on the pod's service account (ServiceAccount or ServiceAccountPatch in the stack)", async () => {
    const policy = policies.filter((p) => p.name === "k8s-private-registry-pull-secret");
    const stack = variant("hello", (p) => {
      delete p.spec.template.spec.imagePullSecrets;
      p.spec.template.spec.serviceAccountName = "puller";
    });
    const patch = (namespace: string): RawResource => ({
      type: "kubernetes:core/v1:ServiceAccountPatch",
      name: "puller",
      props: { metadata: { name: "puller", namespace }, imagePullSecrets: [{ name: "edge-pull" }] },
    });
    expect(await runPolicies([...stack, patch("apps")], { policies: policy })).toEqual([]);
    const [violation] = await runPolicies([...stack, patch("other")], { policies: policy });
    expect(violation.message).toBe(
      `hello: images ${EDGE}/hello-world@${DIGEST} come from a private registry but the pod has no imagePullSecrets and ` +
        'service account "puller" gets none in this stack: add a kubernetes.io/dockerconfigjson Secret for the registry to imagePullSecrets.',
    );
  });

  it("does not require pull secrets for public registries", async () => {
    const stack = variant("hello", (p) => {
      delete p.spec.template.spec.imagePullSecrets;
      container(p).image = `mcr.microsoft.com/mcr/hello-world@${DIGEST}`;
    }).filter((r) => r.name !== "edge-pull");
    expect(await runPolicies(stack)).toEqual([]);
  });

  it("reads base64 .dockerconfigjson data and normalises kubectl-style servers", async () => {
    const stack = variant("edge-pull", (p) => {
      delete p.stringData;
      p.data = { ".dockerconfigjson": Buffer.from(dockerConfig(`https://${EDGE}/v1/`)).toString("base64") };
    });
    expect(await runPolicies(stack)).toEqual([]);
  });
});

describe("unknown values during preview", () => {
  it("never abort a rule or produce a violation", async () => {
    const stack = secureStack().map((r) => {
      const props = structuredClone(r.props);
      if (r.name === "acr") {
        props.dataEndpointEnabled = UNKNOWN;
        props.adminUserEnabled = UNKNOWN;
      } else if (r.name === "site1") {
        props.registryName = UNKNOWN;
      } else if (r.name === "site1-ext") {
        props.configurationSettings["trustDistribution.enabled"] = UNKNOWN;
      } else if (r.name === "edge-pull") {
        props.stringData[".dockerconfigjson"] = UNKNOWN;
      } else if (r.name === "hello") {
        container(props).image = UNKNOWN;
        container(props).securityContext.readOnlyRootFilesystem = UNKNOWN;
      }
      return { ...r, props };
    });
    expect(await runPolicies(stack)).toEqual([]);
  });

  it("leave unreadable pull secret data unjudged", () => {
    expect(dockerConfigServers({ stringData: { ".dockerconfigjson": "not json" } })).toBeUndefined();
    expect(dockerConfigServers({ data: { ".dockerconfigjson": UNKNOWN } })).toBeUndefined();
    expect(dockerConfigServers({ stringData: { ".dockerconfigjson": dockerConfig("HTTPS://X.azurecr.io") } })).toEqual([
      "x.azurecr.io",
    ]);
  });
});

describe("configuration", () => {
  it("treats hosts from privateRegistryHosts as private", async () => {
    const stack = variant("hello", (p) => {
      delete p.spec.template.spec.imagePullSecrets;
      container(p).image = `registry.edge.local:5000/app@${DIGEST}`;
    }).filter((r) => r.name !== "edge-pull");
    expect(await runPolicies(stack)).toEqual([]);
    const config = { "k8s-private-registry-pull-secret": { privateRegistryHosts: ["registry.edge.local:5000"] } };
    expect(names(await runPolicies(stack, { config }))).toEqual(["k8s-private-registry-pull-secret"]);
  });

  it("allows listed images to be unpinned", async () => {
    const stack = variant("hello", (p) => (container(p).image = `${EDGE}/dev/app:latest`));
    const config = { "k8s-image-pinned": { allowUnpinnedImages: [`${EDGE}/dev/*`] } };
    expect(names(await runPolicies(stack, { config }))).toEqual(["k8s-image-digest"]);
  });

  it("ignores checkov.io/skip annotations on the workload: exemptions come from the pack's configuration only", async () => {
    const stack = variant("hello", (p) => {
      container(p).securityContext.runAsUser = 0;
      p.metadata.annotations = { "checkov.io/skip1": "CKV_K8S_23=writes containerd config on the host" };
    });
    expect(names(await runPolicies(stack))).toEqual(["k8s-run-as-non-root"]);
    const config = { "k8s-run-as-non-root": { exemptions: [{ name: "hello", namespace: "apps" }] } };
    expect(await runPolicies(stack, { config })).toEqual([]);
  });

  it("takes the namespace from the Kubernetes provider when the object names none", async () => {
    const [deployment] = variant("hello", (p) => delete p.metadata.namespace).filter((r) => r.name === "hello");
    expect(await runPolicies([{ ...deployment, providerProps: { namespace: "apps" } }])).toEqual([]);
  });

  it("lets config override the enforcement level", async () => {
    const stack = variant("site1-ext", (p) => (p.configurationSettings.httpsEnabled = false));
    const config = { "extension-no-http-mode": { enforcementLevel: "advisory" } };
    expect(mandatory(await runPolicies(stack, { config }))).toEqual([]);
  });
});
