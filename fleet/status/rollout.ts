/** The rollout of a fleet: its waves (canary, rest) and the batches of site stacks a CI matrix deploys. */
import type { StatusSite } from "./model";

/**
 * The rollout waves: `canary` = the sites marked `wave: canary` (the first site when none is), `rest` = the others,
 * in inventory order (the site stacks' names).
 */
export function waves(sites: readonly StatusSite[]): { canary: string[]; rest: string[] } {
  const marked = sites.filter((s) => s.wave === "canary").map((s) => s.name);
  const canary = marked.length > 0 ? marked : sites.slice(0, 1).map((s) => s.name);
  return { canary, rest: sites.map((s) => s.name).filter((name) => !canary.includes(name)) };
}

/** Matrix jobs GitHub Actions allows per job (docs: "A matrix will generate a maximum of 256 jobs per workflow run"). */
export const MAX_MATRIX_JOBS = 256;

/** One job of a rollout matrix: a batch of site stacks, deployed by one runner with bounded parallelism. */
export interface RolloutBatch {
  /** 1-based, in rollout order. */
  readonly index: number;
  /** The site stacks, space-separated (a shell word list for the job's script). */
  readonly sites: string;
  readonly count: number;
}

/**
 * Splits `names` into at most {@link MAX_MATRIX_JOBS} batches of at most `size` sites each (larger batches when
 * `size` would need more jobs), in order.
 */
export function batches(names: readonly string[], size: number): RolloutBatch[] {
  const perBatch = Math.max(size, Math.ceil(names.length / MAX_MATRIX_JOBS));
  const out: RolloutBatch[] = [];
  for (let i = 0; i < names.length; i += perBatch) {
    const slice = names.slice(i, i + perBatch);
    out.push({ index: out.length + 1, sites: slice.join(" "), count: slice.length });
  }
  return out;
}
