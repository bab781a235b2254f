// Installs this package from its `npm pack` tarball into `<dir>/node_modules/edge-registry`, offline: the
// tarball is unpacked as npm would unpack it, and its dependencies resolve to this checkout's node_modules
// (each top-level entry symlinked). So what is tested is what npm would publish, not the checkout.
// `dist/` must be built first (`npm run build`): the tarball is packed without running scripts.
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..", "..");

/** Packs and installs into `dir`; returns the tarball's file list and the installed package directory. */
function installPacked(dir) {
  const [pack] = JSON.parse(
    execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], {
      cwd: root,
      encoding: "utf8",
    }),
  );
  const modules = path.join(dir, "node_modules");
  const packageDir = path.join(modules, pack.name);
  fs.mkdirSync(packageDir, { recursive: true });
  execFileSync("tar", ["-xzf", path.join(dir, pack.filename), "-C", packageDir, "--strip-components=1"]);
  for (const entry of fs.readdirSync(path.join(root, "node_modules"))) {
    if (entry === pack.name || entry.startsWith(".")) continue;
    fs.symlinkSync(path.join(root, "node_modules", entry), path.join(modules, entry));
  }
  return { packageDir, files: pack.files.map((f) => f.path), size: pack.size };
}

module.exports = { installPacked };
