/** What an install from the `npm pack` tarball holds. */
export interface PackedInstall {
  /** `<dir>/node_modules/edge-registry`. */
  packageDir: string;
  /** Paths in the tarball. */
  files: string[];
  /** Tarball size in bytes. */
  size: number;
}

/**
 * Packs `from` (default: this checkout; `npm pack`, no scripts) and installs the tarball into
 * `<dir>/node_modules`, offline.
 */
export function installPacked(dir: string, from?: string): PackedInstall;

/**
 * The digest naming a shared install of `from` (default: this checkout): it changes with anything that
 * changes what `npm pack` packs (and with some things that do not), never stays the same across such a change.
 */
export function packKey(from?: string): string;

/**
 * One install of {@link installPacked} per content of `from`, shared by every test (and jest worker) that needs
 * it: `<cacheRoot>/edge-registry-pack-<key>`, built once under a lock. `dir` is the folder holding `node_modules/`.
 * Read-only: run programs and plugins from it, never write into it.
 */
export function installPackedShared(from?: string, cacheRoot?: string): PackedInstall & { dir: string };
