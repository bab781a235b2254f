/**
 * The shell scripts of `NodeRegistryTrust`'s installer (POSIX `sh` with BusyBox tools: `cmp`, `cp`, `mv`, `rm`,
 * `cat`, `grep`, `sed`, `stat`, `date`, `sleep`). Run by the tests with a real shell.
 *
 * Environment: `SOURCE_DIR` (the ConfigMap), `TARGET_DIR` (the node's `<hostsDir>/<registryHost>`), `HOSTS_DIR`
 * (the node path of containerd's hosts directory, as `config_path` names it), `CONFIG_DIR` (containerd's
 * configuration directory, read only), `VERIFY_CONFIG` and `REMOVE_ON_DELETE` (`true`/`false`), `POD_UID`,
 * `REFRESH_SECONDS`.
 *
 * Node files, all in `TARGET_DIR`:
 * - `hosts.toml`, `ca.crt`: what containerd reads;
 * - `<file>.pre-edge-registry`: the file that was there before the first install (kept once, restored on removal);
 * - `.edge-registry-owner`: present while the installer owns the files (so a backup is taken only once);
 * - `.edge-registry-lease.<pod uid>`: one per running installer pod, touched every loop, content = start time.
 *
 * Removal on delete: deleting the DaemonSet (or the component) terminates its pods gracefully, and a terminating
 * installer removes its files and restores the backups — unless another live installer pod on the node holds a
 * lease (the surge pod of a rolling update: the DaemonSet rolls with `maxSurge: 1, maxUnavailable: 0`, so the
 * new pod runs before the old one stops). Among live installers only the newest writes, so old and new
 * ConfigMap contents never alternate during a rollout.
 */

import { createHash } from "node:crypto";

/** Shared functions: leases and containerd's `config_path`. */
const FUNCTIONS = String.raw`
LEASE="$TARGET_DIR/.edge-registry-lease.$POD_UID"
STALE_SECONDS=$((REFRESH_SECONDS * 3 + 30))
# Leases of other installer pods on this node that were touched recently.
other_live_leases() {
  now=$(date +%s)
  for lease in "$TARGET_DIR"/.edge-registry-lease.*; do
    [ -e "$lease" ] && [ "$lease" != "$LEASE" ] || continue
    if [ $((now - $(stat -c %Y "$lease"))) -le "$STALE_SECONDS" ]; then echo "$lease"; fi
  done
}
# Whether a live installer started after this one (it then owns the files).
newer_installer() {
  mine=$(cat "$LEASE" 2>/dev/null || echo 0)
  for lease in $(other_live_leases); do
    if [ "$(cat "$lease" 2>/dev/null || echo 0)" -gt "$mine" ]; then return 0; fi
  done
  return 1
}
# Empty when containerd reads HOSTS_DIR (a config_path of config.toml or conf.d/*.toml lists it), else the reason.
config_problem() {
  [ "$VERIFY_CONFIG" = true ] || return 0
  files=""
  for file in "$CONFIG_DIR/config.toml" "$CONFIG_DIR"/conf.d/*.toml; do
    if [ -f "$file" ]; then files="$files $file"; fi
  done
  if [ -z "$files" ]; then
    echo "containerd does not read $HOSTS_DIR: no config.toml in its configuration directory (mounted from the node); create it with config_path = \"$HOSTS_DIR\" under the CRI registry plugin and restart containerd, or choose the distribution preset of this node"
    return 0
  fi
  # shellcheck disable=SC2086
  want=$(echo "$HOSTS_DIR" | sed 's#/*$##')
  for value in $(grep -h -E "^[[:space:]]*config_path[[:space:]]*=" $files | sed -E "s/^[^=]*=[[:space:]]*[\"']([^\"']*)[\"'].*$/\1/" | tr ':' ' '); do
    if [ "$(echo "$value" | sed 's#/*$##')" = "$want" ]; then return 0; fi
  done
  echo "containerd does not read $HOSTS_DIR: no config_path = \"$HOSTS_DIR\" in$files; set it under [plugins.\"io.containerd.grpc.v1.cri\".registry] (containerd 2: [plugins.'io.containerd.cri.v1.images'.registry]) and restart containerd, or choose the distribution preset of this node"
}
`;

/**
 * The installer: takes a backup of files it is about to replace, installs `ca.crt` then `hosts.toml` (each
 * copied to a temporary file and renamed, so containerd never reads half a file), re-installs them whenever they
 * differ, and on SIGTERM removes them and restores the backups (see the module comment).
 */
export const INSTALL_SCRIPT = `set -eu
${FUNCTIONS}
cleanup() {
  rm -f "$LEASE"
  if [ "$REMOVE_ON_DELETE" != true ]; then exit 0; fi
  if [ -n "$(other_live_leases)" ]; then
    echo "another installer runs on this node (rolling update): leaving the files to it"
    exit 0
  fi
  for file in hosts.toml ca.crt; do
    rm -f "$TARGET_DIR/$file" "$TARGET_DIR/.$file.tmp"
    if [ -e "$TARGET_DIR/$file.pre-edge-registry" ]; then
      mv -f "$TARGET_DIR/$file.pre-edge-registry" "$TARGET_DIR/$file"
      echo "restored the previous $TARGET_DIR/$file"
    fi
  done
  rm -f "$TARGET_DIR/.edge-registry-owner" "$TARGET_DIR"/.edge-registry-lease.*
  echo "removed the registry trust from $TARGET_DIR"
  exit 0
}
trap cleanup TERM INT
date +%s > "$LEASE"
if [ ! -e "$TARGET_DIR/.edge-registry-owner" ]; then
  for file in ca.crt hosts.toml; do
    if [ -e "$TARGET_DIR/$file" ] && [ ! -e "$TARGET_DIR/$file.pre-edge-registry" ]; then
      cp -p "$TARGET_DIR/$file" "$TARGET_DIR/$file.pre-edge-registry"
      echo "kept the existing $TARGET_DIR/$file as $file.pre-edge-registry (restored on removal)"
    fi
  done
  echo "$POD_UID" > "$TARGET_DIR/.edge-registry-owner"
fi
reported=""
while true; do
  touch "$LEASE"
  if ! newer_installer; then
    for file in ca.crt hosts.toml; do
      if ! cmp -s "$SOURCE_DIR/$file" "$TARGET_DIR/$file"; then
        cp "$SOURCE_DIR/$file" "$TARGET_DIR/.$file.tmp"
        mv -f "$TARGET_DIR/.$file.tmp" "$TARGET_DIR/$file"
        echo "installed $TARGET_DIR/$file"
      fi
    done
  fi
  problem=$(config_problem)
  if [ "$problem" != "$reported" ]; then echo "\${problem:-containerd reads $HOSTS_DIR}"; reported="$problem"; fi
  sleep "$REFRESH_SECONDS" &
  wait $!
done
`;

/** Readiness: the node's files equal the ConfigMap's, and containerd reads the hosts directory; else says why. */
export const READY_SCRIPT = `${FUNCTIONS}
for file in ca.crt hosts.toml; do
  if ! cmp -s "$SOURCE_DIR/$file" "$TARGET_DIR/$file"; then echo "$TARGET_DIR/$file is not installed yet"; exit 1; fi
done
problem=$(config_problem)
if [ -n "$problem" ]; then echo "$problem"; exit 1; fi
`;

/**
 * The pod-template annotation that names NodeRegistryTrust's installer: its value is
 * {@link installerFingerprint} of the pod it sits on. The policy pack grants root and containerd's directories
 * only to a DaemonSet whose pod runs exactly these scripts and whose annotation equals the fingerprint it
 * recomputes from the pod itself (policy/rules/nodeTrust.ts), so a copy of the label or of a name is not enough.
 */
export const NODE_TRUST_FINGERPRINT_ANNOTATION = "edge-registry.io/node-trust-installer";

/** One hostPath volume as the fingerprint sees it: the node path and whether every mount of it is read only. */
export interface InstallerHostPath {
  path: string;
  readOnly: boolean;
}

/**
 * sha256 (hex) of the installer script, the readiness script, the image and the set of host paths with their
 * read-only flags (order-independent): what the policy pack compares before it grants the installer its host access.
 */
export function installerFingerprint(image: string, hostPaths: readonly InstallerHostPath[]): string {
  const paths = [...hostPaths]
    .map((p) => `${p.readOnly ? "ro" : "rw"}:${p.path}`)
    .sort()
    .join("\n");
  return createHash("sha256")
    .update(JSON.stringify({ install: INSTALL_SCRIPT, ready: READY_SCRIPT, image, hostPaths: paths }))
    .digest("hex");
}
