/**
 * Child-process scenario for test/connectedRegistry.test.ts ("deploy-time checks gate the resources they
 * protect"): builds a ConnectedRegistry under the Pulumi mocks with a deploy-time (Output) value that fails a
 * check, and prints JSON `{ failures, resources }` — the errors the program would end with (registrations
 * whose inputs failed reject without a handler, as in a real deployment) and every registered resource.
 * A child process, because jest reports (or, after a test, crashes on) such rejections itself.
 *
 * Run: `node -r ./bin/register.js test/harness/gateScenario.ts <case>`.
 */
import * as pulumi from "@pulumi/pulumi";
import { cloud, settle } from "./mocks";
import { ConnectedRegistry, ConnectedRegistryArgs, ConnectedRegistryMode } from "../../components";

const failures: string[] = [];
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
  new ConnectedRegistry("gated", { ...base, ...cases[process.argv[2]] });
  await settle();
  await new Promise((resolve) => setTimeout(resolve, 100));
  process.stdout.write(
    JSON.stringify({
      failures,
      resources: cloud.resources.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs })),
    }),
  );
}

void main();
