// The compaction filter drops expired idempotency records and nothing else.
#include "eventstore/compaction_filter.h"

#include <gtest/gtest.h>

#include <string>

#include "eventstore/keys.h"

namespace atgard::eventstore::internal {
namespace {

class CompactionFilterTest : public ::testing::Test {
 protected:
  // Whether the filter drops `key` with `value`.
  bool Drops(const std::string& key, const std::string& value) {
    std::string new_value;
    bool value_changed = false;
    const bool drop =
        filter_.Filter(/*level=*/1, key, value, &new_value, &value_changed);
    EXPECT_FALSE(value_changed) << "the filter never rewrites a value";
    return drop;
  }

  std::string RecordAt(absl::Time recorded) {
    return keys::EncodeCommandRecord(
        {.recorded_at_micros = absl::ToUnixMicros(recorded),
         .first_version = 1,
         .last_version = 1,
         .first_position = 7,
         .last_position = 7});
  }

  const absl::Time start_ = absl::FromUnixSeconds(1795000000);
  absl::Time now_ = start_;
  const absl::Duration retention_ = absl::Hours(24 * 30);
  CommandRetentionFilter filter_{[this] { return now_; }, retention_};
};

TEST_F(CompactionFilterTest, KeepsARecordWithinItsRetention) {
  const std::string key = keys::CommandKey("cmd-1");
  EXPECT_FALSE(Drops(key, RecordAt(start_)));
  now_ = start_ + retention_;
  EXPECT_FALSE(Drops(key, RecordAt(start_))) << "exactly at the retention";
}

TEST_F(CompactionFilterTest, DropsARecordPastItsRetention) {
  now_ = start_ + retention_ + absl::Microseconds(1);
  EXPECT_TRUE(Drops(keys::CommandKey("cmd-1"), RecordAt(start_)));
}

TEST_F(CompactionFilterTest, ReadsTheClockAtEachCall) {
  const std::string key = keys::CommandKey("cmd-1");
  const std::string value = RecordAt(start_);
  EXPECT_FALSE(Drops(key, value));
  now_ += retention_ + absl::Seconds(1);
  EXPECT_TRUE(Drops(key, value));
}

TEST_F(CompactionFilterTest, KeepsAMalformedRecordForAnOperator) {
  now_ = start_ + 10 * retention_;
  EXPECT_FALSE(Drops(keys::CommandKey("cmd-1"), "not a record"));
  EXPECT_FALSE(Drops(keys::CommandKey("cmd-1"), ""));
}

TEST_F(CompactionFilterTest, NeverDropsAnythingButIdempotencyRecords) {
  now_ = start_ + 10 * retention_;
  // An old record's bytes under every other key space: the log, its
  // indexes, heads, checkpoints and the store's own records stay.
  const std::string old = RecordAt(start_);
  for (const std::string& key :
       {keys::EventKey(1), keys::StreamIndexKey("case-1", 1),
        keys::StreamHeadKey("case-1"), keys::CheckpointKey("reader"),
        keys::FormatKey(), keys::ChainKey(), keys::StopKey(),
        keys::RunningKey(), std::string()}) {
    EXPECT_FALSE(Drops(key, old))
        << "key space " << (key.empty() ? -1 : key[0]);
  }
}

TEST_F(CompactionFilterTest, HasAStableName) {
  // RocksDB records the name in its OPTIONS file.
  EXPECT_STREQ(filter_.Name(), "atgard.CommandRetention");
}

}  // namespace
}  // namespace atgard::eventstore::internal
