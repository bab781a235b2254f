/**
 * Module load time: `require` of the compiled package entry (`dist/index.js`, built by `npm run build`) against
 * `require` of the dependency modules that entry itself loads, each in a fresh `node` process (no TypeScript
 * loader: the scripts below are plain JavaScript passed to `node -e`).
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { median } from "./measure";

/** Modules that must never load at package import (they are needed only at deployment or by one component). */
export const lazyModules = [
  "@azure/arm-containerregistry",
  "@azure/identity",
  "@pulumi/azuread",
  "kubernetes-models",
  "@peculiar/x509",
];

/**
 * Requires the package entry, recording every bare module the package's own files require, and every
 * package present in the module cache afterwards. Prints JSON.
 */
const discoverScript = `
const Module = require("node:module");
const path = require("node:path");
const dist = path.resolve(process.argv[1]);
const direct = [];
const original = Module._load;
Module._load = function (request, parent, isMain) {
  const bare = !request.startsWith(".") && !path.isAbsolute(request) && !Module.isBuiltin(request);
  if (bare && parent && parent.filename && parent.filename.startsWith(dist + path.sep) && !direct.includes(request)) {
    direct.push(request);
  }
  return original.apply(this, arguments);
};
require(path.join(dist, "index.js"));
const packages = new Set();
for (const file of Object.keys(require.cache)) {
  const match = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(file.split(path.sep).join("/"));
  if (match) packages.add(match[1]);
}
console.log(JSON.stringify({ direct, packages: [...packages].sort() }));
`;

/** Times `require` of each listed module (in order) in this fresh process; prints milliseconds and peak RSS. */
const timeScript = `
const { performance } = require("node:perf_hooks");
const modules = JSON.parse(process.argv[1]);
const start = performance.now();
for (const m of modules) require(m);
const ms = performance.now() - start;
console.log(JSON.stringify({ ms, rssMiB: process.resourceUsage().maxRSS / 1024 }));
`;

function node(script: string, arg: string, cwd: string): string {
  return execFileSync(process.execPath, ["-e", script, arg], { cwd, encoding: "utf8" });
}

export interface LoadResult {
  /** Bare modules required by the package's own files. */
  direct: string[];
  /** Every package in the module cache after loading the entry. */
  packages: string[];
  /** Lazy-only modules that were loaded anyway. */
  eagerlyLoaded: string[];
  packageMs: number[];
  dependenciesMs: number[];
  packageRssMiB: number;
  dependenciesRssMiB: number;
}

/**
 * Alternates package and dependency runs (`runs` each) so that background load affects both alike, in ABBA order
 * (package first in even pairs, dependencies first in odd ones) so that neither side is always the first run.
 */
export function measureLoad(repoRoot: string, runs: number): LoadResult {
  const dist = path.join(repoRoot, "dist");
  const discovered = JSON.parse(node(discoverScript, dist, repoRoot)) as { direct: string[]; packages: string[] };
  const entry = JSON.stringify([path.join(dist, "index.js")]);
  const dependencies = JSON.stringify(discovered.direct);
  const packageRuns: { ms: number; rssMiB: number }[] = [];
  const dependencyRuns: { ms: number; rssMiB: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const timePackage = () => packageRuns.push(JSON.parse(node(timeScript, entry, repoRoot)));
    const timeDependencies = () => dependencyRuns.push(JSON.parse(node(timeScript, dependencies, repoRoot)));
    if (i % 2 === 0) {
      timePackage();
      timeDependencies();
    } else {
      timeDependencies();
      timePackage();
    }
  }
  return {
    direct: discovered.direct,
    packages: discovered.packages,
    eagerlyLoaded: lazyModules.filter((m) => discovered.packages.includes(m)),
    packageMs: packageRuns.map((r) => r.ms),
    dependenciesMs: dependencyRuns.map((r) => r.ms),
    packageRssMiB: median(packageRuns.map((r) => r.rssMiB)),
    dependenciesRssMiB: median(dependencyRuns.map((r) => r.rssMiB)),
  };
}
