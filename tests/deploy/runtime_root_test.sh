#!/usr/bin/env bash
# Proves the runtime package list on a fresh Debian bookworm root: builds a
# minimal root with mmdebstrap (minbase: what every Debian host and the
# bookworm-slim image have), copies the built binaries and deploy/ into it,
# runs deploy/install.sh there (which installs `install-deps.sh --runtime`,
# creates the atgard user and /etc/atgard), then starts the installed
# server as that user on a free loopback port and asks its health service,
# from outside the root, for SERVING. SIGTERM must stop it with exit code 0,
# and the installed atgardctl must verify the store it wrote.
#
# Needs root and Debian's archive (CI has both); skips when not root. The
# archive is the one this host's apt uses (bookworm entries of
# /etc/apt/sources.list and sources.list.d), or $ATGARD_DEBIAN_MIRROR.
# The root is built in memory and takes about 20 s.
#
# Usage: runtime_root_test.sh <source dir> <atgard-server> <atgardctl> <skip reason>
set -euo pipefail
src="$1" server="$2" atgardctl="$3" skip_reason="$4"
skip=77  # ctest's SKIP_RETURN_CODE for this test

if [[ -n "$skip_reason" ]]; then
  echo "skipped: $skip_reason; the runtime list describes the default build"
  exit "$skip"
fi
if ((EUID != 0)); then
  echo "skipped: building a Debian root and chrooting into it needs root"
  exit "$skip"
fi
for tool in mmdebstrap unshare chroot; do
  command -v "$tool" >/dev/null || {
    echo "$tool is missing: run deploy/install-deps.sh" >&2
    exit 1
  }
done

# Everything below runs in a private mount namespace: whatever is mounted
# in the root disappears with this script, even if it is killed.
if [[ -z "${ATGARD_RUNTIME_ROOT_UNSHARED:-}" ]]; then
  ATGARD_RUNTIME_ROOT_UNSHARED=1 exec unshare --mount --propagation private \
    "$0" "$@"
fi

started=$SECONDS
work="$(mktemp -d "${TMPDIR:-/tmp}/atgard-runtime-root.XXXXXX")"
root="$work/root"
pid=""
mounts=()
cleanup() {
  local status=$?
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}" || true
  done
  # Never follow a mount that is somehow still there into the host.
  rm -rf --one-file-system "$work"
  echo "runtime root test: $((SECONDS - started)) s, exit $status"
}
trap cleanup EXIT
# The root lives in memory: dpkg's many syncs cost nothing there, and
# removing it is one unmount (about 300 MB). Mode 0755: apt downloads as
# _apt, which must reach the root.
mount -t tmpfs -o size=1g,mode=0755 atgard-runtime-root "$work" &&
  mounts+=("$work")

# The archive this host installs from: its bookworm entries, one-line or
# deb822, without third-party repositories (their keys are not in the root).
mirrors=()
if [[ -n "${ATGARD_DEBIAN_MIRROR:-}" ]]; then
  mirrors=("$ATGARD_DEBIAN_MIRROR")
else
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
    /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] || continue
    if [[ "$f" == *.sources ]]; then
      grep -Eq '^Suites:.*\bbookworm(-updates|-security)?(\s|$)' "$f" &&
        ! grep -Eiq '^Enabled:\s*no' "$f" && mirrors+=("$f")
    else
      while read -r line; do mirrors+=("$line"); done < <(
        grep -E '^deb\s+(\[[^]]*\]\s+)?\S+\s+bookworm(-updates|-security)?\s' "$f")
    fi
  done
fi
if ((${#mirrors[@]} == 0)); then
  echo "no bookworm entry in this host's apt sources; set ATGARD_DEBIAN_MIRROR" >&2
  exit 1
fi

echo "--- building a bookworm root (minbase) from: ${mirrors[*]} ($((SECONDS - started)) s)"
# Without package lists, like the bookworm-slim image: install-deps.sh
# then takes the same path as in the container's runtime stage.
if ! mmdebstrap --variant=minbase bookworm "$root" "${mirrors[@]}"; then
  echo "could not build a bookworm root from ${mirrors[*]}:" \
    "is Debian's archive reachable?" >&2
  exit 1
fi

echo "--- installing atgard with deploy/install.sh in the root ($((SECONDS - started)) s)"
# The checkout's deploy/ and README.md (all install.sh reads), and the two
# binaries where install.sh looks for a build.
mkdir -p "$root/opt/atgard/build/services"
tar -C "$src" --exclude=deploy/tools/node_modules -cf - deploy README.md |
  tar -C "$root/opt/atgard" -xf -
cp "$server" "$atgardctl" "$root/opt/atgard/build/services/"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc" && mounts+=("$root/proc")
mount --bind /dev "$root/dev" && mounts+=("$root/dev")
mount --bind /dev/pts "$root/dev/pts" && mounts+=("$root/dev/pts")
chroot "$root" /opt/atgard/deploy/install.sh /opt/atgard/build

echo "--- libraries the installed binaries cannot find (none expected) ($((SECONDS - started)) s)"
if chroot "$root" ldd /usr/local/bin/atgard-server /usr/local/bin/atgardctl |
  grep 'not found'; then
  exit 1
fi

echo "--- starting the installed server as the atgard user ($((SECONDS - started)) s)"
chroot --userspec=atgard:atgard "$root" /usr/local/bin/atgard-server \
  --dev_auth --listen=127.0.0.1:0 --port_file=/var/lib/atgard/port \
  --data_dir=/var/lib/atgard/data --metrics_listen= --log_format=json \
  >"$work/server.log" 2>&1 &
pid=$!
port_file="$root/var/lib/atgard/port"
for _ in $(seq 1 300); do
  [[ -s "$port_file" ]] && break
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "atgard-server exited during start-up:" >&2
    cat "$work/server.log" >&2
    exit 1
  fi
  sleep 0.1
done
if [[ ! -s "$port_file" ]]; then
  echo "atgard-server did not start within 30 s:" >&2
  cat "$work/server.log" >&2
  exit 1
fi
address="127.0.0.1:$(head -n 1 "$port_file")"

echo "--- health of $address, asked from outside the root ($((SECONDS - started)) s)"
# grpc.health.v1.Health/Check without generated stubs: an empty request,
# and a response whose field 1 (status) is 1 (SERVING) is b'\x08\x01'.
if ! /usr/bin/python3 - "$address" <<'EOF'; then
import sys, time
import grpc
channel = grpc.insecure_channel(sys.argv[1])
check = channel.unary_unary("/grpc.health.v1.Health/Check",
                            request_serializer=None, response_deserializer=None)
deadline = time.monotonic() + 30
while True:
    try:
        response = check(b"", timeout=5)
    except grpc.RpcError as error:
        response = error
    if response == b"\x08\x01":
        print("health: SERVING")
        sys.exit(0)
    if time.monotonic() > deadline:
        print(f"health: not SERVING within 30 s, last answer {response!r}")
        sys.exit(1)
    time.sleep(0.2)
EOF
  cat "$work/server.log" >&2
  exit 1
fi

echo "--- stopping it with SIGTERM ($((SECONDS - started)) s)"
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=""
if ((status != 0)); then
  echo "atgard-server exited with $status after SIGTERM (expected 0):" >&2
  cat "$work/server.log" >&2
  exit 1
fi

echo "--- the installed atgardctl verifies the store it left ($((SECONDS - started)) s)"
chroot --userspec=atgard:atgard "$root" /usr/local/bin/atgardctl verify \
  --data_dir=/var/lib/atgard/data
echo "the runtime package list runs atgard on a fresh bookworm root"
