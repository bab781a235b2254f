/**
 * The package installs as a provider plugin the way the Pulumi CLI installs it, from a git clone and from the npm
 * tarball, into a folder of its own with no `node_modules` (nothing linked from this checkout), and then serves
 * GetSchema and Construct over gRPC.
 *
 * The install is the Node language host's: `npm install --loglevel=error`, plus `--production` when
 * PulumiPlugin.yaml's runtime options say `production: true` (pulumi/pulumi `sdk/nodejs/npm/npm.go`
 * `installCmd`; options from `pkg/workspace/plugin.go` `InstallPluginAtPath`, `proj.Runtime.Options()`; read by
 * `sdk/nodejs/cmd/pulumi-language-nodejs/main.go` `parseOptions`), run in the plugin folder, which runs `prepare`.
 * The plugin is then started as the host runs it (`run-plugin <folder> <engine>`, test/harness/grpcPlugin.ts).
 *
 * Slow: `npm install` downloads from the npm registry (the only network this test uses besides loopback), a few
 * minutes per folder. `.ci/run` runs it; skip it only explicitly with EDGE_REGISTRY_SKIP_PLUGIN_INSTALL=1.
 * The git clone is of the checkout's HEAD: commit before running it.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { yaml } from "../plan/program";
import { ensureBuilt, root } from "./harness/build";
import { startFakeEngine, type FakeEngine } from "./harness/engine";
import { consumerStackUrn, siteConstructRequest, startPlugin, type Plugin } from "./harness/grpcPlugin";

const skip = process.env.EDGE_REGISTRY_SKIP_PLUGIN_INSTALL === "1";
const loopbackOnly = path.join(__dirname, "fakes", "loopbackOnly.js");

/** The arguments the Node language host passes to npm for this plugin (from its PulumiPlugin.yaml). */
function hostInstallArgs(pluginDir: string): string[] {
  const manifest = yaml.load(fs.readFileSync(path.join(pluginDir, "PulumiPlugin.yaml"), "utf8")) as {
    runtime: string | { name: string; options?: { production?: boolean } };
  };
  const options = typeof manifest.runtime === "string" ? {} : (manifest.runtime.options ?? {});
  return ["install", "--loglevel=error", ...(options.production === true ? ["--production"] : [])];
}

/** The devDependencies that only tooling needs (marked dev in the lock file): a plugin install must leave them out. */
function toolingOnly(): string[] {
  const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8"));
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  return Object.keys(pkg.devDependencies).filter((name) => lock.packages[`node_modules/${name}`]?.dev === true);
}

function sizeKiB(dir: string): number {
  return Number(execFileSync("du", ["-sk", dir], { encoding: "utf8" }).split("\t")[0]);
}

interface Installed {
  readonly dir: string;
  readonly output: string;
  readonly seconds: number;
}

/** Runs the host's install in `dir`, with the environment of a `pulumi` command (no npm_* from `npm test`). */
function hostInstall(dir: string): Installed {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  const started = Date.now();
  const result = spawnSync("npm", hostInstallArgs(dir), { cwd: dir, env, encoding: "utf8", timeout: 1_500_000 });
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.status !== 0) {
    throw new Error(`npm ${hostInstallArgs(dir).join(" ")} failed in ${dir} (${result.status}):\n${output}`);
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `plugin install in ${dir}: ${seconds.toFixed(0)} s, node_modules ${sizeKiB(path.join(dir, "node_modules"))} KiB`,
  );
  return { dir, output, seconds };
}

/** A git clone of this checkout's HEAD (what `pulumi package add <git URL>` clones). */
function gitFolder(scratch: string): string {
  const dir = path.join(scratch, "git");
  execFileSync("git", ["clone", "--quiet", root, dir]);
  return dir;
}

/** The npm tarball (`npm pack` of the built checkout) unpacked as a plugin folder. */
async function tarballFolder(scratch: string): Promise<string> {
  await ensureBuilt();
  const [pack] = JSON.parse(
    execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", scratch], {
      cwd: root,
      encoding: "utf8",
    }),
  );
  const dir = path.join(scratch, "tarball");
  fs.mkdirSync(dir);
  execFileSync("tar", ["-xzf", path.join(scratch, pack.filename), "-C", dir, "--strip-components=1"]);
  return dir;
}

function describeInstall(name: string, folder: (scratch: string) => Promise<string>, builds: boolean): void {
  (skip ? describe.skip : describe)(`a plugin folder from ${name}`, () => {
    let scratch: string;
    let installed: Installed;
    let engine: FakeEngine;
    let plugin: Plugin;
    let offLoopback: string;

    beforeAll(async () => {
      scratch = fs.mkdtempSync(path.join(os.tmpdir(), "edge-registry-install-"));
      const dir = await folder(scratch);
      expect(fs.existsSync(path.join(dir, "node_modules"))).toBe(false);
      installed = hostInstall(dir);
      engine = await startFakeEngine({
        invokes: {
          "azure-native:authorization:getClientConfig": () => ({
            clientId: "11111111-1111-1111-1111-111111111111",
            objectId: "22222222-2222-2222-2222-222222222222",
            subscriptionId: "8f2b1d6e-3c4a-4e5f-9a7b-1c2d3e4f5a6b",
            tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
          }),
        },
      });
      engine.addParent(consumerStackUrn);
      offLoopback = path.join(scratch, "off-loopback.log");
      plugin = await startPlugin({
        packageDir: dir,
        engineAddress: engine.engineAddress,
        env: { NODE_OPTIONS: `--require ${loopbackOnly}`, LOOPBACK_ONLY_LOG: offLoopback },
      });
    }, 1_800_000);

    afterAll(async () => {
      await plugin?.close();
      await engine?.close();
      const attempts = fs.existsSync(offLoopback ?? "") ? fs.readFileSync(offLoopback, "utf8") : "";
      if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
      expect(attempts).toBe("");
    });

    it(builds ? "compiles dist/ in prepare" : "compiles nothing: dist/ is current", () => {
      expect(fs.existsSync(path.join(installed.dir, "dist", "provider", "index.js"))).toBe(true);
      expect(installed.output.includes("no build needed")).toBe(!builds);
    });

    it("installs no test or lint tooling (a production install)", () => {
      const present = toolingOnly().filter((name) => fs.existsSync(path.join(installed.dir, "node_modules", name)));
      expect(present).toEqual([]);
      expect(toolingOnly()).toEqual(expect.arrayContaining(["jest", "eslint", "prettier"]));
    });

    it("serves GetSchema: the schema.json it ships, the committed one", async () => {
      const schema = await plugin.getSchema();
      expect(schema).toEqual(JSON.parse(fs.readFileSync(path.join(installed.dir, "schema.json"), "utf8")));
      expect(schema).toEqual(JSON.parse(fs.readFileSync(path.join(root, "schema.json"), "utf8")));
    });

    it("serves Construct: EdgeRegistrySite with its components and the operations' custom resources", async () => {
      const { urn, state } = await plugin.construct(siteConstructRequest(engine.monitorAddress));
      expect(urn).toBe("urn:pulumi:dev::consumer::edge-registry:index:EdgeRegistrySite::edge-01");
      expect(Object.keys(state)).toEqual(expect.arrayContaining(["registryEndpoint", "connectionString"]));
      expect(engine.requiredVersions).toEqual([">=3.207.0"]);
      const types = new Set(engine.registrations.map((r) => r.type));
      for (const type of [
        "edge-registry:index:ConnectedRegistry",
        "edge-registry:index:ConnectedRegistryExtension",
        "edge-registry:index:TokenPassword",
        "azure-native:containerregistry:Registry",
      ]) {
        expect([type, types.has(type)]).toEqual([type, true]);
      }
    }, 120_000);
  });
}

describeInstall("a git clone", async (scratch) => gitFolder(scratch), true);
describeInstall("the npm tarball", tarballFolder, false);
