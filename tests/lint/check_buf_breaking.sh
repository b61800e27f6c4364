#!/usr/bin/env bash
# Fails if proto/ breaks wire or source compatibility with the previous
# commit (buf's FILE rules): the API's callers and the stored events both
# depend on it. Usage: tests/lint/check_buf_breaking.sh <buf>; run from the
# repository root.
set -euo pipefail
buf="$(realpath "$1")"
if ! git rev-parse --verify --quiet HEAD~1 >/dev/null; then
  echo "buf breaking: no previous commit to compare with; skipped"
  exit 0
fi
if ! git cat-file -e HEAD~1:proto/buf.yaml 2>/dev/null; then
  echo "buf breaking: the previous commit has no proto module; skipped"
  exit 0
fi
cd proto
"$buf" breaking --against "../.git#ref=HEAD~1,subdir=proto"
echo "buf breaking: compatible with HEAD~1"
