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
 *   root/state/socket, plus `ctr` and `skopeo` clients, and a tiny OCI image layout built here.
 */
import { spawn, spawnSync, ChildProcess } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";

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

// ---------------------------------------------------------------------------------------------------------
// docker-registry (distribution 2.8)

/** How to run one registry. */
export interface RegistryOptions {
  /** Loopback address to listen on, e.g. `127.0.0.2` (containerd treats 127.0.0.1 specially: avoid it). */
  address: string;
  /** Port (default 443, so image references need no port). */
  port?: number;
  /** Serving certificate (PEM; may include the chain). */
  certificatePem: string;
  /** Its private key (PEM). */
  privateKeyPem: string;
  /** htpasswd users: username -> password. */
  users: { [username: string]: string };
  /** Blob storage directory; pass another registry's to serve the same content (default: a new one). */
  storageDir?: string;
}

/** A running registry. */
export interface RunningRegistry {
  /** The registry host as it appears in image references and hosts dirs (`127.0.0.2` or `127.0.0.2:5000`). */
  host: string;
  storageDir: string;
  process: Started;
}

/** The Debian package's binary (`/usr/bin/docker-registry`), found on PATH. */
export const REGISTRY_BINARY = "docker-registry";

/** Starts `docker-registry serve` with TLS and htpasswd auth, ready when its port accepts connections. */
export async function startRegistry(h: Harness, name: string, options: RegistryOptions): Promise<RunningRegistry> {
  const port = options.port ?? 443;
  const storageDir = options.storageDir ?? h.mkdir(name, "storage");
  const certificate = h.write(`${name}/tls.crt`, options.certificatePem);
  const key = h.write(`${name}/tls.key`, options.privateKeyPem);
  const htpasswdLines: string[] = [];
  for (const [user, password] of Object.entries(options.users)) {
    htpasswdLines.push((await h.check("htpasswd", ["-Bbn", user, password])).stdout.trim());
  }
  const htpasswd = h.write(`${name}/htpasswd`, htpasswdLines.join("\n") + "\n");
  // Registry config (distribution 2.8): JSON is valid YAML, so no YAML writer is needed.
  const config = {
    version: 0.1,
    log: { level: "info", accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: storageDir }, delete: { enabled: true } },
    http: {
      addr: `${options.address}:${port}`,
      secret: crypto.randomBytes(16).toString("hex"),
      tls: { certificate, key },
    },
    auth: { htpasswd: { realm: "edge-registry-e2e", path: htpasswd } },
  };
  const configFile = h.write(`${name}/config.yml`, JSON.stringify(config, null, 2));
  const server = await h.start(name, REGISTRY_BINARY, ["serve", configFile], () => tcpOpen(options.address, port));
  return { host: port === 443 ? options.address : `${options.address}:${port}`, storageDir, process: server };
}

// ---------------------------------------------------------------------------------------------------------
// containerd + ctr

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

// ---------------------------------------------------------------------------------------------------------
// skopeo

/** A docker `config.json`/authfile for one registry (what kubectl puts in `.dockerconfigjson`). */
export function dockerConfigJson(server: string, username: string, password: string): string {
  const auth = Buffer.from(`${username}:${password}`).toString("base64");
  return JSON.stringify({ auths: { [server]: { username, password, auth } } });
}

/** A directory with the CA as `ca.crt`, the form skopeo's `--cert-dir` options read. */
export function certDir(h: Harness, name: string, caPem: string): string {
  const dir = h.mkdir("certs", name);
  fs.writeFileSync(path.join(dir, "ca.crt"), caPem);
  return dir;
}

/** Isolates skopeo from any credentials on the machine. */
function skopeoEnv(h: Harness): { [key: string]: string } {
  return { REGISTRY_AUTH_FILE: h.path("skopeo", "no-auth.json"), HOME: h.mkdir("skopeo", "home") };
}

/** `skopeo copy oci:<layout>:<tag> docker://<ref>` with a CA dir and `user:password`; throws on failure. */
export async function skopeoPush(
  h: Harness,
  layoutDir: string,
  tag: string,
  ref: string,
  options: { certDir: string; creds: string },
): Promise<void> {
  await h.check(
    "skopeo",
    [
      "copy",
      "--dest-cert-dir",
      options.certDir,
      "--dest-creds",
      options.creds,
      `oci:${layoutDir}:${tag}`,
      `docker://${ref}`,
    ],
    { timeoutMs: 60_000, env: skopeoEnv(h) },
  );
}

/** `skopeo copy docker://<ref> oci:<new dir>:pulled` with an authfile and CA dir; does not throw. */
export function skopeoPull(
  h: Harness,
  ref: string,
  options: { certDir: string; authfile: string },
): Promise<RunResult> {
  const target = h.path("skopeo", `pull-${crypto.randomBytes(4).toString("hex")}`);
  return h.run(
    "skopeo",
    [
      "copy",
      "--src-cert-dir",
      options.certDir,
      "--src-authfile",
      options.authfile,
      `docker://${ref}`,
      `oci:${target}:pulled`,
    ],
    { timeoutMs: 60_000, env: skopeoEnv(h) },
  );
}

// ---------------------------------------------------------------------------------------------------------
// A tiny OCI image layout

/** What `buildOciImage` produced. */
export interface OciImage {
  layoutDir: string;
  tag: string;
  /** Digest of the image manifest (`sha256:...`), which a registry and containerd report back. */
  manifestDigest: string;
}

const GOARCH: { [nodeArch: string]: string } = {
  x64: "amd64",
  arm64: "arm64",
  arm: "arm",
  s390x: "s390x",
  ppc64: "ppc64le",
};

/**
 * Builds an OCI image layout with one layer (a tar.gz made by `tar` from `files`), a config for this
 * machine's platform (containerd unpacks only matching platforms) and an `index.json` naming `tag`.
 */
export async function buildOciImage(
  h: Harness,
  name: string,
  tag: string,
  files: { [fileName: string]: string },
): Promise<OciImage> {
  const layoutDir = h.mkdir(name, "layout");
  const rootfs = h.mkdir(name, "rootfs");
  for (const [file, content] of Object.entries(files))
    fs.writeFileSync(path.join(rootfs, file), content, { mode: 0o644 });
  const layerFile = h.path(name, "layer.tar.gz");
  await h.check("tar", [
    "--create",
    "--gzip",
    "--file",
    layerFile,
    "--directory",
    rootfs,
    "--owner=0",
    "--group=0",
    "--numeric-owner",
    "--mtime=@0",
    ...Object.keys(files).sort(),
  ]);
  const blobs = h.mkdir(name, "layout", "blobs", "sha256");
  const sha256 = (data: Buffer) => crypto.createHash("sha256").update(data).digest("hex");
  const putBlob = (data: Buffer) => {
    const hex = sha256(data);
    fs.writeFileSync(path.join(blobs, hex), data);
    return { digest: `sha256:${hex}`, size: data.length };
  };
  const layerGz = fs.readFileSync(layerFile);
  const layer = putBlob(layerGz);
  const config = putBlob(
    Buffer.from(
      JSON.stringify({
        architecture: GOARCH[process.arch] ?? process.arch,
        os: "linux",
        config: { Cmd: ["/hello"] },
        rootfs: { type: "layers", diff_ids: [`sha256:${sha256(zlib.gunzipSync(layerGz))}`] },
      }),
    ),
  );
  const manifestMediaType = "application/vnd.oci.image.manifest.v1+json";
  const manifest = putBlob(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: manifestMediaType,
        config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
        layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", ...layer }],
      }),
    ),
  );
  fs.writeFileSync(path.join(layoutDir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  fs.writeFileSync(
    path.join(layoutDir, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        { mediaType: manifestMediaType, ...manifest, annotations: { "org.opencontainers.image.ref.name": tag } },
      ],
    }),
  );
  return { layoutDir, tag, manifestDigest: manifest.digest };
}

// ---------------------------------------------------------------------------------------------------------
// openssl (the bring-your-own-certificate path of the docs)

/** A PEM certificate and key pair. */
export interface PemPair {
  certificatePem: string;
  privateKeyPem: string;
}

/**
 * The docs' BYOC command (seed 000, with the platform-facts §8 fix: one `subjectAltName`): a self-signed
 * certificate whose SAN is the service IP; it is its own CA (`tls.cacrt` / the node's `ca.crt`).
 * RSA 2048 instead of the docs' 4096 only to keep key generation fast.
 */
export async function opensslSelfSigned(h: Harness, name: string, ip: string): Promise<PemPair> {
  const keyFile = h.path("openssl", `${name}.key`);
  const certFile = h.path("openssl", `${name}.crt`);
  await h.check("openssl", [
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-sha256",
    "-keyout",
    keyFile,
    "-x509",
    "-days",
    "365",
    "-subj",
    `/CN=${ip}`,
    "-out",
    certFile,
    "-addext",
    `subjectAltName = IP:${ip}`,
  ]);
  return { certificatePem: fs.readFileSync(certFile, "utf8"), privateKeyPem: fs.readFileSync(keyFile, "utf8") };
}

/** `openssl verify -CAfile <ca> <cert>`: does `caPem` verify `certificatePem`? (never throws) */
export async function opensslVerify(h: Harness, caPem: string, certificatePem: string): Promise<RunResult> {
  const id = crypto.randomBytes(4).toString("hex");
  const ca = h.write(`openssl/verify-${id}-ca.pem`, caPem);
  const cert = h.write(`openssl/verify-${id}-cert.pem`, certificatePem);
  return h.run("openssl", ["verify", "-CAfile", ca, cert]);
}

// ---------------------------------------------------------------------------------------------------------
// Running a DaemonSet's container on this machine, as if it were a node

/** The bits of recorded Kubernetes objects (mock inputs) the node emulation reads. */
export interface KubeObject {
  metadata?: { name?: string };
  data?: { [key: string]: string };
  spec?: any;
}

/**
 * Runs the first container of a recorded DaemonSet with this machine's tools, as a node would: its
 * ConfigMap volumes become directories holding the recorded ConfigMap's data, its hostPath volumes are the
 * real host paths (they must lie inside the harness dir, which the test owns), and environment values that
 * name a mount path are rewritten to the local directory. Waits until the container's own exec readiness
 * probe passes (and `ready()`, when given), then kills it (as if the pod kept running). Returns its output.
 */
export async function runDaemonSetOnce(
  h: Harness,
  name: string,
  daemonSet: KubeObject,
  configMaps: KubeObject[],
  ready: () => boolean = () => true,
  options: {
    /** Runs while the container runs (after it is ready). */
    whileRunning?: () => Promise<void>;
    /** SIGKILL (default): the pod keeps running on a node. SIGTERM: the pod is deleted (e.g. with its DaemonSet). */
    stopSignal?: NodeJS.Signals;
  } = {},
): Promise<string> {
  const pod = daemonSet.spec.template.spec;
  const container = pod.containers[0];
  const mounts: { [mountPath: string]: string } = {};
  for (const mount of container.volumeMounts ?? []) {
    const volume = pod.volumes.find((v: any) => v.name === mount.name);
    if (volume?.configMap) {
      const configMap = configMaps.find((c) => c.metadata?.name === volume.configMap.name);
      if (!configMap) throw new Error(`${name}: ConfigMap ${volume.configMap.name} was not recorded`);
      const dir = h.mkdir(name, "volumes", mount.name);
      for (const [key, value] of Object.entries(configMap.data ?? {})) fs.writeFileSync(path.join(dir, key), value);
      mounts[mount.mountPath] = dir;
    } else if (volume?.hostPath) {
      const hostPath: string = volume.hostPath.path;
      if (!hostPath.startsWith(h.dir + "/")) {
        throw new Error(`${name}: refusing hostPath ${hostPath} outside the test's own directory ${h.dir}`);
      }
      fs.mkdirSync(hostPath, { recursive: true }); // type DirectoryOrCreate
      mounts[mount.mountPath] = hostPath;
    } else {
      throw new Error(`${name}: volume ${mount.name} is neither a ConfigMap nor a hostPath`);
    }
  }
  const env: { [key: string]: string } = {};
  for (const variable of container.env ?? []) {
    // The downward API's pod uid is the only valueFrom the components use.
    env[variable.name] =
      variable.valueFrom?.fieldRef?.fieldPath === "metadata.uid"
        ? `${name}-uid`
        : (mounts[variable.value] ?? variable.value);
  }
  const [command, ...args] = [...(container.command ?? []), ...(container.args ?? [])];
  const probe: string[] | undefined = container.readinessProbe?.exec?.command;
  const probePasses = async () =>
    probe === undefined || (await h.run(probe[0], probe.slice(1), { env, timeoutMs: 5_000 })).code === 0;
  const started = await h.startWithEnv(name, command, args, env, async () => ready() && (await probePasses()));
  await options.whileRunning?.();
  // SIGKILL by default: the pod keeps running on a real node, and a terminating installer removes its files
  // (what the DaemonSet's deletion does: pass stopSignal SIGTERM for that).
  await started.stop(5_000, options.stopSignal ?? "SIGKILL");
  return started.output();
}
