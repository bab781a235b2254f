/** The e2e harness's own guarantees: bounded commands, no leftover processes or files, clear tool checks. */
import * as fs from "node:fs";
import { e2eBlocker, Harness, missingTools } from "./harness";
import { hostsToml } from "./containerd";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("e2e harness", () => {
  it("finds tools on PATH and names the missing ones with the install command", () => {
    expect(missingTools(["sh", "no-such-tool-e2e"])).toEqual(["no-such-tool-e2e"]);
    expect(e2eBlocker(["no-such-tool-e2e"])).toBe(
      "missing e2e tools: no-such-tool-e2e (install them with: sudo bash test/e2e/install-deps.sh)",
    );
  });

  it("kills a command at its timeout, and dispose() stops every process and removes the temp dir", async () => {
    const h = Harness.create();
    try {
      const slow = await h.run("sleep", ["30"], { timeoutMs: 200 });
      expect(slow).toMatchObject({ timedOut: true, code: null });

      const server = await h.start("sleeper", "sh", ["-c", "echo up; exec sleep 60"], async () => true);
      expect(alive(server.pid)).toBe(true);
      await expect(h.start("dies", "sh", ["-c", "echo boom >&2; exit 3"], async () => false)).rejects.toThrow(
        /dies exited early \(3\):\nboom/,
      );
      await h.dispose();
      expect(alive(server.pid)).toBe(false);
      expect(fs.existsSync(h.dir)).toBe(false);
    } finally {
      await h.dispose();
    }
  });

  it("writes the platform-facts hosts.toml shape, with ca only for a trusting node", () => {
    expect(hostsToml("127.0.0.2", "/x/127.0.0.2/ca.crt")).toBe(
      'server = "https://127.0.0.2"\n[host."https://127.0.0.2"]\n  capabilities = ["pull", "resolve"]\n' +
        '  ca = "/x/127.0.0.2/ca.crt"\n',
    );
    expect(hostsToml("127.0.0.2")).not.toContain("ca =");
  });
});
