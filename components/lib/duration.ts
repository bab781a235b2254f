/**
 * ISO 8601 durations as connected registries take them (`syncWindow`, `messageTtl`, a fleet's age limits). Free of
 * the Pulumi SDK: `fleet status` reads durations without loading it.
 */

const durationPattern =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Seconds in an ISO 8601 duration (years = 365 days, months = 30 days), or undefined when malformed. */
export function durationSeconds(value: string): number | undefined {
  const match = durationPattern.exec(value);
  if (!match || value === "P" || value.endsWith("T")) {
    return undefined;
  }
  const units = [365 * 86400, 30 * 86400, 7 * 86400, 86400, 3600, 60, 1];
  return units.reduce((total, unit, i) => total + Number(match[i + 1] ?? 0) * unit, 0);
}
