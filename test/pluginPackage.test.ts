/**
 * The same drive as test/plugin.test.ts, with the package installed from its `npm pack` tarball into a
 * folder of its own (offline: dependencies resolve to this checkout's node_modules), so what is tested is the
 * packaging — `main`, `files`, the built JavaScript, schema.json — not the checkout. The install is the one
 * test/operationsInstalled.test.ts uses too (test/harness/packInstall.js `installPackedShared`, keyed by the
 * packed content: tested below).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { installPackedShared, packKey } from "./harness/packInstall";
import { ensureBuilt } from "./harness/build";
import { describePluginDrive } from "./harness/pluginDrive";

describePluginDrive(async () => {
  await ensureBuilt();
  const { dir, packageDir } = installPackedShared();
  return { packageDir, runPlugin: path.join(dir, "node_modules", "@pulumi", "pulumi", "cmd", "run-plugin") };
});

describe("the shared install's key (packKey)", () => {
  let pkg: string;
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(pkg, file)), { recursive: true });
    fs.writeFileSync(path.join(pkg, file), text);
  };
  const manifest = { name: "edge-registry", version: "1.0.0", main: "dist/index.js", files: ["dist", "schema.json"] };

  beforeEach(() => {
    pkg = fs.mkdtempSync(path.join(os.tmpdir(), "edge-registry-key-"));
    write("package.json", JSON.stringify(manifest));
    write("package-lock.json", "{}");
    write("README.md", "readme");
    write("schema.json", "{}");
    write("dist/index.js", "exports.a = 1;");
    write("dist/lib/b.js", "exports.b = 2;");
    write("test/a.test.ts", "it()");
    fs.mkdirSync(path.join(pkg, "node_modules", "dep"), { recursive: true });
  });
  afterEach(() => fs.rmSync(pkg, { recursive: true, force: true }));

  it("changes with every change of what npm packs or of the install's links", () => {
    const changes: [string, () => void][] = [
      ["a packed file's bytes", () => write("dist/lib/b.js", "exports.b = 3;")],
      ["a packed file added", () => write("dist/lib/c.js", "")],
      ["a packed file moved", () => fs.renameSync(path.join(pkg, "dist/lib/b.js"), path.join(pkg, "dist/b.js"))],
      ["a packed file made executable", () => fs.chmodSync(path.join(pkg, "dist/index.js"), 0o755)],
      ["a listed file", () => write("schema.json", '{"a":1}')],
      ["the README", () => write("README.md", "readme 2")],
      ["package.json", () => write("package.json", JSON.stringify({ ...manifest, version: "1.0.1" }))],
      ["the lockfile", () => write("package-lock.json", '{"a":1}')],
      ["an ignore file", () => write(".npmignore", "dist/lib")],
      ["a dependency added", () => fs.mkdirSync(path.join(pkg, "node_modules", "dep2"))],
    ];
    const before = packKey(pkg);
    expect(packKey(pkg)).toBe(before);
    for (const [what, change] of changes) {
      const previous = packKey(pkg);
      change();
      expect([what, packKey(pkg)]).not.toEqual([what, previous]);
    }
    // The same content elsewhere links another node_modules.
    const copy = `${pkg}-copy`;
    fs.cpSync(pkg, copy, { recursive: true });
    try {
      expect(packKey(copy)).not.toBe(packKey(pkg));
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  it("stays the same when only files npm does not pack change (so the install is shared)", () => {
    const before = packKey(pkg);
    write("test/a.test.ts", "it('x')");
    write("notes.md", "notes");
    expect(packKey(pkg)).toBe(before);
  });

  it("refuses a files pattern it cannot hash exactly", () => {
    write("package.json", JSON.stringify({ ...manifest, files: ["dist/**/*.js"] }));
    expect(() => packKey(pkg)).toThrow(/pattern dist\/\*\*\/\*\.js is not supported/);
  });
});
