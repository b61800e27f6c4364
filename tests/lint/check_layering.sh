#!/usr/bin/env bash
# Layering rules that a reader relies on (CMake enforces the link side).
# From the bottom up:
#   eventstore/          the log; knows nothing of the workflow;
#   services/common/     helpers every layer may use;
#   services/domain/     pure: no storage, transport, clock or threads;
#   services/app/        the application layer: the domain over the EventLog
#                        interface; no transport, no storage (its store/
#                        subfolder alone is the EventLog on the event store);
#   services/auth/       authentication, no transport;
#   services/jobs/       background work on the application layer;
#   services/api/        the gRPC adapters;
#   services/server/, services/cli/  the binaries.
set -euo pipefail
status=0
check() {  # check <dir> <regex> <why> [grep options]
  [[ -d "$1" ]] || return 0
  if hits=$(grep -rnE "$2" "$1" --include='*.h' --include='*.cc' "${@:4}"); then
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
check services/domain '#include "services/(app|api|auth|jobs|server|cli)/' \
  "services/domain/ must not include the layers above it"
check services/app '#include [<"](rocksdb/|grpcpp/|grpc/|services/(api|auth|jobs|server|cli)/)' \
  "services/app/ must not depend on storage, transport or the layers above it"
check services/app '#include "eventstore/(event_store|disk_reserve|recovery|key_space)\.h"' \
  "services/app/ speaks of the log through EventLog (services/app/store/ alone may use the store)" \
  --exclude-dir=store
check services/jobs '#include [<"](rocksdb/|grpcpp/|grpc/|eventstore/event_store\.h|services/(api|server|cli)/)' \
  "services/jobs/ works on the application layer, not on the store or the transport"
check services/auth '#include [<"](grpcpp/|grpc/|services/(app|api|jobs|server|cli)/)' \
  "services/auth/ must not depend on the transport or the layers above it"
check services/api '#include "services/(server|cli|jobs)/' \
  "services/api/ must not include the binaries or the jobs"
exit $status
