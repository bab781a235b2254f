/**
 * NodeRegistryTrust's readiness against real containerd's own configuration loader: for each configuration,
 * `containerd --config <file> config dump` (containerd merges config.toml and its imports exactly as it does at
 * start) says which CRI registry `config_path` containerd uses; the readiness probe, run by a real shell over the
 * same files, must be ready exactly when that path names the hosts directory. containerd 1.6 (Debian) reads
 * configuration version 2; version 3 is covered by the unit tests against containerd 2's rules.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { READY_SCRIPT } from "../../components/lib/nodeTrustScripts";
import { describeE2e } from "./harness";
import { runChild } from "../harness/childRun";

const CRI = '[plugins."io.containerd.grpc.v1.cri".registry]';

describeE2e(
  "e2e: NodeRegistryTrust readiness agrees with containerd's own configuration loader",
  () => {
    const cases: [string, (conf: string, hostsDir: string) => Record<string, string>, boolean][] = [
      [
        "config_path in the CRI registry section",
        (_conf, hostsDir) => ({ "config.toml": `version = 2\n${CRI}\n  config_path = "${hostsDir}"\n` }),
        true,
      ],
      [
        "config_path only in another plugin's section",
        (_conf, hostsDir) => ({
          "config.toml": `version = 2\n[plugins."io.containerd.internal.v1.opt"]\n  config_path = "${hostsDir}"\n`,
        }),
        false,
      ],
      [
        "config_path in a conf.d drop-in that config.toml never imports",
        (_conf, hostsDir) => ({
          "config.toml": "version = 2\n",
          "conf.d/registry.toml": `version = 2\n${CRI}\n  config_path = "${hostsDir}"\n`,
        }),
        false,
      ],
      [
        "config_path in an imported conf.d drop-in",
        (conf, hostsDir) => ({
          "config.toml": `version = 2\nimports = ["${conf}/conf.d/*.toml"]\n`,
          "conf.d/registry.toml": `version = 2\n${CRI}\n  config_path = "${hostsDir}"\n`,
        }),
        true,
      ],
      [
        "an imported drop-in overriding config_path with another directory",
        (conf, hostsDir) => ({
          "config.toml": `version = 2\nimports = ["${conf}/conf.d/*.toml"]\n${CRI}\n  config_path = "${hostsDir}"\n`,
          "conf.d/other.toml": `version = 2\n${CRI}\n  config_path = "/etc/docker/certs.d"\n`,
        }),
        false,
      ],
      [
        "a relative import and a list of directories",
        (_conf, hostsDir) => ({
          "config.toml": 'version = 2\nimports = ["conf.d/registry.toml"]\n',
          "conf.d/registry.toml": `version = 2\n${CRI}\n  config_path = "/etc/docker/certs.d:${hostsDir}/"\n`,
        }),
        true,
      ],
    ];

    /** One case's node: its containerd configuration directory, hosts directory, and what each side concluded. */
    interface Verdicts {
      hostsDir: string;
      /** The file holding `containerd config dump`'s output for the case's config.toml. */
      dump: string;
      /** The readiness probe's verdict: undefined when ready, else its reason. */
      readiness: string | undefined;
      /** The CRI registry config_path containerd itself ends up with (read from its dump with Python's tomllib). */
      configPath?: string;
    }
    const dirs: string[] = [];
    const verdicts = new Map<string, Verdicts>();
    // Every case on a node of its own, all at once: containerd's dump and the readiness probe run concurrently, and
    // one python3 reads every dump.
    beforeAll(async () => {
      await Promise.all(
        cases.map(async ([title, files]) => {
          const dir = fs.mkdtempSync(path.join(os.tmpdir(), "trust-config-e2e-"));
          dirs.push(dir);
          const hostsDir = path.join(dir, "certs.d");
          fs.mkdirSync(path.join(hostsDir, "10.0.0.100"), { recursive: true });
          const conf = path.join(dir, "config");
          fs.mkdirSync(path.join(conf, "conf.d"), { recursive: true });
          fs.mkdirSync(path.join(dir, "source"));
          for (const file of ["hosts.toml", "ca.crt"]) {
            fs.writeFileSync(path.join(dir, "source", file), `${file}\n`);
            fs.writeFileSync(path.join(hostsDir, "10.0.0.100", file), `${file}\n`);
          }
          for (const [name, text] of Object.entries(files(conf, hostsDir))) {
            fs.writeFileSync(path.join(conf, name), text);
          }
          const [dump, probe] = await Promise.all([
            runChild("containerd", ["--config", path.join(conf, "config.toml"), "config", "dump"], {
              timeout: 20_000,
            }),
            runChild("/bin/sh", ["-c", READY_SCRIPT], {
              env: {
                PATH: process.env.PATH,
                SOURCE_DIR: path.join(dir, "source"),
                TARGET_DIR: path.join(hostsDir, "10.0.0.100"),
                HOSTS_DIR: hostsDir,
                CONFIG_DIR: conf,
                NODE_CONFIG_DIR: conf,
                VERIFY_CONFIG: "true",
                REMOVE_ON_DELETE: "true",
                POD_UID: "e2e",
                REFRESH_SECONDS: "60",
              },
            }),
          ]);
          if (dump.status !== 0) throw new Error(`containerd config dump failed (${title}):\n${dump.stderr}`);
          fs.writeFileSync(path.join(dir, "dump.toml"), dump.stdout);
          verdicts.set(title, {
            hostsDir,
            dump: path.join(dir, "dump.toml"),
            readiness: probe.status === 0 ? undefined : probe.stdout.trim(),
          });
        }),
      );
      const titles = cases.map(([title]) => title);
      const read = await runChild("python3", [
        "-c",
        'import json, sys, tomllib; print(json.dumps([tomllib.load(open(f, "rb"))["plugins"]["io.containerd.grpc.v1.cri"]["registry"].get("config_path", "") for f in sys.argv[1:]]))',
        ...titles.map((title) => verdicts.get(title)!.dump),
      ]);
      expect(read.status).toBe(0);
      const paths = JSON.parse(read.stdout) as string[];
      titles.forEach((title, i) => (verdicts.get(title)!.configPath = paths[i]));
    }, 60_000);
    afterAll(() => {
      for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
    });

    it.each(cases)("%s", (title, _files, expected) => {
      const { hostsDir, configPath, readiness: verdict } = verdicts.get(title)!;
      const containerdReads = configPath!.split(":").some((entry) => entry.replace(/\/+$/, "") === hostsDir);
      expect(containerdReads).toBe(expected);
      expect([verdict === undefined, verdict]).toEqual([
        containerdReads,
        containerdReads ? undefined : expect.stringContaining(`containerd does not read ${hostsDir}`),
      ]);
    });
  },
  ["containerd", "python3"],
);
