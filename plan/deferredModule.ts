/**
 * A stand-in for a module that loads the module when it is first used: the planner's process (plan/loading.ts)
 * and the test runner (jest.config.js, test/harness/lazy/) defer modules the Pulumi SDK requires at import but
 * rarely uses.
 */

/** How the stand-in answers `__esModule` before the module is loaded. */
export interface DeferredModuleOptions {
  /**
   * `true` for a module consumed only through TypeScript's `__importStar` (which keeps a namespace that says it
   * is an ES module, and would otherwise copy every key, loading it at once); `undefined` (the default) for a
   * CommonJS module read through `require` or a default import.
   */
  readonly esModule?: true;
}

/** A proxy that calls `load` on first use (any read, key listing or write) and then forwards to its result. */
export function deferredModule(load: () => object, options: DeferredModuleOptions = {}): object {
  let loaded: object | undefined;
  const target = (): object => (loaded ??= load());
  return new Proxy(
    {},
    {
      get: (_, key) => (key === "__esModule" && loaded === undefined ? options.esModule : Reflect.get(target(), key)),
      set: (_, key, value) => Reflect.set(target(), key, value),
      has: (_, key) => Reflect.has(target(), key),
      ownKeys: () => Reflect.ownKeys(target()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
        return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
      },
    },
  );
}
