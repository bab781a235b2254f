/**
 * The violation corpus: exemptions, capabilities and registries from the pack's configuration, and the components'
 * hardened defaults (NodeRegistryTrust, RegistryWorkload, RegistryPullSecret) passing the pack.
 */
import { cloud } from "./harness/mocks";
import * as pulumi from "@pulumi/pulumi";
import { NodeRegistryTrust, RegistryPullSecret, RegistryWorkload } from "../components";
import { evaluateWithPolicies, mandatory, runPolicies } from "./harness/policyHarness";
import { DIGEST, c0, deployment, policyNames } from "./harness/policyCorpus";
import { TestCertificates, testCertificates } from "./fixtures/certs";

let certs: TestCertificates;
beforeAll(async () => {
  certs = await testCertificates();
});

describe("configuration", () => {
  it("exempts a workload named in the pack's configuration, and nothing on the resource can", async () => {
    const bad = deployment((spec, props) => {
      c0(spec).securityContext.privileged = true;
      props.metadata.annotations = { "checkov.io/skip1": "CKV_K8S_16", "edge-registry/exempt": "true" };
      props.metadata.labels = { "policy.exempt": "true" };
    });
    expect(policyNames(await runPolicies([bad]))).toEqual(["k8s-no-privileged"]);
    const exempt = { exemptions: [{ name: "web", namespace: "apps", kind: "Deployment", reason: "lab" }] };
    expect(await runPolicies([bad], { config: { "k8s-no-privileged": exempt } })).toEqual([]);
    const otherNamespace = { exemptions: [{ name: "web", namespace: "other" }] };
    expect(policyNames(await runPolicies([bad], { config: { "k8s-no-privileged": otherNamespace } }))).toEqual([
      "k8s-no-privileged",
    ]);
    const otherKind = { exemptions: [{ name: "web", namespace: "apps", kind: "DaemonSet" }] };
    expect(policyNames(await runPolicies([bad], { config: { "k8s-no-privileged": otherKind } }))).toEqual([
      "k8s-no-privileged",
    ]);
  });

  it("allows configured capabilities and restricts registries when configured", async () => {
    const bind = deployment((spec) => (c0(spec).securityContext.capabilities.add = ["NET_BIND_SERVICE"]));
    expect(
      await runPolicies([bind], {
        config: { "k8s-no-added-capabilities": { allowedCapabilities: ["cap_net_bind_service"] } },
      }),
    ).toEqual([]);
    const config = { "k8s-image-registry-allowed": { allowedRegistries: ["myacr.azurecr.io"] } };
    expect(policyNames(await runPolicies([deployment()], { config }))).toEqual(["k8s-image-registry-allowed"]);
    expect(
      await runPolicies([deployment()], {
        config: { "k8s-image-registry-allowed": { allowedRegistries: ["10.0.0.100"] } },
      }),
    ).toEqual([]);
  });
});

describe("the components' hardened defaults pass the pack", () => {
  it("NodeRegistryTrust, RegistryWorkload (with a Service) and RegistryPullSecret", async () => {
    const { resources, violations } = await evaluateWithPolicies(() => {
      new NodeRegistryTrust("trust", { registryHost: "10.0.0.100", caCertificatePem: certs.ca });
      new NodeRegistryTrust("trust-k3s", {
        registryHost: "registry.local:5000",
        caCertificatePem: certs.ca,
        namespace: "edge-system",
      });
      const secret = new RegistryPullSecret("pull", {
        server: "10.0.0.100",
        username: "u",
        password: pulumi.secret("p"),
        namespace: "apps",
      });
      new RegistryWorkload("web", {
        namespace: "apps",
        registryServer: "10.0.0.100",
        repository: "app",
        digest: DIGEST,
        imagePullSecretNames: [secret.secretName],
        containerPort: 8080,
        createService: true,
      });
    });
    expect(resources.map((r) => r.type)).toContain("kubernetes:apps/v1:DaemonSet");
    expect(mandatory(violations)).toEqual([]);
    expect(cloud.duplicateUrns).toEqual([]);
  });
});
