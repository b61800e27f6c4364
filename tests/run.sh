#!/usr/bin/env bash
# Builds everything and runs the whole test suite (unit, integration,
# end-to-end, lint). Arguments go to ctest, e.g. `tests/run.sh -L unit` or
# `tests/run.sh -R ServerLifecycle`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/deploy/install-deps.sh" --tests
"$root/deploy/build.sh"
build="${ATGARD_BUILD_DIR:-$root/build}"
ctest --test-dir "$build" -j "${ATGARD_JOBS:-2}" --output-on-failure \
  --timeout 900 "$@"
