/**
 * Under jest, defers loading `@npmcli/arborist` until something uses it. `@pulumi/pulumi` requires it at load time
 * (runtime/closure/codePaths.js, for `computeCodePaths`, which no test of this package calls) and with it pacote,
 * sigstore and the npm registry client: ~1.5 s of every test file that loads the SDK, in jest's module system.
 * The module is the real one, loaded on the first property read, call or `new`; only its load time moves.
 *
 * Imported first by mocks.ts, so that it runs before the SDK is loaded. Outside jest (the scenario processes) it
 * does nothing.
 */
if (typeof jest !== "undefined") {
  jest.mock("@npmcli/arborist", () => {
    let real: any;
    const load = () => (real ??= jest.requireActual("@npmcli/arborist"));
    // `__esModule` lets the SDK's `__importStar` keep this object instead of copying its (not yet loaded) keys.
    return new Proxy(function arborist() {}, {
      get: (_target, key) => (key === "__esModule" ? true : load()[key]),
      has: (_target, key) => key in load(),
      apply: (_target, self, args) => Reflect.apply(load(), self, args),
      construct: (_target, args) => Reflect.construct(load(), args),
    });
  });
}
