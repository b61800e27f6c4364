#!/usr/bin/env bash
# Builds atgard-server and atgardctl and starts the server in the
# foreground; stop it with Ctrl-C. Arguments go to the server (see
# `build/services/atgard-server --help`).
#
# Without authentication flags it starts in development mode: on
# 127.0.0.1:50051 with its event store in ./data, trusting the tokens that
# `atgardctl dev-token` mints with a key kept beside the data directory
# (--dev_auth). That is for a developer's own machine, never for
# production: the server allows it only on loopback, and the server binary
# itself, as the systemd unit and the container run it, refuses to start
# without authentication flags. Any of --jwt_*, --mtls_principals,
# --flagfile or --dev_auth given here turns the default off.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/deploy/build.sh" atgard-server atgardctl
build="${ATGARD_BUILD_DIR:-$root/build}"

listen=127.0.0.1:50051
data_dir=./data
development=1
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --listen=*) listen="${args[i]#*=}" ;;
    --listen) listen="${args[i + 1]:-}" ;;
    --data_dir=*) data_dir="${args[i]#*=}" ;;
    --data_dir) data_dir="${args[i + 1]:-}" ;;
    --jwt_* | --mtls_principals* | --flagfile* | --dev_auth* | --nodev_auth*)
      development=0 ;;
  esac
done
if ((development)); then
  args=(--dev_auth --listen="$listen" --data_dir="$data_dir" "${args[@]}")
fi

# Paths as the person at this terminal would type them.
here() { realpath -s --relative-base="$PWD" "$1"; }
if ((development)); then
  cat >&2 <<EOF

atgard: DEVELOPMENT MODE (--dev_auth) - not for production.
Mint a token and make a first call in another terminal, in $PWD:

  TOKEN=\$($(here "$build")/services/atgardctl dev-token --data_dir=$data_dir --role=FOLLOW_UP_OFFICER --tenant=0780 --subject=anna)
  $(here "$root/deploy/tools/node_modules/.bin/buf") curl --protocol grpc --http2-prior-knowledge -H "authorization: Bearer \$TOKEN" -d '{}' http://$listen/atgard.v1.DiagnosticsService/Ping

EOF
fi
exec "$build/services/atgard-server" "${args[@]}"
