#!/usr/bin/env bash
# Installs everything atgard needs to build, test and run, from Debian's
# archive and (for buf) the npm registry. Idempotent: a package that is
# already present is not touched, so the README commands and CI can call this
# every time at the cost of a dpkg query.
#
# Usage: deploy/install-deps.sh [--tests | --runtime | --print-runtime[-libraries]]
#   (none)      what building needs (README's first command, the container)
#   --tests     that, and what the test command needs besides
#   --runtime   only what the installed binaries need to run (deploy hosts,
#               the container's runtime stage, deploy/install.sh)
#   --print-runtime, --print-runtime-libraries
#               print that list (or its library part), one package a line,
#               and install nothing
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
  # The google.rpc error details (status.proto, error_details.proto) that
  # refusals carry: bookworm ships their .proto sources only in this one.
  golang-github-gogo-googleapis-dev
  # sd_notify for Type=notify.
  libsystemd-dev
)
# What only the test command needs besides: systemd-analyze to check the
# unit, and a fresh Debian root in which the runtime list is proven.
test_packages=(systemd mmdebstrap)
# What atgard-server and atgardctl need at run time. The libraries are
# exactly the packages owning the shared libraries the two binaries name in
# DT_NEEDED (apt brings what those libraries need in turn, e.g. civetweb
# under prometheus-cpp-pull); RocksDB is linked statically, so its
# compression libraries are direct needs. ctest's lint.runtime_packages
# derives the list from the built binaries and fails, printing the list it
# expects, until this one matches; e2e.runtime_root proves it on a fresh
# Debian root.
runtime_libraries=(
  libabsl20220623 libbz2-1.0 libc6 libgcc-s1 libgrpc++1.51 libgrpc29
  liblz4-1 libprometheus-cpp-core1.0 libprometheus-cpp-pull1.0
  libprotobuf32 libsnappy1v5 libspdlog1.10 libssl3 libstdc++6 libsystemd0
  libtcmalloc-minimal4 libzstd1 zlib1g
)
# Run-time needs that are not linked libraries:
#   tzdata  the domain's dates are in Europe/Stockholm, loaded from
#           /usr/share/zoneinfo when the server starts.
# Not needed: ca-certificates (TLS trusts only the CA files given as flags)
# and openssl (the command; only deploy/tls/make-certs.sh uses it).
runtime_others=(tzdata)
runtime_packages=("${runtime_libraries[@]}" "${runtime_others[@]}")

case "${1:-}" in
  --print-runtime) printf '%s\n' "${runtime_packages[@]}"; exit 0 ;;
  --print-runtime-libraries) printf '%s\n' "${runtime_libraries[@]}"; exit 0 ;;
esac

packages=("${build_packages[@]}")
if [[ "${1:-}" == "--runtime" ]]; then
  packages=("${runtime_packages[@]}")
elif [[ "${1:-}" == "--tests" ]]; then
  packages+=("${test_packages[@]}")
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
