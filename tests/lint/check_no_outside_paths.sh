#!/usr/bin/env bash
# Fails if a file of the repository points outside it: at a sibling
# checkout ("../shared", its "DOMAIN.md") or at a build machine's home or
# work directory ("/home/", "/work/"). The repository keeps its own account
# of what it implements (services/domain/RULES.md), so that a clone on
# another machine is complete. This script is the one file allowed to name
# the patterns.
# Usage: tests/lint/check_no_outside_paths.sh (from any directory).
set -euo pipefail
cd "$(dirname "$0")/../.."
self="tests/lint/check_no_outside_paths.sh"
patterns=(-e '../shared' -e 'DOMAIN.md' -e '/work/' -e '/home/')
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # Committed files and new ones not yet added, as lint.format reads them.
  mapfile -t files < <(git ls-files --cached --others --exclude-standard)
else
  # Not a git checkout: everything but build output and installed tools.
  mapfile -t files < <(find . \( -path ./.git -o -path './build*' \
    -o -path ./deploy/tools/node_modules \) -prune -o -type f -print |
    sed 's|^\./||')
fi
existing=()
for f in "${files[@]}"; do
  [[ -f "$f" && "$f" != "$self" ]] && existing+=("$f")
done
hits=""
if ((${#existing[@]})); then
  hits=$(printf '%s\0' "${existing[@]}" |
    xargs -0 grep -nIF "${patterns[@]}" -- || true)
fi
if [[ -n "$hits" ]]; then
  echo "outside paths: these lines point outside the repository;"
  echo "cite the repository's own documents by relative path instead"
  echo "$hits"
  exit 1
fi
echo "outside paths: none"
