/**
 * The same drive as test/plugin.test.ts, with the package installed from its `npm pack` tarball into a
 * fresh folder (offline: dependencies resolve to this checkout's node_modules), so what is tested is the
 * packaging — `main`, `files`, the built JavaScript, schema.json — not the checkout.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { installPacked } from "./harness/packInstall";
import { ensureBuilt } from "./harness/build";
import { describePluginDrive } from "./harness/pluginDrive";

describePluginDrive(async () => {
  await ensureBuilt();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "edge-registry-packed-"));
  const { packageDir } = installPacked(dir);
  return {
    packageDir,
    runPlugin: path.join(dir, "node_modules", "@pulumi", "pulumi", "cmd", "run-plugin"),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
});
