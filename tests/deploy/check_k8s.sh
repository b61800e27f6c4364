#!/usr/bin/env bash
# Validates deploy/k8s/ against the Kubernetes schemas (validate_k8s.mjs),
# then shows that the validator rejects what the API server would: each
# deliberately broken manifest below must fail, naming its file and
# document (and, for an unknown field, its path and the type it is not a
# field of: kubectl validates fields strictly).
#
# Usage: tests/deploy/check_k8s.sh <node> <deploy/k8s directory>
set -euo pipefail
node="$1"
manifests="$2"
validator="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/validate_k8s.mjs"

"$node" "$validator" "$manifests"

work="$(mktemp -d)"
# What a broken manifest's rejection must say besides file and document.
declare -A expect
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
# A misspelt field deep in a pod template: the schemas themselves allow
# unknown keys, so only the strict field check catches the lost probe.
# Maps (labels, annotations) around it must not count as unknown fields.
cat >"$work/unknown-field-in-pod-spec.yaml" <<'YAML'
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: broken, labels: {app: a}}
spec:
  serviceName: broken
  selector: {matchLabels: {app: a}}
  template:
    metadata:
      labels: {app: a}
      annotations: {prometheus.io/scrape: "true"}
    spec:
      containers:
        - name: c
          image: i
          startUpProbe: {grpc: {port: 8081}}
YAML
expect[unknown-field-in-pod-spec.yaml]='document 1 (StatefulSet): spec.template.spec.containers[0].startUpProbe is not a field of Container'
# An unknown field at the top level of a Service, after a valid document
# whose data (a map) takes any key.
cat >"$work/unknown-field-in-service.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata: {name: fine}
data: {any.key: value}
---
apiVersion: v1
kind: Service
metadata: {name: broken}
spec:
  ports: [{port: 80}]
specc:
  selector: {app: a}
YAML
expect[unknown-field-in-service.yaml]='document 2 (Service): specc is not a field of Service'

status=0
for broken in "$work"/*.yaml; do
  if out="$("$node" "$validator" "$broken" 2>&1)"; then
    echo "FAIL: the validator accepted $(basename "$broken")" >&2
    status=1
  elif ! grep -q "FAIL $broken: document" <<<"$out"; then
    echo "FAIL: no file and document named for $(basename "$broken"):" >&2
    echo "$out" >&2
    status=1
  elif ! grep -qF "FAIL $broken: ${expect[$(basename "$broken")]:-document}" \
      <<<"$out"; then
    echo "FAIL: $(basename "$broken") not rejected with" \
      "\"${expect[$(basename "$broken")]}\":" >&2
    echo "$out" >&2
    status=1
  elif [[ "$(grep -c "^FAIL " <<<"$out")" -ne 1 ]]; then
    echo "FAIL: $(basename "$broken") rejected for more than one thing:" >&2
    echo "$out" >&2
    status=1
  else
    echo "rejected as expected: $(grep "FAIL $broken" <<<"$out" | head -1)"
  fi
done
exit "$status"
