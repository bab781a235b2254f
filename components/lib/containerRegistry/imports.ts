/**
 * The child names of `ContainerRegistry`'s `imports`, stable when the list is reordered, with the checks that make
 * them so (parsable sources, known hosts, targets no two imports share). Types only from the components.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { RegistryImageImport } from "../../containerRegistry";
import { checkTargetTags, defaultTargetTags, parseImageReference, sourceRegistryProblem } from "../acrNames";
import { inputError, knownValue, oneOf, validateKnown } from "../validation";
import { importModes } from "./enums";

/**
 * Child names `${name}-import-<slug>`, the slug made from the first target (or the source's default
 * target), so reordering `imports` does not replace them; `${name}-import-<n>` when the source is only
 * known at deploy time. Overlapping targets are rejected: two imports must not write the same tag.
 */
export function importChildNames(name: string, imports: pulumi.Input<RegistryImageImport>[]): string[] {
  const seenTargets: string[] = [];
  const slugs = new Set<string>();
  return imports.map((spec, i) => {
    const plain = knownValue(spec);
    const source = plain && knownValue(plain.source);
    const image = source === undefined ? undefined : parseImageReference(source);
    if (typeof image === "string") {
      throw inputError(`imports[${i}].source`, image);
    }
    const hostProblem =
      image === undefined || plain?.sourceRegistryId !== undefined ? undefined : sourceRegistryProblem(source!, image);
    if (hostProblem !== undefined) {
      throw inputError(`imports[${i}].source`, hostProblem);
    }
    const explicit = plain && (knownValue(plain.targetTags) as string[] | undefined);
    checkTargetTags(`imports[${i}].targetTags`, explicit);
    validateKnown(`imports[${i}].mode`, plain?.mode, oneOf(importModes));
    const targets = explicit ?? (image ? defaultTargetTags(image) : undefined);
    const clash = targets?.find((target) => seenTargets.includes(target));
    if (clash !== undefined) {
      throw inputError(
        `imports[${i}].targetTags`,
        `"${clash}" is already written by an earlier import; give each import its own targetTags.`,
      );
    }
    seenTargets.push(...(targets ?? []));
    const untagged = image?.digest && `${image.path}-${image.digest.slice(0, 19)}`;
    const label = targets?.[0] ?? untagged;
    let slug = label === undefined ? String(i) : slugOf(label);
    if (slugs.has(slug)) {
      slug = `${slug}-${i}`;
    }
    slugs.add(slug);
    return `${name}-import-${slug}`;
  });
}

/** `hello-world:latest` → `hello-world-latest`. */
function slugOf(label: string): string {
  return label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 60);
}
