#!/usr/bin/env bash
# Builds atgard-server and starts it in the foreground on the embedded
# default: 127.0.0.1:50051, event store in ./data. Arguments are passed to
# the server (see --help). Stop it with Ctrl-C.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/deploy/build.sh" atgard-server
exec "${ATGARD_BUILD_DIR:-$root/build}/services/atgard-server" "$@"
