#!/usr/bin/env bash
# Creates a private CA and certificates for atgard with OpenSSL: a server
# certificate (for --tls_cert/--tls_key) and client certificates for mutual
# TLS (their common names are what --mtls_principals maps). For test and
# staging environments; production certificates come from the
# municipality's own PKI.
#
# Usage: deploy/tls/make-certs.sh <out dir> <server DNS name> [client CN...]
#   e.g. deploy/tls/make-certs.sh /etc/atgard/tls atgard.vaxjo.se verksamhetssystem
# Writes ca.pem/ca.key, server.pem/server.key and <cn>.pem/<cn>.key; keeps
# an existing CA so that more clients can be added later.
set -euo pipefail
out="${1:?out dir}"
server_name="${2:?server DNS name}"
shift 2
mkdir -p "$out"
umask 077
days=825

if [[ ! -f "$out/ca.pem" ]]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$out/ca.key" -out "$out/ca.pem" -days 3650 \
    -subj "/CN=atgard CA" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
fi

issue() {  # issue <name> <subject CN> <extensions>
  local name="$1" cn="$2" ext="$3"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$out/$name.key" -out "$out/$name.csr" -subj "/CN=$cn" 2>/dev/null
  openssl x509 -req -in "$out/$name.csr" -CA "$out/ca.pem" -CAkey "$out/ca.key" \
    -CAcreateserial -days "$days" -out "$out/$name.pem" \
    -extfile <(printf '%s\n' "$ext") 2>/dev/null
  rm -f "$out/$name.csr"
}

issue server "$server_name" \
  "subjectAltName=DNS:$server_name,DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth"
for cn in "$@"; do
  issue "$cn" "$cn" "subjectAltName=DNS:$cn
extendedKeyUsage=clientAuth"
done
chmod 0644 "$out"/*.pem
echo "certificates in $out: ca.pem server.pem ${*/%/.pem}"
