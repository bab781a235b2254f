/**
 * `bin/register.js`, the require hook behind `npm run plan`, `npm run fleet` and the operations' host from a
 * checkout: TypeScript runs without a build, and a stack trace points at the .ts line (from the maps kept in
 * memory, not from Node's own source-map support, which would parse every node_modules map at start-up).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const hook = path.join(__dirname, "..", "bin", "register.js");

it("runs TypeScript and maps a thrown error's frames to the .ts lines, transpiled or from its cache", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "register-"));
  const file = path.join(dir, "throws.ts");
  // Types and an interface shift the emitted JavaScript's lines away from the source's.
  fs.writeFileSync(
    file,
    [
      "interface Site {",
      "  name: string;",
      "}",
      "const site: Site = { name: 'store001' };",
      "function fail(s: Site): never {",
      "  throw new Error(`cannot sync ${s.name}`);",
      "}",
      "try {",
      "  fail(site);",
      "} catch (error) {",
      "  console.log((error as Error).stack);",
      "}",
      "",
    ].join("\n"),
  );
  try {
    // The first run transpiles (and fills the cache), the second reads the cache: the same mapped stack.
    for (let run = 0; run < 2; run++) {
      const stack = execFileSync(process.execPath, ["-r", hook, file], { encoding: "utf8" });
      expect(stack).toContain("Error: cannot sync store001");
      expect(stack).toContain(`at fail (${file}:6:`);
      expect(stack).toContain(`(${file}:9:`);
    }
    // An edit is seen at once: the cache is keyed by the source.
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("cannot sync", "cannot reach"));
    expect(execFileSync(process.execPath, ["-r", hook, file], { encoding: "utf8" })).toContain(
      "Error: cannot reach store001",
    );
    // Node's own source-map support stays off (it would read every .js.map under node_modules).
    expect(execFileSync(process.execPath, ["-r", hook, "-p", "process.sourceMapsEnabled"], { encoding: "utf8" })).toBe(
      "false\n",
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
