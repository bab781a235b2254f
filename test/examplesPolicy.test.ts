/**
 * Every example and the root program, evaluated under mocks with its own config (Pulumi.yaml defaults and, where
 * present, its example stack), registers no duplicate URN and passes every mandatory rule of the policy pack.
 */
import { cloud } from "./harness/mocks";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { loadProgram } from "../plan/program";
import { evaluateWithPolicies, mandatory } from "./harness/policyHarness";

const root = path.join(__dirname, "..");
const programs = [
  root,
  ...fs
    .readdirSync(path.join(root, "examples"))
    .map((name) => path.join(root, "examples", name))
    .filter((dir) => fs.existsSync(path.join(dir, "Pulumi.yaml"))),
];

it("covers the root program and every example", () => {
  expect(programs.length).toBeGreaterThanOrEqual(9);
});

it.each(programs.map((dir) => [path.relative(root, dir) || "(root program)", dir]))(
  "%s passes every mandatory policy",
  async (_label, dir) => {
    const stack = ["dev", "example"].find((s) => fs.existsSync(path.join(dir, `Pulumi.${s}.yaml`)));
    const settings = loadProgram(dir, stack);
    const project = pulumi.getProject();
    pulumi.runtime.setAllConfig(
      Object.fromEntries(
        Object.entries(settings.config).map(([key, value]) => [
          key.replace(`${settings.project}:`, `${project}:`),
          value,
        ]),
      ),
      settings.secretKeys.map((key) => key.replace(`${settings.project}:`, `${project}:`)),
    );
    const { resources, violations } = await evaluateWithPolicies(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(settings.entry);
    });
    expect(cloud.duplicateUrns).toEqual([]);
    expect(resources.length).toBeGreaterThan(0);
    expect(mandatory(violations)).toEqual([]);
  },
);
