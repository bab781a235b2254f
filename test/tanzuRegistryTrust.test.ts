import { cloud, constructionError, resetCloud, settle, unwrap } from "./harness/mocks";
import * as pulumi from "@pulumi/pulumi";
import { TanzuRegistryTrust, TkgApiVersion, TkgCni } from "../components";
import { TestCertificates, testCertificates } from "./fixtures/certs";

// No upstream schema of the TkgServiceConfiguration CRD is available offline: its metadata is validated
// against the Kubernetes ObjectMeta schema and its body compared with seed 003's manifest shape.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ObjectMeta } = require("@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta");

const V1ALPHA1 = "kubernetes:run.tanzu.vmware.com/v1alpha1:TkgServiceConfiguration";
const decode = (data: string) => Buffer.from(data, "base64").toString("utf8");

let certs: TestCertificates;
beforeAll(async () => {
  certs = await testCertificates();
});
beforeEach(() => resetCloud());
afterEach(() => jest.restoreAllMocks());

describe("TanzuRegistryTrust with defaults (seed 003)", () => {
  let trust: TanzuRegistryTrust;
  let warn: jest.SpyInstance;
  beforeEach(async () => {
    warn = jest.spyOn(pulumi.log, "warn").mockImplementation(async () => undefined);
    trust = new TanzuRegistryTrust("tkg", {
      certificates: [
        { name: "first-cert-name", certificatePem: certs.ca },
        { name: "registry.example.com_ca", certificatePem: pulumi.output(certs.otherCa) },
      ],
    });
    await settle();
  });

  it("creates exactly one TkgServiceConfiguration, the singleton, in seed 003's shape", () => {
    expect(cloud.countsByType()).toEqual({ "edge-registry:index:TanzuRegistryTrust": 1, [V1ALPHA1]: 1 });
    const configuration = cloud.get(V1ALPHA1, "tkg");
    expect(configuration.inputs).toEqual({
      apiVersion: "run.tanzu.vmware.com/v1alpha1",
      kind: "TkgServiceConfiguration",
      metadata: { name: "tkg-service-configuration" },
      spec: {
        defaultCNI: "antrea",
        trust: {
          additionalTrustedCAs: [
            { name: "first-cert-name", data: Buffer.from(certs.ca).toString("base64") },
            { name: "registry.example.com_ca", data: Buffer.from(certs.otherCa).toString("base64") },
          ],
        },
      },
    });
    expect(() => new ObjectMeta(configuration.inputs.metadata).validate()).not.toThrow();
  });

  it("stores each PEM base64-encoded so it decodes to the exact PEM", () => {
    const [first, second] = cloud.get(V1ALPHA1, "tkg").inputs.spec.trust.additionalTrustedCAs;
    expect(decode(first.data)).toBe(certs.ca);
    expect(decode(second.data)).toBe(certs.otherCa);
  });

  it("outputs the trusted CA names in order and the object name", async () => {
    expect(await unwrap(trust.trustedCaNames)).toEqual(["first-cert-name", "registry.example.com_ca"]);
    expect(await unwrap(trust.configurationName)).toBe("tkg-service-configuration");
  });

  it("does not warn about CA certificates", () => {
    expect(warn).not.toHaveBeenCalled();
  });
});

it("selects v1alpha3, Calico, another object name and forced ownership", async () => {
  new TanzuRegistryTrust("tkg", {
    certificates: [{ name: "harbor", certificatePem: certs.ca }],
    apiVersion: TkgApiVersion.V1alpha3,
    defaultCNI: TkgCni.Calico,
    configurationName: "tkg-service-configuration-lab",
    forceOwnership: true,
    retainOnDelete: false,
  });
  await settle();
  const configuration = cloud.get("kubernetes:run.tanzu.vmware.com/v1alpha3:TkgServiceConfiguration", "tkg");
  expect(configuration.inputs.apiVersion).toBe("run.tanzu.vmware.com/v1alpha3");
  expect(configuration.inputs.metadata).toEqual({
    name: "tkg-service-configuration-lab",
    annotations: { "pulumi.com/patchForce": "true" },
  });
  expect(configuration.inputs.spec.defaultCNI).toBe("calico");
  expect(() => new ObjectMeta(configuration.inputs.metadata).validate()).not.toThrow();
});

it("renders an empty trust list when every certificate is removed", async () => {
  const trust = new TanzuRegistryTrust("tkg", { certificates: [], apiVersion: TkgApiVersion.V1alpha2 });
  await settle();
  const configuration = cloud.get("kubernetes:run.tanzu.vmware.com/v1alpha2:TkgServiceConfiguration", "tkg");
  expect(configuration.inputs.spec.trust).toEqual({ additionalTrustedCAs: [] });
  expect(await unwrap(trust.trustedCaNames)).toEqual([]);
});

it("accepts a leaf certificate with a warning naming the entry", async () => {
  const warn = jest.spyOn(pulumi.log, "warn").mockImplementation(async () => undefined);
  new TanzuRegistryTrust("tkg", {
    certificates: [
      { name: "ca", certificatePem: certs.ca },
      { name: "server", certificatePem: certs.leaf },
    ],
  });
  await settle();
  expect(decode(cloud.get(V1ALPHA1, "tkg").inputs.spec.trust.additionalTrustedCAs[1].data)).toBe(certs.leaf);
  expect(warn).toHaveBeenCalledTimes(1);
  expect(warn.mock.calls[0][0]).toMatch(
    /^certificates\[1\]\.certificatePem: certificate "CN=192\.100\.100\.1" is a leaf/,
  );
});

describe("bad input fails at construction naming the argument", () => {
  const pem = () => certs.ca;
  const cases: [string, () => Record<string, unknown>, RegExp][] = [
    ["certificates[0].name", () => ({ certificates: [{ name: "my cert", certificatePem: pem() }] }), /no spaces/],
    ["certificates[0].name", () => ({ certificates: [{ name: "", certificatePem: pem() }] }), /not a valid name/],
    [
      "certificates[2].name",
      () => ({
        certificates: [
          { name: "a", certificatePem: pem() },
          { name: "b", certificatePem: pem() },
          { name: "a", certificatePem: certs.otherCa },
        ],
      }),
      /used twice/,
    ],
    [
      "certificates[0].certificatePem",
      () => ({ certificates: [{ name: "a", certificatePem: "MIIBfake" }] }),
      /not a PEM certificate/,
    ],
    [
      "certificates[0].certificatePem",
      () => ({ certificates: [{ name: "a", certificatePem: certs.expiredCa }] }),
      /expired/,
    ],
    [
      "certificates[0].certificatePem",
      () => ({ certificates: [{ name: "a", certificatePem: certs.ca + certs.otherCa }] }),
      /one certificate per entry/,
    ],
    [
      "certificates[0].certificatePem",
      () => ({ certificates: [{ name: "a", certificatePem: certs.ca + certs.caKey }] }),
      /private key/,
    ],
    ["certificates", () => ({ certificates: undefined }), /required/],
    ["apiVersion", () => ({ apiVersion: "run.tanzu.vmware.com/v1beta1" }), /v1alpha1/],
    ["apiVersion", () => ({ apiVersion: pulumi.output(TkgApiVersion.V1alpha2) }), /plain/],
    ["defaultCNI", () => ({ defaultCNI: "flannel" }), /"antrea", "calico"/],
    ["configurationName", () => ({ configurationName: "TKG config" }), /object name/],
    ["retainOnDelete", () => ({ retainOnDelete: pulumi.output(false) }), /plain/],
  ];
  it.each(cases)("%s %#", (argument, override, reason) => {
    const error = constructionError(
      () =>
        new TanzuRegistryTrust("bad", {
          certificates: [{ name: "ok", certificatePem: certs.ca }],
          ...override(),
        } as any),
    );
    expect(error.propertyPath).toBe(argument);
    expect(error.message.startsWith(`${argument}: `)).toBe(true);
    expect(error.message).toMatch(reason);
  });
});
