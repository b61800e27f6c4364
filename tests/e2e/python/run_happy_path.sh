#!/usr/bin/env bash
# Runs happy_path_test.py, a Python client generated from our protos, against
# a real atgard-server: starts the server on a free loopback port with
# development authentication, mints tokens with `atgardctl dev-token`, runs
# the script with Debian's python3-grpcio and stops the server.
#
# Usage: run_happy_path.sh <atgard-server> <atgardctl> <stub dir> <script>
# (ctest passes them; the stubs are generated into the build directory).
set -euo pipefail
server="$1" atgardctl="$2" stubs="$3" script="$4"
# Debian's interpreter: the one python3-grpcio and python3-protobuf belong
# to, whatever python3 comes first on PATH.
python=/usr/bin/python3

work="$(mktemp -d)"
pid=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    wait "$pid" || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

"$server" --listen=127.0.0.1:0 --data_dir="$work/data" \
  --port_file="$work/port" --metrics_listen= --dev_auth \
  --log_format=json >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
  [[ -s "$work/port" ]] && break
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "atgard-server exited during start-up:" >&2
    cat "$work/server.log" >&2
    exit 1
  fi
  sleep 0.1
done
if [[ ! -s "$work/port" ]]; then
  echo "atgard-server did not start within 30 s" >&2
  cat "$work/server.log" >&2
  exit 1
fi

token() {  # token <role> [flags...]
  "$atgardctl" dev-token --data_dir="$work/data" --tenant=0780 --role="$@"
}
ATGARD_ADDRESS="127.0.0.1:$(head -n 1 "$work/port")"
ATGARD_TOKEN_OFFICER="$(token FOLLOW_UP_OFFICER --subject=uu-handlaggare)"
ATGARD_TOKEN_PROVIDER="$(token PROVIDER --provider_id=omsorgsbolaget \
  --subject=enhetschef@omsorgsbolaget)"
ATGARD_TOKEN_AUDITOR="$(token AUDITOR --subject=revisor)"
export ATGARD_ADDRESS ATGARD_TOKEN_OFFICER ATGARD_TOKEN_PROVIDER \
  ATGARD_TOKEN_AUDITOR

if ! PYTHONPATH="$stubs" PYTHONDONTWRITEBYTECODE=1 "$python" "$script"; then
  echo "--- server log" >&2
  cat "$work/server.log" >&2
  exit 1
fi
