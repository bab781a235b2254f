/**
 * The root program (Pulumi.yaml `main: program/`) with the committed example stack config, and its config
 * errors: a missing or wrong key fails with a message naming the key.
 */
import { cloud, resetCloud, settle, unwrap } from "./harness/mocks";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { loadProgram } from "../plan/program";
import { asConfigError, readSiteConfig } from "../program/siteConfig";

const root = path.join(__dirname, "..");
const project = pulumi.getProject();

/** The example stack's config, moved into the test project's namespace (mocks run as project `edge-registry`). */
function exampleConfig(): Record<string, string> {
  const settings = loadProgram(root, "example");
  expect(settings.project).toBe("edge-registry-site");
  expect(settings.entry).toBe(path.join(root, "program"));
  return Object.fromEntries(
    Object.entries(settings.config).map(([key, value]) => [key.replace(/^edge-registry-site:/, `${project}:`), value]),
  );
}

function withConfig(values: Record<string, string>): pulumi.Config {
  pulumi.runtime.setAllConfig(values);
  return new pulumi.Config();
}

it("deploys a whole site from Pulumi.example.yaml", async () => {
  resetCloud();
  pulumi.runtime.setAllConfig(exampleConfig());
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require("../program/index.ts");
  await settle();
  expect(cloud.duplicateUrns).toEqual([]);
  expect(cloud.ofType("edge-registry:index:EdgeRegistrySite")).toHaveLength(1);
  expect(cloud.ofType("azure-native:containerregistry:Registry")[0].inputs).toMatchObject({
    registryName: "myacrregistry",
    location: "eastus",
    resourceGroupName: "myresourcegroup",
  });
  expect(cloud.ofType("azure-native:kubernetesconfiguration:Extension")[0].inputs).toMatchObject({
    clusterName: "myarck8scluster",
    configurationSettings: {
      "service.clusterIP": "192.100.100.1",
      "pvc.storageClassName": "standard",
      "pvc.storageRequest": "250Gi",
    },
  });
  expect(await unwrap(program.registryEndpoint)).toBe("192.100.100.1");
  expect(await unwrap(program.workloadImage)).toBe("192.100.100.1/hello-world:v1");
  expect(await pulumi.isSecret(program.connectionString)).toBe(true);
});

/**
 * Runs `read` and returns its error, checking that it is a `pulumi.RunError` on one line: the Node language host
 * prints a RunError's message alone (`error: <message>`), any other error with a stack trace
 * (pulumi/pulumi sdk/nodejs/cmd/run/run.ts).
 */
function configError(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    const message = (error as Error).message.split("\n")[0];
    return message;
  }
  throw new Error("no error");
}

describe("config errors name the key", () => {
  const valid = () => exampleConfig();
  it("a missing required key", () => {
    const values = valid();
    delete values[`${project}:clusterName`];
    expect(configError(() => readSiteConfig(withConfig(values)))).toContain(`'${project}:clusterName'`);
  });
  it("an unknown enum value, with the allowed ones", () => {
    expect(configError(() => readSiteConfig(withConfig({ ...valid(), [`${project}:tlsMode`]: "Https" })))).toMatch(
      /'edge-registry:tlsMode' is "Https"; use one of CertManager, PreinstalledCertManager, Certificate, KubernetesSecret/,
    );
  });
  it("takeOverPasswordSlot and clientTokenTakeOverPasswordSlot: read as password slots, anything else named", () => {
    const args = readSiteConfig(
      withConfig({
        ...valid(),
        [`${project}:takeOverPasswordSlot`]: "password2",
        [`${project}:clientTokenTakeOverPasswordSlot`]: "password1",
      }),
    );
    expect(args).toMatchObject({ takeOverPasswordSlot: "password2", clientTokenTakeOverPasswordSlot: "password1" });
    expect(() => readSiteConfig(withConfig({ ...valid(), [`${project}:takeOverPasswordSlot`]: "2" }))).toThrow(
      /'edge-registry:takeOverPasswordSlot' is "2"; use one of password1, password2/,
    );
  });
  it("a list given as a string", () => {
    expect(
      configError(() => readSiteConfig(withConfig({ ...valid(), [`${project}:repositories`]: "hello-world" }))),
    ).toMatch(/'edge-registry:repositories'/);
  });
  it("a typo in a key: one line naming it and the nearest key, not the list of every key", () => {
    const message = configError(() => readSiteConfig(withConfig({ ...valid(), [`${project}:clusterNmae`]: "x" })));
    expect(message).toBe(
      "Configuration 'edge-registry:clusterNmae' is not a key of this program; did you mean 'clusterName'? " +
        "(pulumi config rm clusterNmae; pulumi config set clusterName <value>)",
    );
    const far = configError(() => readSiteConfig(withConfig({ ...valid(), [`${project}:zzz`]: "x" })));
    expect(far).toBe(
      "Configuration 'edge-registry:zzz' is not a key of this program; Pulumi.example.yaml at the repository root shows every key.",
    );
  });
  it("a value a component refuses names the config key (the argument of the same name)", () => {
    const refused = new pulumi.InputPropertyError({
      propertyPath: "registryName",
      reason: 'registryName: "my-acr" is not valid.',
    });
    const error = asConfigError(withConfig(valid()), refused) as Error;
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect(error.message).toBe(`Configuration '${project}:registryName': "my-acr" is not valid.`);
    const other = new Error("boom");
    expect(asConfigError(withConfig(valid()), other)).toBe(other);
  });
  it("a certificate without its key", () => {
    expect(
      configError(() =>
        readSiteConfig(withConfig({ ...valid(), [`${project}:certificatePem`]: "-----BEGIN CERTIFICATE-----" })),
      ),
    ).toMatch(/'edge-registry:privateKeyPem' is missing/);
  });
  it("a boolean that is not one", () => {
    expect(() => readSiteConfig(withConfig({ ...valid(), [`${project}:trustDistribution`]: "nope" }))).toThrow(
      /trustDistribution/,
    );
  });
});

it("reads the child options and workload placement from structured config", () => {
  const args = readSiteConfig(
    withConfig({
      ...exampleConfig(),
      [`${project}:registryOptions`]: JSON.stringify({ protect: true }),
      [`${project}:tokenOptions`]: JSON.stringify({ retainOnDelete: true }),
      [`${project}:extensionCustomTimeouts`]: JSON.stringify({ create: "45m" }),
      [`${project}:workloadNodeSelector`]: JSON.stringify({ "kubernetes.io/os": "linux" }),
      [`${project}:workloadPriorityClassName`]: "edge-critical",
    }),
  );
  expect(args).toMatchObject({
    registryOptions: { protect: true },
    tokenOptions: { retainOnDelete: true },
    extensionCustomTimeouts: { create: "45m" },
    workloadNodeSelector: { "kubernetes.io/os": "linux" },
    workloadPriorityClassName: "edge-critical",
  });
});
