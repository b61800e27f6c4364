// While a group commit gathers, the writer already writes the appends that
// have arrived, unsynced. Until the sync that ends the group nothing of them
// may be seen by a reader or acknowledged; if that sync fails, none of them
// is acknowledged, and the log reopens consistent.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "eventstore/event_store.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"
#include "tests/integration/eventstore/store_test_util.h"
#include "tests/integration/eventstore/wal_file_system.h"
#include "tests/support/temp_dir.h"

namespace atgard::eventstore {
namespace {

using ::atgard::eventstore::testing::Event;
using ::atgard::eventstore::testing::GatedFileSystem;
using ::atgard::eventstore::testing::Meta;
using ::atgard::eventstore::testing::OpenOrDie;
using ::atgard::eventstore::testing::ReadEverything;
using ::atgard::testing::TempDir;

// The outcome of one AppendAsync(), waited for by the test.
class Outcome {
 public:
  std::function<void(absl::StatusOr<AppendResult>)> Callback() {
    return [this](absl::StatusOr<AppendResult> r) {
      std::lock_guard<std::mutex> l(mu_);
      result_ = std::move(r);
      cv_.notify_all();
    };
  }
  std::optional<absl::StatusOr<AppendResult>> Wait(absl::Duration timeout) {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait_for(l, absl::ToChronoMilliseconds(timeout),
                 [this] { return result_.has_value(); });
    return result_;
  }
  bool Done() {
    std::lock_guard<std::mutex> l(mu_);
    return result_.has_value();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<absl::StatusOr<AppendResult>> result_;
};

AppendRequest Request(const std::string& stream, const std::string& command) {
  AppendRequest r;
  r.stream_id = stream;
  r.events.push_back(Event("Happened", absl::StrCat("payload of ", command)));
  r.command_id = command;
  r.metadata = Meta();
  r.request_digest = absl::StrCat("digest of ", command);
  return r;
}

class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs_ = std::make_shared<GatedFileSystem>(rocksdb::FileSystem::Default());
    env_ = rocksdb::NewCompositeEnv(fs_);
    // A long wait, so that an incomplete group stays open until the test
    // completes it.
    store_ = OpenOrDie({.path = tmp_.path(),
                        .group_commit_wait = absl::Seconds(60),
                        .env = env_.get()});
    ASSERT_NE(store_, nullptr);
  }

  // Leaves the writer expecting groups of four: one append is held in its
  // sync while four more queue up, and those four then go as one group.
  void ExpectGroupsOfFour() {
    fs_->HoldSyncs();
    Outcome first;
    store_->AppendAsync(Request("case-0", "first"), first.Callback());
    ASSERT_TRUE(fs_->AwaitHeld(absl::Seconds(10)));
    std::vector<Outcome> four(4);
    for (int i = 0; i < 4; ++i) {
      store_->AppendAsync(
          Request(absl::StrCat("case-", i + 1), absl::StrCat("warm-", i)),
          four[i].Callback());
    }
    fs_->Release();
    for (Outcome& o : four) {
      auto r = o.Wait(absl::Seconds(10));
      ASSERT_TRUE(r.has_value() && r->ok());
    }
    ASSERT_EQ(store_->HeadPosition(), 5u);
  }

  // Waits until the log holds `position` as written (not necessarily
  // acknowledged): Verify() covers what is written.
  bool AwaitWritten(uint64_t position) {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (absl::Now() < deadline) {
      absl::StatusOr<VerifyReport> report = store_->Verify();
      if (report.ok() && report->events_checked >= position) return true;
      absl::SleepFor(absl::Milliseconds(1));
    }
    return false;
  }

  TempDir tmp_;
  std::shared_ptr<GatedFileSystem> fs_;
  std::unique_ptr<rocksdb::Env> env_;
  std::unique_ptr<EventStore> store_;
};

TEST_F(GroupCommitTest, WrittenButUnsyncedAppendsStayInvisible) {
  ASSERT_NO_FATAL_FAILURE(ExpectGroupsOfFour());
  // Given: case-1 at version 1 and, in an open group, its second event
  // written but not synced.
  Outcome pending;
  store_->AppendAsync(Request("case-1", "second"), pending.Callback());
  ASSERT_TRUE(AwaitWritten(6));
  EXPECT_FALSE(pending.Done());

  // Then no reader sees it.
  EXPECT_EQ(store_->HeadPosition(), 5u);
  absl::StatusOr<StreamInfo> info = store_->GetStreamInfo("case-1");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->version, 1u);
  EXPECT_EQ(info->last_position, 2u);
  absl::StatusOr<std::vector<v1::EventEnvelope>> stream =
      store_->ReadStream("case-1", 1, 100, Direction::kForward);
  ASSERT_TRUE(stream.ok());
  EXPECT_EQ(stream->size(), 1u);
  EXPECT_EQ(ReadEverything(*store_).size(), 5u);
  absl::StatusOr<std::optional<AppendResult>> lookup =
      store_->LookupCommand("second", "digest of second");
  ASSERT_TRUE(lookup.ok());
  EXPECT_FALSE(lookup->has_value());
  // Not even a different request with the id learns that it is taken.
  lookup = store_->LookupCommand("second", "another digest");
  ASSERT_TRUE(lookup.ok()) << lookup.status();
  EXPECT_FALSE(lookup->has_value());

  // When the group fills up (a resubmission of the pending append among
  // them), it is synced and everything appears at once.
  Outcome again;
  store_->AppendAsync(Request("case-1", "second"), again.Callback());
  std::vector<Outcome> rest(2);
  for (int i = 0; i < 2; ++i) {
    store_->AppendAsync(Request("case-9", absl::StrCat("rest-", i)),
                        rest[i].Callback());
  }
  auto r = pending.Wait(absl::Seconds(10));
  ASSERT_TRUE(r.has_value() && r->ok());
  EXPECT_EQ((*r)->first_position, 6u);
  EXPECT_EQ((*r)->first_version, 2u);
  auto r2 = again.Wait(absl::Seconds(10));
  ASSERT_TRUE(r2.has_value() && r2->ok());
  EXPECT_TRUE((*r2)->deduplicated);
  EXPECT_EQ((*r2)->first_position, 6u);
  for (Outcome& o : rest) {
    auto x = o.Wait(absl::Seconds(10));
    ASSERT_TRUE(x.has_value() && x->ok());
  }
  EXPECT_EQ(store_->HeadPosition(), 8u);
  info = store_->GetStreamInfo("case-1");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->version, 2u);
  lookup = store_->LookupCommand("second", "digest of second");
  ASSERT_TRUE(lookup.ok() && lookup->has_value());
  EXPECT_EQ((*lookup)->first_position, 6u);
  absl::StatusOr<VerifyReport> report = store_->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->events_checked, store_->HeadPosition());
}

TEST_F(GroupCommitTest, AStreamWrittenOnlyUnsyncedIsNotFound) {
  ASSERT_NO_FATAL_FAILURE(ExpectGroupsOfFour());
  Outcome pending;
  store_->AppendAsync(Request("case-new", "new"), pending.Callback());
  ASSERT_TRUE(AwaitWritten(6));
  EXPECT_TRUE(absl::IsNotFound(store_->GetStreamInfo("case-new").status()));
  absl::StatusOr<std::vector<v1::EventEnvelope>> stream =
      store_->ReadStream("case-new", 1, 100, Direction::kForward);
  ASSERT_TRUE(stream.ok());
  EXPECT_TRUE(stream->empty());
  // Closing ends the group: what was queued is written and acknowledged.
  store_.reset();
  auto r = pending.Wait(absl::Seconds(10));
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->ok()) << r->status();
}

TEST_F(GroupCommitTest, AFailedSyncAcknowledgesNoneOfTheGroup) {
  ASSERT_NO_FATAL_FAILURE(ExpectGroupsOfFour());
  std::vector<Outcome> group(4);
  store_->AppendAsync(Request("case-1", "g-0"), group[0].Callback());
  ASSERT_TRUE(AwaitWritten(6));
  fs_->fail_sync = true;
  for (int i = 1; i < 4; ++i) {
    store_->AppendAsync(Request("case-2", absl::StrCat("g-", i)),
                        group[i].Callback());
  }
  for (Outcome& o : group) {
    auto r = o.Wait(absl::Seconds(10));
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(absl::IsUnavailable(r->status())) << r->status();
  }
  EXPECT_EQ(store_->HeadPosition(), 5u);
  EXPECT_EQ(ReadEverything(*store_).size(), 5u);
  EXPECT_TRUE(absl::IsUnavailable(store_->Health()));
  absl::StatusOr<StreamInfo> info = store_->GetStreamInfo("case-1");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->version, 1u);

  // After reopening the log is consistent and holds every acknowledged
  // append; the group's fate is whatever reached the disk, the same for a
  // retry each time.
  store_.reset();
  fs_->fail_sync = false;
  store_ = OpenOrDie({.path = tmp_.path(), .env = env_.get()});
  ASSERT_NE(store_, nullptr);
  absl::StatusOr<VerifyReport> report = store_->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_GE(store_->HeadPosition(), 5u);
  EXPECT_EQ(report->events_checked, store_->HeadPosition());
  for (int attempt = 0; attempt < 2; ++attempt) {
    absl::StatusOr<AppendResult> retry =
        store_->Append(Request("case-1", "g-0"));
    ASSERT_TRUE(retry.ok()) << retry.status();
    EXPECT_EQ(retry->first_version, 2u);
    if (attempt == 1) {
      EXPECT_TRUE(retry->deduplicated);
    }
  }
}

}  // namespace
}  // namespace atgard::eventstore
