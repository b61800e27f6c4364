// What compactions drop: idempotency records past their retention, nothing
// else. Internal to the event store.
#ifndef ATGARD_EVENTSTORE_COMPACTION_FILTER_H_
#define ATGARD_EVENTSTORE_COMPACTION_FILTER_H_

#include <functional>
#include <string>

#include "absl/time/time.h"
#include "rocksdb/compaction_filter.h"

namespace atgard::eventstore::internal {

// Drops idempotency records (keys.h, space kCommand) recorded more than
// `retention` before `clock()`. Everything else is kept: the log is never
// deleted, and neither is a record that does not decode (an operator
// should see it).
//
// Thread-safe as RocksDB requires (it may filter from several compaction
// threads at once): `clock` must be callable from any thread. RocksDB keeps
// the filter's address in its options, so it must outlive the database.
class CommandRetentionFilter : public rocksdb::CompactionFilter {
 public:
  CommandRetentionFilter(std::function<absl::Time()> clock,
                         absl::Duration retention)
      : clock_(std::move(clock)), retention_(retention) {}

  // True (drop) for an expired idempotency record only.
  bool Filter(int level, const rocksdb::Slice& key,
              const rocksdb::Slice& existing_value, std::string* new_value,
              bool* value_changed) const override;

  const char* Name() const override { return "atgard.CommandRetention"; }

 private:
  const std::function<absl::Time()> clock_;
  const absl::Duration retention_;
};

}  // namespace atgard::eventstore::internal

#endif  // ATGARD_EVENTSTORE_COMPACTION_FILTER_H_
