/**
 * Helpers shared by the bench workers (each runs in its own fresh child process) and the driver.
 *
 * A worker prints exactly one line `BENCH_RESULT <json>` on stdout; the driver (`bench/run.ts`) parses it.
 */
import { performance } from "node:perf_hooks";

/** Peak resident set size of this process so far, in MiB (`getrusage` ru_maxrss, i.e. VmHWM). */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** CPU time (user + system, all threads) of this process so far, in milliseconds. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Milliseconds since an arbitrary origin, monotonic. */
export function now(): number {
  return performance.now();
}

/** Prints the worker's result for the driver. */
export function report(result: object): void {
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

/** The median of a non-empty list. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** An argument of the form `--key value` or the fallback. */
export function argument(argv: readonly string[], key: string, fallback?: string): string | undefined {
  const index = argv.indexOf(`--${key}`);
  return index >= 0 && index + 1 < argv.length ? argv[index + 1] : fallback;
}
