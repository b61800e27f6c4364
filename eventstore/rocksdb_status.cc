#include "eventstore/rocksdb_status.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace atgard::eventstore::internal {

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  const std::string msg = s.ToString();
  if (s.IsIOError() &&
      (absl::StrContains(msg, "lock") || absl::StrContains(msg, "LOCK"))) {
    return absl::FailedPreconditionError(absl::StrCat(
        what, " is in use by another process (its LOCK is held): ", msg));
  }
  if (s.IsCorruption())
    return absl::DataLossError(absl::StrCat(what, ": ", msg));
  return absl::InternalError(absl::StrCat(what, ": ", msg));
}

}  // namespace atgard::eventstore::internal
