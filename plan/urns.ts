/**
 * The URNs of a program's resources (without stack and project) and, for each, every earlier URN its
 * aliases cover — to check that an upgrade of this package keeps every resource of a previous version:
 *
 *   node -r ./bin/register.js plan/urns.ts <program dir> [--stack <name>]
 *   node -r ./bin/register.js plan/urns.ts --all [<checkout>]     # the root program and every example
 *
 * The first prints `{"<key>": ["<key>", "<alias key>", ...]}`; `--all` prints `{"<dir> <stack>": ["<key>", ...]}`
 * for every program and stack file of a checkout (as the pull-request plan does), which is how
 * `test/fixtures/urns-v<version>.json` is recorded from a release's checkout. A key of a previous version that no
 * current resource covers would be deleted and created again on upgrade (test/upgrade.test.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { evaluate } from "./index";
import { candidateKeys } from "./diff";
import { compare, resourceKey } from "./model";
import { loadProgram, parseArgs } from "./program";

/** Every resource's key and the keys it may have had (its own first). */
export async function programUrns(programDir: string, stack?: string): Promise<{ [key: string]: string[] }> {
  const settings = loadProgram(path.resolve(programDir), stack);
  // Several stacks of one program in one process: the program must run again.
  delete require.cache[require.resolve(settings.entry)];
  const resources = await evaluate(settings);
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const entries = resources
    .map((r) => [resourceKey(r), candidateKeys(r, byUrn)] as const)
    .sort(([a], [b]) => compare(a, b));
  return Object.fromEntries(entries);
}

/** The programs of a checkout with their stacks, as `"<dir> <stack>"` (`.` is the root; stack empty without one). */
export function checkoutPrograms(checkout: string): { label: string; dir: string; stack?: string }[] {
  const examples = path.join(checkout, "examples");
  const dirs = [
    ".",
    ...fs
      .readdirSync(examples)
      .sort(compare)
      .map((name) => path.join("examples", name)),
  ].filter((dir) => fs.existsSync(path.join(checkout, dir, "Pulumi.yaml")));
  return dirs.flatMap((dir) => {
    const stacks = fs
      .readdirSync(path.join(checkout, dir))
      .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
      .filter((stack): stack is string => stack !== undefined)
      .sort(compare);
    return (stacks.length > 0 ? stacks : [undefined]).map((stack) => ({
      label: `${dir} ${stack ?? ""}`,
      dir: path.join(checkout, dir),
      stack,
    }));
  });
}

/** For every program and stack of a checkout, its resources' keys. */
export async function checkoutUrns(checkout: string): Promise<{ [label: string]: { [key: string]: string[] } }> {
  const result: { [label: string]: { [key: string]: string[] } } = {};
  for (const program of checkoutPrograms(checkout)) {
    result[program.label] = await programUrns(program.dir, program.stack);
  }
  return result;
}

if (require.main === module) {
  console.log = console.error; // the programs' own output must not mix with the JSON on stdout
  const argv = process.argv.slice(2);
  const base = process.env.INIT_CWD ?? process.cwd();
  const run =
    argv[0] === "--all"
      ? checkoutUrns(path.resolve(base, argv[1] ?? ".")).then((all) =>
          Object.fromEntries(Object.entries(all).map(([label, urns]) => [label, Object.keys(urns)])),
        )
      : (() => {
          const options = parseArgs(argv);
          return programUrns(path.resolve(base, options.programDir), options.stack);
        })();
  run.then(
    (urns) => process.stdout.write(JSON.stringify(urns, null, 2) + "\n"),
    (error: unknown) => {
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
