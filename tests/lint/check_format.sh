#!/usr/bin/env bash
# Fails if any C++ or proto source differs from clang-format's output.
# Usage: tests/lint/check_format.sh [clang-format binary]; run from the root.
set -euo pipefail
clang_format="${1:-clang-format}"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files --cached --others --exclude-standard \
    '*.cc' '*.h' '*.proto')
else
  mapfile -t files < <(find eventstore services projections proto tests \
    -name '*.cc' -o -name '*.h' -o -name '*.proto')
fi
existing=()
for f in "${files[@]}"; do [[ -f "$f" ]] && existing+=("$f"); done
((${#existing[@]})) || exit 0
"$clang_format" --dry-run --Werror "${existing[@]}"
echo "format: ${#existing[@]} files clean"
