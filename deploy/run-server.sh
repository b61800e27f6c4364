#!/usr/bin/env bash
# Builds atgard-server and atgardctl and starts the server in the
# foreground; stop it with Ctrl-C. Arguments go to the server (see
# `build/services/atgard-server --help`).
#
# Without authentication flags it starts in development mode: on
# 127.0.0.1:50051 with its event store in ./data, trusting the tokens that
# `atgardctl dev-token` mints with a key kept beside the data directory
# (--dev_auth), with online backups into <data_dir>.backups. That is for a
# developer's own machine, never for production: the server allows it
# only on loopback, and the server binary itself, as the systemd unit and
# the container run it, refuses to start without authentication flags. Any of --jwt_*, --mtls_principals,
# --flagfile, --config or --dev_auth given here turns the default off.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/deploy/build.sh" atgard-server atgardctl
build="${ATGARD_BUILD_DIR:-$root/build}"

listen=127.0.0.1:50051
data_dir=./data
backup_given=0
development=1
help=0
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  # abseil takes -flag as well as --flag, and a value in the next word.
  [[ "${args[i]}" == -* ]] || continue
  flag="${args[i]#-}"
  flag="-${flag#-}"
  case "$flag" in
    -listen=*) listen="${flag#*=}" ;;
    -listen) listen="${args[i + 1]:-}"; i=$((i + 1)) ;;
    -data_dir=*) data_dir="${flag#*=}" ;;
    -data_dir) data_dir="${args[i + 1]:-}"; i=$((i + 1)) ;;
    -backup_dir*) backup_given=1 ;;
    -jwt_* | -mtls_principals* | -flagfile* | -config* | -dev_auth* | -nodev_auth*)
      development=0 ;;
    -h | -help* | -version*) help=1 ;;
  esac
done
if ((development && !help)); then
  defaults=(--dev_auth --listen="$listen" --data_dir="$data_dir")
  # Backups beside the data, so that `atgardctl backup` works here too.
  ((backup_given)) || defaults+=(--backup_dir="$data_dir.backups")
  args=("${defaults[@]}" "${args[@]}")

  # Paths as the person at this terminal would type them, quoted for a shell.
  here() { printf '%q' "$(realpath -s --relative-base="$PWD" "$1")"; }
  ctl="$(here "$build/services/atgardctl")"
  buf="$(here "$root/deploy/tools/node_modules/.bin/buf")"
  cat >&2 <<EOF

atgard: DEVELOPMENT MODE (--dev_auth) - not for production.
Mint a token and make a first call in another terminal, in $PWD:

  TOKEN=\$($ctl dev-token --data_dir=$(printf '%q' "$data_dir") --role=FOLLOW_UP_OFFICER --tenant=0780 --subject=anna)
  $buf curl --protocol grpc --http2-prior-knowledge -H "authorization: Bearer \$TOKEN" -d '{}' http://$listen/atgard.v1.DiagnosticsService/Ping

EOF
fi
exec "$build/services/atgard-server" "${args[@]}"
