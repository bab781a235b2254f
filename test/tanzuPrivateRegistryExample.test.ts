import { cloud, resetCloud, settle, unwrap } from "./harness/mocks";
import * as pulumi from "@pulumi/pulumi";
import { testCertificates } from "./fixtures/certs";
import { revealSecrets } from "./harness/plainState";

// examples/tanzu-private-registry (seed 003) evaluated under mocks with its config set.
it("trusts the registry CA through the Supervisor's TkgServiceConfiguration", async () => {
  const certs = await testCertificates();
  resetCloud();
  pulumi.runtime.setConfig(`${pulumi.getProject()}:caCertificatePem`, certs.ca);
  pulumi.runtime.setConfig(`${pulumi.getProject()}:supervisorContext`, "10.0.0.10");
  pulumi.runtime.setConfig(`${pulumi.getProject()}:clusterContext`, "tkg-cluster-1");
  pulumi.runtime.setConfig(`${pulumi.getProject()}:registryServer`, "10.10.10.10");
  pulumi.runtime.setConfig(`${pulumi.getProject()}:registryUsername`, "robot-pull");
  pulumi.runtime.setConfig(`${pulumi.getProject()}:registryPassword`, "s3cret-pull");
  pulumi.runtime.setConfig(`${pulumi.getProject()}:repository`, "vsphere-ns/my-app");
  pulumi.runtime.setConfig(`${pulumi.getProject()}:version`, "1.0.0");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require("../examples/tanzu-private-registry/index.ts");
  await settle();

  expect(cloud.countsByType()).toEqual({
    "edge-registry:index:RegistryPullSecret": 1,
    "edge-registry:index:RegistryWorkload": 1,
    "edge-registry:index:TanzuRegistryTrust": 1,
    "kubernetes:apps/v1:Deployment": 1,
    "kubernetes:core/v1:Secret": 1,
    "kubernetes:run.tanzu.vmware.com/v1alpha1:TkgServiceConfiguration": 1,
    "pulumi:providers:kubernetes": 2,
  });
  const supervisor = cloud.get("pulumi:providers:kubernetes", "supervisor");
  expect(supervisor.inputs.context).toBe("10.0.0.10");
  const configuration = cloud.get("kubernetes:run.tanzu.vmware.com/v1alpha1:TkgServiceConfiguration", "registry-trust");
  expect(configuration.provider).toMatch(/::supervisor::/);
  expect(configuration.inputs.metadata.name).toBe("tkg-service-configuration");
  expect(configuration.inputs.spec).toEqual({
    defaultCNI: "antrea",
    trust: {
      additionalTrustedCAs: [{ name: "private-registry-ca", data: Buffer.from(certs.ca).toString("base64") }],
    },
  });
  expect(await unwrap(program.trustedCaNames)).toEqual(["private-registry-ca"]);

  // Step 2 goes to the Tanzu Kubernetes cluster, not the Supervisor.
  const secret = cloud.get("kubernetes:core/v1:Secret", "registry-secret");
  const deployment = cloud.get("kubernetes:apps/v1:Deployment", "private-reg-workload");
  expect(secret.provider).toMatch(/::tkg-cluster::/);
  expect(deployment.provider).toMatch(/::tkg-cluster::/);
  const dockerConfig = JSON.parse(
    Buffer.from((revealSecrets(secret.inputs.data) as any)[".dockerconfigjson"], "base64").toString(),
  );
  expect(Object.keys(dockerConfig.auths)).toEqual(["10.10.10.10"]);
  const pod = deployment.inputs.spec.template.spec;
  expect(pod.containers[0].image).toBe("10.10.10.10/vsphere-ns/my-app:1.0.0");
  expect(pod.imagePullSecrets).toEqual([{ name: "registry-secret" }]);
  expect(await unwrap(program.image)).toBe("10.10.10.10/vsphere-ns/my-app:1.0.0");
  expect(await unwrap(program.tkgServiceConfiguration)).toBe("tkg-service-configuration");
});
