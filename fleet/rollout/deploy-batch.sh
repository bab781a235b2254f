#!/usr/bin/env bash
# Runs `pulumi preview` or `pulumi up` on a batch of site stacks (the root program, one stack per site), at most
# PARALLEL at once. Used by .github/workflows/fleet.yml, one batch per matrix job.
#
#   fleet/rollout/deploy-batch.sh preview|up SITE...
#
# Environment: PARALLEL (default 10), STACK_PREFIX (`<organization>/`, or empty). A site's stack is created when it
# does not exist yet (`pulumi stack select --create`; its config comes from fleet/esc or Pulumi.<site>.yaml).
# Every started `pulumi` runs to its end even when another fails (no cancelling mid-update); the script then exits
# 1 naming the failed sites, so the workflow stops before the next wave.
set -euo pipefail

action=${1:?usage: deploy-batch.sh preview|up SITE...}
shift
case "$action" in
  preview | up) ;;
  *)
    echo "error: the command is preview or up (got $action)" >&2
    exit 2
    ;;
esac
if [ "$#" -eq 0 ]; then
  echo "error: no sites given" >&2
  exit 2
fi
parallel=${PARALLEL:-10}
failed=$(mktemp)
trap 'rm -f "$failed"' EXIT

deploy_one() {
  set -o pipefail
  local site=$1 stack="${STACK_PREFIX:-}$1"
  {
    pulumi stack select --create "$stack" --non-interactive &&
      if [ "$action" = up ]; then
        pulumi up --stack "$stack" --yes --non-interactive --skip-preview --diff
      else
        pulumi preview --stack "$stack" --non-interactive --diff
      fi
  } 2>&1 | sed -u "s/^/[$site] /" || echo "$site" >>"$failed"
}
export -f deploy_one
export action failed

# xargs keeps PARALLEL sites in flight and waits for every one it started.
printf '%s\n' "$@" | xargs -P "$parallel" -I '{}' bash -c 'deploy_one "$1"' _ '{}'

if [ -s "$failed" ]; then
  echo "error: pulumi $action failed for $(wc -l <"$failed") of $# sites: $(sort "$failed" | tr '\n' ' ')" >&2
  exit 1
fi
echo "pulumi $action succeeded for $# sites."
