// Many threads appending at once: no lost update, no gap, exactly one
// winner per expected version, one write per command id.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "eventstore/event_store.h"
#include "tests/integration/eventstore/store_test_util.h"
#include "tests/support/temp_dir.h"

namespace atgard::eventstore {
namespace {

using ::atgard::eventstore::testing::Event;
using ::atgard::eventstore::testing::Meta;
using ::atgard::eventstore::testing::OpenOrDie;
using ::atgard::eventstore::testing::ReadEverything;
using ::atgard::testing::TempDir;

void ExpectConsistentLog(const EventStore& store, uint64_t expected_events) {
  const std::vector<v1::EventEnvelope> all = ReadEverything(store);
  ASSERT_EQ(all.size(), expected_events);
  EXPECT_EQ(store.HeadPosition(), expected_events);
  std::map<std::string, uint64_t> versions;
  for (size_t i = 0; i < all.size(); ++i) {
    ASSERT_EQ(all[i].global_position(), i + 1) << "gap or reorder";
    uint64_t& v = versions[all[i].stream_id()];
    ASSERT_EQ(all[i].stream_version(), v + 1) << all[i].stream_id();
    v = all[i].stream_version();
    if (i > 0) {
      ASSERT_EQ(all[i].previous_hash(), all[i - 1].hash());
    }
  }
  for (const auto& [stream, version] : versions) {
    auto info = store.GetStreamInfo(stream);
    ASSERT_TRUE(info.ok()) << info.status();
    EXPECT_EQ(info->version, version) << stream;
  }
  auto report = store.Verify();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->ok) << report->first_bad_position << " "
                          << report->problem;
}

TEST(EventStoreConcurrency, ExactlyOneWinnerPerExpectedVersion) {
  TempDir tmp;
  auto store = OpenOrDie({.path = tmp.path()});
  ASSERT_NE(store, nullptr);
  constexpr int kThreads = 8;
  constexpr int kRounds = 60;
  std::barrier sync_point(kThreads);
  std::vector<std::atomic<int>> winners(kRounds);
  std::atomic<int> other_errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        sync_point.arrive_and_wait();
        auto r = store->Append("case-contended", ExpectedVersion::Exact(round),
                               {Event("Attempt", absl::StrCat(t, "/", round))},
                               "", Meta());
        if (r.ok()) {
          winners[round].fetch_add(1);
          EXPECT_EQ(r->first_version, static_cast<uint64_t>(round + 1));
        } else if (r.status().code() != absl::StatusCode::kAborted) {
          other_errors.fetch_add(1);
        }
        sync_point.arrive_and_wait();  // the round is decided
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int round = 0; round < kRounds; ++round) {
    EXPECT_EQ(winners[round].load(), 1) << "round " << round;
  }
  EXPECT_EQ(other_errors.load(), 0);
  ExpectConsistentLog(*store, kRounds);
}

TEST(EventStoreConcurrency, NoLostUpdatesOnSharedAndOwnStreams) {
  TempDir tmp;
  auto store = OpenOrDie({.path = tmp.path()});
  ASSERT_NE(store, nullptr);
  constexpr int kThreads = 16;
  constexpr int kAppends = 150;
  std::mutex mu;
  std::set<uint64_t> positions;  // every position handed out
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      uint64_t own_version = 0;
      for (int i = 0; i < kAppends; ++i) {
        // Alternate: own stream with exact versions, a shared stream with
        // "any", and two events at once.
        absl::StatusOr<AppendResult> r;
        if (i % 3 == 0) {
          r = store->Append(absl::StrCat("own-", t),
                            ExpectedVersion::Exact(own_version),
                            {Event("Own", absl::StrCat(t, ":", i))},
                            absl::StrCat("c-", t, "-", i), Meta());
          if (r.ok()) own_version = r->last_version;
        } else if (i % 3 == 1) {
          r = store->Append(absl::StrCat("shared-", i % 4),
                            ExpectedVersion::Any(),
                            {Event("Shared", absl::StrCat(t, ":", i))},
                            absl::StrCat("c-", t, "-", i), Meta());
        } else {
          r = store->Append("shared-pair", ExpectedVersion::Any(),
                            {Event("A", absl::StrCat(t, ":", i)),
                             Event("B", absl::StrCat(t, ":", i))},
                            absl::StrCat("c-", t, "-", i), Meta());
        }
        ASSERT_TRUE(r.ok()) << r.status();
        ASSERT_FALSE(r->deduplicated);
        ASSERT_EQ(r->last_position - r->first_position,
                  r->last_version - r->first_version);
        std::lock_guard<std::mutex> l(mu);
        for (uint64_t p = r->first_position; p <= r->last_position; ++p) {
          ASSERT_TRUE(positions.insert(p).second) << "position twice: " << p;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const uint64_t events = kThreads * (kAppends + kAppends / 3);
  EXPECT_EQ(positions.size(), events);
  EXPECT_EQ(*positions.rbegin(), events);
  ExpectConsistentLog(*store, events);
  // Every append is there exactly once, with the right payload.
  std::map<std::string, int> payloads;
  for (const auto& e : ReadEverything(*store)) ++payloads[e.payload()];
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kAppends; ++i) {
      EXPECT_EQ(payloads[absl::StrCat(t, ":", i)], i % 3 == 2 ? 2 : 1);
    }
  }
}

TEST(EventStoreConcurrency, OneCommandIdWritesOnceUnderRaces) {
  TempDir tmp;
  auto store = OpenOrDie({.path = tmp.path()});
  ASSERT_NE(store, nullptr);
  constexpr int kThreads = 8;
  constexpr int kRounds = 40;
  std::barrier sync_point(kThreads);
  std::vector<std::atomic<int>> written(kRounds), deduplicated(kRounds),
      refused(kRounds);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        sync_point.arrive_and_wait();
        // Odd threads send different content under the same id.
        const std::string payload = t % 2 == 0 ? "same" : absl::StrCat(t);
        auto r = store->Append(absl::StrCat("case-", round),
                               ExpectedVersion::Any(), {Event("E", payload)},
                               absl::StrCat("cmd-", round), Meta());
        if (r.ok()) {
          (r->deduplicated ? deduplicated : written)[round].fetch_add(1);
        } else {
          EXPECT_EQ(r.status().code(), absl::StatusCode::kAlreadyExists)
              << r.status();
          refused[round].fetch_add(1);
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int round = 0; round < kRounds; ++round) {
    EXPECT_EQ(written[round].load(), 1) << round;
    EXPECT_EQ(written[round] + deduplicated[round] + refused[round], kThreads);
    EXPECT_EQ(store->GetStreamInfo(absl::StrCat("case-", round))->version, 1u);
  }
  ExpectConsistentLog(*store, kRounds);
}

}  // namespace
}  // namespace atgard::eventstore
