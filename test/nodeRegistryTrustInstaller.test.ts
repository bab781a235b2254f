/**
 * NodeRegistryTrust's installer script and readiness probe, exactly as rendered into the DaemonSet, run by a real
 * shell against temporary directories: install, restore, backups, leases, destroy, and containerd's configuration.
 */
import { cloud, resetCloud, settle, unwrap } from "./harness/mocks";
import { execFile, execFileSync, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { NodeRegistryTrust } from "../components";
import { TestCertificates, testCertificates } from "./fixtures/certs";
import { LIVE_SCRIPT, TOML_AWK } from "../components/lib/nodeTrustScripts";
import { CONFIG_MAP, DAEMON_SET } from "./harness/nodeRegistryTrust";

let certs: TestCertificates;
beforeAll(async () => {
  certs = await testCertificates();
});
beforeEach(() => resetCloud());

describe("the installer script, run by a real shell", () => {
  // The script and readiness probe exactly as rendered into the DaemonSet, run against temporary
  // directories (the ConfigMap mount, the node directory, containerd's configuration) with BusyBox's sh when present.
  // Each test has a node of its own, so the tests that wait for the installer's loop run concurrently.
  const shell = fs.existsSync("/usr/bin/busybox") ? ["/usr/bin/busybox", "sh"] : ["/bin/sh"];
  const hostsDir = "/etc/containerd/certs.d";
  const enabled = `version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "${hostsDir}"\n`;
  const enabledV2 = enabled;
  let script: string;
  let ready: string;
  let data: Record<string, string>;
  const children: ReturnType<typeof spawn>[] = [];
  const dirs: string[] = [];
  beforeAll(async () => {
    // Rendered once: the same arguments render the same script, probe and ConfigMap for every test.
    resetCloud();
    new NodeRegistryTrust("script", { registryHost: "192.100.100.1", caCertificatePem: certs.ca });
    await settle();
    const container = cloud.get(DAEMON_SET, "script").inputs.spec.template.spec.containers[0];
    script = container.command[2];
    ready = container.readinessProbe.exec.command[2];
    data = cloud.get(CONFIG_MAP, "script").inputs.data;
  });
  afterAll(() => {
    for (const child of children.splice(0)) {
      child.kill("SIGKILL");
    }
    for (const dir of dirs.splice(0)) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  const tempDir = (prefix: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };

  /**
   * One node of a test: the ConfigMap mount (`source`) holding the rendered files, the node directory (`target`)
   * and containerd's configuration directory (`config`, reading the hosts directory), with the helpers that run
   * the installer and its readiness probe against them.
   */
  const node = () => {
    const source = tempDir("trust-config-");
    const target = tempDir("trust-node-");
    const config = tempDir("trust-containerd-");
    fs.writeFileSync(path.join(source, "hosts.toml"), data["hosts.toml"]);
    fs.writeFileSync(path.join(source, "ca.crt"), data["ca.crt"]);
    fs.writeFileSync(path.join(config, "config.toml"), enabled);
    const env = (uid = "pod-a", extra: Record<string, string> = {}) => ({
      PATH: process.env.PATH,
      SOURCE_DIR: source,
      TARGET_DIR: target,
      HOSTS_DIR: hostsDir,
      CONFIG_DIR: config,
      NODE_CONFIG_DIR: "/etc/containerd",
      VERIFY_CONFIG: "true",
      REMOVE_ON_DELETE: "true",
      POD_UID: uid,
      REFRESH_SECONDS: "1",
      ...extra,
    });
    /** Runs the readiness probe: `undefined` when ready, else what it printed. */
    const probe = () =>
      new Promise<string | undefined>((resolve) =>
        execFile(shell[0], [...shell.slice(1), "-c", ready], { env: env() }, (error, stdout) =>
          resolve(error ? String(stdout).trim() : undefined),
        ),
      );
    const isReady = async () => (await probe()) === undefined;
    /** Whether the node's files equal the ConfigMap's (the probe's first check, as `cmp` makes it). */
    const installed = () =>
      ["ca.crt", "hosts.toml"].every((file) => {
        try {
          return fs.readFileSync(path.join(target, file)).equals(fs.readFileSync(path.join(source, file)));
        } catch {
          return false;
        }
      });
    /**
     * What the tests poll while the installer works: the probe's verdict, asked only once the files are installed
     * (before that the probe is not ready by its first check), so a wait runs the probe once or twice, not ten times.
     */
    const readyOnceInstalled = async () => installed() && (await isReady());
    /** Starts an installer pod; resolves its exit code when it ends. */
    const start = (uid = "pod-a", extra: Record<string, string> = {}) => {
      const child = spawn(shell[0], [...shell.slice(1), "-c", script], { env: env(uid, extra), stdio: "ignore" });
      children.push(child);
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      return { child, exited };
    };
    const read = (file: string) => fs.readFileSync(path.join(target, file), "utf8");
    return { source, target, config, env, probe, isReady, readyOnceInstalled, start, read };
  };
  /** Polls `condition` every 100 ms for up to 10 s; its last answer. */
  const until = async (condition: () => boolean | Promise<boolean>) => {
    for (let i = 0; i < 100 && !(await condition()); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return condition();
  };

  it.concurrent(
    "installs both files, re-copies a changed or deleted file, and removes everything on SIGTERM",
    async () => {
      const { source, target, probe, isReady, readyOnceInstalled, start, read } = node();
      expect(await probe()).toBe(`${target}/ca.crt is not installed yet`);
      const pod = start();
      expect(await until(readyOnceInstalled)).toBe(true);
      expect(read("ca.crt")).toBe(certs.ca);
      expect(read("hosts.toml")).toContain('server = "https://192.100.100.1"');

      fs.writeFileSync(path.join(source, "ca.crt"), certs.otherCa); // a rotated CA in the ConfigMap
      fs.rmSync(path.join(target, "hosts.toml")); // someone cleaned the node
      expect(await isReady()).toBe(false);
      expect(await until(readyOnceInstalled)).toBe(true);
      expect(read("ca.crt")).toBe(certs.otherCa);
      expect(fs.readdirSync(target).sort()).toEqual([
        ".edge-registry-lease.pod-a",
        ".edge-registry-owner",
        "ca.crt",
        "hosts.toml",
      ]);

      pod.child.kill("SIGTERM"); // the DaemonSet (or the component) is deleted
      expect(await pod.exited).toBe(0);
      expect(fs.readdirSync(target)).toEqual([]);
    },
  );

  it.concurrent("keeps a hosts.toml and ca.crt it replaces and restores them on removal", async () => {
    const { target, readyOnceInstalled, start, read } = node();
    fs.writeFileSync(path.join(target, "hosts.toml"), 'server = "https://mirror.local"\n');
    fs.writeFileSync(path.join(target, "ca.crt"), certs.otherCa);
    const pod = start();
    expect(await until(readyOnceInstalled)).toBe(true);
    expect(read("hosts.toml.pre-edge-registry")).toBe('server = "https://mirror.local"\n');
    expect(read("ca.crt.pre-edge-registry")).toBe(certs.otherCa);
    pod.child.kill("SIGTERM");
    expect(await pod.exited).toBe(0);
    expect(fs.readdirSync(target).sort()).toEqual(["ca.crt", "hosts.toml"]);
    expect(read("hosts.toml")).toBe('server = "https://mirror.local"\n');
    expect(read("ca.crt")).toBe(certs.otherCa);
  });

  it.concurrent(
    "keeps the files through a rolling update (newer pod first), and a restart does not overwrite the first backup",
    async () => {
      const { source, target, readyOnceInstalled, start, read } = node();
      fs.writeFileSync(path.join(target, "hosts.toml"), "# the node's own\n");
      const old = start("pod-a");
      expect(await until(readyOnceInstalled)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 1100)); // the new pod starts a second later
      fs.writeFileSync(path.join(source, "ca.crt"), certs.otherCa); // the new pod mounts the new ConfigMap
      const surge = start("pod-b");
      expect(await until(async () => (await readyOnceInstalled()) && read("ca.crt") === certs.otherCa)).toBe(true);
      old.child.kill("SIGTERM");
      expect(await old.exited).toBe(0);
      expect(read("ca.crt")).toBe(certs.otherCa); // left to the new pod
      expect(read("hosts.toml.pre-edge-registry")).toBe("# the node's own\n");
      surge.child.kill("SIGTERM");
      expect(await surge.exited).toBe(0);
      expect(fs.readdirSync(target)).toEqual(["hosts.toml"]);
      expect(read("hosts.toml")).toBe("# the node's own\n");
    },
  );

  it.concurrent("ignores the stale lease of a pod that died without cleaning up", async () => {
    const { target, readyOnceInstalled, start } = node();
    fs.writeFileSync(path.join(target, ".edge-registry-lease.dead"), "1");
    const old = new Date(Date.now() - 3600_000);
    fs.utimesSync(path.join(target, ".edge-registry-lease.dead"), old, old);
    const pod = start("pod-a");
    expect(await until(readyOnceInstalled)).toBe(true);
    pod.child.kill("SIGTERM");
    expect(await pod.exited).toBe(0);
    expect(fs.readdirSync(target)).toEqual([]);
  });

  it.concurrent("leaves the files with removeOnDelete false", async () => {
    const { target, readyOnceInstalled, start } = node();
    const pod = start("pod-a", { REMOVE_ON_DELETE: "false" });
    expect(await until(readyOnceInstalled)).toBe(true);
    pod.child.kill("SIGTERM");
    expect(await pod.exited).toBe(0);
    expect(fs.readdirSync(target).sort()).toEqual([".edge-registry-owner", "ca.crt", "hosts.toml"]);
  });

  it.concurrent("stays not ready, saying why, while containerd does not read the hosts directory", async () => {
    const { target, config, probe, start } = node();
    fs.writeFileSync(path.join(config, "config.toml"), 'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n');
    const pod = start();
    expect(await until(() => fs.existsSync(path.join(target, "hosts.toml")))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await probe()).toBe(
      `containerd does not read ${hostsDir}: no CRI registry config_path in /etc/containerd/config.toml; set ` +
        `config_path = "${hostsDir}" under [plugins."io.containerd.grpc.v1.cri".registry] (version 3: ` +
        "[plugins.'io.containerd.cri.v1.images'.registry]) and restart containerd, or choose the distribution preset of this node",
    );
    fs.rmSync(path.join(config, "config.toml"));
    expect(await probe()).toMatch(/^containerd does not read \/etc\/containerd\/certs\.d: no config\.toml/);
    pod.child.kill("SIGKILL"); // done with this node (the other tests still run)
  });

  it.concurrent(
    "restores the files on its own loop when k3s or RKE2 clear the directory, without exiting",
    async () => {
      const { target, readyOnceInstalled, start, read } = node();
      const pod = start();
      expect(await until(readyOnceInstalled)).toBe(true);
      let exited = false;
      void pod.exited.then(() => (exited = true));
      fs.rmSync(target, { recursive: true, force: true }); // k3s < 1.30 removes certs.d when it restarts
      expect(
        await until(async () => fs.existsSync(path.join(target, "hosts.toml")) && (await readyOnceInstalled())),
      ).toBe(true);
      fs.rmSync(path.join(target, "ca.crt")); // a newer k3s removing files of a directory it does not own
      expect(await until(readyOnceInstalled)).toBe(true);
      expect(exited).toBe(false);
      expect(read("ca.crt")).toBe(certs.ca);
      pod.child.kill("SIGKILL"); // done with this node (the other tests still run)
    },
  );

  it("destroy with a node down: the DaemonSet goes at once, the down node keeps its files, and the outputs say how to find and remove them", async () => {
    // On the live node the pod is terminated and removes the files; the down node's installer never gets SIGTERM
    // (SIGKILL here: the node lost power) and its files stay.
    const { target, readyOnceInstalled, start, read } = node();
    fs.writeFileSync(path.join(target, "hosts.toml"), "# the node's own\n");
    const down = start("pod-down");
    expect(await until(readyOnceInstalled)).toBe(true);
    down.child.kill("SIGKILL");
    expect(await down.exited).toBeNull();
    expect(read("ca.crt")).toBe(certs.ca);

    const trust = new NodeRegistryTrust("down", { registryHost: "192.100.100.1", caCertificatePem: certs.ca });
    await settle();
    const daemonSet = cloud.get(DAEMON_SET, "down");
    // The provider deletes with background propagation: the delete returns when the DaemonSet object is gone
    // instead of waiting (10 minutes, then failing) for a pod that stays Terminating on the down node.
    expect(daemonSet.inputs.metadata.annotations["pulumi.com/deletionPropagationPolicy"]).toBe("background");
    expect(await unwrap(trust.leftoverNodesCommand)).toBe(
      "kubectl get pods --namespace kube-system --selector app.kubernetes.io/name=node-registry-trust,app.kubernetes.io/instance=down " +
        "--output custom-columns=NODE:.spec.nodeName,POD:.metadata.name,DELETING:.metadata.deletionTimestamp --no-headers",
    );
    const command = await unwrap(trust.nodeCleanupCommand);
    expect(command.startsWith("sudo env TARGET_DIR='/etc/containerd/certs.d/192.100.100.1' sh -c '")).toBe(true);
    // The command, run on the node (this test's directory, without sudo), removes the trust and restores the backup.
    const local = command.replace(
      "sudo env TARGET_DIR='/etc/containerd/certs.d/192.100.100.1'",
      `env TARGET_DIR='${target}'`,
    );
    const output = execFileSync(shell[0], [...shell.slice(1), "-c", local], { encoding: "utf8" });
    expect(output).toContain(`removed the registry trust from ${target}`);
    expect(fs.readdirSync(target)).toEqual(["hosts.toml"]);
    expect(read("hosts.toml")).toBe("# the node's own\n");
  });

  /** Writes containerd's configuration files (relative to its directory) on a new node and runs the readiness probe. */
  const readiness = (files: Record<string, string>) => {
    const { source, target, config, probe } = node();
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(config, name)), { recursive: true });
      fs.writeFileSync(path.join(config, name), text);
    }
    for (const file of ["ca.crt", "hosts.toml"]) {
      fs.copyFileSync(path.join(source, file), path.join(target, file));
    }
    return probe();
  };
  const v2 = '[plugins."io.containerd.grpc.v1.cri".registry]';
  const v3 = "[plugins.'io.containerd.cri.v1.images'.registry]";

  it.concurrent.each<[string, Record<string, string>, RegExp]>([
    [
      "config_path only in another plugin's section (transfer service)",
      { "config.toml": `version = 2\n[plugins."io.containerd.transfer.v1.local"]\n  config_path = "${hostsDir}"\n` },
      /no CRI registry config_path in \/etc\/containerd\/config\.toml/,
    ],
    [
      "config_path only in the CRI plugin's containerd section",
      { "config.toml": `version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd]\nconfig_path = "${hostsDir}"\n` },
      /no CRI registry config_path/,
    ],
    [
      "a version 2 section in a version 3 file (containerd 2 reads the images plugin)",
      {
        "config.toml": `version = 3\n${v2}\n  config_path = "${hostsDir}"\n${v3}\n  config_path = "/srv/certs.d"\n`,
      },
      /config_path containerd uses is "\/srv\/certs\.d" \(from \/etc\/containerd\/config\.toml\)/,
    ],
    [
      "a conf.d drop-in that config.toml never imports",
      { "config.toml": "version = 2\n", "conf.d/registry.toml": `version = 2\n${v2}\n  config_path = "${hostsDir}"\n` },
      /no CRI registry config_path in \/etc\/containerd\/config\.toml;/,
    ],
    [
      "an import that overrides config_path with another directory",
      {
        "config.toml": `version = 2\nimports = ["conf.d/*.toml"]\n${v2}\n  config_path = "${hostsDir}"\n`,
        "conf.d/zz.toml": `version = 2\n${v2}\n  config_path = "/etc/docker/certs.d"\n`,
      },
      /uses is "\/etc\/docker\/certs\.d" \(from \/etc\/containerd\/conf\.d\/zz\.toml\)/,
    ],
    [
      "an import outside containerd's configuration directory",
      {
        "config.toml": `version = 2\nimports = ["/opt/containerd/extra.toml"]\n${v2}\n  config_path = "${hostsDir}"\n`,
      },
      /imports \/opt\/containerd\/extra\.toml, outside its configuration directory \/etc\/containerd/,
    ],
    [
      "a file the TOML reader cannot read",
      { "config.toml": `version = 2\n${v2}\n  config_path = "${hostsDir}" trailing\n` },
      /does not parse as TOML here \(unexpected text after a value\)/,
    ],
  ])("not ready: %s", async (_title, files, reason) => {
    expect(await readiness(files)).toMatch(reason);
  });

  it.concurrent.each<[string, Record<string, string>]>([
    ["version 2, in config.toml", { "config.toml": `version = 2\n${v2}\n  config_path = "${hostsDir}"\n` }],
    [
      "version 3, in an imported drop-in, a list with a trailing slash, dotted keys and comments",
      {
        "config.toml": "version = 3 # containerd 2\nimports = [\n  '/etc/containerd/conf.d/*.toml',\n]\n",
        "conf.d/10-registry.toml": `version = 3\n[plugins]\n  'io.containerd.cri.v1.images'.registry.config_path = '${hostsDir}/:/etc/docker/certs.d' # "x"\n`,
      },
    ],
    [
      "version 2 drop-in migrated by containerd 2 into a version 3 configuration",
      {
        "config.toml": 'version = 3\nimports = ["/etc/containerd/conf.d/*.toml"]\n',
        "conf.d/registry.toml": `version = 2\n${v2}\n  config_path = "${hostsDir}"\n`,
      },
    ],
    ["version 3 without config_path (containerd 2's default)", { "config.toml": "version = 3\n" }],
    ["version 1 (containerd 1.x)", { "config.toml": `[plugins.cri.registry]\n  config_path = "${hostsDir}"\n` }],
  ])("ready: %s", async (_title, files) => {
    expect(await readiness(files)).toBeUndefined();
  });

  it.concurrent("the TOML reader agrees with Python's tomllib on containerd configurations", async () => {
    // Every sample file flattened by the node's awk (as config_problem runs it, one awk per file) and by Python's
    // tomllib (one python3 for all the files), each file's lines followed by a separator line.
    const separator = "--- end of file";
    const flatten = String.raw`
import sys, tomllib
def walk(v, p):
    if isinstance(v, dict):
        for k, x in v.items(): walk(x, p + [k])
    elif isinstance(v, list):
        for x in v: walk(x, p[:-1] + [p[-1] + "[]"])
    else:
        print(">".join(p) + "	" + (str(v).lower() if isinstance(v, bool) else str(v)))
for file in sys.argv[1:]:
    walk(tomllib.load(open(file, "rb")), [])
    print("${separator}")`;
    const samples = [
      enabledV2,
      `version = 3\nimports = ['/etc/containerd/conf.d/*.toml', "b.toml"]\n[plugins."io.containerd.cri.v1.images".registry]\n  config_path = "/a:/b" # c\n`,
      `[plugins]\n  [plugins."io.containerd.grpc.v1.cri"]\n    sandbox_image = "registry.k8s.io/pause:3.9"\n    [plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]\n      endpoint = ["https://mirror.local", 'https://b']\n`,
      `version = 2\n[ plugins . "io.containerd.grpc.v1.cri" . registry ]\nconfig_path = "/x\\"y"\nmirrors = { "a.io" = { endpoint = ["https://a"] } }\n[[proxy_plugins.x]]\naddress = "/run/x.sock"\n`,
      fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8").length > 0
        ? 'root = "/var/lib/containerd"\nstate = "/run/containerd"\noom_score = -999\n[grpc]\n  address = "/run/containerd/containerd.sock"\n  uid = 0\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n'
        : "",
    ];
    const dir = tempDir("trust-toml-");
    const files = samples.map((sample, i) => {
      const file = path.join(dir, `sample${i}.toml`);
      fs.writeFileSync(file, sample);
      return file;
    });
    const run = (command: string, args: string[]) =>
      new Promise<{ status: number | null; stdout: string }>((resolve) => {
        const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
        let stdout = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.on("close", (status) => resolve({ status, stdout }));
      });
    const awkLoop = `program=$1; shift; for file; do awk "$program" "$file" || exit 1; echo '${separator}'; done`;
    const [ours, theirs] = await Promise.all([
      run(shell[0], [...shell.slice(1), "-c", awkLoop, "sh", TOML_AWK, ...files]),
      run("python3", ["-c", flatten, ...files]),
    ]);
    expect(ours.status).toBe(0);
    expect(theirs.status).toBe(0); // Python 3.11+ is on the machine (the e2e tools need it anyway)
    /** Each file's lines, sorted. */
    const perFile = (output: string) =>
      output
        .split(`${separator}\n`)
        .slice(0, -1)
        .map((lines) => lines.split("\n").filter(Boolean).sort());
    expect(perFile(ours.stdout)).toHaveLength(samples.length);
    expect(perFile(ours.stdout)).toEqual(perFile(theirs.stdout));
  });

  it("liveness fails only when the mounted node directory itself was removed (a restart mounts it again)", () => {
    const { target, env } = node();
    const live = (dir: string) =>
      spawnSync(shell[0], [...shell.slice(1), "-c", LIVE_SCRIPT], {
        env: { ...env(), TARGET_DIR: dir },
        encoding: "utf8",
      });
    expect(live(target).status).toBe(0);
    // A process whose working directory is removed sees what the installer's bind mount sees: a deleted directory.
    const gone = tempDir("trust-gone-");
    const holder = spawn("sleep", ["30"], { cwd: gone, stdio: "ignore" });
    children.push(holder);
    fs.rmSync(gone, { recursive: true });
    const result = live(`/proc/${holder.pid}/cwd`);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("was removed on the node (k3s/RKE2 restart): restarting to mount it again");
    holder.kill("SIGKILL");
  });
});
