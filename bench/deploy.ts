/**
 * Simulated deployment worker (one fresh process per run): the mocks answer each registration after a
 * per-type provisioning time, scaled down, so the end-to-end time shows how much the dependency graph
 * serializes. Pulumi mocks register a resource as soon as its inputs (and `dependsOn`) resolve, like the engine.
 *
 *   node -r ./bin/register.js bench/deploy.ts one|shared <msPerSecond>
 *
 * `one`: one EdgeRegistrySite with its own registry. `shared`: ten sites sharing one registry (see sites.ts).
 */
import { cloud, resetCloud, settle } from "../test/harness/mocks";
import { criticalPathSeconds, resetGraph } from "./graph";
import { now, report } from "./measure";
import { fleet, sharedRegistryFleet } from "./sites";

/** Provisioning time in seconds per type token (issue 7); `importSeconds` is our own assumption (see BENCHMARKS.md). */
export const provisioningSeconds: Record<string, number> = {
  "azure-native:containerregistry:Registry": 60,
  "azure-native:containerregistry:ScopeMap": 5,
  "azure-native:containerregistry:Token": 5,
  "pulumi-nodejs:dynamic/edge-registry:TokenPassword": 5,
  "azure-native:containerregistry:ConnectedRegistry": 10,
  "azure-native:kubernetesconfiguration:Extension": 600,
  // Not in the list: importing a small public image takes some seconds; the deactivation's create is a no-op.
  "pulumi-nodejs:dynamic/edge-registry:ImageImport": 30,
  "pulumi-nodejs:dynamic/edge-registry:ConnectedRegistryDeactivation": 0,
  "kubernetes:core/v1:Namespace": 2,
  "kubernetes:core/v1:Secret": 2,
  "kubernetes:core/v1:Service": 2,
  "kubernetes:apps/v1:Deployment": 2,
};

/** registry → scope map → token → (password ‖ connected registry) → extension → workload, in seconds. */
export const inherentChainSeconds =
  provisioningSeconds["azure-native:containerregistry:Registry"] +
  provisioningSeconds["azure-native:containerregistry:ScopeMap"] +
  provisioningSeconds["azure-native:containerregistry:Token"] +
  Math.max(
    provisioningSeconds["pulumi-nodejs:dynamic/edge-registry:TokenPassword"],
    provisioningSeconds["azure-native:containerregistry:ConnectedRegistry"],
  ) +
  provisioningSeconds["azure-native:kubernetesconfiguration:Extension"] +
  provisioningSeconds["kubernetes:apps/v1:Deployment"];

async function main(): Promise<void> {
  process.setSourceMapsEnabled(false); // see fleet.ts
  const [scenario, scaleArg] = process.argv.slice(2);
  const msPerSecond = Number(scaleArg);
  if ((scenario !== "one" && scenario !== "shared") || !(msPerSecond > 0)) {
    throw new Error("usage: deploy.ts one|shared <msPerSecond>");
  }
  // Warm-up (untimed): a first site pays JIT compilation and the dynamic providers' closure serialization,
  // CPU work that would otherwise stretch the scaled-down timeline (it is negligible at real-world scale).
  fleet(1, "warmup");
  await settle();
  resetCloud();
  resetGraph();

  cloud.latencies = Object.fromEntries(
    Object.entries(provisioningSeconds).map(([type, seconds]) => [type, seconds * msPerSecond]),
  );
  const start = now();
  if (scenario === "one") {
    fleet(1);
  } else {
    sharedRegistryFleet(10);
  }
  await settle();
  const wallMs = now() - start;
  const unknownTypes = [...new Set(cloud.resources.filter((r) => r.custom).map((r) => r.type))].filter(
    (type) => provisioningSeconds[type] === undefined && !type.startsWith("tls:"),
  );
  const graph = criticalPathSeconds(provisioningSeconds);
  report({
    scenario,
    graphSeconds: graph.total,
    graphChain: graph.chain,
    inherentSeconds: inherentChainSeconds,
    msPerSecond,
    wallMs,
    inherentMs: inherentChainSeconds * msPerSecond,
    resources: cloud.resources.filter((r) => r.custom).length,
    unknownTypes,
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
