/**
 * The package as its own provider plugin, from a checkout (what `pulumi package add <git URL>` runs after
 * `npm install` has run `prepare`): started exactly as the Node language host starts a plugin, driven over
 * the provider gRPC protocol. See test/harness/pluginDrive.ts.
 */
import * as path from "node:path";
import { ensureBuilt, root } from "./harness/build";
import { describePluginDrive } from "./harness/pluginDrive";

describePluginDrive(async () => {
  await ensureBuilt();
  return { packageDir: root, runPlugin: path.join(root, "node_modules", "@pulumi", "pulumi", "cmd", "run-plugin") };
});
