/** Packs this package (`npm pack`, no scripts) and installs the tarball into `<dir>/node_modules`, offline. */
export function installPacked(dir: string): {
  /** `<dir>/node_modules/edge-registry`. */
  packageDir: string;
  /** Paths in the tarball. */
  files: string[];
  /** Tarball size in bytes. */
  size: number;
};
