/** The policy wrappers called with the runtime's argument shapes, and the image and host helpers the rules use. */
import "./harness/mocks";
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { policies } from "../policy/policies";
import { isPrivateHost, normaliseHost, parseImage } from "../policy/rules/images";
import { DIGEST, registryProps, variant } from "./harness/policyStack";

describe("policy wrappers called with the runtime's argument shapes", () => {
  it("report through reportViolation, for resource and stack policies", async () => {
    const admin = policies.find((p) => p.name === "acr-admin-user-disabled") as ResourceValidationPolicy;
    const reported: string[] = [];
    const validate = admin.validateResource as (args: any, report: (m: string) => void) => void;
    const args = {
      type: "azure-native:containerregistry:Registry",
      name: "acr",
      urn: "urn:pulumi:dev::p::azure-native:containerregistry:Registry::acr",
      props: { ...registryProps(), adminUserEnabled: true },
      opts: { protect: false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [] },
      stackTags: new Map(),
      getConfig: () => ({}),
      notApplicable: () => {
        throw new Error("not applicable");
      },
    };
    validate(args, (m) => reported.push(m));
    validate({ ...args, type: "azure-native:containerregistry:ScopeMap" }, (m) => reported.push(m));
    expect(reported).toEqual([
      "adminUserEnabled is true: disable the admin user and use tokens, service principals or managed identities (CKV_AZURE_137, Azure Policy dc921057).",
    ]);

    const trust = policies.find(
      (p) => p.name === "extension-node-trust-when-distribution-off",
    ) as StackValidationPolicy;
    const stackReports: [string, string | undefined][] = [];
    await trust.validateStack(
      {
        resources: variant("site1-ext", (p) => (p.configurationSettings["trustDistribution.enabled"] = "False")).map(
          (r) =>
            ({ ...r, urn: `urn:${r.name}`, opts: args.opts as any, dependencies: [], propertyDependencies: {} }) as any,
        ),
        stackTags: new Map(),
        getConfig: () => ({}) as any,
        notApplicable: args.notApplicable as any,
      },
      (message, urn) => stackReports.push([message, urn]),
    );
    expect(stackReports).toHaveLength(1);
    expect(stackReports[0][1]).toBe("urn:site1-ext");
  });
});

describe("image and host helpers", () => {
  it("parse references like container runtimes", () => {
    expect(parseImage("nginx")).toEqual({ host: "docker.io", repository: "nginx", tag: undefined, digest: undefined });
    expect(parseImage("library/nginx:1.27")).toMatchObject({
      host: "docker.io",
      repository: "library/nginx",
      tag: "1.27",
    });
    expect(parseImage(`10.0.0.1:5000/a/b:v1@${DIGEST}`)).toEqual({
      host: "10.0.0.1:5000",
      repository: "a/b",
      tag: "v1",
      digest: DIGEST,
    });
    expect(parseImage("localhost/app")).toMatchObject({ host: "localhost", repository: "app", tag: undefined });
    expect(parseImage("[fd00::1]:5000/app:2")).toMatchObject({ host: "[fd00::1]:5000", repository: "app", tag: "2" });
  });

  it("define private registries as IP hosts, ACR login servers and configured hosts", () => {
    expect(isPrivateHost("10.0.0.1")).toBe(true);
    expect(isPrivateHost("10.0.0.1:5000")).toBe(true);
    expect(isPrivateHost("[fd00::1]:5000")).toBe(true);
    expect(isPrivateHost("myacr.azurecr.io")).toBe(true);
    expect(isPrivateHost("docker.io")).toBe(false);
    expect(isPrivateHost("mcr.microsoft.com")).toBe(false);
    expect(isPrivateHost("ghcr.io")).toBe(false);
    expect(isPrivateHost("harbor.corp:8443", ["harbor.corp"])).toBe(true);
    expect(normaliseHost("https://index.docker.io/v1/")).toBe("docker.io");
  });
});
