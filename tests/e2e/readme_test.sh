#!/usr/bin/env bash
# README.md's first command and the examples marked for it, run as a
# newcomer would paste them, on a fresh clone in a temporary directory: only
# the listen port is changed, to a free one. The data directory stays
# ./data inside the clone, so that the check at the end (git status
# --porcelain empty) also covers what the server and the examples leave in
# the checkout: data, the development key, tokens, build output.
#
# Examples are the ```sh blocks preceded by
#   <!-- readme-test: running -->   run while the first command's server runs
#   <!-- readme-test: stopped -->   run after it was stopped with Ctrl-C
#
# Usage: tests/e2e/readme_test.sh <repository>
# The clone is the repository's HEAD plus its uncommitted changes and new
# files, so that a change is tested before it is committed.
set -euo pipefail
source_repo="$(cd "$1" && pwd)"
if ! git -C "$source_repo" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "readme_test: $source_repo is not a git checkout; skipped"
  exit 77
fi

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then
    kill -KILL -- "-$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "readme_test: $*" >&2
  for f in "$work"/server.out "$work"/server.err; do
    [[ -f "$f" ]] && { echo "--- $f (last 40 lines)"; tail -40 "$f"; } >&2
  done
  exit 1
}

# --- A fresh clone of what is in the working tree.
clone="$work/clone"
git clone -q "$source_repo" "$clone"
if ! git -C "$source_repo" diff --quiet HEAD; then
  git -C "$source_repo" diff --binary HEAD | git -C "$clone" apply --whitespace=nowarn
fi
(cd "$source_repo" && git ls-files -z --others --exclude-standard) |
  (cd "$source_repo" && tar --null -T - -cf -) | tar -C "$clone" -xf -
if [[ -n "$(git -C "$clone" status --porcelain)" ]]; then
  git -C "$clone" add -A
  git -C "$clone" -c user.name=readme-test -c user.email=readme-test@localhost \
    commit -qm "the working tree under test"
fi

readme="$clone/README.md"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
substitute() { sed -e "s#127\.0\.0\.1:50051#127.0.0.1:$port#g"; }

# Every marker must stand right before a block: a marker that is not
# would otherwise leave its example untested without a word.
markers="$(grep -c '^<!-- readme-test: ' "$readme" || true)"

# The marked blocks of one kind, each as one file.
extract_blocks() {  # extract_blocks <running|stopped> <out prefix>
  awk -v kind="$1" -v prefix="$2" '
    $0 == "<!-- readme-test: " kind " -->" { armed = 1; next }
    armed && /^```sh$/ { n++; file = prefix n ".sh"; inside = 1; armed = 0; next }
    inside && /^```$/ { inside = 0; close(file); next }
    inside { print > file }
    { armed = 0 }
    END { print n + 0 }' "$readme"
}

# --- The first command, as README's first block writes it.
first_command="$(awk '/^```sh$/ { getline; sub(/[ \t]*#.*/, ""); print; exit }' "$readme")"
[[ "$first_command" == "deploy/run-server.sh" ]] ||
  fail "README's first command is \"$first_command\", not deploy/run-server.sh"
# Every compilation of the clone's build is logged, to show below that a
# second clone reuses the compiler cache.
export CCACHE_STATSLOG="$work/ccache.log"
(
  cd "$clone"
  # A newcomer's environment: none of the build overrides the suite may use.
  # In a session of its own, so that cleanup stops the build too.
  exec setsid env -u ATGARD_BUILD_DIR -u ATGARD_CMAKE_ARGS -u ATGARD_JOBS \
    $first_command --listen="127.0.0.1:$port" \
    >"$work/server.out" 2>"$work/server.err" </dev/null
) &
server_pid=$!

# It builds first: allow for a build that misses the compiler cache.
for _ in $(seq 1 1800); do
  grep -q '"event":"server_started"' "$work/server.out" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || fail "the first command exited before serving"
  sleep 0.5
done
grep -q '"event":"server_started"' "$work/server.out" ||
  fail "the first command did not start a server within 15 minutes"
grep -q "DEVELOPMENT MODE" "$work/server.err" ||
  fail "the first command did not say it runs in development mode"

# --- The two lines it printed: mint a token, make a first call.
printed="$work/printed.sh"
awk '/^Mint a token/ { on = 1; next } on && /^  / { sub(/^  /, ""); print } on && /^$/ && seen++ { exit }' \
  "$work/server.err" >"$printed"
[[ "$(grep -c . "$printed")" == 2 ]] || fail "expected two printed lines, got: $(cat "$printed")"
(cd "$clone" && bash -euo pipefail "$printed") >"$work/printed.out" 2>&1 ||
  fail "the printed lines failed: $(cat "$work/printed.out")"
grep -q '"subject": "anna"' "$work/printed.out" ||
  fail "the printed call did not answer who the token names: $(cat "$work/printed.out")"

# --- README's examples while the server runs.
blocks="$(extract_blocks running "$work/running-")"
((blocks >= 2)) || fail "README has $blocks running examples marked; expected at least 2"
stopped_blocks="$(extract_blocks stopped "$work/stopped-")"
((blocks + stopped_blocks == markers)) ||
  fail "README has $markers readme-test markers but only $((blocks + stopped_blocks)) stand right before a \`\`\`sh block"
for ((i = 1; i <= blocks; i++)); do
  substitute <"$work/running-$i.sh" >"$work/run-$i.sh"
  (cd "$clone" && bash -euo pipefail "$work/run-$i.sh") >"$work/run-$i.out" 2>&1 ||
    fail "README example $i failed:
$(cat "$work/run-$i.sh")
$(cat "$work/run-$i.out")"
done
cat "$work"/run-*.out >"$work/running.out"
for promised in '"streamId": "0780/provider/omsorgsbolaget"' \
                '"status": "SERVING"' 'atgard.v1.CaseService' \
                'ok: ' 'backup taken in'; do
  grep -qF "$promised" "$work/running.out" ||
    fail "README's examples did not print $promised:
$(cat "$work/running.out")"
done

# --- A second clone reuses the compiler cache (deploy/build.sh sets its
# base directory): every compilation of the clone's build was a hit, unless
# the suite itself was built without the cache or with other flags.
if [[ -z "${CCACHE_DISABLE:-}" && -z "${ATGARD_CMAKE_ARGS:-}" ]] &&
  command -v ccache >/dev/null; then
  [[ -s "$work/ccache.log" ]] || fail "the clone's build logged no compilation to ccache"
  misses="$(grep -c '^cache_miss$' "$work/ccache.log" || true)"
  hits="$(grep -cE '^(direct|preprocessed)_cache_hit$' "$work/ccache.log" || true)"
  ((misses == 0)) || fail "the clone's build missed the compiler cache $misses times ($hits hits)"
fi

# --- Ctrl-C stops it cleanly.
kill -INT "$server_pid"
status=0
wait "$server_pid" || status=$?
server_pid=""
((status == 0)) || fail "the server exited $status on Ctrl-C"

((stopped_blocks >= 1)) || fail "README has no example marked for a stopped server"
for ((i = 1; i <= stopped_blocks; i++)); do
  substitute <"$work/stopped-$i.sh" >"$work/stop-$i.sh"
  (cd "$clone" && bash -euo pipefail "$work/stop-$i.sh") >"$work/stop-$i.out" 2>&1 ||
    fail "README example (stopped) $i failed:
$(cat "$work/stop-$i.sh")
$(cat "$work/stop-$i.out")"
done
grep -q "^ok: " "$work"/stop-*.out || fail "verify did not report an intact log"

# --- Nothing in the clone that git would see.
dirty="$(git -C "$clone" status --porcelain --ignore-submodules=none)"
[[ -z "$dirty" ]] || fail "the clone is not clean after README's commands:
$dirty"
echo "readme_test: README's first command and $(ls "$work"/run-*.sh "$work"/stop-*.sh | wc -l) examples ran as written; the clone stayed clean"
