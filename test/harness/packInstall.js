// Installs this package from its `npm pack` tarball into `<dir>/node_modules/edge-registry`, offline: the
// tarball is unpacked as npm would unpack it, and its dependencies resolve to this checkout's node_modules
// (each top-level entry symlinked). So what is tested is what npm would publish, not the checkout.
// `dist/` must be built first (`npm run build`): the tarball is packed without running scripts.
//
// The tests that need such an install (test/pluginPackage.test.ts, test/operationsInstalled.test.ts) share one
// through `installPackedShared`: a folder in os.tmpdir() named after a digest of everything `npm pack` reads
// (`packKey`), built once under a lock, so the jest workers pack once per change of the package's content.
"use strict";
const { execFileSync } = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const root = path.join(__dirname, "..", "..");

/** Packs and installs into `dir`; returns the tarball's file list and the installed package directory. */
function installPacked(dir, from = root) {
  const [pack] = JSON.parse(
    execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], {
      cwd: from,
      encoding: "utf8",
    }),
  );
  const modules = path.join(dir, "node_modules");
  const packageDir = path.join(modules, pack.name);
  fs.mkdirSync(packageDir, { recursive: true });
  execFileSync("tar", ["-xzf", path.join(dir, pack.filename), "-C", packageDir, "--strip-components=1"]);
  for (const entry of fs.readdirSync(path.join(from, "node_modules"))) {
    if (entry === pack.name || entry.startsWith(".")) continue;
    fs.symlinkSync(path.join(from, "node_modules", entry), path.join(modules, entry));
  }
  return { packageDir, files: pack.files.map((f) => f.path), size: pack.size };
}

/**
 * Root files npm always packs (npm-packlist's strict rules), or whose content changes what it packs (ignore
 * rules, its config, the lockfile).
 */
const alwaysPacked =
  /^(package\.json|package-lock\.json|npm-shrinkwrap\.json|\.npmignore|\.gitignore|\.npmrc)$|^(readme|copying|licen[cs]e)/i;

/** The version of the `npm` on PATH (its package.json, next to the real path of its bin script), or "". */
function npmVersion() {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const bin = path.join(dir || ".", "npm");
    if (!fs.existsSync(bin)) continue;
    for (let at = path.dirname(fs.realpathSync(bin)); path.dirname(at) !== at; at = path.dirname(at)) {
      const manifest = path.join(at, "package.json");
      if (fs.existsSync(manifest)) return `${bin}@${JSON.parse(fs.readFileSync(manifest, "utf8")).version}`;
    }
    return bin;
  }
  return "";
}

/**
 * A digest of everything that decides what an install by {@link installPacked} from `from` holds: the path
 * (the symlinks point into its node_modules), the names in its node_modules, node's and npm's versions, the
 * root files npm always packs or that steer it (package.json, lockfile, ignore files, README…), and the path
 * and bytes of every file under each entry of package.json `files` (node_modules and .git excepted). It hashes
 * more than npm packs (a file npm would ignore still changes the key): a spurious rebuild, never a stale hit.
 */
function packKey(from = root) {
  const hash = crypto.createHash("sha256");
  const add = (...parts) => {
    // Each part length-prefixed, so no two different sequences of parts hash the same bytes.
    for (const part of parts) hash.update(`${Buffer.byteLength(part)}:`).update(part);
  };
  const file = (relative) => {
    const stat = fs.lstatSync(path.join(from, relative));
    if (stat.isSymbolicLink()) {
      add("link", relative, fs.readlinkSync(path.join(from, relative)));
    } else if (stat.isDirectory()) {
      add("dir", relative);
      for (const entry of fs.readdirSync(path.join(from, relative)).sort()) {
        if (entry !== "node_modules" && entry !== ".git") file(path.join(relative, entry));
      }
    } else {
      add("file", relative, String(stat.mode & 0o111), fs.readFileSync(path.join(from, relative)));
    }
  };
  add(path.resolve(from), process.version, npmVersion());
  const modules = path.join(from, "node_modules");
  add("node_modules", ...(fs.existsSync(modules) ? fs.readdirSync(modules).sort() : []));
  const rootFiles = fs.readdirSync(from).filter((entry) => alwaysPacked.test(entry));
  const manifest = JSON.parse(fs.readFileSync(path.join(from, "package.json"), "utf8"));
  const bins = typeof manifest.bin === "string" ? [manifest.bin] : Object.values(manifest.bin ?? {});
  const listed = [...(manifest.files ?? []), manifest.main ?? "index.js", ...bins].map((entry) => {
    // A pattern would need npm's matching to hash exactly what it selects: refuse rather than under-hash.
    if (/[*?[\]{}!]/.test(entry)) throw new Error(`packKey: package.json "files" pattern ${entry} is not supported`);
    return path.normalize(entry);
  });
  for (const entry of [...new Set([...rootFiles, ...listed])].sort()) {
    if (fs.existsSync(path.join(from, entry))) file(entry);
    else add("missing", entry);
  }
  return hash.digest("hex");
}

/** Sleeps `ms` milliseconds, blocking (the pack itself blocks too). */
function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs `build` holding the lock directory `lock` (one taker across processes; a lock older than 5 min is stale). */
function withLock(lock, build) {
  const deadline = Date.now() + 600_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (e) {
      if (e.code !== "EEXIST" || Date.now() > deadline) throw e;
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > 300_000) fs.rmSync(lock, { recursive: true, force: true });
      } catch {
        // released meanwhile
      }
      sleep(100);
    }
  }
  try {
    return build();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** Removes the shared installs (and leftovers of killed builds) nobody used for a day. */
function prune(cacheRoot, keep) {
  for (const entry of fs.readdirSync(cacheRoot)) {
    if (!entry.startsWith("edge-registry-pack-") || entry === keep) continue;
    const full = path.join(cacheRoot, entry);
    try {
      if (Date.now() - fs.statSync(full).mtimeMs > 86_400_000) fs.rmSync(full, { recursive: true, force: true });
    } catch {
      // another run's, removed meanwhile
    }
  }
}

/**
 * The install of {@link installPacked}, shared: `<os.tmpdir()>/edge-registry-pack-<packKey>`, built (under a
 * lock, into a scratch folder renamed into place) when no whole install of exactly this content exists yet
 * (its pack.json names this key and every packed file is still in place; otherwise it is rebuilt). Returns
 * the folder (a program's folder: `node_modules/` in it) with what {@link installPacked} returns. The install
 * is read-only by convention: tests run programs and plugins from it, never write into it.
 */
function installPackedShared(from = root, cacheRoot = os.tmpdir()) {
  const key = packKey(from);
  const name = `edge-registry-pack-${key.slice(0, 32)}`;
  const dir = path.join(cacheRoot, name);
  const manifest = path.join(dir, "pack.json");
  // Whole: built for this very key, every packed file still there (a /tmp cleaner may remove files).
  const installed = () => {
    if (!fs.existsSync(manifest)) return undefined;
    const pack = JSON.parse(fs.readFileSync(manifest, "utf8"));
    const packageDir = path.join(dir, pack.packageDir);
    const whole = pack.key === key && pack.files.every((file) => fs.existsSync(path.join(packageDir, file)));
    return whole ? { dir, packageDir, files: pack.files, size: pack.size } : undefined;
  };
  const used = (install) => {
    const now = new Date();
    fs.utimesSync(dir, now, now); // last use, for prune
    return install;
  };
  const found = installed();
  if (found) return used(found);
  return withLock(`${dir}.lock`, () => {
    const built = installed();
    if (built) return used(built);
    fs.rmSync(dir, { recursive: true, force: true });
    const scratch = fs.mkdtempSync(path.join(cacheRoot, `${name}.tmp-`));
    try {
      const { packageDir, files, size } = installPacked(scratch, from);
      const relative = path.relative(scratch, packageDir);
      fs.writeFileSync(path.join(scratch, "pack.json"), JSON.stringify({ key, packageDir: relative, files, size }));
      fs.renameSync(scratch, dir);
    } catch (e) {
      fs.rmSync(scratch, { recursive: true, force: true });
      throw e;
    }
    prune(cacheRoot, name);
    return used(installed());
  });
}

module.exports = { installPacked, installPackedShared, packKey };
