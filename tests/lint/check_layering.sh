#!/usr/bin/env bash
# Layering rules that a reader relies on (CMake enforces the link side).
# From the bottom up:
#   eventstore/base/     the bottom: abseil and the standard library only;
#   eventstore/          the log; knows nothing of the workflow;
#   services/common/     helpers every layer may use;
#   services/domain/     pure: no storage, transport, clock or threads (of
#                        eventstore/ it may include eventstore/base/ alone);
#                        its internal headers stay inside it;
#   services/app/        the application layer: the domain over the EventLog
#                        interface; no transport, no storage (its store/
#                        subfolder alone is the EventLog on the event store);
#   services/auth/       authentication, no transport;
#   services/jobs/       background work on the application layer;
#   services/api/        the gRPC adapters;
#   services/server/, services/cli/  the binaries.
set -euo pipefail
status=0
check() {  # check <dir> <regex> <why> [<allowed regex>]
  # A rule over a folder that is gone (moved, renamed, or the script run
  # from elsewhere) checks nothing: that is a failure, not a pass.
  if [[ ! -d "$1" ]]; then
    echo "layering: $1/ does not exist in $(pwd); the rule \"$3\" checks" \
      "nothing (run from the repository root, or update the rule)"
    status=1
    return 0
  fi
  if [[ -z "$(find "$1" \( -name '*.h' -o -name '*.cc' \) -print -quit)" ]]; then
    echo "layering: $1/ holds no .h or .cc file; the rule \"$3\" checks nothing"
    status=1
    return 0
  fi
  local hits
  hits=$(grep -rnE "$2" "$1" --include='*.h' --include='*.cc' || true)
  if [[ -n "${4:-}" && -n "$hits" ]]; then
    hits=$(grep -vE "$4" <<<"$hits" || true)
  fi
  if [[ -n "$hits" ]]; then
    echo "layering: $3"
    echo "$hits"
    status=1
  fi
}
# Quoted includes in eventstore/base/ may name abseil alone.
check eventstore/base '#include "' \
  "eventstore/base/ must include nothing of the repository (abseil only)" \
  '#include "absl/'
check eventstore '#include "(services|projections)/' \
  "eventstore/ must not include the workflow"
check services/domain '#include [<"](rocksdb/|grpcpp/|grpc/|eventstore/|spdlog/)' \
  "services/domain/ must not depend on storage, transport or logging" \
  '#include "eventstore/base/'
check services/domain '(absl::Now\(|std::chrono::system_clock|std::thread|time\(nullptr\))' \
  "services/domain/ must not read the clock or start threads"
check services/domain '#include "services/(app|api|auth|jobs|server|cli)/' \
  "services/domain/ must not include the layers above it"
check services/app '#include [<"](rocksdb/|grpcpp/|grpc/|services/(api|auth|jobs|server|cli)/)' \
  "services/app/ must not depend on storage, transport or the layers above it"
check services/app '#include "eventstore/(event_store|disk_reserve|recovery|key_space)\.h"' \
  "services/app/ speaks of the log through EventLog (services/app/store/ alone may use the store)" \
  '^services/app/store/' 
check services/jobs '#include [<"](rocksdb/|grpcpp/|grpc/|eventstore/event_store\.h|services/(api|server|cli)/)' \
  "services/jobs/ works on the application layer, not on the store or the transport"
check services/auth '#include [<"](grpcpp/|grpc/|services/(app|api|jobs|server|cli)/)' \
  "services/auth/ must not depend on the transport or the layers above it"
check services/api '#include "services/(server|cli|jobs)/' \
  "services/api/ must not include the binaries or the jobs"
if hits=$(grep -rnE '#include "services/domain/[a-z_]*_internal\.h"' \
    services projections tests --include='*.h' --include='*.cc' |
    grep -v '^services/domain/'); then
  echo "layering: a domain-internal header is included outside services/domain/"
  echo "$hits"
  status=1
fi
exit $status
