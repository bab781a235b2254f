#!/usr/bin/env node
// Run after every `npm install` here: `node .ci/lock-optional-platforms.js package-lock.json`.
//
// The package registry this project's machines reach serves only the Linux x64 builds of packages such as
// @swc/core, so npm cannot record the other platforms' optional builds in package-lock.json, and `npm ci`
// (npm 11) then refuses the lock as out of sync with package.json. A lockfile made elsewhere lists each of
// them as an optional entry; this adds those entries (name, version, optional) from their parents'
// optionalDependencies, so `npm ci` works here and everywhere (it skips optional builds it cannot use).
"use strict";
const fs = require("fs");
const file = process.argv[2];
const lock = JSON.parse(fs.readFileSync(file, "utf8"));
const pkgs = lock.packages;
let added = 0;
for (const [key, entry] of Object.entries(pkgs)) {
  for (const [dep, range] of Object.entries(entry.optionalDependencies || {})) {
    const target = `node_modules/${dep}`;
    if (pkgs[target] || pkgs[`${key}/node_modules/${dep}`]) continue;
    pkgs[target] = { version: range, ...(entry.dev ? { dev: true } : {}), optional: true };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(pkgs).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))),
);
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + "\n");
console.log(`added ${added}`);
