// What the gRPC layer relies on beyond the basic contract: appends that do
// not block their caller, idempotency by request digest, looking a command
// id up, readers' checkpoints and the commit observer.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "eventstore/event_store.h"
#include "tests/integration/eventstore/store_test_util.h"
#include "tests/support/temp_dir.h"

namespace atgard::eventstore {
namespace {

using ::atgard::eventstore::testing::Event;
using ::atgard::eventstore::testing::ExpectIntact;
using ::atgard::eventstore::testing::Meta;
using ::atgard::eventstore::testing::OpenOrDie;
using ::atgard::eventstore::testing::ReadEverything;
using ::atgard::testing::TempDir;
using ::testing::HasSubstr;

AppendRequest Request(std::string stream, ExpectedVersion expected,
                      std::string payload, std::string command_id = "",
                      std::string digest = "") {
  AppendRequest r;
  r.stream_id = std::move(stream);
  r.expected = expected;
  r.events.push_back(Event("Happened", std::move(payload)));
  r.command_id = std::move(command_id);
  r.metadata = Meta();
  r.request_digest = std::move(digest);
  return r;
}

absl::StatusOr<AppendResult> AppendAndWait(EventStore& store, AppendRequest r) {
  std::promise<absl::StatusOr<AppendResult>> promise;
  store.AppendAsync(std::move(r), [&promise](absl::StatusOr<AppendResult> out) {
    promise.set_value(std::move(out));
  });
  return promise.get_future().get();
}

class AsyncAppendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.path = tmp_.Join("store");
    options_.on_commit = [this](size_t appends, size_t events, absl::Duration) {
      absl::MutexLock lock(&mu_);
      committed_appends_ += appends;
      committed_events_ += events;
    };
    store_ = OpenOrDie(options_);
    ASSERT_NE(store_, nullptr);
  }

  void Reopen() {
    store_.reset();
    store_ = OpenOrDie(options_);
    ASSERT_NE(store_, nullptr);
  }

  TempDir tmp_;
  Options options_;
  std::unique_ptr<EventStore> store_;
  absl::Mutex mu_;
  size_t committed_appends_ ABSL_GUARDED_BY(mu_) = 0;
  size_t committed_events_ ABSL_GUARDED_BY(mu_) = 0;
};

TEST_F(AsyncAppendTest, AnswersOnceTheEventsAreStored) {
  absl::StatusOr<AppendResult> result = AppendAndWait(
      *store_, Request("case-1", ExpectedVersion::NoStream(), "first"));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->first_version, 1u);
  EXPECT_EQ(result->last_position, 1u);
  // Durable and readable when the callback runs.
  EXPECT_EQ(store_->HeadPosition(), 1u);
  ASSERT_EQ(ReadEverything(*store_).size(), 1u);
  EXPECT_EQ(ReadEverything(*store_)[0].payload(), "first");
}

TEST_F(AsyncAppendTest, ManyCallersEachGetOneAnswerAndNoPositionIsLost) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  std::atomic<int> answered{0};
  std::atomic<int> failed{0};
  absl::Mutex mu;
  std::set<uint64_t> positions;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        store_->AppendAsync(
            Request(absl::StrCat("case-", t), ExpectedVersion::Any(),
                    absl::StrCat(t, "/", i)),
            [&](absl::StatusOr<AppendResult> out) {
              if (!out.ok()) {
                ++failed;
              } else {
                absl::MutexLock lock(&mu);
                positions.insert(out->last_position);
              }
              ++answered;
            });
      }
    });
  }
  for (std::thread& t : threads) t.join();
  // Every callback runs exactly once; wait for the last ones.
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (answered.load() < kThreads * kPerThread && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(answered.load(), kThreads * kPerThread);
  EXPECT_EQ(failed.load(), 0);
  absl::MutexLock lock(&mu);
  ASSERT_EQ(positions.size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(*positions.begin(), 1u);
  EXPECT_EQ(*positions.rbegin(), static_cast<uint64_t>(kThreads * kPerThread));
  ExpectIntact(*store_, kThreads * kPerThread);
}

TEST_F(AsyncAppendTest, InvalidArgumentsAreAnsweredOnTheCallingThread) {
  std::thread::id answered_on;
  absl::Status status;
  store_->AppendAsync(Request("", ExpectedVersion::Any(), "x"),
                      [&](absl::StatusOr<AppendResult> out) {
                        answered_on = std::this_thread::get_id();
                        status = out.status();
                      });
  EXPECT_EQ(answered_on, std::this_thread::get_id());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("stream_id"));
  EXPECT_EQ(store_->HeadPosition(), 0u);
}

TEST_F(AsyncAppendTest, AConflictIsAbortedAndWritesNothing) {
  ASSERT_TRUE(AppendAndWait(*store_,
                            Request("case-1", ExpectedVersion::NoStream(), "a"))
                  .ok());
  absl::StatusOr<AppendResult> second = AppendAndWait(
      *store_, Request("case-1", ExpectedVersion::NoStream(), "b"));
  EXPECT_EQ(second.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(store_->HeadPosition(), 1u);
}

// A caller that decides its events from current state identifies the
// request instead: a retry with other events (and another expected
// version) but the same request is the same command.
TEST_F(AsyncAppendTest, RequestDigestDecidesWhatIsTheSameCommand) {
  absl::StatusOr<AppendResult> first =
      AppendAndWait(*store_, Request("case-1", ExpectedVersion::Exact(0), "v1",
                                     "0780/cmd-1", "request-A"));
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(
      AppendAndWait(*store_, Request("case-1", ExpectedVersion::Any(), "later"))
          .ok());

  absl::StatusOr<AppendResult> retry = AppendAndWait(
      *store_, Request("case-1", ExpectedVersion::Exact(2), "other events",
                       "0780/cmd-1", "request-A"));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(retry->deduplicated);
  EXPECT_EQ(retry->last_position, first->last_position);
  EXPECT_EQ(store_->HeadPosition(), 2u);

  absl::StatusOr<AppendResult> other =
      AppendAndWait(*store_, Request("case-1", ExpectedVersion::Any(), "x",
                                     "0780/cmd-1", "request-B"));
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->HeadPosition(), 2u);
}

TEST_F(AsyncAppendTest, LookupCommandAnswersKnownIdsAlsoAfterARestart) {
  auto unknown = store_->LookupCommand("0780/cmd-1", "request-A");
  ASSERT_TRUE(unknown.ok()) << unknown.status();
  EXPECT_FALSE(unknown->has_value());

  absl::StatusOr<AppendResult> first =
      AppendAndWait(*store_, Request("case-1", ExpectedVersion::Any(), "v1",
                                     "0780/cmd-1", "request-A"));
  ASSERT_TRUE(first.ok()) << first.status();
  Reopen();

  auto known = store_->LookupCommand("0780/cmd-1", "request-A");
  ASSERT_TRUE(known.ok()) << known.status();
  ASSERT_TRUE(known->has_value());
  EXPECT_TRUE((*known)->deduplicated);
  EXPECT_EQ((*known)->last_position, first->last_position);
  EXPECT_EQ((*known)->last_version, first->last_version);

  EXPECT_EQ(store_->LookupCommand("0780/cmd-1", "request-B").status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->LookupCommand("", "request-A").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(AsyncAppendTest, CheckpointsAreKeptAcrossRestarts) {
  auto none = store_->GetCheckpoint("policies");
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(*none, 0u);
  ASSERT_TRUE(store_->PutCheckpoint("policies", 41).ok());
  ASSERT_TRUE(store_->PutCheckpoint("policies", 42).ok());
  ASSERT_TRUE(store_->PutCheckpoint("projection-x", 7).ok());
  Reopen();
  EXPECT_EQ(*store_->GetCheckpoint("policies"), 42u);
  EXPECT_EQ(*store_->GetCheckpoint("projection-x"), 7u);
  EXPECT_EQ(store_->GetCheckpoint("").status().code(),
            absl::StatusCode::kInvalidArgument);
  // Checkpoints are not part of the log: the chain still verifies.
  EXPECT_EQ(store_->HeadPosition(), 0u);
  ExpectIntact(*store_, 0);
}

TEST_F(AsyncAppendTest, TheCommitObserverSeesEveryAppendAndEvent) {
  for (int i = 0; i < 20; ++i) {
    AppendRequest r = Request("case-1", ExpectedVersion::Any(), "one");
    r.events.push_back(Event("Happened", "two"));
    ASSERT_TRUE(AppendAndWait(*store_, std::move(r)).ok());
  }
  // The observer runs on the notifier thread, possibly just after the
  // callback; closing the store delivers what is left.
  store_.reset();
  absl::MutexLock lock(&mu_);
  EXPECT_EQ(committed_appends_, 20u);
  EXPECT_EQ(committed_events_, 40u);
}

}  // namespace
}  // namespace atgard::eventstore
