// Turning RocksDB's statuses into the store's absl::Status codes, in one
// place, so that every file of the store maps them the same way. Internal
// to the event store.
#ifndef ATGARD_EVENTSTORE_ROCKSDB_STATUS_H_
#define ATGARD_EVENTSTORE_ROCKSDB_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rocksdb/status.h"

namespace atgard::eventstore::internal {

// OK for an OK `s`. Otherwise an error whose message is `what`, then
// RocksDB's: FAILED_PRECONDITION when the database's LOCK is held by
// another process, DATA_LOSS for corruption, INTERNAL for anything else
// (I/O errors included).
[[nodiscard]] absl::Status FromRocks(const rocksdb::Status& s,
                                     absl::string_view what);

}  // namespace atgard::eventstore::internal

// Evaluates `expr` (a rocksdb::Status or IOStatus); if it is not OK, returns
// FromRocks(status, what) from the enclosing function. `what` is evaluated
// only then, so it may build its message freely.
#define RETURN_IF_ROCKS_ERROR(expr, what)                                      \
  do {                                                                         \
    if (const ::rocksdb::Status _atgard_rocks = (expr); !_atgard_rocks.ok()) { \
      return ::atgard::eventstore::internal::FromRocks(_atgard_rocks, (what)); \
    }                                                                          \
  } while (0)

#endif  // ATGARD_EVENTSTORE_ROCKSDB_STATUS_H_
