/**
 * "Did you mean": the known name closest to a mistyped one (configuration keys of the root program and the fleet
 * hub, keys of the fleet inventory), so an error names the setting to use instead.
 */

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The closest known key when it is close enough to be a typo. */
export function suggestion(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best !== undefined && bestDistance > Math.max(2, Math.floor(key.length / 3))) {
    // A stem of a known key (`registry` for `registries`) is still a typo of it.
    const stem = known.find(
      (k) => k.length > 3 && key.length > 3 && k.toLowerCase().startsWith(key.toLowerCase().slice(0, -1)),
    );
    return stem;
  }
  return best;
}
