#!/usr/bin/env bash
# Fails if a committed generated file, or a marked section of one, differs
# from what its generator prints.
# Usage: tests/lint/check_generated.sh [--section <name>] <generator>
#          <committed file> [generator arguments...]
# With --section, only the lines between
#   <!-- BEGIN GENERATED <name> -->  and  <!-- END GENERATED <name> -->
# are compared (the markers themselves excluded).
set -euo pipefail
section=""
if [[ "${1:-}" == --section ]]; then
  section="$2"
  shift 2
fi
generator="$1"
committed="$2"
shift 2
if [[ -z "$section" ]]; then
  if ! diff -u "$committed" <("$generator" "$@"); then
    echo
    echo "$committed is stale: regenerate it with"
    echo "  $generator $* > $committed"
    exit 1
  fi
  echo "$committed is up to date"
  exit 0
fi
begin="<!-- BEGIN GENERATED $section -->"
end="<!-- END GENERATED $section -->"
if [[ $(grep -cxF "$begin" "$committed") != 1 ||
      $(grep -cxF "$end" "$committed") != 1 ]]; then
  echo "$committed must hold each of these lines once:"
  echo "  $begin"
  echo "  $end"
  exit 1
fi
if ! diff -u \
  <(awk -v b="$begin" -v e="$end" '$0 == e {p = 0} p {print} $0 == b {p = 1}' \
    "$committed") \
  <("$generator" "$@"); then
  echo
  echo "the $section section of $committed is stale: replace the lines"
  echo "between its markers with the output of"
  echo "  $generator $*"
  exit 1
fi
echo "the $section section of $committed is up to date"
