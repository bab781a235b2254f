/**
 * Child-process scenarios for test/connectedRegistry.test.ts ("deploy-time checks gate the resources they
 * protect"): for each case named, builds a ConnectedRegistry under the Pulumi mocks with a deploy-time (Output)
 * value that fails a check, and records `{ failures, resources }` — the errors the program would end with
 * (registrations whose inputs failed reject without a handler, as in a real deployment) and every registered
 * resource; prints JSON `{ <case>: { failures, resources } }`. The cases run one after the other: each one's
 * registrations are all answered, and its rejections have arrived, before the next starts (mocks reset between).
 * A child process, because jest reports (or, after a test, crashes on) such rejections itself.
 *
 * Run: `node -r ./bin/register.js test/harness/gateScenario.ts <case>...`.
 */
import * as pulumi from "@pulumi/pulumi";
import { cloud, resetCloud, settle } from "./mocks";
import { ConnectedRegistry, ConnectedRegistryArgs, ConnectedRegistryMode } from "../../components";

/** The current case's unhandled rejections. */
let failures: string[] = [];
process.on("unhandledRejection", (reason) => failures.push(String(reason)));

const base: ConnectedRegistryArgs = {
  resourceGroupName: "rg",
  registryName: "myacrregistry",
  connectedRegistryName: "myconnectedregistry",
  repositories: ["hello-world"],
};

const cases: Record<string, Partial<ConnectedRegistryArgs>> = {
  actions: {
    mode: pulumi.output(ConnectedRegistryMode.ReadOnly),
    clientTokens: [{ name: "pusher", actions: ["content/write"] }],
  },
  repositories: {
    repositories: pulumi.output(["hello-world"]),
    clientTokens: [{ name: "pusher", repositories: ["nginx"] }],
  },
  name: { connectedRegistryName: pulumi.output("pusher00"), clientTokens: [{ name: "Pusher00" }] },
  passing: {
    mode: pulumi.output(ConnectedRegistryMode.ReadWrite),
    clientTokens: [{ name: "pusher", actions: ["content/read", "content/write"] }],
  },
};

async function main(): Promise<void> {
  const outcomes: Record<string, unknown> = {};
  for (const name of process.argv.slice(2)) {
    if (!(name in cases)) {
      throw new Error(`gateScenario: unknown case ${name} (cases: ${Object.keys(cases).join(", ")})`);
    }
    resetCloud();
    failures = [];
    new ConnectedRegistry("gated", { ...base, ...cases[name] });
    await settle();
    await new Promise((resolve) => setTimeout(resolve, 100));
    outcomes[name] = {
      failures,
      resources: cloud.resources.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs })),
    };
  }
  process.stdout.write(JSON.stringify(outcomes));
}

void main();
