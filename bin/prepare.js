#!/usr/bin/env node
// `npm run prepare` (npm runs it after `npm install` in the package folder, which is how the Node language host
// installs a plugin: pulumi/pulumi `sdk/nodejs/npm/npm.go` `installCmd`) and the end of `npm run build`.
//
// Builds dist/ from the TypeScript sources unless dist/ is current: dist/build-sources.sha256 holds the digest of
// the sources it was built from (index.ts, components/ and provider/ .ts files, the two tsconfigs), written by
// every build. A package folder from the npm tarball ships dist/ with that digest and the same sources, so it
// installs without compiling (and without TypeScript); a git clone has no dist/ and compiles.
//
//   node bin/prepare.js           build when dist/ is missing or stale
//   node bin/prepare.js --stamp   record the digest of the sources dist/ was just built from
"use strict";
const { execFileSync } = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const stampFile = path.join(root, "dist", "build-sources.sha256");
const entries = ["dist/index.js", "dist/provider/index.js"];

/** Every source of the build, as paths relative to the package root, sorted. */
function sources() {
  const files = ["index.ts", "tsconfig.json", "tsconfig.build.json"];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const file = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith(".ts")) files.push(file);
    }
  };
  walk("components");
  walk("provider");
  return files.sort();
}

/** The digest of the sources' paths and contents. */
function digest() {
  const hash = crypto.createHash("sha256");
  for (const file of sources()) {
    hash.update(`${file}\0`);
    hash.update(fs.readFileSync(path.join(root, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

function current(sum) {
  return (
    entries.every((file) => fs.existsSync(path.join(root, file))) &&
    fs.existsSync(stampFile) &&
    fs.readFileSync(stampFile, "utf8").trim() === sum
  );
}

function main() {
  const sum = digest();
  if (process.argv.includes("--stamp")) {
    fs.writeFileSync(stampFile, `${sum}\n`);
    return;
  }
  if (current(sum)) {
    console.log("edge-registry: dist/ is current (built from these sources); no build needed");
    return;
  }
  let tsc;
  try {
    tsc = require.resolve("typescript/bin/tsc", { paths: [root] });
  } catch {
    console.error(
      "edge-registry: dist/ is missing or older than the sources, and TypeScript is not installed to build it. " +
        "Run `npm install` in this folder (typescript is a dependency), or install from the npm tarball, which ships dist/.",
    );
    process.exit(1);
  }
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
  fs.writeFileSync(stampFile, `${sum}\n`);
}

main();
