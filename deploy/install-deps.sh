#!/usr/bin/env bash
# Installs everything atgard needs to build, test and run, from Debian's
# archive and (for buf) the npm registry. Idempotent: a package that is
# already present is not touched, so the README commands and CI can call this
# every time at the cost of a dpkg query.
#
# Usage: deploy/install-deps.sh [--runtime]
#   --runtime   only the shared libraries the server needs (for deploy hosts)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

build_packages=(
  build-essential cmake ninja-build pkg-config ccache git
  protobuf-compiler protobuf-compiler-grpc libprotobuf-dev
  libgrpc++-dev libgrpc-dev librocksdb-dev libabsl-dev
  libgtest-dev libgmock-dev libbenchmark-dev librapidcheck-dev
  libspdlog-dev libfmt-dev prometheus-cpp-dev libjwt-dev libssl-dev
  nlohmann-json3-dev libxlsxwriter-dev libgoogle-perftools-dev
  clang clang-format libclang-rt-14-dev
  python3 python3-grpcio python3-protobuf
  openssl tzdata ca-certificates
  libcli11-dev
  # The standard gRPC health proto, served through reflection.
  grpc-proto
  # sd_notify for Type=notify, and systemd-analyze to check the unit.
  libsystemd-dev systemd
  # A fresh Debian root in which the runtime package list is proven.
  mmdebstrap
)
runtime_packages=(
  libgrpc++1.51 librocksdb7.8 libprotobuf32 libspdlog1.10 libjwt0
  libxlsxwriter4 libtcmalloc-minimal4 openssl tzdata
)

packages=("${build_packages[@]}")
if [[ "${1:-}" == "--runtime" ]]; then
  packages=("${runtime_packages[@]}")
fi

missing=()
for p in "${packages[@]}"; do
  status="$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)"
  [[ "$status" == "installed" ]] || missing+=("$p")
done

# Node.js may come from elsewhere than Debian on a developer machine (its npm
# then conflicts with Debian's): only a missing npm command pulls Debian's.
if [[ "${1:-}" != "--runtime" ]] && ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi

if ((${#missing[@]})); then
  sudo=()
  if ((EUID != 0)); then sudo=(sudo); fi
  echo "install-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # Package lists may be absent on a fresh image; refresh once, then install.
  if ! "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}" </dev/null; then
    "${sudo[@]}" apt-get update </dev/null
    "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}" </dev/null
  fi
fi

# Node tools Debian does not ship (buf, the Kubernetes schemas), exactly as
# the committed lock file pins them: `npm ci` never rewrites it, so the
# checkout stays clean.
if [[ "${1:-}" != "--runtime" ]]; then
  tools="$here/tools"
  stamp="$tools/node_modules/.installed-lock.json"
  if [[ ! -x "$tools/node_modules/.bin/buf" ]] ||
     ! cmp -s "$tools/package-lock.json" "$stamp"; then
    echo "install-deps: installing the node tools into deploy/tools" >&2
    (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error </dev/null)
    cp "$tools/package-lock.json" "$stamp"
  fi
fi
