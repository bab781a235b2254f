#!/usr/bin/env bash
# Prints one Markdown comment with the offline plan diff of every Pulumi program in this checkout (the root
# program and examples/*, each stack file Pulumi.<stack>.yaml, or no config when there is none) against the
# same program and stack in another checkout, usually the pull request's base branch:
#
#   .github/scripts/offline-plan-diff.sh <base checkout> [program dir ...] > comment.md
#
# Program dirs are relative to this checkout (default: `.` and every `examples/*`).
# Both sides are evaluated by this checkout's `bin/plan.ts` (the base's programs import the base's components).
# A program or stack that does not exist in the base counts as empty (everything is created). Exits 1 when a
# plan of this checkout fails (the error is in the comment), after printing the whole comment.
set -uo pipefail

base="$(cd "$1" && pwd)"
shift
head="$(cd "$(dirname "$0")/../.." && pwd)"
projects=()
for dir in "${@:-.}"; do
  projects+=("$head/$dir/Pulumi.yaml")
done
[ $# -gt 0 ] || projects+=("$head"/examples/*/Pulumi.yaml)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
plan() { node -r "$head/bin/register.js" "$head/bin/plan.ts" "$@"; }

echo "<!-- edge-registry-offline-plan -->"
echo "## Offline plan"
echo
echo "What \`pulumi preview\` would do for each program, evaluated offline under mocks (no cloud): values only"
echo "known after deployment show as \`(known after deploy)\`, secrets as \`[secret]\`."
failed=0
for project in "${projects[@]}"; do
  [ -f "$project" ] || continue
  dir="$(cd "$(dirname "$project")" && pwd)"
  rel="${dir#"$head"}"
  rel="${rel#/}"
  main="$(sed -n 's/^main:[[:space:]]*//p' "$project")"
  [ -e "$dir/${main:-index.ts}" ] || continue
  stacks=()
  for file in "$dir"/Pulumi.*.yaml; do
    [ -f "$file" ] && stacks+=("$(basename "$file" .yaml | sed 's/^Pulumi\.//')")
  done
  [ ${#stacks[@]} -gt 0 ] || stacks=("")
  for stack in "${stacks[@]}"; do
    args=()
    [ -n "$stack" ] && args=(--stack "$stack")
    echo
    echo "#### \`${rel:-.}\`${stack:+ (stack \`$stack\`)}"
    echo
    if [ -f "$base/$rel/Pulumi.yaml" ] && { [ -z "$stack" ] || [ -f "$base/$rel/Pulumi.$stack.yaml" ]; }; then
      if ! plan "$base/$rel" "${args[@]}" --json >"$work/base.json" 2>"$work/base.err"; then
        echo "_The base branch's plan fails, so everything shows as created:_"
        echo
        echo '```text'
        grep '^error: ' "$work/base.err" || tail -n 20 "$work/base.err"
        echo '```'
        echo
        echo "[]" >"$work/base.json"
      fi
    else
      echo "[]" >"$work/base.json"
    fi
    if plan "$dir" "${args[@]}" --diff "$work/base.json" >"$work/diff.md" 2>"$work/head.err"; then
      sed 's/^\(#\{1,4\}\) /\1## /' "$work/diff.md"
    else
      failed=1
      echo "**The plan fails:**"
      echo
      echo '```text'
      grep '^error: ' "$work/head.err" || tail -n 20 "$work/head.err"
      echo '```'
    fi
  done
done
exit "$failed"
