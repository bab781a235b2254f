import { cloud, resetCloud, settle, unwrap } from "./mocks";
import * as pulumi from "@pulumi/pulumi";
import { testCertificates } from "./fixtures/certs";

// examples/tanzu-private-registry (seed 003) evaluated under mocks with its config set.
it("trusts the registry CA through the Supervisor's TkgServiceConfiguration", async () => {
  const certs = await testCertificates();
  resetCloud();
  pulumi.runtime.setConfig(`${pulumi.getProject()}:caCertificatePem`, certs.ca);
  pulumi.runtime.setConfig(`${pulumi.getProject()}:supervisorContext`, "10.0.0.10");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require("../examples/tanzu-private-registry/index.ts");
  await settle();

  expect(cloud.countsByType()).toEqual({
    "edge-registry:index:TanzuRegistryTrust": 1,
    "kubernetes:run.tanzu.vmware.com/v1alpha1:TkgServiceConfiguration": 1,
    "pulumi:providers:kubernetes": 1,
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
  expect(await unwrap(program.tkgServiceConfiguration)).toBe("tkg-service-configuration");
});
