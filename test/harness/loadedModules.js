/**
 * Preload (`node -r ./test/harness/loadedModules.js ...`) that writes, when the process exits, the files it loaded
 * through `require` (the keys of `require.cache`, as a JSON list) to the file named by `LOADED_MODULES_LOG`: so a
 * test can assert what a command does not load (e.g. `fleet status` never loads the Pulumi SDK).
 */
"use strict";
const fs = require("node:fs");

const logFile = process.env.LOADED_MODULES_LOG;
if (logFile) {
  process.on("exit", () => fs.writeFileSync(logFile, JSON.stringify(Object.keys(require.cache))));
}
