#!/usr/bin/env node
// Proves `npm pack` yields a usable library: the tarball holds the compiled entry, its types and the plugin
// manifest, and the compiled package loads through its own `exports` and exposes every component.
"use strict";
const { execFileSync } = require("node:child_process");
const path = require("node:path");

const root = path.join(__dirname, "..");
const [pack] = JSON.parse(
  execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8" }),
);
const files = new Set(pack.files.map((f) => f.path));
const required = ["dist/index.js", "dist/index.d.ts", "PulumiPlugin.yaml", "package.json", "schema.json", "README.md"];
const missing = required.filter((f) => !files.has(f));
if (missing.length > 0) {
  throw new Error(`npm pack leaves out ${missing.join(", ")}`);
}
const leaked = [...files].filter((f) => /^(test|examples|policy|bench)\//.test(f));
if (leaked.length > 0) {
  throw new Error(`npm pack includes files that are not part of the library: ${leaked.slice(0, 5).join(", ")}`);
}
const library = require("edge-registry");
const components = Object.entries(library).filter(
  ([, value]) => typeof value === "function" && /Resource/.test(String(Object.getPrototypeOf(value).name)),
);
if (components.length === 0) {
  throw new Error("the compiled package exports no component");
}
console.log(
  `package ok: ${pack.files.length} files, ${(pack.size / 1024).toFixed(0)} KiB packed; components: ${components
    .map(([n]) => n)
    .sort()
    .join(", ")}`,
);
