#!/usr/bin/env bash
# Layering rules that a reader relies on (CMake enforces the link side):
#   eventstore/base/  is the bottom: abseil and the standard library only;
#   eventstore/       knows nothing of the workflow (no services/ or projections/);
#   services/domain/  is pure: no storage, transport, clock or threads (of
#                     eventstore/ it may include eventstore/base/ alone);
#                     its internal headers stay inside it.
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
if hits=$(grep -rnE '#include "services/domain/[a-z_]*_internal\.h"' \
    services projections tests --include='*.h' --include='*.cc' |
    grep -v '^services/domain/'); then
  echo "layering: a domain-internal header is included outside services/domain/"
  echo "$hits"
  status=1
fi
exit $status
