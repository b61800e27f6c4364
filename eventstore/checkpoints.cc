// Readers' checkpoints: small, unsynced records of how far a reader got.
#include <string>

#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "eventstore/rocksdb_status.h"
#include "eventstore/store_core.h"

namespace atgard::eventstore::internal {

absl::StatusOr<uint64_t> StoreCore::GetCheckpoint(
    absl::string_view name) const {
  ReaderMutexLock l(&db_mu_);
  if (db_ == nullptr) return ClosedError();
  std::string value;
  const rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), keys::CheckpointKey(name), &value);
  if (s.IsNotFound()) return 0;
  if (!s.ok()) return FromRocks(s, "reading a checkpoint");
  if (value.size() != 8) {
    return absl::DataLossError(
        absl::StrCat("checkpoint \"", name, "\" is malformed"));
  }
  return keys::DecodeFixed64(value.data());
}

absl::Status StoreCore::PutCheckpoint(absl::string_view name,
                                      uint64_t position) {
  if (failed() || closed()) return failed() ? Health() : ClosedError();
  if (options_.read_only) return ReadOnlyError();
  // Small and not synced, like the read log: they may use half the disk
  // reserve, but not the rest.
  if (disk_.reserve_exhausted()) {
    RETURN_IF_ERROR(disk_.status());
  }
  ReaderMutexLock l(&db_mu_);
  if (db_ == nullptr) return ClosedError();
  std::string value;
  keys::PutFixed64(&value, position);
  const std::string key = keys::CheckpointKey(name);
  // Counted like an append (with the record's overhead), so that many
  // checkpoints cannot spend the reserve unseen between two probes.
  disk_.Spend(key.size() + value.size() + 64);
  // Not synced: a checkpoint lost in a crash only means that its reader
  // processes a few events again, which it must tolerate anyway.
  RETURN_IF_ROCKS_ERROR(db_->Put(rocksdb::WriteOptions(), key, value),
                        "writing a checkpoint");
  return absl::OkStatus();
}

}  // namespace atgard::eventstore::internal
