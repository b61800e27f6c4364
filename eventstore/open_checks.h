// The checks an open makes of what RocksDB recovered, before the store is
// used. Internal to the event store.
#ifndef ATGARD_EVENTSTORE_OPEN_CHECKS_H_
#define ATGARD_EVENTSTORE_OPEN_CHECKS_H_

#include <filesystem>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "eventstore/event_store.h"
#include "eventstore/keys.h"
#include "eventstore/recovery.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"

namespace atgard::eventstore::internal {

// What OpenAndCheck() found in the store.
struct StoreState {
  keys::ChainHead chain;
  RecoveryReport recovery;
};

// Opens the database (read-only: replaying the log into memory and
// changing no file) and checks what it recovered against the store's own
// records: the format, the chain head, the clean-stop record, the witness
// and, read-only, that no table the MANIFEST does not list holds events
// the store would lose. Only a read-write open of a fresh or format-less
// store writes (the format).
//
// `base` is the store's RocksDB options (the log replay goes through
// `tracker`, which must outlive the database); `where` names the store in
// messages. On OK, *out holds the open database and *state what it holds.
// Errors (nothing changed on disk by a read-only open): DATA_LOSS for
// damage or acknowledged events that are missing (see recovery.h),
// FAILED_PRECONDITION for a database that is no atgard store, another
// format or one locked by another process, PERMISSION_DENIED if the
// directory cannot be listed, INTERNAL for other RocksDB errors.
[[nodiscard]] absl::Status OpenAndCheck(
    const rocksdb::Options& base, const std::filesystem::path& dir,
    const std::string& where, bool read_only, bool fresh, WalTracker* tracker,
    std::unique_ptr<rocksdb::DB>* out, StoreState* state);

}  // namespace atgard::eventstore::internal

#endif  // ATGARD_EVENTSTORE_OPEN_CHECKS_H_
