/** Running a command to its end without blocking the test process, so that independent runs can overlap. */
import { execFile, ExecFileOptions } from "node:child_process";

/** How a command ended: its exit code (null when killed by a signal) and what it printed. */
export interface ChildRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `command` with `args` to its end (never rejects on a non-zero exit: inspect `status`), as `spawnSync`
 * would (stdin at end of file), but asynchronously: several runs started together run at the same time.
 */
export function runChild(command: string, args: string[], options: ExecFileOptions = {}): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      { maxBuffer: 64 * 1024 * 1024, ...options, encoding: "utf8" },
      (error, stdout, stderr) => {
        const code = (error as { code?: unknown } | null)?.code;
        if (error && typeof code !== "number" && !(error as { signal?: unknown }).signal) {
          reject(error); // it did not start (ENOENT, EACCES) or its output overflowed maxBuffer
          return;
        }
        resolve({ status: error ? (typeof code === "number" ? code : null) : 0, stdout, stderr });
      },
    );
    child.stdin?.end(); // as spawnSync without input: the command reads end of file
  });
}
