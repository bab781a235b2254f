/**
 * The adapter from an {@link Operation} to the Node dynamic provider interface, run by both hosts:
 * - in the engine's dynamic-provider process, loaded from the installed package by the small loader that the
 *   state stores (loader.ts, catalog.ts);
 * - in the provider plugin, behind the custom resources' gRPC methods (provider/provider.ts).
 *
 * Login: the engine calls `configure` with the **whole** stack config before any CRUD call; the
 * operation context reads `azure-native:<key>` from it, then the `ARM_*` environment, exactly as
 * azure-native does (platform-facts §10). A provider that was never configured (a Read of a resource
 * whose provider is loaded cold) still gets a context, from the environment alone.
 *
 * Moving a state over: a resource created before the loader holds the whole provider text in `__provider`
 * (inputs and outputs), and the dynamic-provider host runs read and delete from the stored outputs' text. The
 * first `pulumi up` with the loader therefore reports a change when only `__provider` differs, and the update
 * keeps the outputs as they are (no Azure call): the host then stores the loader with the outputs
 * (`resultIncludingProvider`, @pulumi/pulumi/cmd/dynamic-provider), and every later read and delete runs the
 * installed code. No operation resource is replaced (test/operationsMigration.test.ts).
 */
import type * as pulumi from "@pulumi/pulumi";
import { createOperationContext } from "./client";
import type { CheckFailure, Operation, OperationContext } from "./operation";

/** The value the engine sends for an input that is not known yet (preview). */
export const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The property under which the SDK stores the serialized provider. */
const providerKey = "__provider";

/** Whether the stored `__provider` of `olds` differs from the one `news` registers (both known). */
function providerChanged(olds: object, news: object): boolean {
  const before = (olds as Record<string, unknown>)[providerKey];
  const after = (news as Record<string, unknown>)[providerKey];
  return typeof before === "string" && typeof after === "string" && after !== unknownValue && before !== after;
}

/**
 * A dynamic provider running `operation` (catalog.ts's `providerOf` keeps one per operation and process).
 */
export function dynamicProviderFor<I extends object, O extends I>(
  operation: Operation<I, O>,
): pulumi.dynamic.ResourceProvider {
  // The closure serializer copies captured variables into each function's own scope, so a `let` assigned in
  // `configure` would not be seen by the other methods once loaded: they share this one object instead.
  const login: { context?: OperationContext } = {};
  const warn = (message: string): void => console.warn(`warning: ${operation.name}: ${message}`);
  const ctx = (): OperationContext => (login.context ??= createOperationContext(() => undefined, process.env, warn));
  const withoutProvider = <T extends object>(props: T): T => {
    const copy = { ...props } as Record<string, unknown>;
    delete copy[providerKey];
    return copy as T;
  };
  return {
    async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
      const config = req.config;
      login.context = createOperationContext((key: string) => config.get(`azure-native:${key}`), process.env, warn);
    },

    async check(olds: Partial<O> | undefined, news: Record<string, unknown>) {
      // Inputs not known yet (preview) are passed through as they are; their checks run on `up`.
      const pending = Object.keys(news).filter((key) => news[key] === unknownValue);
      const known = Object.fromEntries(Object.entries(withoutProvider(news)).filter(([key]) => !pending.includes(key)));
      const result = operation.check(olds === undefined ? undefined : withoutProvider(olds), known);
      const failures: CheckFailure[] = result.failures.filter(
        (failure) => !pending.some((key) => failure.property === key || failure.property.startsWith(`${key}.`)),
      );
      const inputs: Record<string, unknown> = { ...(result.inputs as Record<string, unknown>) };
      for (const key of pending) {
        inputs[key] = unknownValue;
      }
      return { inputs, failures };
    },

    async diff(id: string, olds: O, news: I) {
      const diff = await operation.diff(id, withoutProvider(olds), withoutProvider(news));
      // Only the stored provider changed (e.g. a state written before the loader): update in place, so the
      // state's outputs get the new reference (see the header). Never a replacement.
      return !diff.changes && providerChanged(olds, news) ? { ...diff, changes: true } : diff;
    },

    async create(inputs: I) {
      return operation.create(withoutProvider(inputs), ctx());
    },

    async read(id: string, props: O) {
      const result = await operation.read(id, withoutProvider(props), ctx());
      // An empty id tells the engine the object is gone: `pulumi refresh` drops it from the state.
      return result ?? { id: "", props: {} };
    },

    async update(id: string, olds: O, news: I) {
      const state = withoutProvider(olds);
      const inputs = withoutProvider(news);
      if (providerChanged(olds, news) && !(await operation.diff(id, state, inputs)).changes) {
        // The provider reference alone changed: the object is as it was, nothing to call.
        return { outs: state };
      }
      return { outs: await operation.update(id, state, inputs, ctx()) };
    },

    async delete(id: string, props: O) {
      await operation.delete(id, withoutProvider(props), ctx());
    },
  };
}
