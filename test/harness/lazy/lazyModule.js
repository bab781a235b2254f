"use strict";
/**
 * A module loaded on first use: jest.config.js maps `typescript` and `@npmcli/arborist` here. The Pulumi SDK
 * requires both when it is imported (closure serialization, code paths), and jest runs the SDK afresh for every
 * test file; most files never serialize a closure, and loading the two costs ~0.6 s of CPU per file.
 *
 * `esModule`: what `__esModule` answers without loading. `true` for a module consumed only through TypeScript's
 * `__importStar` (which would otherwise copy every key, loading it at once).
 */
module.exports = function lazyModule(load, { esModule = undefined } = {}) {
  let loaded;
  const target = () => (loaded ??= load());
  return new Proxy(
    {},
    {
      get: (_, key) => (key === "__esModule" && !loaded ? esModule : Reflect.get(target(), key)),
      set: (_, key, value) => Reflect.set(target(), key, value),
      has: (_, key) => Reflect.has(target(), key),
      ownKeys: () => Reflect.ownKeys(target()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
};
