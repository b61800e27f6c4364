// After a failed sync or write the store acknowledges nothing more: every
// later write is refused until it is reopened, health says so, and after
// reopening everything acknowledged is there. Faults are injected at a
// write held at the file system's gate, never by timing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
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
using ::atgard::eventstore::testing::ExpectIntact;
using ::atgard::eventstore::testing::GatedFileSystem;
using ::atgard::eventstore::testing::Meta;
using ::atgard::eventstore::testing::OpenOrDie;
using ::atgard::eventstore::testing::ReadEverything;
using ::atgard::testing::TempDir;
using ::testing::HasSubstr;

AppendRequest Request(const std::string& stream, const std::string& command) {
  AppendRequest r;
  r.stream_id = stream;
  r.events.push_back(Event("E", command));
  r.command_id = command;
  r.metadata = Meta();
  return r;
}

class FailureTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    fs_ = std::make_shared<GatedFileSystem>(rocksdb::FileSystem::Default());
    env_ = rocksdb::NewCompositeEnv(fs_);
  }

  void InjectFault() {
    if (GetParam()) {
      fs_->fail_sync = true;
    } else {
      fs_->fail_append = true;
    }
  }
  void ClearFault() {
    fs_->fail_sync = false;
    fs_->fail_append = false;
  }

  TempDir tmp_;
  std::shared_ptr<GatedFileSystem> fs_;
  std::unique_ptr<rocksdb::Env> env_;
};

TEST_P(FailureTest, AFailedWriteLatchesTheStoreUntilReopened) {
  auto store = OpenOrDie({.path = tmp_.path(), .env = env_.get()});
  ASSERT_NE(store, nullptr);
  std::mutex mu;
  std::vector<absl::Status> failures;
  store->OnFailure([&](const absl::Status& s) {
    std::lock_guard<std::mutex> l(mu);
    failures.push_back(s);
  });
  auto sub = store->Subscribe(SubscriptionStart::AtPosition(1));
  ASSERT_TRUE(sub.ok());

  std::set<std::string> acknowledged;
  for (int i = 0; i < 10; ++i) {
    const std::string id = absl::StrCat("ok-", i);
    ASSERT_TRUE(store
                    ->Append("case-1", ExpectedVersion::Any(), {Event("E", id)},
                             id, Meta())
                    .ok());
    acknowledged.insert(id);
  }
  EXPECT_TRUE(store->Health().ok());

  InjectFault();
  auto failed = store->Append("case-1", ExpectedVersion::Any(),
                              {Event("E", "lost?")}, "maybe", Meta());
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable)
      << failed.status();
  EXPECT_THAT(failed.status().message(), HasSubstr("outcome unknown"));
  EXPECT_EQ(store->Health().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(store->HeadPosition(), 10u);

  // Healed disk or not, nothing more is acknowledged.
  ClearFault();
  auto later = store->Append("case-2", ExpectedVersion::Any(),
                             {Event("E", "later")}, "later", Meta());
  EXPECT_EQ(later.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(store->Health().code(), absl::StatusCode::kUnavailable);
  {
    std::lock_guard<std::mutex> l(mu);
    ASSERT_EQ(failures.size(), 1u);
    EXPECT_EQ(failures[0].code(), absl::StatusCode::kUnavailable);
  }
  // A late listener hears of it at once.
  bool late = false;
  store->OnFailure([&](const absl::Status&) { late = true; });
  EXPECT_TRUE(late);

  // A subscriber gets every acknowledged event, then the failure.
  std::vector<v1::EventEnvelope> got;
  absl::Status end;
  while (true) {
    auto batch = (*sub)->Next(100, absl::Now() + absl::Seconds(10));
    if (!batch.ok()) {
      end = batch.status();
      break;
    }
    ASSERT_FALSE(batch->empty());
    for (auto& e : *batch) got.push_back(std::move(e));
  }
  EXPECT_EQ(got.size(), 10u);
  EXPECT_EQ(end.code(), absl::StatusCode::kUnavailable) << end;

  // Reads of what was acknowledged still work.
  EXPECT_EQ(ReadEverything(*store).size(), 10u);

  store.reset();
  sub->reset();
  auto reopened = OpenOrDie({.path = tmp_.path()});
  ASSERT_NE(reopened, nullptr);
  EXPECT_TRUE(reopened->Health().ok());
  std::set<std::string> present;
  for (const auto& e : ReadEverything(*reopened)) {
    present.insert(e.metadata().command_id());
  }
  for (const std::string& id : acknowledged) {
    EXPECT_TRUE(present.contains(id)) << id;
  }
  auto report = reopened->Verify();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->ok) << report->problem;
  // The append of unknown outcome is resolved by retrying its command id:
  // it lands exactly once either way.
  auto retry = reopened->Append("case-1", ExpectedVersion::Any(),
                                {Event("E", "lost?")}, "maybe", Meta());
  ASSERT_TRUE(retry.ok()) << retry.status();
  int copies = 0;
  for (const auto& e : ReadEverything(*reopened)) {
    copies += e.metadata().command_id() == "maybe";
  }
  EXPECT_EQ(copies, 1);
}

TEST_P(FailureTest, QueuedAppendsFailTooAndNoneIsAcknowledgedAfter) {
  auto store = OpenOrDie({.path = tmp_.path(), .env = env_.get()});
  ASSERT_NE(store, nullptr);
  std::set<std::string> acknowledged;
  for (int i = 0; i < 10; ++i) {
    const std::string id = absl::StrCat("before-", i);
    ASSERT_TRUE(store
                    ->Append("case-0", ExpectedVersion::Any(), {Event("E", id)},
                             id, Meta())
                    .ok());
    acknowledged.insert(id);
  }

  // Catch the writer inside the next write (its log append or sync, as
  // the parameter says), queue appends from several threads behind it,
  // and only then make the held write fail.
  if (GetParam()) {
    fs_->HoldSyncs();
  } else {
    fs_->HoldAppends();
  }
  std::mutex mu;
  std::condition_variable answered_cv;
  std::vector<absl::StatusOr<AppendResult>> answers;
  auto collect = [&](absl::StatusOr<AppendResult> r) {
    std::lock_guard<std::mutex> l(mu);
    answers.push_back(std::move(r));
    answered_cv.notify_all();
  };
  store->AppendAsync(Request("case-held", "held"), collect);
  ASSERT_TRUE(fs_->AwaitHeld(absl::Seconds(10)));
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        store->AppendAsync(
            Request(absl::StrCat("case-", t + 1), absl::StrCat(t, "-", i)),
            collect);
      }
    });
  }
  // AppendAsync() returns once its request is queued.
  for (std::thread& t : threads) t.join();
  EXPECT_TRUE(store->Health().ok());
  InjectFault();
  fs_->Release();

  constexpr size_t kQueued = 1 + kThreads * kPerThread;
  {
    std::unique_lock<std::mutex> l(mu);
    ASSERT_TRUE(answered_cv.wait_for(l, std::chrono::seconds(30),
                                     [&] { return answers.size() == kQueued; }))
        << answers.size() << " of " << kQueued << " answered";
    for (const absl::StatusOr<AppendResult>& r : answers) {
      EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable)
          << r.status();
    }
  }
  EXPECT_EQ(store->Health().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(store->HeadPosition(), 10u);
  ClearFault();
  EXPECT_EQ(store
                ->Append("case-x", ExpectedVersion::Any(), {Event("E", "")}, "",
                         Meta())
                .status()
                .code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(store->HeadPosition(), 10u);

  store.reset();
  auto reopened = OpenOrDie({.path = tmp_.path()});
  ASSERT_NE(reopened, nullptr);
  // A failed sync may leave the held write on disk, unacknowledged.
  EXPECT_GE(reopened->HeadPosition(), 10u);
  ExpectIntact(*reopened, reopened->HeadPosition());
  std::set<std::string> present;
  for (const auto& e : ReadEverything(*reopened)) {
    present.insert(e.metadata().command_id());
  }
  for (const std::string& id : acknowledged) {
    EXPECT_TRUE(present.contains(id)) << "acknowledged but lost: " << id;
  }
}

INSTANTIATE_TEST_SUITE_P(SyncOrWrite, FailureTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "FailedSync" : "FailedWrite";
                         });

}  // namespace
}  // namespace atgard::eventstore
