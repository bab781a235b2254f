/**
 * NodeRegistryTrust's readiness against real containerd's own configuration loader: for each configuration,
 * `containerd --config <file> config dump` (containerd merges config.toml and its imports exactly as it does at
 * start) says which CRI registry `config_path` containerd uses; the readiness probe, run by a real shell over the
 * same files, must be ready exactly when that path names the hosts directory. containerd 1.6 (Debian) reads
 * configuration version 2; version 3 is covered by the unit tests against containerd 2's rules.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { READY_SCRIPT } from "../../components/lib/nodeTrustScripts";
import { describeE2e } from "./harness";

const CRI = '[plugins."io.containerd.grpc.v1.cri".registry]';

describeE2e(
  "e2e: NodeRegistryTrust readiness agrees with containerd's own configuration loader",
  () => {
    let dir: string;
    let hostsDir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "trust-config-e2e-"));
      hostsDir = path.join(dir, "certs.d");
      fs.mkdirSync(path.join(hostsDir, "10.0.0.100"), { recursive: true });
      fs.mkdirSync(path.join(dir, "config", "conf.d"), { recursive: true });
      fs.mkdirSync(path.join(dir, "source"));
      for (const file of ["hosts.toml", "ca.crt"]) {
        fs.writeFileSync(path.join(dir, "source", file), `${file}\n`);
        fs.writeFileSync(path.join(hostsDir, "10.0.0.100", file), `${file}\n`);
      }
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** The CRI registry config_path containerd itself ends up with (read from its dump with Python's tomllib). */
    function containerdConfigPath(): string {
      const dump = execFileSync("containerd", ["--config", path.join(dir, "config", "config.toml"), "config", "dump"], {
        encoding: "utf8",
        timeout: 20_000,
      });
      const read = spawnSync(
        "python3",
        [
          "-c",
          'import sys, tomllib; c = tomllib.loads(sys.stdin.read()); print(c["plugins"]["io.containerd.grpc.v1.cri"]["registry"].get("config_path", ""))',
        ],
        { input: dump, encoding: "utf8" },
      );
      expect(read.status).toBe(0);
      return read.stdout.trim();
    }

    /** The readiness probe's verdict: undefined when ready, else its reason. */
    function readiness(): string | undefined {
      const configDir = path.join(dir, "config");
      const result = spawnSync("/bin/sh", ["-c", READY_SCRIPT], {
        encoding: "utf8",
        env: {
          PATH: process.env.PATH,
          SOURCE_DIR: path.join(dir, "source"),
          TARGET_DIR: path.join(hostsDir, "10.0.0.100"),
          HOSTS_DIR: hostsDir,
          CONFIG_DIR: configDir,
          NODE_CONFIG_DIR: configDir,
          VERIFY_CONFIG: "true",
          REMOVE_ON_DELETE: "true",
          POD_UID: "e2e",
          REFRESH_SECONDS: "60",
        },
      });
      return result.status === 0 ? undefined : result.stdout.trim();
    }

    const cases: [string, (conf: string) => Record<string, string>, boolean][] = [
      [
        "config_path in the CRI registry section",
        () => ({ "config.toml": `version = 2\n${CRI}\n  config_path = "${hostsDir}"\n` }),
        true,
      ],
      [
        "config_path only in another plugin's section",
        () => ({
          "config.toml": `version = 2\n[plugins."io.containerd.internal.v1.opt"]\n  config_path = "${hostsDir}"\n`,
        }),
        false,
      ],
      [
        "config_path in a conf.d drop-in that config.toml never imports",
        () => ({
          "config.toml": "version = 2\n",
          "conf.d/registry.toml": `version = 2\n${CRI}\n  config_path = "${hostsDir}"\n`,
        }),
        false,
      ],
      [
        "config_path in an imported conf.d drop-in",
        (conf) => ({
          "config.toml": `version = 2\nimports = ["${conf}/conf.d/*.toml"]\n`,
          "conf.d/registry.toml": `version = 2\n${CRI}\n  config_path = "${hostsDir}"\n`,
        }),
        true,
      ],
      [
        "an imported drop-in overriding config_path with another directory",
        (conf) => ({
          "config.toml": `version = 2\nimports = ["${conf}/conf.d/*.toml"]\n${CRI}\n  config_path = "${hostsDir}"\n`,
          "conf.d/other.toml": `version = 2\n${CRI}\n  config_path = "/etc/docker/certs.d"\n`,
        }),
        false,
      ],
      [
        "a relative import and a list of directories",
        () => ({
          "config.toml": 'version = 2\nimports = ["conf.d/registry.toml"]\n',
          "conf.d/registry.toml": `version = 2\n${CRI}\n  config_path = "/etc/docker/certs.d:${hostsDir}/"\n`,
        }),
        true,
      ],
    ];

    it.each(cases)("%s", (_title, files, expected) => {
      const conf = path.join(dir, "config");
      for (const [name, text] of Object.entries(files(conf))) {
        fs.writeFileSync(path.join(conf, name), text);
      }
      const used = containerdConfigPath();
      const containerdReads = used.split(":").some((entry) => entry.replace(/\/+$/, "") === hostsDir);
      expect(containerdReads).toBe(expected);
      const verdict = readiness();
      expect([verdict === undefined, verdict]).toEqual([
        containerdReads,
        containerdReads ? undefined : expect.stringContaining(`containerd does not read ${hostsDir}`),
      ]);
    });
  },
  ["containerd", "python3"],
);
