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
export function deferredModule(load: () => object, options?: DeferredModuleOptions): object;

/**
 * Makes the Pulumi SDK's own requires of these modules, at import, answer deferred modules in this process
 * (a require from anywhere else is untouched). Call it before `@pulumi/pulumi` loads.
 */
export function deferSdkRequires(modules: ReadonlyArray<"typescript" | "@npmcli/arborist">): void;
