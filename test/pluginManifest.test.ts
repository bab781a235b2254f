/**
 * PulumiPlugin.yaml, as the CLI reads it (pulumi/pulumi v3.259, `sdk/go/common/workspace/project.go`
 * `PluginProject`):
 * - `requiredPulumiVersion`: the CLI range the components need (3.207.0, the `replaceWith` resource option),
 *   checked by the CLI before it starts the plugin (`sdk/go/common/resource/plugin/plugin.go` `ExecPlugin` →
 *   `ValidatePulumiVersionRange`, blang/semver ranges; CLI 3.221.0 and newer), and the same range the plugin
 *   asks the engine for at construct (provider/engine.ts `minimumPulumiVersion`) for older CLIs.
 * - `runtime.options.production`: the Node language host installs the plugin with `--production`.
 * And package.json ships what `prepare` needs in the tarball.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { yaml } from "../plan/program";
import * as semver from "semver";
import { minimumPulumiVersion } from "../provider/engine";

const root = path.join(__dirname, "..");
const manifest = yaml.load(fs.readFileSync(path.join(root, "PulumiPlugin.yaml"), "utf8")) as Record<string, any>;
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));

it("declares the minimum CLI where the CLI reads it: requiredPulumiVersion, the plugin's own range", () => {
  expect(manifest.requiredPulumiVersion).toBe(">=3.207.0");
  expect(manifest.requiredPulumiVersion).toBe(minimumPulumiVersion);
  // blang/semver and npm semver agree on a plain `>=` range.
  expect(semver.satisfies("3.207.0", manifest.requiredPulumiVersion)).toBe(true);
  expect(semver.satisfies("3.259.0", manifest.requiredPulumiVersion)).toBe(true);
  expect(semver.satisfies("3.206.0", manifest.requiredPulumiVersion)).toBe(false);
  // Only the keys the CLI's PluginProject has (a misspelt key is ignored by the CLI, silently).
  expect(Object.keys(manifest).sort()).toEqual(["requiredPulumiVersion", "runtime"]);
});

it("runs on nodejs with a production install", () => {
  expect(manifest.runtime).toEqual({ name: "nodejs", options: { production: true } });
});

it("builds from dependencies only, and ships what prepare reads in the tarball", () => {
  for (const name of ["typescript", "@types/node", "@types/node-forge"]) {
    expect([name, pkg.dependencies[name] !== undefined, pkg.devDependencies[name]]).toEqual([name, true, undefined]);
  }
  expect(pkg.scripts.prepare).toBe("node bin/prepare.js");
  expect(pkg.files).toEqual(
    expect.arrayContaining([
      "dist",
      "index.ts",
      "components",
      "provider",
      "tsconfig.json",
      "tsconfig.build.json",
      "bin/prepare.js",
    ]),
  );
});
