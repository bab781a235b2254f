/**
 * A tiny require hook so `node -r ./bin/register.js some.ts` runs TypeScript without a build step.
 *
 * - `.ts` files are transpiled with `@swc/core` (types are stripped, not checked: `npm run typecheck` does that);
 *   the output is kept in `node_modules/.cache/edge-registry-register/`, keyed by the source, its path, swc's
 *   version and the options, so the next process skips swc (~0.1-0.3 s of CPU for a plan or fleet run).
 * - `edge-registry` resolves the way Node's package self-reference does: to the `index.ts` of the nearest
 *   enclosing `edge-registry` package of the importing file (so a plan of another checkout, e.g. the base
 *   branch of a pull request, uses that checkout's components), else to this repository's `index.ts`.
 * - `@pulumi/pulumi` always resolves from this repository, so a program and its components share the one
 *   SDK instance that runs the mocks; other packages fall back to this repository's `node_modules`.
 */
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const Module = require("node:module");

const repoRoot = path.resolve(__dirname, "..");
const cacheDir = path.join(repoRoot, "node_modules", ".cache", "edge-registry-register");
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

/** swc, loaded on the first cache miss (its native binding is ~10 MB). */
let swc;
/** What identifies a transform's output besides the file: swc's version and the options. */
let transformIdentity;

/** `{ code, map }` of a .ts file: from the cache when the same source was transpiled before, else from swc. */
function transpile(source, filename) {
  if (!transformIdentity) {
    const swcVersion = JSON.parse(fs.readFileSync(require.resolve("@swc/core/package.json"), "utf8")).version;
    transformIdentity = JSON.stringify([swcVersion, swcOptions]);
  }
  const key = crypto.createHash("sha256").update(transformIdentity).update("\0").update(filename).update("\0");
  const cached = path.join(cacheDir, `${key.update(source).digest("hex")}.json`);
  try {
    return JSON.parse(fs.readFileSync(cached, "utf8"));
  } catch {
    // Not transpiled yet (or the cache is not readable): transpile below.
  }
  swc ??= require("@swc/core");
  const { code, map } = swc.transformSync(source, { ...swcOptions, filename });
  try {
    // Written aside then renamed, so a concurrent process never reads half a file.
    fs.mkdirSync(cacheDir, { recursive: true });
    const partial = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(partial, JSON.stringify({ code, map }));
    fs.renameSync(partial, cached);
  } catch {
    // A read-only checkout still runs, only without the cache.
  }
  return { code, map };
}

Module._extensions[".ts"] = function compileTypeScript(module, filename) {
  const { code, map } = transpile(fs.readFileSync(filename, "utf8"), filename);
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
