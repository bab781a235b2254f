/**
 * The layout a newcomer relies on (docs/development.md "Where things are"): `components/*.ts` are public
 * components only, every hand-written source file stays readable in one sitting, and layers import downwards.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.join(__dirname, "..");
const ignored = new Set(["node_modules", "dist", ".git", "docs", "fixtures"]);

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (ignored.has(entry.name)) {
      return [];
    }
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sources(full) : /\.(ts|js|mjs)$/.test(entry.name) ? [full] : [];
  });
}

it("components/ holds public components only: each file exports a ComponentResource subclass", () => {
  const helpers = fs
    .readdirSync(path.join(root, "components"))
    .filter((name) => name.endsWith(".ts") && name !== "index.ts")
    .filter((name) => {
      const text = fs.readFileSync(path.join(root, "components", name), "utf8");
      return !/export class \w+ extends pulumi\.ComponentResource\b/.test(text);
    });
  expect(helpers).toEqual([]);
});

it("every component is exported by the package entry", () => {
  const entry = fs.readFileSync(path.join(root, "components", "index.ts"), "utf8");
  const files = fs.readdirSync(path.join(root, "components")).filter((n) => n.endsWith(".ts") && n !== "index.ts");
  expect(files.filter((name) => !entry.includes(`"./${name.replace(/\.ts$/, "")}"`))).toEqual([]);
});

it("no hand-written source file is over 600 lines", () => {
  const long = sources(root)
    .map((file) => [path.relative(root, file), fs.readFileSync(file, "utf8").split("\n").length] as const)
    .filter(([, lines]) => lines > 600);
  expect(long).toEqual([]);
});

it("layers import downwards: components/lib loads no component, components load no program, fleet or plan", () => {
  const upward: string[] = [];
  for (const file of sources(path.join(root, "components"))) {
    const rel = path.relative(root, file);
    const text = fs.readFileSync(file, "utf8");
    // `import type` is erased when compiled (lib/connectedRegistry reads its component's Args that way): no load.
    for (const match of text.matchAll(/^import (?!type )[^;]*?from "(\.[^"]+)"/gms)) {
      const target = path.relative(root, path.resolve(path.dirname(file), match[1]));
      const inLib = rel.startsWith("components/lib/");
      const targetIsComponent = /^components\/[^/]+$/.test(target) && !target.endsWith("index");
      if ((inLib && targetIsComponent) || !target.startsWith("components")) {
        upward.push(`${rel} -> ${target}`);
      }
    }
  }
  expect(upward).toEqual([]);
});
