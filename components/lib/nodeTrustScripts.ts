/**
 * The shell scripts of `NodeRegistryTrust`'s installer (POSIX `sh` with BusyBox tools: `awk`, `cmp`, `cp`, `mv`,
 * `rm`, `mkdir`, `touch`, `stat`, `date`, `sleep`). Run by the tests with a real shell.
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

/**
 * The TOML reader run on the node (BusyBox awk): what `config_problem` reads containerd's configuration with. Tested
 * against Python's `tomllib` on the same files (test/nodeRegistryTrustInstaller.test.ts).
 */
export const TOML_AWK = String.raw`# Flattens a TOML file into lines "path<TAB>value" (path segments joined by ">", array elements as "path[]").
# Reads: tables, dotted and quoted keys, basic and literal strings, multi-line arrays, inline tables, comments.
function err(msg) { print "error\t" msg; bad = 1; exit 1 }
function peek() { return substr(src, pos, 1) }
function skipws(nl) {
  while (pos <= n) {
    c = peek()
    if (c == " " || c == "\t" || c == "\r" || (nl && c == "\n")) { pos++; continue }
    if (c == "#") { while (pos <= n && peek() != "\n") pos++; continue }
    break
  }
}
function str(   q, out, c, e) {
  q = peek()
  if (substr(src, pos, 3) == q q q) err("multi-line strings are not supported")
  pos++; out = ""
  while (pos <= n) {
    c = peek()
    if (c == "\n") err("unterminated string")
    if (c == q) { pos++; return out }
    if (q == "\"" && c == "\\") {
      pos++; e = peek()
      if (e == "n") out = out "\n"; else if (e == "t") out = out "\t"; else out = out e
      pos++; continue
    }
    out = out c; pos++
  }
  err("unterminated string")
}
function bare(   out, c) {
  out = ""
  while (pos <= n) {
    c = peek()
    if (c ~ /[A-Za-z0-9_+.:-]/) { out = out c; pos++ } else break
  }
  if (out == "") err("unexpected character " c)
  return out
}
function key(   k) {
  skipws(0)
  c = peek()
  if (c == "\"" || c == "\047") k = str(); else { k = ""; while (pos <= n && peek() ~ /[A-Za-z0-9_-]/) { k = k peek(); pos++ } }
  if (k == "" && c != "\"" && c != "\047") err("expected a key")
  return k
}
function dotted(   path) {
  path = key()
  skipws(0)
  while (peek() == ".") { pos++; path = path ">" key(); skipws(0) }
  return path
}
function value(path,   c, k) {
  skipws(0); c = peek()
  if (c == "\"" || c == "\047") { print path "\t" str(); return }
  if (c == "[") {
    pos++
    while (1) {
      skipws(1)
      if (peek() == "]") { pos++; return }
      value(path "[]")
      skipws(1)
      if (peek() == ",") { pos++; continue }
      if (peek() == "]") { pos++; return }
      err("expected , or ] in an array")
    }
  }
  if (c == "{") {
    pos++
    while (1) {
      skipws(0)
      if (peek() == "}") { pos++; return }
      k = dotted()
      if (peek() != "=") err("expected =")
      pos++
      value(path ">" k)
      skipws(0)
      if (peek() == ",") { pos++; continue }
      if (peek() == "}") { pos++; return }
      err("expected , or } in an inline table")
    }
  }
  print path "\t" bare()
}
{ src = src $0 "\n" }
END {
  if (bad) exit 1
  n = length(src); pos = 1; table = ""
  while (1) {
    skipws(1)
    if (pos > n) break
    if (peek() == "[") {
      pos++
      arr = (peek() == "[")
      if (arr) pos++
      table = dotted()
      if (peek() != "]") err("expected ] after a table name")
      pos++
      if (arr) { if (peek() != "]") err("expected ]]"); pos++; table = table "[]" }
      continue
    }
    k = dotted()
    if (peek() != "=") err("expected = after key " k)
    pos++
    value(table == "" ? k : table ">" k)
    skipws(0)
    if (pos <= n && peek() != "\n") err("unexpected text after a value")
  }
}`;

/**
 * `String.raw` for shell text, except that `\${` in it stands for a literal `${` (a shell parameter expansion such
 * as `${name%/*}`), while `${value}` still interpolates.
 */
function shellRaw(strings: TemplateStringsArray, ...values: unknown[]): string {
  return String.raw({ raw: strings.raw.map((part) => part.replace(/\\\$\{/g, "${")) }, ...values);
}

/**
 * Shared functions: leases and containerd's `config_path`. They run every `REFRESH_SECONDS` on every node and at each
 * readiness probe, so they start as few processes as they can: one `awk` per containerd configuration file read
 * (the TOML reader), everything else with shell built-ins (parameter expansion, `case`, `read`).
 */
const FUNCTIONS = shellRaw`
# A small TOML reader in awk (the installer image has BusyBox awk, no TOML library): flattens a file into
# "key>path<TAB>value" lines, array elements as "key[]". Reads tables, dotted and quoted keys, basic and literal
# strings, multi-line arrays, inline tables and comments; refuses (exit 1) what it cannot read.
TOML_AWK='${TOML_AWK}'
NL='
'
TAB='	'
LEASE="$TARGET_DIR/.edge-registry-lease.$POD_UID"
STALE_SECONDS=$((REFRESH_SECONDS * 3 + 30))
# Leases of other installer pods on this node that were touched recently.
other_live_leases() {
  now=""
  for lease in "$TARGET_DIR"/.edge-registry-lease.*; do
    [ -e "$lease" ] && [ "$lease" != "$LEASE" ] || continue
    [ -n "$now" ] || now=$(date +%s)
    if [ $((now - $(stat -c %Y "$lease"))) -le "$STALE_SECONDS" ]; then echo "$lease"; fi
  done
}
# The start time a lease file holds, into $started (0 when it cannot be read).
lease_start() { started=0; { read -r started < "$1"; } 2>/dev/null || true; }
# Whether a live installer started after this one (it then owns the files).
newer_installer() {
  lease_start "$LEASE"
  mine=$started
  for lease in $(other_live_leases); do
    lease_start "$lease"
    if [ "$started" -gt "$mine" ]; then return 0; fi
  done
  return 1
}
# containerd's configuration as "path<TAB>value" lines (see TOML_AWK); fails on what it cannot read.
toml_flat() { awk "$TOML_AWK" "$1"; }
# $1 without its trailing slashes, into $stripped.
strip_slashes() {
  stripped=$1
  while :; do case "$stripped" in */) stripped=\${stripped%/} ;; *) return 0 ;; esac; done
}
# One CRI registry section of the file being read ($node_file): its config_path ($1) overrides an earlier non-empty
# one when it is not empty itself; whether it has mirrors ($2).
registry_section() {
  if [ -n "$1" ]; then effective=$1; source=$node_file; fi
  if [ "$2" = true ]; then mirrors=true; fi
}
# Empty when containerd reads HOSTS_DIR, else the reason. Follows containerd's own loading (containerd
# cmd/containerd/server/config/config.go LoadConfigWithPlugins): config.toml, then its imports breadth first (each
# relative to its file, globs expanded, a file loaded once), later files overriding earlier non-empty values; the CRI
# registry section by each file's version: 3 [plugins."io.containerd.cri.v1.images".registry], 2
# [plugins."io.containerd.grpc.v1.cri".registry] (containerd 2 migrates it to the images plugin), 1 [plugins.cri.registry];
# with a version 3 file (containerd 2 only), no config_path and no mirrors, containerd 2's default
# "/etc/containerd/certs.d:/etc/docker/certs.d" (plugins/cri/images/plugin.go). conf.d files count only when imported.
config_problem() {
  [ "$VERIFY_CONFIG" = true ] || return 0
  if [ ! -f "$CONFIG_DIR/config.toml" ]; then
    echo "containerd does not read $HOSTS_DIR: no config.toml in its configuration directory $NODE_CONFIG_DIR; create it with config_path = \"$HOSTS_DIR\" under the CRI registry plugin and restart containerd, or choose the distribution preset of this node"
    return 0
  fi
  queue="$NODE_CONFIG_DIR/config.toml"
  loaded=" "
  effective=""
  source=""
  v3=false
  mirrors=false
  while [ -n "$queue" ]; do
    node_file=\${queue%%"$NL"*}
    case "$queue" in *"$NL"*) queue=\${queue#*"$NL"} ;; *) queue="" ;; esac
    [ -n "$node_file" ] || continue
    case "$loaded" in *" $node_file "*) continue ;; esac
    loaded="$loaded$node_file "
    case "$node_file" in
      # The node file's path in the read-only mount (CONFIG_DIR).
      "$NODE_CONFIG_DIR"/*) file="$CONFIG_DIR\${node_file#"$NODE_CONFIG_DIR"}" ;;
      *) echo "containerd imports $node_file, outside its configuration directory $NODE_CONFIG_DIR (the only one mounted): set containerdConfigDir to a directory that holds every imported file, or verifyContainerdConfig: false"; return 0 ;;
    esac
    if ! flat=$(toml_flat "$file"); then
      # The reader's last line is "error<TAB>reason".
      reason=\${flat##*"$NL"}; reason=\${reason#*"$TAB"}
      echo "containerd's $node_file does not parse as TOML here (\${reason%%"$TAB"*}): fix it, or set verifyContainerdConfig: false"
      return 0
    fi
    # One pass over the flattened file, in memory: its version, each CRI registry section's last config_path and
    # whether it has mirrors, and its imports (in order).
    version=""
    imports=""
    images_path=""; grpc_path=""; cri_path=""
    images_mirrors=false; grpc_mirrors=false; cri_mirrors=false
    set -f
    old_ifs=$IFS; IFS=$NL
    for line in $flat; do
      key=\${line%%"$TAB"*}
      value=\${line#*"$TAB"}; value=\${value%%"$TAB"*}
      case "$key" in
        version) version=$value ;;
        "imports[]") imports="$imports$value$NL" ;;
        "plugins>io.containerd.cri.v1.images>registry>config_path") images_path=$value ;;
        "plugins>io.containerd.grpc.v1.cri>registry>config_path") grpc_path=$value ;;
        "plugins>cri>registry>config_path") cri_path=$value ;;
        "plugins>io.containerd.cri.v1.images>registry>mirrors>"*) images_mirrors=true ;;
        "plugins>io.containerd.grpc.v1.cri>registry>mirrors>"*) grpc_mirrors=true ;;
        "plugins>cri>registry>mirrors>"*) cri_mirrors=true ;;
      esac
    done
    IFS=$old_ifs
    set +f
    case "$version" in
      3) v3=true; registry_section "$images_path" "$images_mirrors" ;;
      2) registry_section "$images_path" "$images_mirrors"; registry_section "$grpc_path" "$grpc_mirrors" ;;
      *) registry_section "$cri_path" "$cri_mirrors" ;;
    esac
    dir=\${node_file%/*}
    # shellcheck disable=SC2086 # split (and globbed) as a list of words, one import each
    for entry in $imports; do
      case "$entry" in /*) ;; *) entry="$dir/$entry" ;; esac
      case "$entry" in
        *"*"*)
          case "$entry" in
            "$NODE_CONFIG_DIR"/*)
              # shellcheck disable=SC2086 # the glob is expanded here, sorted as Go's filepath.Glob sorts
              for match in $CONFIG_DIR\${entry#"$NODE_CONFIG_DIR"}; do
                if [ -e "$match" ]; then queue="$queue$NL$NODE_CONFIG_DIR\${match#"$CONFIG_DIR"}"; fi
              done ;;
            *) queue="$queue$NL$entry" ;;
          esac ;;
        *) queue="$queue$NL$entry" ;;
      esac
    done
  done
  if [ -z "$effective" ] && [ "$v3" = true ] && [ "$mirrors" = false ]; then
    effective="/etc/containerd/certs.d:/etc/docker/certs.d"
    source="containerd 2's default"
  fi
  strip_slashes "$HOSTS_DIR"
  want=$stripped
  old_ifs=$IFS; IFS=:
  for value in $effective; do
    strip_slashes "$value"
    if [ "$stripped" = "$want" ]; then IFS=$old_ifs; return 0; fi
  done
  IFS=$old_ifs
  if [ -n "$effective" ]; then
    echo "containerd does not read $HOSTS_DIR: the CRI registry config_path containerd uses is \"$effective\" (from $source); set config_path = \"$HOSTS_DIR\" under [plugins.\"io.containerd.grpc.v1.cri\".registry] (version 3: [plugins.'io.containerd.cri.v1.images'.registry]) and restart containerd, or choose the distribution preset of this node"
  else
    echo "containerd does not read $HOSTS_DIR: no CRI registry config_path in $(echo $loaded); set config_path = \"$HOSTS_DIR\" under [plugins.\"io.containerd.grpc.v1.cri\".registry] (version 3: [plugins.'io.containerd.cri.v1.images'.registry]) and restart containerd, or choose the distribution preset of this node"
  fi
}
`;

/**
 * Removes the installer's files from `TARGET_DIR` and restores the files it replaced: what a terminating installer
 * runs, and what `NodeRegistryTrust.nodeCleanupCommand` runs by hand on a node that was down when the component was
 * deleted (its pod never ran the removal).
 */
export const REMOVE_SCRIPT = String.raw`for file in hosts.toml ca.crt; do
    rm -f "$TARGET_DIR/$file" "$TARGET_DIR/.$file.tmp"
    if [ -e "$TARGET_DIR/$file.pre-edge-registry" ]; then
      mv -f "$TARGET_DIR/$file.pre-edge-registry" "$TARGET_DIR/$file"
      echo "restored the previous $TARGET_DIR/$file"
    fi
  done
  rm -f "$TARGET_DIR/.edge-registry-owner" "$TARGET_DIR"/.edge-registry-lease.*
  echo "removed the registry trust from $TARGET_DIR"`;

/** The command that removes the trust from one node by hand (run as root on the node), for `nodeDirectory`. */
export function nodeCleanupCommand(nodeDirectory: string): string {
  return `sudo env TARGET_DIR='${nodeDirectory}' sh -c '${REMOVE_SCRIPT.replace(/'/g, `'"'"'`)}'`;
}

/**
 * The installer: takes a backup of files it is about to replace, installs `ca.crt` then `hosts.toml` (each
 * copied to a temporary file and renamed, so containerd never reads half a file), re-installs them whenever they
 * differ, and on SIGTERM removes them and restores the backups (see the module comment).
 */
export const INSTALL_SCRIPT = `set -u
${FUNCTIONS}
cleanup() {
  rm -f "$LEASE"
  if [ "$REMOVE_ON_DELETE" != true ]; then exit 0; fi
  if [ -n "$(other_live_leases)" ]; then
    echo "another installer runs on this node (rolling update): leaving the files to it"
    exit 0
  fi
  ${REMOVE_SCRIPT}
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
  # k3s and RKE2 clear certs.d when they restart: recreate the directory and the files here, never exit on it.
  [ -d "$TARGET_DIR" ] || mkdir -p "$TARGET_DIR" || echo "cannot recreate $TARGET_DIR; retrying"
  [ -e "$LEASE" ] || date +%s > "$LEASE" 2>/dev/null
  touch "$LEASE" 2>/dev/null
  if ! newer_installer; then
    for file in ca.crt hosts.toml; do
      if ! cmp -s "$SOURCE_DIR/$file" "$TARGET_DIR/$file"; then
        if cp "$SOURCE_DIR/$file" "$TARGET_DIR/.$file.tmp" && mv -f "$TARGET_DIR/.$file.tmp" "$TARGET_DIR/$file"; then
          echo "installed $TARGET_DIR/$file"
        else
          echo "cannot write $TARGET_DIR/$file (the node directory was removed?); retrying in $REFRESH_SECONDS s"
        fi
      fi
    done
  fi
  problem=$(config_problem)
  if [ "$problem" != "$reported" ]; then echo "\${problem:-containerd reads $HOSTS_DIR}"; reported="$problem"; fi
  sleep "$REFRESH_SECONDS" &
  wait $!
done
`;

/**
 * Liveness: fails only when the node removed the directory the pod has mounted (k3s and RKE2 before v1.30 delete
 * certs.d when they restart): the mount then points at a deleted directory (link count 0) that nothing in the
 * container can bring back. The kubelet restarts the container, containerd's CRI re-creates the missing host path
 * for the new bind mount (containerd internal/cri/opts/spec_linux_opts.go WithMounts: MkdirAll of a missing
 * source) and the installer writes the files again. A directory that still exists but lost its files is restored
 * by the installer's own loop.
 */
export const LIVE_SCRIPT = `links=$(stat -L -c %h "$TARGET_DIR/" 2>/dev/null) || exit 0
if [ "$links" = 0 ]; then echo "$TARGET_DIR was removed on the node (k3s/RKE2 restart): restarting to mount it again"; exit 1; fi
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
 * sha256 (hex) of the installer script, the readiness and liveness scripts, the image and the set of host paths with their
 * read-only flags (order-independent): what the policy pack compares before it grants the installer its host access.
 */
export function installerFingerprint(image: string, hostPaths: readonly InstallerHostPath[]): string {
  const paths = [...hostPaths]
    .map((p) => `${p.readOnly ? "ro" : "rw"}:${p.path}`)
    .sort()
    .join("\n");
  return createHash("sha256")
    .update(
      JSON.stringify({ install: INSTALL_SCRIPT, ready: READY_SCRIPT, live: LIVE_SCRIPT, image, hostPaths: paths }),
    )
    .digest("hex");
}
