#!/usr/bin/env bash
# Validates deploy/k8s/ against the Kubernetes schemas (validate_k8s.mjs),
# then shows that the validator rejects what the API server would: each
# deliberately broken manifest below must fail, naming its file.
#
# Usage: tests/deploy/check_k8s.sh <node> <deploy/k8s directory>
set -euo pipefail
node="$1"
manifests="$2"
validator="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/validate_k8s.mjs"

"$node" "$validator" "$manifests"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat >"$work/port-not-a-number.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata: {name: broken}
spec:
  containers:
    - name: c
      image: i
      ports: [{containerPort: "x"}]
YAML
cat >"$work/unknown-kind.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata: {name: fine}
---
apiVersion: apps/v1
kind: StatefulThing
metadata: {name: broken}
YAML
cat >"$work/missing-selector.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: broken}
spec:
  template:
    spec:
      containers: [{name: c, image: i}]
YAML
cat >"$work/duplicate-key.yaml" <<'YAML'
apiVersion: v1
kind: Service
metadata: {name: broken, name: twice}
YAML

status=0
for broken in "$work"/*.yaml; do
  if out="$("$node" "$validator" "$broken" 2>&1)"; then
    echo "FAIL: the validator accepted $(basename "$broken")" >&2
    status=1
  elif ! grep -q "FAIL $broken: document" <<<"$out"; then
    echo "FAIL: no file and document named for $(basename "$broken"):" >&2
    echo "$out" >&2
    status=1
  else
    echo "rejected as expected: $(grep "FAIL $broken" <<<"$out" | head -1)"
  fi
done
exit "$status"
