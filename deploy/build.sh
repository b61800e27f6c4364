#!/usr/bin/env bash
# Installs dependencies, configures and builds atgard in $ATGARD_BUILD_DIR
# (default ./build). Extra arguments are build targets; none builds all.
# Extra CMake options come from $ATGARD_CMAKE_ARGS, e.g.
#   ATGARD_CMAKE_ARGS="-DATGARD_SANITIZE=address;undefined" deploy/build.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/deploy/install-deps.sh"
build="${ATGARD_BUILD_DIR:-$root/build}"
# Compiler arguments are hashed relative to the checkout, so another clone
# (or a worktree) reuses the objects this one cached.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$root}"
generator=()
if [[ ! -f "$build/CMakeCache.txt" ]] && command -v ninja >/dev/null; then
  generator=(-G Ninja)
fi
# shellcheck disable=SC2086  # ATGARD_CMAKE_ARGS is a list of options
cmake -S "$root" -B "$build" "${generator[@]}" ${ATGARD_CMAKE_ARGS:-} >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$build" -j "${ATGARD_JOBS:-2}" "${targets[@]}"
