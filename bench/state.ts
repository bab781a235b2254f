/**
 * State size worker (one fresh process per run): evaluates N sites under the preview=false mocks and reports the
 * bytes each resource would occupy in the stack's state — its inputs and its outputs as JSON, as the engine stores
 * them. A dynamic resource's `__provider` is in both: the SDK sends it as an input and the dynamic-provider host
 * returns it with the outputs (`resultIncludingProvider`, @pulumi/pulumi/cmd/dynamic-provider).
 *
 *   node -r ./bin/register.js bench/state.ts <N>
 */
import { cloud, settle } from "../test/harness/mocks";
import { cpuMs, now, report } from "./measure";
import { fleet } from "./sites";

/** The key under which the SDK stores a dynamic resource's serialized provider. */
const providerKey = "__provider";

async function main(): Promise<void> {
  process.setSourceMapsEnabled(false); // see fleet.ts
  const count = Number(process.argv[2]);
  const start = now();
  const cpuStart = cpuMs();
  fleet(count);
  await settle();
  const wallMs = now() - start;
  const cpu = cpuMs() - cpuStart;
  const byType: Record<string, { count: number; bytes: number; providerBytes: number }> = {};
  let total = 0;
  for (const resource of cloud.resources.filter((r) => r.custom)) {
    const provider = resource.inputs[providerKey] as string | undefined;
    const outputs = provider === undefined ? resource.state : { ...resource.state, [providerKey]: provider };
    const bytes = Buffer.byteLength(JSON.stringify({ inputs: resource.inputs, outputs }));
    const row = (byType[resource.type] ??= { count: 0, bytes: 0, providerBytes: 0 });
    row.count += 1;
    row.bytes += bytes;
    row.providerBytes += provider === undefined ? 0 : 2 * Buffer.byteLength(provider);
    total += bytes;
  }
  report({ sites: count, wallMs, cpuMs: cpu, bytes: total, bytesPerSite: total / count, byType });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
