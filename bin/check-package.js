#!/usr/bin/env node
// Proves `npm pack` yields a usable package, installed from the tarball into a scratch folder (offline):
// - the library: `import "edge-registry"` resolves through `exports["."]` to the compiled index.ts
//   (`dist/index.js`, as index.ts says) and exposes every component;
// - the plugin: `@pulumi/pulumi/cmd/run-plugin <package>` (what the Node language host runs for
//   `pulumi package add`) starts the package's provider from `main` and prints its port.
// Run after `npm run build` (`npm run check:package` does both).
"use strict";
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const { createRequire } = require("node:module");
const os = require("node:os");
const path = require("node:path");
const { installPacked } = require("../test/harness/packInstall");

/** Starts the plugin entry as the language host would (empty cwd) and resolves with the port it prints. */
function startsPlugin(dir, packageDir) {
  const cwd = fs.mkdtempSync(path.join(dir, "consumer-"));
  const runPlugin = path.join(dir, "node_modules", "@pulumi", "pulumi", "cmd", "run-plugin");
  const child = spawn(process.execPath, [runPlugin, packageDir], { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error("the plugin printed no port within 60 s")), 60_000);
    const done = (error, port) => {
      clearTimeout(timer);
      child.kill();
      error ? reject(new Error(`${error.message}\nstdout: ${out}\nstderr: ${err}`)) : resolve(port);
    };
    child.stderr.on("data", (chunk) => (err += chunk));
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const match = /^(\d+)\s*$/m.exec(out);
      if (match) done(undefined, Number(match[1]));
    });
    child.on("exit", (code) => done(new Error(`the plugin exited with ${code}`)));
  });
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "edge-registry-pack-"));
  try {
    const { packageDir, files, size } = installPacked(dir);
    const required = [
      "dist/index.js",
      "dist/index.d.ts",
      "dist/provider/index.js",
      "PulumiPlugin.yaml",
      "package.json",
      "schema.json",
      "README.md",
    ];
    const missing = required.filter((f) => !files.includes(f));
    if (missing.length > 0) {
      throw new Error(`npm pack leaves out ${missing.join(", ")}`);
    }
    const leaked = files.filter((f) => /^(test|examples|policy|bench)\//.test(f));
    if (leaked.length > 0) {
      throw new Error(`npm pack includes files that are not part of the library: ${leaked.slice(0, 5).join(", ")}`);
    }
    // What index.ts tells consumers: "edge-registry" is the compiled index.ts, through exports["."].
    const consumer = createRequire(path.join(dir, "consumer.js"));
    const entry = fs.realpathSync(consumer.resolve("edge-registry"));
    if (entry !== fs.realpathSync(path.join(packageDir, "dist", "index.js"))) {
      throw new Error(
        `"edge-registry" resolves to ${entry}, not the package's dist/index.js (package.json exports["."])`,
      );
    }
    const library = consumer("edge-registry");
    const components = Object.entries(library).filter(
      ([, value]) => typeof value === "function" && /Resource/.test(String(Object.getPrototypeOf(value).name)),
    );
    if (components.length === 0) {
      throw new Error("the compiled package exports no component");
    }
    const port = await startsPlugin(dir, packageDir);
    console.log(
      `package ok: ${files.length} files, ${(size / 1024).toFixed(0)} KiB packed; plugin served on port ${port}; components: ${components
        .map(([n]) => n)
        .sort()
        .join(", ")}`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
