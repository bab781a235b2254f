/**
 * Input validation shared by every component.
 *
 * Plain values (known when the program runs) are checked synchronously in the constructor and fail
 * `pulumi preview` with a `pulumi.InputPropertyError` naming the argument. Values that only become
 * known during deployment (outputs of other resources) are checked inside `apply` with
 * {@link validateWhenKnown}, which fails the deployment with the same message.
 */
import * as pulumi from "@pulumi/pulumi";
import { mapInput } from "./inputs";

/** An error for argument `propertyPath`; `reason` says what is wrong and how to fix it. */
export function inputError(propertyPath: string, reason: string): pulumi.InputPropertyError {
  return new pulumi.InputPropertyError({ propertyPath, reason: `${propertyPath}: ${reason}` });
}

/** True when `value` is known now (not an Output, not a Promise), so it can be checked at preview. */
export function isKnown<T>(value: pulumi.Input<T> | undefined): value is T {
  return !pulumi.Output.isInstance(value) && !(value instanceof Promise);
}

/**
 * Returns the plain value of an argument when it is known at construction time, else `undefined`.
 * Arrays are returned only when every element is known.
 */
export function knownValue<T>(value: pulumi.Input<T> | undefined): T | undefined {
  if (value === undefined || !isKnown(value)) {
    return undefined;
  }
  if (Array.isArray(value) && !value.every((element) => isKnown(element))) {
    return undefined;
  }
  return value;
}

/** A check returns `undefined` when the value is fine, or the reason it is not. */
export type Check<T> = (value: T) => string | undefined;

/** Runs `check` now on a known value and throws an {@link inputError} if it fails. */
export function validateKnown<T>(propertyPath: string, value: pulumi.Input<T> | undefined, check: Check<T>): void {
  const plain = knownValue(value);
  if (plain === undefined) {
    return;
  }
  const reason = check(plain);
  if (reason !== undefined) {
    throw inputError(propertyPath, reason);
  }
}

/**
 * Checks `value` now if it is known, and otherwise when it resolves during deployment. Returns a known value
 * as is (a plain input), and an unknown one as an Output that fails with the same message, so dependants never
 * see a bad value.
 */
export function validateWhenKnown<T>(propertyPath: string, value: pulumi.Input<T>, check: Check<T>): pulumi.Input<T> {
  validateKnown(propertyPath, value, check);
  return mapInput(value, (resolved) => {
    const reason = check(resolved as T);
    if (reason !== undefined) {
      throw inputError(propertyPath, reason);
    }
    return resolved as T;
  });
}

/** Fails when `value` is set but not one of the string enum's values. */
export function oneOf<E extends string>(allowed: readonly E[]): Check<string> {
  return (value) =>
    allowed.includes(value as E)
      ? undefined
      : `"${value}" is not allowed; use one of ${allowed.map((a) => `"${a}"`).join(", ")}.`;
}

/** Finds the first value that occurs twice, comparing with `key` (e.g. lowercased). */
export function firstDuplicate<T>(values: readonly T[], key: (value: T) => string = String): T | undefined {
  const seen = new Set<string>();
  for (const value of values) {
    const k = key(value);
    if (seen.has(k)) {
      return value;
    }
    seen.add(k);
  }
  return undefined;
}

/** Throws when more than one of the named arguments is set. `args` maps argument names to values. */
export function checkExclusive(args: Record<string, unknown>, hint: string): void {
  const set = Object.entries(args).filter(([, value]) => value !== undefined);
  if (set.length > 1) {
    throw inputError(set[1][0], `cannot be combined with ${set[0][0]}. ${hint}`);
  }
}

/** Checks a plain list: each item with `path[i]`, then the whole list with `path`; throws the first failure. */
export function checkList(
  path: string,
  items: readonly string[],
  item: Check<string>,
  list: Check<readonly string[]> = () => undefined,
): void {
  items.forEach((entry, i) => {
    const reason = item(entry);
    if (reason !== undefined) {
      throw inputError(`${path}[${i}]`, reason);
    }
  });
  const reason = list(items);
  if (reason !== undefined) {
    throw inputError(path, reason);
  }
}

/** {@link checkList} on a list argument: now when it is known, else once it is. */
export function validateList(
  path: string,
  value: pulumi.Input<pulumi.Input<string>[]>,
  item: Check<string>,
  list: Check<readonly string[]> = () => undefined,
): pulumi.Input<string[]> {
  return mapInput(value, (items) => {
    checkList(path, items, item, list);
    return items;
  });
}

/** Passes a value on to the resources that take it only once a check passed (see {@link gateTogether}). */
export type Gate = <V>(value: pulumi.Input<V>) => pulumi.Input<V>;

/**
 * Checks several inputs together: now when all are known (a failure throws at preview), else inside the
 * `apply` that produces the value the gate is put on, so a failed check stops every resource that takes
 * that value — never in an `apply` beside them. Unset (`undefined`) inputs count as known.
 */
export function gateTogether<T extends unknown[]>(path: string, values: unknown[], check: Check<T>): Gate {
  const run = (resolved: T): void => {
    const reason = check(resolved);
    if (reason !== undefined) {
      throw inputError(path, reason);
    }
  };
  const plain = values.map((value) => knownValue(value));
  if (values.every((value, i) => value === undefined || plain[i] !== undefined)) {
    run(plain as unknown as T);
    return (value) => value;
  }
  return <V>(value: pulumi.Input<V>) =>
    pulumi.all([value, pulumi.all(values)]).apply(([resolvedValue, resolved]) => {
      run(resolved as unknown as T);
      return resolvedValue;
    }) as pulumi.Output<V>;
}

/** Applies gates in turn. */
export const allGates =
  (gates: Gate[]): Gate =>
  (value) =>
    gates.reduce((gated, gate) => gate(gated), value);
