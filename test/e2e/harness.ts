/**
 * End-to-end harness: real processes on loopback, started and stopped by the tests.
 *
 * - `Harness` owns one temp directory and every process started through it; `dispose()` (call it in
 *   `afterAll`) stops them all (SIGTERM, then SIGKILL after a grace period), unmounts anything left under
 *   the temp dir and removes it. A process-exit hook SIGKILLs whatever is still running if a test run
 *   dies before `afterAll`.
 * - Every command and every start has a bounded timeout.
 * - `describeE2e` checks the tools first: under `CI=true` a missing tool (or not being root) is a failing
 *   test, never a skip; locally the suite is skipped with a message saying how to install them.
 * - Real servers: Debian `docker-registry` (distribution 2.8) with TLS + htpasswd, containerd with a private
 *   root/state/socket, plus `ctr` and `skopeo` clients, and a tiny OCI image layout built here. Each lives in
 *   its own module beside this one: `registryServer`, `containerd`, `skopeo`, `ociImage`, `openssl` and
 *   `daemonSetNode` (a DaemonSet's container run on this machine as a node would).
 */
import { spawn, spawnSync, ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

/** The executables the suite drives; `install-deps.sh` installs their Debian packages. */
export const E2E_TOOLS = ["docker-registry", "containerd", "ctr", "skopeo", "htpasswd", "openssl", "tar"];

/** Tools from `tools` not found on PATH. */
export function missingTools(tools: string[] = E2E_TOOLS): string[] {
  const dirs = (process.env.PATH ?? "").split(path.delimiter).concat(["/usr/sbin", "/usr/bin", "/sbin", "/bin"]);
  const found = (tool: string) =>
    dirs.some((dir) => {
      try {
        fs.accessSync(path.join(dir, tool), fs.constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  return tools.filter((tool) => !found(tool));
}

/** Why the e2e suite cannot run here (missing tools, not root), or undefined when it can. */
export function e2eBlocker(tools: string[] = E2E_TOOLS): string | undefined {
  const missing = missingTools(tools);
  if (missing.length > 0) {
    return `missing e2e tools: ${missing.join(", ")} (install them with: sudo bash test/e2e/install-deps.sh)`;
  }
  if (process.getuid?.() !== 0) {
    return "the e2e suite must run as root (containerd mounts snapshots, the registry binds port 443)";
  }
  return undefined;
}

/**
 * `describe` for an e2e suite: runs `fn` when the tools are there. Otherwise, under `CI=true`, a single
 * failing test names what is missing (a CI run must never silently skip); locally the suite is skipped
 * with a clear message.
 */
export function describeE2e(title: string, fn: () => void, tools: string[] = E2E_TOOLS): void {
  const blocker = e2eBlocker(tools);
  if (!blocker) {
    describe(title, fn);
  } else if (process.env.CI === "true") {
    describe(title, () => {
      it("has every tool it needs (CI never skips the e2e suite)", () => {
        throw new Error(`${title}: ${blocker}`);
      });
    });
  } else {
    console.warn(`SKIPPED e2e suite "${title}": ${blocker}`);
    describe.skip(title, fn);
  }
}

/** The outcome of one finished command. */
export interface RunResult {
  /** Exit code (null when killed by a signal). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** True when the command was killed for exceeding its timeout. */
  timedOut: boolean;
}

/** Options for `Harness.run`. */
export interface RunOptions {
  /** Kill the command after this long (default 30 s). */
  timeoutMs?: number;
  /** Extra environment variables. */
  env?: { [key: string]: string };
  cwd?: string;
  /** Written to the command's stdin (which is closed afterwards). */
  input?: string;
}

/** A long-running process started by `Harness.start`. */
export interface Started {
  readonly name: string;
  readonly pid: number;
  /** Everything it printed so far (stdout and stderr interleaved). */
  output(): string;
  /** `signal` (SIGTERM), then SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number, signal?: NodeJS.Signals): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
/** Last resort: if the test process exits before `afterAll`, nothing we started outlives it. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const child of live) killGroup(child, "SIGKILL");
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // detached: the child leads its own process group
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** True once something accepts TCP connections on host:port. */
export function tcpOpen(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** One temp directory plus every process started in it; `dispose()` cleans up all of it. */
export class Harness {
  private readonly processes: { child: ChildProcess; name: string }[] = [];

  private constructor(readonly dir: string) {}

  /** A fresh harness with its own temp directory. */
  static create(prefix = "edge-registry-e2e-"): Harness {
    installExitHook();
    return new Harness(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  }

  /** An absolute path inside the temp directory (parents created). */
  path(...parts: string[]): string {
    const full = path.join(this.dir, ...parts);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    return full;
  }

  /** A new empty directory inside the temp directory. */
  mkdir(...parts: string[]): string {
    const full = path.join(this.dir, ...parts);
    fs.mkdirSync(full, { recursive: true });
    return full;
  }

  /** Writes a file inside the temp directory and returns its absolute path. */
  write(relative: string, content: string | Buffer, mode = 0o600): string {
    const full = this.path(relative);
    fs.writeFileSync(full, content, { mode });
    return full;
  }

  /** Runs a command to completion (never throws on a non-zero exit; kills it at the timeout). */
  run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, {
        cwd: options.cwd ?? this.dir,
        env: { ...process.env, ...options.env },
        // No input → no stdin pipe: a command that exits before reading it cannot make us write to a closed pipe.
        stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
        detached: true,
      });
      live.add(child);
      let stdout = "";
      let stderr = "";
      let timedOut = false;
      child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(child, "SIGKILL");
      }, timeoutMs);
      child.once("error", (err) => {
        clearTimeout(timer);
        live.delete(child);
        reject(err);
      });
      child.once("close", (code) => {
        clearTimeout(timer);
        live.delete(child);
        resolve({ code, stdout, stderr, timedOut });
      });
      if (options.input !== undefined) {
        // A command may exit (and close its stdin) before reading all input; its exit code tells the story, not EPIPE.
        child.stdin!.on("error", (err: NodeJS.ErrnoException) => {
          if (err.code !== "EPIPE") reject(err);
        });
        child.stdin!.end(options.input);
      }
    });
  }

  /** Runs a command and throws (with its output) unless it exits 0. */
  async check(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
    const result = await this.run(command, args, options);
    if (result.code !== 0) {
      throw new Error(
        `${command} ${args.join(" ")} failed (${result.timedOut ? "timed out" : `exit ${result.code}`}):\n` +
          `${result.stdout}\n${result.stderr}`,
      );
    }
    return result;
  }

  /**
   * Starts a long-running process and waits until `ready()` is true (polled every 100 ms). Throws with the
   * process's output if it exits first or is not ready within `timeoutMs` (it is stopped in that case).
   */
  start(
    name: string,
    command: string,
    args: string[],
    ready: () => Promise<boolean>,
    timeoutMs = 15_000,
  ): Promise<Started> {
    return this.startWithEnv(name, command, args, {}, ready, timeoutMs);
  }

  /** `start` with extra environment variables. */
  async startWithEnv(
    name: string,
    command: string,
    args: string[],
    env: { [key: string]: string },
    ready: () => Promise<boolean>,
    timeoutMs = 15_000,
  ): Promise<Started> {
    const child = spawn(command, args, {
      cwd: this.dir,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    live.add(child);
    this.processes.push({ child, name });
    let output = "";
    child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    child.once("exit", () => live.delete(child));
    let spawnError: Error | undefined;
    child.once("error", (err) => (spawnError = err));

    const started: Started = {
      name,
      pid: child.pid ?? -1,
      output: () => output,
      stop: async (graceMs = 5_000, signal: NodeJS.Signals = "SIGTERM") => {
        killGroup(child, signal);
        const timer = setTimeout(() => killGroup(child, "SIGKILL"), graceMs);
        await exited(child);
        clearTimeout(timer);
      },
    };
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (spawnError) throw new Error(`${name}: could not start ${command}: ${spawnError.message}`);
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${name} exited early (${child.exitCode ?? child.signalCode}):\n${output}`);
      }
      if (await ready()) return started;
      if (Date.now() > deadline) {
        await started.stop(1_000);
        throw new Error(`${name} not ready within ${timeoutMs} ms:\n${output}`);
      }
      await sleep(100);
    }
  }

  /** Stops every process (in reverse start order), unmounts leftovers and removes the temp directory. */
  async dispose(): Promise<void> {
    const stops = this.processes.reverse().map(async ({ child }) => {
      killGroup(child, "SIGTERM");
      const timer = setTimeout(() => killGroup(child, "SIGKILL"), 5_000);
      await exited(child);
      clearTimeout(timer);
    });
    await Promise.all(stops);
    this.processes.length = 0;
    for (const mount of mountsUnder(this.dir)) spawnSync("umount", ["-l", mount], { timeout: 10_000 });
    fs.rmSync(this.dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** Mount points under `dir`, deepest first (containerd's snapshotter could leave some behind). */
function mountsUnder(dir: string): string[] {
  let table = "";
  try {
    table = fs.readFileSync("/proc/self/mounts", "utf8");
  } catch {
    return [];
  }
  return table
    .split("\n")
    .map((line) => line.split(" ")[1])
    .filter((mount): mount is string => !!mount && mount.startsWith(dir + "/"))
    .sort((a, b) => b.length - a.length);
}
