#!/usr/bin/env bash
# Checks deploy/systemd/atgard.service offline, as systemd 252 would read it:
#   - `systemd-analyze verify` prints nothing (it exits 0 on unknown keys
#     and unparsable values and only prints them, so any output fails);
#   - `systemd-analyze security` scores its exposure at most 2.5.
# verify needs every Exec binary to exist, so it reads a copy whose
# ExecStart names the built server; the atgard user need not exist (verify
# does not resolve User=). A deliberately broken copy must fail both ways,
# so that a change in systemd-analyze's behaviour cannot make this pass
# vacuously.
#
# Usage: tests/deploy/check_systemd_unit.sh <atgard.service> <atgard-server>
set -euo pipefail
unit="$1"
server="$2"
# --threshold compares against the exposure in tenths (2.5 -> 25) and fails
# when the exposure is above it.
threshold=25

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/good" "$work/bad"
sed "s#^ExecStart=/usr/local/bin/atgard-server #ExecStart=$server #" \
  "$unit" >"$work/good/atgard.service"
grep -q "^ExecStart=$server " "$work/good/atgard.service" || {
  echo "FAIL: no ExecStart=/usr/local/bin/atgard-server line in $unit" >&2
  exit 1
}

# Prints what verify said and fails if it said anything.
verify_quietly() {
  local out
  out="$(cd "$(dirname "$1")" && systemd-analyze verify --man=no \
    "$(basename "$1")" 2>&1)" || { echo "$out"; return 1; }
  [[ -z "$out" ]] || { echo "$out"; return 1; }
}

status=0
if ! verify_quietly "$work/good/atgard.service"; then
  echo "FAIL: systemd-analyze verify is not clean for $unit" >&2
  status=1
fi
if ! report="$(systemd-analyze security --offline=true \
  --threshold="$threshold" "$work/good/atgard.service" 2>&1)"; then
  echo "$report" | grep -E '✗|Overall' >&2 || echo "$report" >&2
  echo "FAIL: $unit is exposed above 2.5 (--threshold=$threshold)" >&2
  status=1
fi
echo "$report" | grep 'Overall exposure' || true

# The checks themselves: an unknown key must be reported, and the unit
# without its sandbox must score above the threshold.
sed -e 's/^\[Service\]$/[Service]\nNoSuchKey=yes/' \
  "$work/good/atgard.service" >"$work/bad/atgard.service"
if verify_quietly "$work/bad/atgard.service" >/dev/null; then
  echo "FAIL: verify did not report an unknown key" >&2
  status=1
fi
grep -v -E '^(CapabilityBoundingSet|SystemCallFilter|PrivateUsers|Protect[A-Za-z]+|Private[A-Za-z]+)=' \
  "$work/good/atgard.service" >"$work/bad/atgard.service"
if systemd-analyze security --offline=true --threshold="$threshold" \
  "$work/bad/atgard.service" >/dev/null 2>&1; then
  echo "FAIL: an unsandboxed unit passed the exposure threshold" >&2
  status=1
fi
exit "$status"
