/**
 * Resource options of a component's children, as plain, schema-friendly component arguments.
 *
 * A component's own options (`protect`, `providers`, `transforms`, `aliases`…) apply to the component; of
 * those, the SDK hands `protect` and the providers down to every child and the engine applies `transforms` to
 * every descendant. Options that make sense only for one child (keep the registry when the stack is destroyed,
 * ignore drift on one property, a longer timeout for the extension) are arguments named after that child, e.g.
 * `registryOptions`, so every language can set them and a reader sees which resource they reach.
 */
import * as pulumi from "@pulumi/pulumi";
import { inputError } from "./validation";

/** Resource options for one stateful child resource (plain values: they must be known when the program runs). */
export interface StatefulResourceOptions {
  /**
   * Protect the child: Pulumi refuses to delete or replace it until the option is removed. Default: the
   * component's own `protect` resource option (which every child inherits), else `false`.
   */
  readonly protect?: boolean;
  /**
   * Keep the cloud resource when Pulumi deletes it (it is only removed from the stack's state). Default `false`.
   * The component's own `retainOnDelete` option does not reach its children; set it here.
   */
  readonly retainOnDelete?: boolean;
  /**
   * Input properties of the child whose changes Pulumi ignores (the child's property names, e.g. `tags`,
   * `policies.retentionPolicy.days`), added to the ones the component already ignores. Default: none.
   */
  readonly ignoreChanges?: string[];
}

/** Operation timeouts of a child, as durations such as `20m`, `1h30m` or `90s`. Unset fields keep their default. */
export interface ResourceTimeouts {
  /** How long a create may take. */
  readonly create?: string;
  /** How long an update may take. */
  readonly update?: string;
  /** How long a delete may take. */
  readonly delete?: string;
}

/** A Go duration as the engine parses custom timeouts: one or more `<number><unit>` (h, m, s, ms, us, ns). */
const durationPattern = /^(\d+(\.\d+)?(h|m|s|ms|us|µs|ns))+$/;

/** Checks a {@link StatefulResourceOptions} argument (plain values only) and returns it. */
export function checkedStatefulOptions(
  argument: string,
  value: StatefulResourceOptions | undefined,
): StatefulResourceOptions | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (value === null || typeof value !== "object" || pulumi.Output.isInstance(value) || value instanceof Promise) {
    throw inputError(argument, "must be a plain object known when the program runs (resource options cannot wait).");
  }
  for (const key of ["protect", "retainOnDelete"] as const) {
    if (value[key] !== undefined && typeof value[key] !== "boolean") {
      throw inputError(`${argument}.${key}`, "must be a plain true or false.");
    }
  }
  const ignoreChanges = value.ignoreChanges;
  if (ignoreChanges !== undefined) {
    if (!Array.isArray(ignoreChanges)) {
      throw inputError(`${argument}.ignoreChanges`, "must be a list of property names.");
    }
    ignoreChanges.forEach((property, i) => {
      if (typeof property !== "string" || property.trim() === "") {
        throw inputError(
          `${argument}.ignoreChanges[${i}]`,
          "must be a property name of the child resource, e.g. `tags`.",
        );
      }
    });
  }
  return value;
}

/** Checks a {@link ResourceTimeouts} argument and returns it merged over `defaults`. */
export function checkedTimeouts(
  argument: string,
  value: ResourceTimeouts | undefined,
  defaults: Required<ResourceTimeouts>,
): Required<ResourceTimeouts> {
  if (value === undefined) {
    return defaults;
  }
  if (value === null || typeof value !== "object" || pulumi.Output.isInstance(value) || value instanceof Promise) {
    throw inputError(argument, "must be a plain object known when the program runs (resource options cannot wait).");
  }
  for (const key of ["create", "update", "delete"] as const) {
    const duration = value[key];
    if (duration !== undefined && (typeof duration !== "string" || !durationPattern.test(duration))) {
      throw inputError(`${argument}.${key}`, `"${String(duration)}" is not a duration; write e.g. "30m" or "1h30m".`);
    }
  }
  return {
    create: value.create ?? defaults.create,
    update: value.update ?? defaults.update,
    delete: value.delete ?? defaults.delete,
  };
}

/**
 * Only `protect` and `retainOnDelete` of `extra` over `base`: for resources that belong to a stateful child and
 * must share its lifecycle (a token's generated passwords: a retained token must keep working credentials), but
 * whose properties differ (so `ignoreChanges` would not apply).
 */
export function withLifecycleOptions<T extends pulumi.CustomResourceOptions>(
  base: T,
  extra: StatefulResourceOptions | undefined,
): T {
  return withStatefulOptions(base, extra && { protect: extra.protect, retainOnDelete: extra.retainOnDelete });
}

/**
 * The options of a stateful child: the component's own choices (`base`, e.g. `deleteBeforeReplace`, the
 * properties it must ignore) plus the user's. `ignoreChanges` lists are joined; `protect` and `retainOnDelete`
 * are only set when given, so an unset `protect` still inherits the component's.
 */
export function withStatefulOptions<T extends pulumi.CustomResourceOptions>(
  base: T,
  extra: StatefulResourceOptions | undefined,
): T {
  if (extra === undefined) {
    return base;
  }
  const ignoreChanges = [...(base.ignoreChanges ?? []), ...(extra.ignoreChanges ?? [])];
  return {
    ...base,
    ...(extra.protect !== undefined ? { protect: extra.protect } : {}),
    ...(extra.retainOnDelete !== undefined ? { retainOnDelete: extra.retainOnDelete } : {}),
    ...(ignoreChanges.length > 0 ? { ignoreChanges: [...new Set(ignoreChanges)] } : {}),
  };
}
