/**
 * `npm run plan -- <program dir> [--stack <name>] [--json] [--diff <old plan.json>] [--out <file>]`: the offline planner's
 * command line. The planner itself is `plan/` (see plan/index.ts).
 */
import { main } from "../plan";

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
