/**
 * What the plugin relies on from the Pulumi engine: the oldest CLI that runs the components, and the URN format
 * it routes calls by. Plain values, no SDK import (the manifest and wire tests read them without loading it).
 */

/**
 * The oldest Pulumi CLI whose engine runs these components: they use the `replaceWith` resource option
 * (engine 3.207.0). Checked at every construct, so an older CLI fails with this range, not halfway.
 */
export const minimumPulumiVersion = ">=3.207.0";

/** The resource type of a URN (`urn:pulumi:stack::project::parent$type::name`). */
export function typeOfUrn(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.split("$").pop()!;
}
