#!/usr/bin/env bash
# The test suite's time and CPU, as BENCHMARKS.md "Test suite" reports them: jest (the default suite, not the
# plugin install) with N workers, by default from cold caches as on a clean clone in CI.
#
#   bash bench/test-suite.sh [workers=3] [--warm]
#
# Cold removes jest's cache, the register hook's swc cache, the cached loader texts, the shared `npm pack`
# install and the TLS double's RSA keys, and rebuilds dist/. Prints jest's summary, then wall time and CPU
# (user+sys of jest and every child it started). Run it on a quiet machine: other work on the cores shows up here.
set -euo pipefail
cd "$(dirname "$0")/.."
workers=${1:-3}
tmp=${TMPDIR:-/tmp}
if [ "${2:-}" != "--warm" ]; then
  cache=$(npx jest --showConfig 2>/dev/null | sed -n 's/.*"cacheDirectory": "\(.*\)",/\1/p' | head -1)
  rm -rf "${cache:?}" "$tmp"/edge-registry-pack-* "$tmp"/edge-registry-tls-double \
    node_modules/.cache/edge-registry-register node_modules/.cache/edge-registry-loaders \
    node_modules/.cache/edge-registry-build
  npm run build > /dev/null
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$(date +%s.%N)
# CPU of the children this shell has waited for (cutime + cstime of /proc/self/stat, in clock ticks).
children_cpu() { awk '{ print $16 + $17 }' /proc/$$/stat; }
before=$(children_cpu)
status=0
npx jest --maxWorkers="$workers" > "$log" 2>&1 || status=$?
grep -E '^(Tests|Time):' "$log" || tail -20 "$log"
# jest's and every child's it started (they are all waited for by the time jest exits).
cpu=$(awk -v a="$before" -v b="$(children_cpu)" -v t="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", (b - a) / t }')
awk -v s="$start" -v e="$(date +%s.%N)" -v c="$cpu" -v w="$workers" \
  'BEGIN { printf "workers %d: %.1f s wall, %s s CPU (user+sys)\n", w, e - s, c }'
exit "$status"
