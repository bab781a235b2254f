/**
 * Fleet evaluation worker (one fresh process per run), under the preview=false mocks of `test/mocks.ts`.
 *
 *   node -r ./bin/register.js bench/fleet.ts components <N> [--record <file>]
 *     constructs N `EdgeRegistrySite`s and waits for every registration; with --record, writes the custom
 *     resources the mocks saw (type, name, inputs) to <file>.
 *   node -r ./bin/register.js bench/fleet.ts replay <file>
 *     registers the very same custom resources with the same SDK classes, without any component.
 *
 * Timed: from just before the first constructor to the moment every registration has been answered (module
 * loading is excluded; see load.ts). Memory: peak RSS at the end, and its growth over the evaluation.
 */
import * as fs from "node:fs";
import { cloud, settle } from "../test/mocks";
import { argument, cpuMs, now, peakRssMiB, report } from "./measure";
import { RecordedInput, replay } from "./replay";
import { fleet } from "./sites";

async function main(): Promise<void> {
  // The swc loader enables source maps for readable errors; with them every `new Error().stack` (the SDK
  // takes one per promise and per resource) is mapped through the source maps, which would dominate.
  process.setSourceMapsEnabled(false);
  const [mode, value] = process.argv.slice(2);
  if (mode === "components") {
    const count = Number(value);
    const rssBefore = peakRssMiB();
    const start = now();
    const cpuStart = cpuMs();
    fleet(count);
    const constructMs = now() - start;
    await settle();
    const wallMs = now() - start;
    const cpu = cpuMs() - cpuStart;
    const custom = cloud.resources.filter((r) => r.custom);
    const record = argument(process.argv, "record");
    if (record !== undefined) {
      const recorded: RecordedInput[] = custom.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs }));
      fs.writeFileSync(record, JSON.stringify(recorded));
    }
    report({
      mode,
      sites: count,
      wallMs,
      cpuMs: cpu,
      constructMs,
      rssBeforeMiB: rssBefore,
      peakRssMiB: peakRssMiB(),
      customResources: custom.length,
      components: cloud.resources.length - custom.length,
      duplicateUrns: cloud.duplicateUrns.length,
    });
  } else if (mode === "replay") {
    const recorded = JSON.parse(fs.readFileSync(value, "utf8")) as RecordedInput[];
    const construct = replay(recorded);
    const rssBefore = peakRssMiB();
    const start = now();
    const cpuStart = cpuMs();
    construct();
    const constructMs = now() - start;
    await settle();
    const wallMs = now() - start;
    const cpu = cpuMs() - cpuStart;
    report({
      mode,
      wallMs,
      cpuMs: cpu,
      constructMs,
      rssBeforeMiB: rssBefore,
      peakRssMiB: peakRssMiB(),
      customResources: cloud.resources.length,
      duplicateUrns: cloud.duplicateUrns.length,
    });
  } else {
    throw new Error("usage: fleet.ts components <N> [--record <file>] | replay <file>");
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
