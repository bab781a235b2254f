/** Preload for the hub bench: prints the process's peak RSS (MiB) and CPU time (ms) when it exits,
 * on stderr or appended to the file named by BENCH_RSS_LOG. */
"use strict";
const fs = require("node:fs");

process.on("exit", () => {
  const usage = process.resourceUsage();
  const line = `BENCH_RSS ${JSON.stringify({ peakRssMiB: usage.maxRSS / 1024, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 })}\n`;
  if (process.env.BENCH_RSS_LOG) {
    fs.appendFileSync(process.env.BENCH_RSS_LOG, line);
  } else {
    process.stderr.write(line);
  }
});
