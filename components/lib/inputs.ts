/**
 * Deriving resource inputs from component arguments without creating Outputs for values that are already
 * known. A plain input is serialized directly; an Output costs the SDK several promises, a stack trace and an
 * await per property, a measurable share of a large fleet's evaluation time (see BENCHMARKS.md).
 */
import * as pulumi from "@pulumi/pulumi";

/** True when `value` holds no Output and no Promise at any depth (arrays and plain objects are searched). */
export function isDeepKnown(value: unknown): boolean {
  if (pulumi.Output.isInstance(value) || value instanceof Promise) {
    return false;
  }
  if (Array.isArray(value)) {
    return value.every(isDeepKnown);
  }
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value).every(isDeepKnown);
  }
  return true;
}

/**
 * `derive(value)` computed now when `value` is fully known, else `pulumi.output(value).apply(derive)`: the same
 * result, as a plain input whenever possible. Errors thrown by `derive` surface at construction for known values
 * and during deployment otherwise, exactly like the `apply` they replace.
 */
export function mapInput<T, U>(value: pulumi.Input<T>, derive: (resolved: pulumi.Unwrap<T>) => U): pulumi.Input<U> {
  if (isDeepKnown(value)) {
    return derive(value as pulumi.Unwrap<T>);
  }
  return pulumi.output(value).apply((resolved) => derive(resolved)) as pulumi.Output<U>;
}

/** {@link mapInput} over several inputs at once (like `pulumi.all([...]).apply(derive)`), keeping the tuple's types. */
export function mapAll<T extends unknown[], U>(
  values: [...T],
  derive: (resolved: { [K in keyof T]: pulumi.Unwrap<T[K]> }) => U,
): pulumi.Input<U> {
  if (isDeepKnown(values)) {
    return derive(values as { [K in keyof T]: pulumi.Unwrap<T[K]> });
  }
  return pulumi.output(values).apply((resolved) => derive(resolved as { [K in keyof T]: pulumi.Unwrap<T[K]> }));
}
