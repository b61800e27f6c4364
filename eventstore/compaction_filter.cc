#include "eventstore/compaction_filter.h"

#include "absl/strings/string_view.h"
#include "eventstore/keys.h"

namespace atgard::eventstore::internal {

bool CommandRetentionFilter::Filter(int /*level*/, const rocksdb::Slice& key,
                                    const rocksdb::Slice& existing_value,
                                    std::string* /*new_value*/,
                                    bool* /*value_changed*/) const {
  if (key.empty() || key[0] != static_cast<char>(keys::Space::kCommand)) {
    return false;
  }
  keys::CommandRecord record;
  // A record that cannot be read is kept for an operator to look at.
  if (!keys::DecodeCommandRecord(
          absl::string_view(existing_value.data(), existing_value.size()),
          &record)) {
    return false;
  }
  const absl::Time recorded = absl::FromUnixMicros(record.recorded_at_micros);
  return clock_() - recorded > retention_;
}

}  // namespace atgard::eventstore::internal
