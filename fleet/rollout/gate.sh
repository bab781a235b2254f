#!/usr/bin/env bash
# The health gate between rollout waves: `fleet status` of the given sites until every one is healthy (connected,
# active, extension Succeeded, synced within its schedule) or GATE_MINUTES pass. A usage, login or fleet-wide error
# (exit 2) fails at once; unhealthy sites (exit 1) are checked again every GATE_INTERVAL seconds, since a new
# extension takes minutes to activate and sync.
#
#   fleet/rollout/gate.sh --wave canary | --site A --site B ...
#
# Environment: INVENTORY (the hub's stack config), GATE_MINUTES (default 20), GATE_INTERVAL (default 60).
set -uo pipefail

: "${INVENTORY:?INVENTORY must name the hub stack config file}"
minutes=${GATE_MINUTES:-20}
interval=${GATE_INTERVAL:-60}
deadline=$((SECONDS + minutes * 60))
attempt=1
while true; do
  npm run --silent fleet -- status --hub "$INVENTORY" "$@"
  code=$?
  if [ "$code" -eq 0 ]; then
    echo "gate passed (attempt $attempt)."
    exit 0
  fi
  if [ "$code" -ne 1 ]; then
    echo "error: fleet status failed (exit $code); the gate stops the rollout." >&2
    exit "$code"
  fi
  if [ $((SECONDS + interval)) -gt "$deadline" ]; then
    echo "error: sites still unhealthy after ${minutes} minutes (GATE_MINUTES); the rollout stops here." >&2
    exit 1
  fi
  echo "not healthy yet (attempt $attempt); checking again in ${interval} s."
  attempt=$((attempt + 1))
  sleep "$interval"
done
