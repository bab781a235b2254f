/** A private containerd and its `ctr` client, and the `hosts.toml` trust files containerd reads. */
import * as fs from "node:fs";
import * as path from "node:path";
import { Harness, RunResult, Started } from "./harness";

/** A private containerd and its `ctr` client. */
export interface Containerd {
  socket: string;
  process: Started;
  /**
   * `ctr images pull --hosts-dir <hostsDir> [--user u:p] <ref>` (removes the image first, so every pull
   * really talks to the registry). Does not throw: inspect the result.
   */
  pull(ref: string, options: { hostsDir: string; user?: string }): Promise<RunResult>;
  /** Image references known to this containerd. */
  images(): Promise<string[]>;
}

/** Starts containerd with its own root, state and socket under the harness dir (CRI plugin disabled). */
export async function startContainerd(h: Harness, name = "containerd"): Promise<Containerd> {
  const socket = h.path(name, "containerd.sock");
  const toml = [
    "version = 2",
    `root = ${JSON.stringify(h.mkdir(name, "root"))}`,
    `state = ${JSON.stringify(h.mkdir(name, "state"))}`,
    'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
    "[grpc]",
    `  address = ${JSON.stringify(socket)}`,
    "[ttrpc]",
    `  address = ${JSON.stringify(socket + ".ttrpc")}`,
    "[debug]",
    '  address = ""',
    "[metrics]",
    '  address = ""',
    "",
  ].join("\n");
  const config = h.write(`${name}/config.toml`, toml);
  const ctr = (args: string[], timeoutMs = 30_000) => h.run("ctr", ["--address", socket, ...args], { timeoutMs });
  const daemon = await h.start(
    name,
    "containerd",
    ["--config", config],
    async () => fs.existsSync(socket) && (await ctr(["version"], 5_000)).code === 0,
  );
  return {
    socket,
    process: daemon,
    async pull(ref, options) {
      await ctr(["images", "rm", "--sync", ref]);
      const args = ["images", "pull", "--hosts-dir", options.hostsDir];
      if (options.user !== undefined) args.push("--user", options.user);
      return ctr([...args, ref], 60_000);
    },
    async images() {
      const result = await ctr(["images", "ls", "-q"]);
      return result.stdout.split("\n").filter((line) => line.length > 0);
    },
  };
}

/**
 * The lines of a successful `ctr images pull`'s stderr that report a real problem. When a pull completes, ctr
 * cancels its progress and status pollers, which sometimes log that as an error (`failed to get content info` or
 * `active check failed`, both with `error="context canceled"`): a race in ctr's display, not in the pull, whose
 * exit code stays 0. Those lines are ignored; anything else is an error.
 */
export function containerdPullErrors(stderr: string): string[] {
  return stderr
    .split("\n")
    .filter((line) => line.trim().length > 0)
    .filter((line) => !line.includes('error="context canceled"'));
}

/** Writes `<hostsDir>/<host>/hosts.toml` (and `ca.crt` when given) and returns the host's directory. */
export function writeHostsEntry(hostsDir: string, host: string, hostsToml: string, caPem?: string): string {
  const dir = path.join(hostsDir, host);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "hosts.toml"), hostsToml);
  if (caPem !== undefined) fs.writeFileSync(path.join(dir, "ca.crt"), caPem);
  return dir;
}

/** A `hosts.toml` like platform-facts §4; without `caPath` the node does not trust the registry's CA. */
export function hostsToml(host: string, caPath?: string): string {
  const lines = [`server = "https://${host}"`, `[host."https://${host}"]`, '  capabilities = ["pull", "resolve"]'];
  if (caPath !== undefined) lines.push(`  ca = ${JSON.stringify(caPath)}`);
  return lines.join("\n") + "\n";
}
