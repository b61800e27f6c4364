#!/usr/bin/env bash
# Installs a built atgard on this host as a systemd service: the binaries,
# a system user, /etc/atgard with example configuration (kept if present),
# /var/lib/atgard for data, /var/lib/atgard-backup for online backups, and
# the unit. Idempotent.
#
# Usage (as root, after deploy/build.sh): deploy/install.sh [build dir]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-${ATGARD_BUILD_DIR:-$root/build}}"
for binary in atgard-server atgardctl; do
  [[ -x "$build/services/$binary" ]] || {
    echo "install: $build/services/$binary is missing; run deploy/build.sh first" >&2
    exit 1
  }
done

"$root/deploy/install-deps.sh" --runtime
install -m 0755 "$build/services/atgard-server" "$build/services/atgardctl" \
  /usr/local/bin/
getent group atgard >/dev/null || groupadd --system atgard
getent passwd atgard >/dev/null ||
  useradd --system --gid atgard --home-dir /var/lib/atgard --shell /usr/sbin/nologin atgard
install -d -m 0750 -o root -g atgard /etc/atgard /etc/atgard/tls
install -d -m 0700 -o atgard -g atgard /var/lib/atgard /var/lib/atgard-backup
install_example() {  # <name in /etc/atgard> <example in deploy/>
  [[ -e "/etc/atgard/$1" ]] ||
    install -m 0640 -o root -g atgard "$root/deploy/$2" "/etc/atgard/$1"
}
install_example atgard.flags atgard.flags.example
install_example principals.json principals.example.json
install -d /usr/local/share/doc/atgard
install -m 0644 "$root/README.md" /usr/local/share/doc/atgard/
install -m 0644 "$root/deploy/systemd/atgard.service" /etc/systemd/system/atgard.service
if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
  systemctl daemon-reload
  echo "install: edit /etc/atgard/atgard.flags, add certificates to /etc/atgard/tls"
  echo "         (deploy/tls/make-certs.sh for test), then: systemctl enable --now atgard"
else
  echo "install: done (no running systemd here; start atgard-server --flagfile=/etc/atgard/atgard.flags)"
fi
