// Modules that load when first used instead of when required. The Pulumi SDK requires `typescript` and
// `@npmcli/arborist` when it is imported (~0.7 s of CPU per process together) although most processes never use
// them: `typescript` serves closure serialization and the component analyzer, arborist only `computeCodePaths`.
// Used by the planner's process (plan/loading.ts), the test runner (jest.config.js, test/harness/lazy/) and the
// hosts the tests start (test/harness/hostPreload.js). Plain JavaScript, so that a host started with plain
// `node -r` can load it.
"use strict";
const path = require("node:path");
const NodeModule = require("node:module");

/** A proxy that calls `load` on first use (any read, key listing or write) and then forwards to its result. */
function deferredModule(load, options = {}) {
  let loaded;
  const target = () => (loaded ??= load());
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

/**
 * Where the SDK requires each module at import (the file, relative to `@pulumi/pulumi`) and how it reads it:
 * `typescript` through `require` (typescript-shim.js, re-exported as is), arborist through `__importStar`.
 */
const sdkRequires = {
  typescript: { from: "typescript-shim.js", esModule: undefined },
  "@npmcli/arborist": { from: path.join("runtime", "closure", "codePaths.js"), esModule: true },
};

let installed;
/**
 * Makes the SDK's requires of `modules` (keys of `sdkRequires`) in this process answer deferred modules: Node's
 * CommonJS loader (`Module._load`, stable since Node 0.x) is wrapped once; a require from anywhere else is
 * untouched. Call it before `@pulumi/pulumi` loads.
 */
function deferSdkRequires(modules) {
  // Any copy of the SDK (a program's own, or the checkout's through a symlinked node_modules: module filenames
  // are real paths).
  const deferred = new Map(
    modules.map((request) => [request, path.join("node_modules", "@pulumi", "pulumi", sdkRequires[request].from)]),
  );
  if (installed) {
    for (const [request, from] of deferred) installed.set(request, from);
    return;
  }
  installed = deferred;
  const load = NodeModule._load;
  NodeModule._load = function loadModule(request, parent, isMain) {
    if (installed.has(request) && parent?.filename?.endsWith(path.sep + installed.get(request))) {
      return deferredModule(() => load.call(NodeModule, request, parent, isMain), {
        esModule: sdkRequires[request].esModule,
      });
    }
    return load.call(NodeModule, request, parent, isMain);
  };
}

module.exports = { deferredModule, deferSdkRequires };
