/**
 * Defers loading `@npmcli/arborist` until something uses it. `@pulumi/pulumi` requires it at load time
 * (runtime/closure/codePaths.js, for `computeCodePaths`, which no test of this package calls) and with it pacote,
 * sigstore and the npm registry client: ~0.5 s of every process that loads the SDK, ~1.5 s of a test file in jest's
 * module system. The module is the real one, loaded on the first property read, call or `new`; only its load time
 * moves.
 *
 * Imported first by mocks.ts, so that it runs before the SDK is loaded: under jest as a module mock, in the
 * scenario processes (`node -r ./bin/register.js test/harness/…`) through node's module loader.
 */
import Module from "node:module";

const ARBORIST = "@npmcli/arborist";

/** A stand-in for a module that `load`s it on first use. */
function lazyModule(load: () => any): unknown {
  // `__esModule` lets the SDK's `__importStar` keep this object instead of copying its (not yet loaded) keys.
  return new Proxy(function arborist() {}, {
    get: (_target, key) => (key === "__esModule" ? true : load()[key]),
    has: (_target, key) => key in load(),
    apply: (_target, self, args) => Reflect.apply(load(), self, args),
    construct: (_target, args) => Reflect.construct(load(), args),
  });
}

if (typeof jest !== "undefined") {
  jest.mock("@npmcli/arborist", () => {
    let real: unknown;
    return lazyModule(() => (real ??= jest.requireActual(ARBORIST)));
  });
} else {
  type Load = (request: string, parent: unknown, isMain: boolean) => unknown;
  const loader = Module as unknown as { _load: Load };
  const load = loader._load;
  let real: unknown;
  loader._load = function (request, parent, isMain) {
    return request === ARBORIST
      ? lazyModule(() => (real ??= load.call(this, request, parent, isMain)))
      : load.call(this, request, parent, isMain);
  };
}
