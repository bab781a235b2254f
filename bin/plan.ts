/**
 * `npm run plan -- <program dir> [--stack <name>]... [--json] [--diff <old plan.json>] [--out <file>]`: the offline planner's
 * command line. The planner itself is `plan/` (see plan/index.ts).
 */
// First: it decides how the modules below load (see plan/loading.ts).
import "../plan/loading";
// `../plan/index`, not `../plan`: Node resolves `../plan` to a `plan.json` in the repository root (the docs'
// recipe writes one there) before the `plan/` folder.
import { main } from "../plan/index";

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
