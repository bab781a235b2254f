/**
 * A tiny require hook so `node -r ./bin/register.js some.ts` runs TypeScript without a build step.
 *
 * - `.ts` files are transpiled with `@swc/core` (types are stripped, not checked: `npm run typecheck` does that).
 * - `edge-registry` resolves the way Node's package self-reference does: to the `index.ts` of the nearest
 *   enclosing `edge-registry` package of the importing file (so a plan of another checkout, e.g. the base
 *   branch of a pull request, uses that checkout's components), else to this repository's `index.ts`.
 * - `@pulumi/pulumi` always resolves from this repository, so a program and its components share the one
 *   SDK instance that runs the mocks; other packages fall back to this repository's `node_modules`.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const Module = require("node:module");
const swc = require("@swc/core");

const repoRoot = path.resolve(__dirname, "..");
const swcOptions = {
  jsc: { parser: { syntax: "typescript" }, target: "es2022" },
  module: { type: "commonjs" },
  sourceMaps: true,
};

// Stack traces point into the .ts sources: source-map-support maps the frames of the files compiled here, from
// the maps kept in memory, and no others. Not Node's own source-map support (`process.setSourceMapsEnabled`),
// which reads and parses the `.js.map` of every module loaded from node_modules (hundreds for @pulumi/pulumi,
// ~0.4 s of CPU per process); nor source-map-support's default file readers, which read each frame's file from
// disk whenever a stack is captured (the SDK captures one per resource).
const sourceMaps = new Map();
require("source-map-support").install({
  environment: "node",
  handleUncaughtExceptions: false,
  overrideRetrieveFile: true,
  retrieveFile: () => null,
  overrideRetrieveSourceMap: true,
  retrieveSourceMap: (file) => (sourceMaps.has(file) ? { url: file, map: sourceMaps.get(file) } : null),
});

Module._extensions[".ts"] = function compileTypeScript(module, filename) {
  const source = fs.readFileSync(filename, "utf8");
  const { code, map } = swc.transformSync(source, { ...swcOptions, filename });
  if (map) {
    sourceMaps.set(filename, map);
  }
  module._compile(code, filename);
};

/** The `index.ts` of the nearest enclosing package named `edge-registry`, starting at `dir`. */
function selfReference(dir) {
  for (let current = dir; ; current = path.dirname(current)) {
    const manifest = path.join(current, "package.json");
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, "utf8")).name === "edge-registry") {
      const entry = path.join(current, "index.ts");
      if (fs.existsSync(entry)) {
        return entry;
      }
    }
    if (path.dirname(current) === current) {
      return path.join(repoRoot, "index.ts");
    }
  }
}

const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolve(request, parent, ...rest) {
  if (request === "edge-registry") {
    return selfReference(parent && parent.filename ? path.dirname(parent.filename) : process.cwd());
  }
  const isBare = !request.startsWith(".") && !path.isAbsolute(request) && !request.startsWith("node:");
  if (isBare && (request === "@pulumi/pulumi" || request.startsWith("@pulumi/pulumi/"))) {
    return originalResolve.call(this, request, parent, false, { paths: [repoRoot] });
  }
  try {
    return originalResolve.call(this, request, parent, ...rest);
  } catch (error) {
    if (!isBare || error.code !== "MODULE_NOT_FOUND") {
      throw error;
    }
    return originalResolve.call(this, request, parent, false, { paths: [repoRoot] });
  }
};
