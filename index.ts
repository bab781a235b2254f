// The package entry: programs `import { ConnectedRegistry } from "edge-registry"`. Installed from npm, that name
// resolves through package.json `exports["."]` to this file compiled (`dist/index.js`, types `dist/index.d.ts`),
// which bin/check-package.js checks on the packed package; in this repository (examples, tests) tsconfig `paths`
// and jest's `moduleNameMapper` map it to this file. `edge-registry/dist/components/*` is exported only because
// the deploy-time operations' serialized providers require their modules by that path
// (test/operationsInstalled.test.ts); it is not an API to import from.
export * from "./components";
