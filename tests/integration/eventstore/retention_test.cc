// Idempotency records are kept for the retention and then dropped by
// compaction: a record older than the retention goes, a recent one stays,
// and the events themselves are never touched.
#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "absl/time/time.h"
#include "eventstore/event_store.h"
#include "tests/integration/eventstore/store_test_util.h"
#include "tests/support/temp_dir.h"

namespace atgard::eventstore {
namespace {

using ::atgard::eventstore::testing::Event;
using ::atgard::eventstore::testing::ExpectIntact;
using ::atgard::eventstore::testing::Meta;
using ::atgard::eventstore::testing::OpenOrDie;
using ::atgard::testing::TempDir;

class RetentionTest : public ::testing::Test {
 protected:
  Options MakeOptions(absl::Duration retention) {
    Options o;
    o.path = tmp_.path();
    o.command_id_retention = retention;
    o.clock = [this] { return absl::FromUnixMicros(now_micros_.load()); };
    return o;
  }

  void AdvanceClock(absl::Duration d) {
    now_micros_ += absl::ToInt64Microseconds(d);
  }

  absl::StatusOr<AppendResult> Send(EventStore& store, const std::string& id) {
    return store.Append("case-1", ExpectedVersion::Any(),
                        {Event("E", "payload of " + id)}, id, Meta());
  }

  TempDir tmp_;
  std::atomic<int64_t> now_micros_{1795000000LL * 1000000};
};

TEST_F(RetentionTest, DefaultRetentionIsThirtyDays) {
  EXPECT_EQ(Options().command_id_retention, absl::Hours(30 * 24));
}

TEST_F(RetentionTest, OldRecordsAreDroppedAndRecentOnesKept) {
  auto store = OpenOrDie(MakeOptions(absl::Hours(30 * 24)));
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(Send(*store, "old").ok());
  AdvanceClock(absl::Hours(29 * 24));
  ASSERT_TRUE(Send(*store, "recent").ok());
  // Nothing has expired yet: compaction keeps both.
  ASSERT_TRUE(store->CompactAll().ok());
  EXPECT_TRUE(Send(*store, "old")->deduplicated);
  EXPECT_TRUE(Send(*store, "recent")->deduplicated);

  AdvanceClock(absl::Hours(2 * 24));  // "old" is 31 days old, "recent" 2
  // Before a compaction the old record may still be there: records live at
  // least the retention, not at most.
  EXPECT_TRUE(Send(*store, "old")->deduplicated);
  ASSERT_TRUE(store->CompactAll().ok());
  auto old_again = Send(*store, "old");
  ASSERT_TRUE(old_again.ok()) << old_again.status();
  EXPECT_FALSE(old_again->deduplicated) << "expired record was kept";
  EXPECT_TRUE(Send(*store, "recent")->deduplicated);

  // The log itself is untouched by compaction.
  EXPECT_EQ(store->HeadPosition(), 3u);
  ExpectIntact(*store, 3);
}

TEST_F(RetentionTest, RetentionIsConfigurable) {
  auto store = OpenOrDie(MakeOptions(absl::Hours(1)));
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(Send(*store, "a").ok());
  AdvanceClock(absl::Minutes(59));
  ASSERT_TRUE(store->CompactAll().ok());
  EXPECT_TRUE(Send(*store, "a")->deduplicated);
  AdvanceClock(absl::Minutes(2));
  ASSERT_TRUE(store->CompactAll().ok());
  EXPECT_FALSE(Send(*store, "a")->deduplicated);
}

TEST_F(RetentionTest, RefusesANonPositiveRetention) {
  auto store = EventStore::Open(MakeOptions(absl::ZeroDuration()));
  EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace atgard::eventstore
