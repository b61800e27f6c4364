// Subscriptions: history then live, in global order with no gap and no
// duplicate, also across the catch-up/live switch under concurrent
// appends; filters; the notification callback; closing the store.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "eventstore/event_store.h"
#include "tests/integration/eventstore/store_test_util.h"
#include "tests/support/temp_dir.h"

namespace atgard::eventstore {
namespace {

using ::atgard::eventstore::testing::AppendOne;
using ::atgard::eventstore::testing::Event;
using ::atgard::eventstore::testing::Flag;
using ::atgard::eventstore::testing::Meta;
using ::atgard::eventstore::testing::OpenOrDie;
using ::atgard::testing::TempDir;

// Appends `count` single events from `threads` threads, to streams of two
// categories.
void AppendConcurrently(EventStore& store, int threads, int count) {
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&store, t, count] {
      for (int i = 0; i < count; ++i) {
        const std::string stream =
            absl::StrCat(i % 2 == 0 ? "case-" : "access-", t);
        auto r = store.Append(
            stream, ExpectedVersion::Any(),
            {Event(i % 3 == 0 ? "Special" : "Plain", absl::StrCat(t, ":", i))},
            "", Meta());
        ASSERT_TRUE(r.ok()) << r.status();
      }
    });
  }
  for (std::thread& t : pool) t.join();
}

// Reads until `count` events arrived; fails on a gap or a duplicate.
std::vector<v1::EventEnvelope> Collect(Subscription& sub, size_t count) {
  std::vector<v1::EventEnvelope> got;
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (got.size() < count && absl::Now() < deadline) {
    auto batch = sub.Next(64, absl::Now() + absl::Milliseconds(200));
    EXPECT_TRUE(batch.ok()) << batch.status();
    if (!batch.ok()) break;
    for (v1::EventEnvelope& e : *batch) {
      if (!got.empty()) {
        EXPECT_GT(e.global_position(), got.back().global_position());
      }
      got.push_back(std::move(e));
    }
  }
  EXPECT_EQ(got.size(), count);
  return got;
}

void ExpectContiguous(const std::vector<v1::EventEnvelope>& events,
                      uint64_t first) {
  for (size_t i = 0; i < events.size(); ++i) {
    ASSERT_EQ(events[i].global_position(), first + i);
  }
}

TEST(EventStoreSubscription, CatchesUpThenGoesLiveWithoutGapOrDuplicate) {
  TempDir tmp;
  auto store = OpenOrDie({.path = tmp.path()});
  ASSERT_NE(store, nullptr);
  AppendConcurrently(*store, 2, 300);  // history
  auto sub = store->Subscribe(SubscriptionStart::AtPosition(1));
  ASSERT_TRUE(sub.ok()) << sub.status();
  // Appends race with the subscriber while it is still catching up.
  std::thread writers([&] { AppendConcurrently(*store, 4, 400); });
  const std::vector<v1::EventEnvelope> got = Collect(**sub, 600 + 1600);
  writers.join();
  ExpectContiguous(got, 1);
  EXPECT_TRUE((*sub)->caught_up());
}

TEST(EventStoreSubscription, ManySubscribersJoiningAtRandomPoints) {
  TempDir tmp;
  auto store = OpenOrDie({.path = tmp.path()});
  ASSERT_NE(store, nullptr);
  constexpr int kTotal = 4 * 300;
  std::thread writers([&] { AppendConcurrently(*store, 4, 300); });
  std::vector<std::thread> readers;
  for (int r = 0; r < 6; ++r) {
    readers.emplace_back([&store, r] {
      absl::SleepFor(absl::Milliseconds(15 * r));
      // Half start from a position, half "from now".
      const bool now = r % 2 == 1;
      const uint64_t head = store->HeadPosition();
      auto sub =
          store->Subscribe(now ? SubscriptionStart::Now()
                               : SubscriptionStart::AtPosition(head / 2 + 1));
      ASSERT_TRUE(sub.ok()) << sub.status();
      const uint64_t first = (*sub)->next_position();
      EXPECT_GE(first, now ? head + 1 : head / 2 + 1);
      if (first > kTotal) return;
      const std::vector<v1::EventEnvelope> got =
          Collect(**sub, kTotal - first + 1);
      ExpectContiguous(got, first);
    });
  }
  writers.join();
  for (std::thread& t : readers) t.join();
}

TEST(EventStoreSubscription, FromNowSeesOnlyLaterEvents) {
  TempDir tmp;
  auto store = OpenOrDie({.path = tmp.path()});
  ASSERT_NE(store, nullptr);
  AppendOne(*store, "case-1");
  AppendOne(*store, "case-1");
  auto sub = store->Subscribe(SubscriptionStart::Now());
  ASSERT_TRUE(sub.ok());
  EXPECT_EQ((*sub)->next_position(), 3u);
  auto none = (*sub)->ReadAvailable(10);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  AppendOne(*store, "case-2");
  auto got = (*sub)->Next(10, absl::Now() + absl::Seconds(10));
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].global_position(), 3u);
  EXPECT_EQ((*got)[0].stream_id(), "case-2");
}

TEST(EventStoreSubscription, FilteredSubscriptionSkipsButAdvances) {
  TempDir tmp;
  auto store = OpenOrDie({.path = tmp.path()});
  ASSERT_NE(store, nullptr);
  AppendConcurrently(*store, 2, 150);
  auto sub = store->Subscribe(
      SubscriptionStart::AtPosition(1),
      {.stream_prefixes = {"case-"}, .event_types = {"Special"}});
  ASSERT_TRUE(sub.ok());
  std::thread writers([&] { AppendConcurrently(*store, 2, 150); });
  writers.join();
  // Every thread appended i in [0,150): case- for even i, Special for i%3.
  int expected = 0;
  for (int i = 0; i < 150; ++i) expected += (i % 2 == 0 && i % 3 == 0);
  const std::vector<v1::EventEnvelope> got = Collect(**sub, 4 * expected);
  for (const auto& e : got) {
    EXPECT_TRUE(absl::StartsWith(e.stream_id(), "case-"));
    EXPECT_EQ(e.event_type(), "Special");
  }
  // Nothing else arrives; the cursor has passed every event.
  auto rest = (*sub)->Next(10, absl::Now() + absl::Milliseconds(100));
  ASSERT_TRUE(rest.ok());
  EXPECT_TRUE(rest->empty());
  EXPECT_EQ((*sub)->next_position(), store->HeadPosition() + 1);
}

TEST(EventStoreSubscription, ASlowSubscriberLosesNothing) {
  TempDir tmp;
  auto store = OpenOrDie({.path = tmp.path()});
  ASSERT_NE(store, nullptr);
  auto sub = store->Subscribe(SubscriptionStart::AtPosition(1));
  ASSERT_TRUE(sub.ok());
  // The subscriber reads nothing while much is appended: there is no
  // queue to overflow, it simply reads behind.
  AppendConcurrently(*store, 4, 500);
  std::thread more([&] { AppendConcurrently(*store, 2, 200); });
  std::vector<v1::EventEnvelope> got;
  while (got.size() < 2400) {
    auto batch = (*sub)->Next(7, absl::Now() + absl::Seconds(10));
    ASSERT_TRUE(batch.ok()) << batch.status();
    ASSERT_FALSE(batch->empty());
    absl::SleepFor(absl::Microseconds(50));  // slow consumer
    for (auto& e : *batch) got.push_back(std::move(e));
  }
  more.join();
  ExpectContiguous(got, 1);
}

// The shape of a gRPC ServerWriteReactor: never block, read what is there,
// and ask to be called back when more arrives.
class CallbackConsumer {
 public:
  explicit CallbackConsumer(std::unique_ptr<Subscription> sub)
      : sub_(std::move(sub)) {}
  // The callback reads sub_: stop it before sub_ changes.
  ~CallbackConsumer() { sub_->Cancel(); }

  void Start(size_t want) {
    {
      std::lock_guard<std::mutex> l(mu_);
      want_ = want;
    }
    Pump();
  }

  // Waits (at most a minute) until the wanted events arrived or it ended.
  void Wait() {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait_for(l, std::chrono::seconds(60),
                 [this] { return done_ || received_.size() >= want_; });
  }

  std::vector<v1::EventEnvelope> Received() {
    std::lock_guard<std::mutex> l(mu_);
    return received_;
  }

 private:
  void Pump() {
    while (true) {
      auto batch = sub_->ReadAvailable(16);
      {
        std::lock_guard<std::mutex> l(mu_);
        if (!batch.ok()) {
          done_ = true;
          cv_.notify_all();
          return;
        }
        for (auto& e : *batch) received_.push_back(std::move(e));
        cv_.notify_all();
      }
      if (!batch->empty() || !sub_->caught_up()) continue;
      if (sub_->NotifyWhenAvailable([this] { Pump(); })) return;
    }
  }

  std::unique_ptr<Subscription> sub_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<v1::EventEnvelope> received_;
  size_t want_ = 0;
  bool done_ = false;
};

TEST(EventStoreSubscription, CallbackDrivenConsumerGetsEverythingInOrder) {
  TempDir tmp;
  auto store = OpenOrDie({.path = tmp.path()});
  ASSERT_NE(store, nullptr);
  AppendConcurrently(*store, 1, 100);
  auto sub = store->Subscribe(SubscriptionStart::AtPosition(1));
  ASSERT_TRUE(sub.ok());
  CallbackConsumer consumer(std::move(*sub));
  consumer.Start(100 + 4 * 250);
  AppendConcurrently(*store, 4, 250);
  consumer.Wait();
  const std::vector<v1::EventEnvelope> got = consumer.Received();
  ASSERT_EQ(got.size(), 1100u);
  ExpectContiguous(got, 1);
}

TEST(EventStoreSubscription, NotifyReturnsFalseWhenEventsAreWaiting) {
  TempDir tmp;
  auto store = OpenOrDie({.path = tmp.path()});
  ASSERT_NE(store, nullptr);
  AppendOne(*store, "case-1");
  auto sub = store->Subscribe(SubscriptionStart::AtPosition(1));
  ASSERT_TRUE(sub.ok());
  bool called = false;
  EXPECT_FALSE((*sub)->NotifyWhenAvailable([&] { called = true; }));
  ASSERT_EQ((*sub)->ReadAvailable(10)->size(), 1u);
  Flag fired;
  EXPECT_TRUE((*sub)->NotifyWhenAvailable([&] { fired.Notify(); }));
  AppendOne(*store, "case-1");
  EXPECT_TRUE(fired.WaitFor(absl::Seconds(30)));
  EXPECT_FALSE(called);
}

TEST(EventStoreSubscription, DestroyedSubscriptionIsNeverCalledBack) {
  TempDir tmp;
  auto store = OpenOrDie({.path = tmp.path()});
  ASSERT_NE(store, nullptr);
  std::atomic<int> calls{0};
  {
    auto sub = store->Subscribe(SubscriptionStart::Now());
    ASSERT_TRUE(sub.ok());
    EXPECT_TRUE((*sub)->NotifyWhenAvailable([&] { calls.fetch_add(1); }));
  }
  auto cancelled = store->Subscribe(SubscriptionStart::Now());
  ASSERT_TRUE(cancelled.ok());
  EXPECT_TRUE((*cancelled)->NotifyWhenAvailable([&] { calls.fetch_add(1); }));
  (*cancelled)->Cancel();
  // Dropped, and reported as nothing to read now, so that a consumer's
  // "read, then ask to be notified" loop ends after Cancel().
  EXPECT_TRUE((*cancelled)->NotifyWhenAvailable([&] { calls.fetch_add(1); }));
  AppendOne(*store, "case-1");
  AppendOne(*store, "case-1");
  EXPECT_EQ(calls.load(), 0);
  // Reading goes on after Cancel().
  EXPECT_EQ((*cancelled)->ReadAvailable(10)->size(), 2u);
}

TEST(EventStoreSubscription, ClosingTheStoreEndsSubscriptionsCleanly) {
  TempDir tmp;
  auto store = OpenOrDie({.path = tmp.path()});
  ASSERT_NE(store, nullptr);
  AppendOne(*store, "case-1");
  auto blocking = store->Subscribe(SubscriptionStart::Now());
  auto callback = store->Subscribe(SubscriptionStart::Now());
  ASSERT_TRUE(blocking.ok() && callback.ok());
  Flag fired;
  ASSERT_TRUE((*callback)->NotifyWhenAvailable([&] { fired.Notify(); }));
  absl::Status blocked_status;
  std::thread waiter([&] {
    auto r = (*blocking)->Next(10, absl::Now() + absl::Seconds(60));
    blocked_status = r.status();
  });
  absl::SleepFor(absl::Milliseconds(50));
  store.reset();  // close while a reader waits and a callback is pending
  waiter.join();
  EXPECT_EQ(blocked_status.code(), absl::StatusCode::kUnavailable)
      << blocked_status;
  EXPECT_TRUE(fired.WaitFor(absl::Seconds(10)));
  auto after = (*callback)->ReadAvailable(10);
  EXPECT_EQ(after.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(after.status().message(), ::testing::HasSubstr("closed"));
  EXPECT_FALSE((*callback)->NotifyWhenAvailable([] {}));
}

}  // namespace
}  // namespace atgard::eventstore
