#!/usr/bin/env bash
# Fails if a committed generated file differs from what its generator prints.
# Usage: tests/lint/check_generated.sh <generator> <committed file> [args]
# The generator is run with the arguments that follow the file.
set -euo pipefail
generator="$1"
committed="$2"
shift 2
if ! diff -u "$committed" <("$generator" "$@"); then
  echo
  echo "$committed is stale: regenerate it with"
  echo "  $generator $* > $committed"
  exit 1
fi
echo "$committed is up to date"
