/**
 * The in-process host of the deploy-time operations: a Node dynamic provider per {@link Operation}.
 *
 * The SDK serializes the provider object (`pulumi.runtime.serializeFunction(() => provider)`) into the
 * resource's `__provider` input, and `@pulumi/pulumi/cmd/dynamic-provider` loads that text in a fresh
 * process (cwd = the program's folder) with `require-from-string`. What a method here references is
 * captured:
 * - from an installed package (node_modules/edge-registry): as `require("edge-registry/dist/components/…")`
 *   references, which package.json `exports` must allow (test/operationsInstalled.test.ts);
 * - from a checkout (this repository's programs, examples and tests): by value, every module reachable from
 *   {@link createOperationContext} and the operation included. Keep those modules serializable: Node
 *   built-ins with named imports (a namespace import compiled by swc is a copy the serializer cannot map
 *   back to `require("crypto")`), and the Azure SDKs `require`d lazily, inside functions (platform-facts §11).
 *
 * Login: the engine calls `configure` with the **whole** stack config before any CRUD call; the
 * operation context reads `azure-native:<key>` from it, then the `ARM_*` environment, exactly as
 * azure-native does (platform-facts §10). A provider that was never configured (a Read of a resource
 * whose provider is loaded cold) still gets a context, from the environment alone.
 */
import type * as pulumi from "@pulumi/pulumi";
import { createOperationContext } from "./client";
import type { CheckFailure, Operation, OperationContext } from "./operation";

/** The value the engine sends for an input that is not known yet (preview). */
export const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The property under which the SDK stores the serialized provider. */
const providerKey = "__provider";

/**
 * A dynamic provider running `operation`. Create one per operation and reuse it: the SDK caches the
 * serialized closure per provider object.
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
      return operation.diff(id, withoutProvider(olds), withoutProvider(news));
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
      return { outs: await operation.update(id, withoutProvider(olds), withoutProvider(news), ctx()) };
    },

    async delete(id: string, props: O) {
      await operation.delete(id, withoutProvider(props), ctx());
    },
  };
}
