#!/usr/bin/env bash
# Layering rules that a reader relies on (CMake enforces the link side):
#   eventstore/       knows nothing of the workflow (no services/ or projections/);
#   services/domain/  is pure: no storage, transport, clock or threads;
#                     its internal headers stay inside it.
set -euo pipefail
status=0
check() {  # check <dir> <regex> <why>
  [[ -d "$1" ]] || return 0
  if hits=$(grep -rnE "$2" "$1" --include='*.h' --include='*.cc'); then
    echo "layering: $3"
    echo "$hits"
    status=1
  fi
}
check eventstore '#include "(services|projections)/' \
  "eventstore/ must not include the workflow"
check services/domain '#include [<"](rocksdb/|grpcpp/|grpc/|eventstore/|spdlog/)' \
  "services/domain/ must not depend on storage, transport or logging"
check services/domain '(absl::Now\(|std::chrono::system_clock|std::thread|time\(nullptr\))' \
  "services/domain/ must not read the clock or start threads"
if hits=$(grep -rnE '#include "services/domain/[a-z_]*_internal\.h"' \
    services projections tests --include='*.h' --include='*.cc' |
    grep -v '^services/domain/'); then
  echo "layering: a domain-internal header is included outside services/domain/"
  echo "$hits"
  status=1
fi
exit $status
