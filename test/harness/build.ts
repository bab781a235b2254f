/**
 * Builds the package (`tsc -p tsconfig.build.json` into `dist/`) once per change: the plugin tests run the
 * compiled entry, as the engine would after a git install (`prepare`) or from npm. A lock directory keeps
 * two jest workers from building at the same time; a stamp skips the build when no source is newer.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export const root = path.join(__dirname, "..", "..");
// Outside dist/, which `npm pack` publishes.
const cache = path.join(root, "node_modules", ".cache", "edge-registry-build");
const stamp = path.join(cache, "stamp");
const lock = path.join(cache, "lock");
const sources = ["index.ts", "components", "provider", "package.json", "tsconfig.json", "tsconfig.build.json"];

function newestSource(file: string): number {
  const stat = fs.statSync(file);
  if (!stat.isDirectory()) {
    return stat.mtimeMs;
  }
  return Math.max(0, ...fs.readdirSync(file).map((entry) => newestSource(path.join(file, entry))));
}

function upToDate(): boolean {
  // The digest bin/prepare.js writes: without it a packed dist/ would be rebuilt at install.
  if (!fs.existsSync(stamp) || !fs.existsSync(path.join(root, "dist", "build-sources.sha256"))) {
    return false;
  }
  const built = fs.statSync(stamp).mtimeMs;
  return sources.every((source) => newestSource(path.join(root, source)) <= built);
}

async function acquire(): Promise<void> {
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 600_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || Date.now() > deadline) {
        throw e;
      }
      // A lock older than any build is left over from a killed run.
      if (Date.now() - fs.statSync(lock).mtimeMs > 300_000) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/**
 * Builds `dist/` as `npm run prepare` does (bin/prepare.js): unless it was built from exactly these sources, so
 * the packed tarball carries the digest that lets its `prepare` skip the build.
 */
export async function ensureBuilt(): Promise<void> {
  await acquire();
  try {
    if (upToDate()) {
      return;
    }
    try {
      execFileSync(process.execPath, [path.join(root, "bin", "prepare.js")], { cwd: root, stdio: "pipe" });
    } catch (e) {
      throw new Error(`npm run prepare failed:\n${(e as { stdout?: Buffer }).stdout?.toString() ?? ""}`);
    }
    fs.writeFileSync(stamp, new Date().toISOString());
  } finally {
    fs.rmdirSync(lock);
  }
}
