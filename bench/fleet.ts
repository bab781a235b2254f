/**
 * Fleet evaluation worker (one fresh process per run), under the preview=false mocks of `test/mocks.ts`.
 *
 *   node -r ./bin/register.js bench/fleet.ts components <N> [--record <file>]
 *     constructs N `EdgeRegistrySite`s and waits for every registration; with --record, writes every
 *     registration (custom resources and components: inputs, parent, dependencies, outputs) to <file>.
 *   node -r ./bin/register.js bench/fleet.ts replay <file> [--dependencies] [--components]
 *     registers the very same custom resources with the same SDK classes, without any component; the flags add
 *     back the program's dependencies between resources and its (empty) components (see `ReplayOptions`).
 *
 * Timed: from just before the first constructor to the moment every registration has been answered (module
 * loading is excluded; see load.ts). Memory: peak RSS at the end, and its growth over the evaluation.
 */
import * as fs from "node:fs";
import { cloud, settle } from "../test/harness/mocks";
import { recordedRegistrations } from "./graph";
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
      const byKey = new Map(cloud.resources.map((r) => [`${r.type}::${r.name}`, r]));
      const recorded: RecordedInput[] = recordedRegistrations().map((registration) => {
        const resource = byKey.get(`${registration.type}::${registration.name}`)!;
        return {
          type: registration.type,
          name: registration.name,
          inputs: resource.inputs,
          urn: registration.urn,
          parent: registration.parent,
          custom: registration.custom,
          propertyDependencies: registration.propertyDependencies,
          dependencies: registration.requestDependencies,
          outputs: { ...resource.state, id: resource.id },
        };
      });
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
    const options = {
      dependencies: process.argv.includes("--dependencies"),
      components: process.argv.includes("--components"),
    };
    const construct = replay(recorded, options);
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
      customResources: cloud.resources.filter((r) => r.custom).length,
      components: cloud.resources.filter((r) => !r.custom).length,
      duplicateUrns: cloud.duplicateUrns.length,
      dependencyMismatches: options.dependencies ? dependencyMismatches(recorded) : [],
    });
  } else {
    throw new Error("usage: fleet.ts components <N> [--record <file>] | replay <file> [--dependencies] [--components]");
  }
}

/**
 * The replayed custom resources whose property dependencies (per property, the producers' types and names)
 * differ from the program's: the check that a replay with `--dependencies` sends the engine the same graph.
 */
function dependencyMismatches(recorded: readonly RecordedInput[]): string[] {
  const describe = (registrations: readonly { urn: string; type: string; name: string }[]) =>
    new Map(registrations.map((r) => [r.urn, `${r.type}::${r.name}`]));
  const shape = (deps: Record<string, string[]>, names: Map<string, string>) =>
    JSON.stringify(
      Object.entries(deps)
        .filter(([, urns]) => urns.length > 0)
        .map(([property, urns]) => [property, urns.map((urn) => names.get(urn)).sort()])
        .sort(),
    );
  const programNames = describe(recorded);
  const program = new Map(
    recorded.filter((r) => r.custom).map((r) => [`${r.type}::${r.name}`, shape(r.propertyDependencies, programNames)]),
  );
  const registrations = recordedRegistrations();
  const replayNames = describe(registrations);
  return registrations
    .filter((r) => r.custom && program.get(`${r.type}::${r.name}`) !== shape(r.propertyDependencies, replayNames))
    .map((r) => `${r.type}::${r.name}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
