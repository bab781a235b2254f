/**
 * Where the loader (components/operations/loader.ts) tells the dynamic-provider process to find the operations,
 * for each way a program gets the package: its path relative to the program's folder (the process's cwd) for a
 * checkout's sources, with the swc hook; the package specifier for an install. The fresh-process runs of both
 * are in test/operationsProvider.test.ts and test/operationsInstalled.test.ts.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { hostLocator } from "../components/operations/loader";

const root = path.resolve(__dirname, "..");
const operationsDir = path.join(root, "components", "operations");

it.each([
  ["the root program", "program"],
  ["an example", "examples/quickstart"],
  ["the repository root", "."],
])("from %s of this checkout: the TypeScript sources and the swc hook, relative to the program", (_, program) => {
  const cwd = path.join(root, program);
  const locator = hostLocator(cwd, operationsDir);
  expect(locator.module).toBeUndefined();
  expect(path.resolve(cwd, locator.path!)).toBe(path.join(operationsDir, "catalog.ts"));
  expect(path.resolve(cwd, locator.hook!)).toBe(path.join(root, "bin", "register.js"));
});

it("from a monorepo that vendors the package's sources: the same, relative to the program's folder", () => {
  const monorepo = fs.mkdtempSync(path.join(os.tmpdir(), "edge-registry-monorepo-"));
  try {
    const vendored = path.join(monorepo, "libs", "edge-registry");
    fs.mkdirSync(path.join(vendored, "components", "operations"), { recursive: true });
    fs.mkdirSync(path.join(vendored, "bin"), { recursive: true });
    fs.mkdirSync(path.join(monorepo, "apps", "site"), { recursive: true });
    fs.writeFileSync(path.join(vendored, "package.json"), JSON.stringify({ name: "edge-registry" }));
    fs.writeFileSync(path.join(vendored, "components", "operations", "catalog.ts"), "");
    fs.writeFileSync(path.join(vendored, "bin", "register.js"), "");
    const locator = hostLocator(path.join(monorepo, "apps", "site"), path.join(vendored, "components", "operations"));
    expect(locator).toEqual({
      path: "../../libs/edge-registry/components/operations/catalog.ts",
      hook: "../../libs/edge-registry/bin/register.js",
    });
  } finally {
    fs.rmSync(monorepo, { recursive: true, force: true });
  }
});

it("from an install (npm or git) the package specifier, whatever the program's folder", () => {
  const program = fs.mkdtempSync(path.join(os.tmpdir(), "edge-registry-installed-"));
  try {
    const installed = path.join(program, "node_modules", "edge-registry");
    fs.mkdirSync(path.join(installed, "dist", "components", "operations"), { recursive: true });
    fs.writeFileSync(path.join(installed, "package.json"), JSON.stringify({ name: "edge-registry" }));
    const locator = hostLocator(program, path.join(installed, "dist", "components", "operations"));
    // Under jest this module is the .ts source; the built package's loader.js names catalog.js.
    expect(locator.module).toMatch(/^edge-registry\/dist\/components\/operations\/catalog\.(ts|js)$/);
    expect(locator.path).toBeUndefined();
  } finally {
    fs.rmSync(program, { recursive: true, force: true });
  }
});
