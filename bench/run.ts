/**
 * `npm run bench`: runs every measurement in fresh child processes, one at a time, prints the three ratios and
 * rewrites the generated part of BENCHMARKS.md (between the `results` markers; the prose around it is kept).
 *
 * Options: `--quick` (fewer repetitions, for trying things out; does not write BENCHMARKS.md).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { measureLoad, LoadResult } from "./load";
import { median } from "./measure";

const root = path.resolve(__dirname, "..");
const quick = process.argv.includes("--quick");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "edge-registry-bench-"));

/** Runs a TypeScript worker in a fresh process through the swc loader and returns its BENCH_RESULT. */
function worker<T>(script: string, args: string[]): T {
  const output = execFileSync(process.execPath, ["-r", "./bin/register.js", script, ...args], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = output.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
  if (line === undefined) {
    throw new Error(`${script} ${args.join(" ")} printed no result:\n${output}`);
  }
  return JSON.parse(line.slice("BENCH_RESULT ".length)) as T;
}

interface FleetRun {
  wallMs: number;
  cpuMs: number;
  constructMs: number;
  rssBeforeMiB: number;
  peakRssMiB: number;
  customResources: number;
  components?: number;
  duplicateUrns: number;
  dependencyMismatches?: string[];
}

interface FleetRow {
  sites: number;
  components: FleetRun[];
  replay: FleetRun[];
  /** Largest size only: the replay with the program's dependencies, and with its (empty) components too. */
  dependencies: FleetRun[];
  dependenciesAndComponents: FleetRun[];
}

/** Sizes of the fleet evaluation; the replay variants that show where the overhead goes run at the largest. */
const fleetSizes = [1, 10, 100];

interface DeployRun {
  scenario: string;
  wallMs: number;
  inherentMs: number;
  graphSeconds: number;
  graphChain: string[];
  inherentSeconds: number;
  resources: number;
  unknownTypes: string[];
}

const fmt = (value: number, digits = 0) => value.toFixed(digits);
const med = (runs: { [key: string]: any }[], key: string) => median(runs.map((r) => r[key] as number));
const log = (message: string) => process.stderr.write(`${message}\n`);

function fleet(): FleetRow[] {
  const rows: FleetRow[] = [];
  for (const sites of fleetSizes) {
    const repetitions = quick ? 1 : 3;
    const row: FleetRow = { sites, components: [], replay: [], dependencies: [], dependenciesAndComponents: [] };
    for (let i = 0; i < repetitions; i++) {
      const record = path.join(scratch, `fleet-${sites}.json`);
      const run = worker<FleetRun>("bench/fleet.ts", ["components", String(sites), "--record", record]);
      if (run.duplicateUrns > 0) {
        throw new Error(`${run.duplicateUrns} duplicate URNs with ${sites} sites: the sites' names collide`);
      }
      row.components.push(run);
      // At the largest size the same-structure replay runs right after the components run (their ratio is the
      // target) and the plain replay right after it (their ratio is the structure's floor); pairs share the load.
      const largest = sites === fleetSizes[fleetSizes.length - 1];
      const variants: [FleetRun[], string[]][] = largest
        ? [
            [row.dependenciesAndComponents, ["--dependencies", "--components"]],
            [row.replay, []],
            [row.dependencies, ["--dependencies"]],
          ]
        : [[row.replay, []]];
      let message = `fleet ${sites}: components ${fmt(run.wallMs)} ms`;
      for (const [runs, flags] of variants) {
        const variant = worker<FleetRun>("bench/fleet.ts", ["replay", record, ...flags]);
        if ((variant.dependencyMismatches ?? []).length > 0) {
          throw new Error(
            `replay ${flags.join(" ")} sent other dependencies for ${variant.dependencyMismatches!.join(", ")}`,
          );
        }
        runs.push(variant);
        message += `, replay ${flags.join(" ") || "(plain)"} ${fmt(variant.wallMs)} ms`;
      }
      log(message);
    }
    rows.push(row);
  }
  return rows;
}

/** One second of provisioning time takes this many milliseconds in the simulation. */
const msPerSecond = 10;

function deploy(): DeployRun[][] {
  return ["one", "shared"].map((scenario) =>
    Array.from({ length: quick ? 1 : 2 }, () => {
      const run = worker<DeployRun>("bench/deploy.ts", [scenario, String(msPerSecond)]);
      if (run.unknownTypes.length > 0) {
        throw new Error(`no provisioning time for ${run.unknownTypes.join(", ")} (bench/deploy.ts)`);
      }
      log(`deploy ${scenario}: ${fmt(run.wallMs)} ms (inherent ${run.inherentMs} ms, graph ${run.graphSeconds} s)`);
      return run;
    }),
  );
}

function load(): LoadResult {
  log("npm run build (the load test requires dist/)");
  execFileSync("npm", ["run", "build", "--silent"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  return measureLoad(root, quick ? 3 : 15);
}

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  const nproc = execFileSync("nproc", { encoding: "utf8" }).trim();
  return `${nproc} CPUs (nproc; ${cpu}), ${fmt(os.totalmem() / 2 ** 30, 1)} GiB memory, Node ${process.version}, ${os.type()} ${os.release()}; load average at start ${os
    .loadavg()
    .map((l) => fmt(l, 2))
    .join(" ")}`;
}

function render(
  when: string,
  machineLine: string,
  rows: FleetRow[],
  deployRuns: DeployRun[][],
  loaded: LoadResult,
  ratios: Ratios,
  totalSeconds: number,
) {
  const lines: string[] = [];
  lines.push(`Run ${when} by \`npm run bench\` in ${fmt(totalSeconds)} s on ${machineLine}.`, "");
  lines.push("### Fleet evaluation (mocks, preview=false)", "");
  lines.push(
    "| sites | resources (custom + components) | components: wall ms | replay: wall ms | wall ratio | components: CPU ms | replay: CPU ms | components: peak RSS MiB | replay: peak RSS MiB | components: RSS growth per site MiB | replay: RSS growth per site MiB |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  );
  for (const row of rows) {
    const c = row.components;
    const r = row.replay;
    const growth = (runs: FleetRun[]) => median(runs.map((x) => (x.peakRssMiB - x.rssBeforeMiB) / row.sites));
    lines.push(
      `| ${row.sites} | ${c[0].customResources} + ${c[0].components} | ${fmt(med(c, "wallMs"))} | ${fmt(med(r, "wallMs"))} | ${fmt(
        med(c, "wallMs") / med(r, "wallMs"),
        2,
      )} (paired ${fmt(paired(row.components, row.replay), 2)}) | ${fmt(med(c, "cpuMs"))} | ${fmt(med(r, "cpuMs"))} | ${fmt(med(c, "peakRssMiB"))} | ${fmt(med(r, "peakRssMiB"))} | ${fmt(
        growth(c),
        1,
      )} | ${fmt(growth(r), 1)} |`,
    );
  }
  lines.push(
    "",
    `Runs per size: ${rows.map((r) => `${r.sites}: ${r.components.length}`).join(", ")} (medians; "paired" is the median of the ratios of each components run and the replay run right after it). RSS growth = (peak RSS at the end − peak RSS before the first constructor) / sites.`,
    "",
  );
  const largest = rows[rows.length - 1];
  if (largest.dependencies.length > 0) {
    lines.push(`### Where the overhead goes (${largest.sites} sites)`, "");
    const { components, replay, dependencies, dependenciesAndComponents } = largest;
    lines.push(
      "| replay | adds to the plain replay | wall ms | this replay / plain replay (paired) | components run / this replay (paired) |",
      "|---|---|---:|---:|---:|",
      `| plain (above) | — | ${fmt(med(replay, "wallMs"))} | — | ${fmt(paired(components, replay), 2)} |`,
      `| \`--dependencies\` | the program's data flow: each input that came from another resource is that resource's Output (same property dependencies, checked per resource) | ${fmt(med(dependencies, "wallMs"))} | ${fmt(paired(dependencies, replay), 2)} | ${fmt(paired(components, dependencies), 2)} |`,
      `| \`--dependencies --components\` | and the same ${components[0].components! / largest.sites} empty components per site, every resource under its recorded parent | ${fmt(med(dependenciesAndComponents, "wallMs"))} | ${fmt(paired(dependenciesAndComponents, replay), 2)} | ${fmt(paired(components, dependenciesAndComponents), 2)} |`,
      "",
      "The last row is the same resources, data flow and resource tree with no component code at all: its ratio to the",
      "plain replay is the floor of any implementation with this structure, and the components run against it is",
      "what the components' own code costs (validation, defaults, derived values, output wiring) — the target.",
      "",
    );
  }
  lines.push("### Simulated deployment", "");
  lines.push(
    `Scale: 1 s of provisioning = ${msPerSecond} ms. Inherent chain: ${deployRuns[0][0].inherentSeconds} s = ${fmt(deployRuns[0][0].inherentMs)} ms.`,
    "",
    "| scenario | custom resources | wall ms | wall / inherent | critical path of the declared graph | graph / inherent | longest chain |",
    "|---|---:|---:|---:|---:|---:|---|",
  );
  for (const runs of deployRuns) {
    const first = runs[0];
    const wall = med(runs, "wallMs");
    lines.push(
      `| ${first.scenario === "one" ? "one site" : "ten sites, one shared registry"} | ${first.resources} | ${fmt(wall)} | ${fmt(
        wall / first.inherentMs,
        3,
      )} | ${first.graphSeconds} s | ${fmt(first.graphSeconds / first.inherentSeconds, 3)} | ${first.graphChain.join(" → ")} |`,
    );
  }
  lines.push("", "### Module load", "");
  lines.push(
    "| | median ms | runs (ms) | peak RSS MiB |",
    "|---|---:|---|---:|",
    `| \`require("dist/index.js")\` | ${fmt(median(loaded.packageMs))} | ${loaded.packageMs.map((m) => fmt(m)).join(", ")} | ${fmt(loaded.packageRssMiB)} |`,
    `| its dependencies alone | ${fmt(median(loaded.dependenciesMs))} | ${loaded.dependenciesMs.map((m) => fmt(m)).join(", ")} | ${fmt(loaded.dependenciesRssMiB)} |`,
    "",
    `Dependencies the package's files require at import: ${loaded.direct.map((m) => `\`${m}\``).join(", ")}.`,
    `Deploy-time-only modules loaded at import: ${loaded.eagerlyLoaded.length === 0 ? "none" : loaded.eagerlyLoaded.join(", ")}.`,
    "",
  );
  lines.push("### Ratios", "", ...ratioLines(ratios), "");
  return lines.join("\n");
}

interface Ratios {
  /** The components run against the plain replay, the replay with the program's dependencies, and that replay
   * with the program's empty components too (the target: the components' own cost). */
  component: number;
  componentVsDependencies: number;
  componentVsStructure: number;
  /** The replay with dependencies and empty components against the plain replay: the structure's own floor. */
  structureFloor: number;
  deployOne: number;
  deployShared: number;
  graphOne: number;
  graphShared: number;
  load: number;
}

/**
 * The median of the per-pair wall ratios: the runs of one repetition follow each other at once, so a pair
 * shares the machine's load of the moment (a shared 2-core machine drifts by ±15 % over a minute).
 */
function paired(runs: FleetRun[], baseline: FleetRun[]): number {
  return median(runs.map((run, i) => run.wallMs / baseline[i].wallMs));
}

function ratioLines(r: Ratios): string[] {
  return [
    `- component overhead (100 sites, wall, median of paired runs): ${fmt(r.componentVsStructure, 2)}× the same resources with the same data flow and the same empty components, i.e. the components' own code (target ≤ 1.15×, see "Targets"); against the plain replay ${fmt(r.component, 2)}×, of which the structure alone, with no component code, is ${fmt(r.structureFloor, 2)}×; against the replay with the data flow only ${fmt(r.componentVsDependencies, 2)}×`,
    `- simulated deployment / inherent chain: one site ${fmt(r.deployOne, 3)}×, ten sites sharing a registry ${fmt(r.deployShared, 3)}× (wall); declared graph ${fmt(r.graphOne, 3)}× and ${fmt(r.graphShared, 3)}× (target ≤ 1.05×)`,
    `- package load / dependencies (median of paired runs): ${fmt(r.load, 2)}× (target ≤ 1.1×)`,
  ];
}

function main(): void {
  const started = Date.now();
  const machineLine = machine();
  log(`bench on ${machineLine}`);
  const loaded = load();
  const deployRuns = deploy();
  const rows = fleet();
  const largest = rows[rows.length - 1];
  const [one, shared] = deployRuns;
  const ratios: Ratios = {
    component: paired(largest.components, largest.replay),
    componentVsDependencies: paired(largest.components, largest.dependencies),
    componentVsStructure: paired(largest.components, largest.dependenciesAndComponents),
    structureFloor: paired(largest.dependenciesAndComponents, largest.replay),
    deployOne: med(one, "wallMs") / one[0].inherentMs,
    deployShared: med(shared, "wallMs") / shared[0].inherentMs,
    graphOne: one[0].graphSeconds / one[0].inherentSeconds,
    graphShared: shared[0].graphSeconds / shared[0].inherentSeconds,
    // The package and its dependencies are loaded alternately: pair each run with the one right after it.
    load: median(loaded.packageMs.map((ms, i) => ms / loaded.dependenciesMs[i])),
  };
  const totalSeconds = (Date.now() - started) / 1000;
  const results = render(
    new Date().toISOString().slice(0, 10),
    machineLine,
    rows,
    deployRuns,
    loaded,
    ratios,
    totalSeconds,
  );
  fs.rmSync(scratch, { recursive: true, force: true });
  if (!quick) {
    const file = path.join(root, "BENCHMARKS.md");
    const begin = "<!-- results:begin (generated by npm run bench) -->";
    const end = "<!-- results:end -->";
    const existing = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : `# Benchmarks\n\n${begin}\n${end}\n`;
    const from = existing.indexOf(begin);
    const to = existing.indexOf(end);
    if (from < 0 || to < from) {
      throw new Error(`BENCHMARKS.md lacks the ${begin} ... ${end} markers`);
    }
    fs.writeFileSync(file, `${existing.slice(0, from + begin.length)}\n${results}\n${existing.slice(to)}`);
    // Formatted like every other file, so `npm run lint` (prettier --check) passes after a run.
    execFileSync("npx", ["prettier", "--write", file], { cwd: root, stdio: "ignore" });
    log("wrote BENCHMARKS.md");
  } else {
    console.log(results);
  }
  console.log(["", ...ratioLines(ratios)].join("\n"));
}

main();
