// The disk reserve: appends are refused (RESOURCE_EXHAUSTED, naming the
// directory, the free space and the reserve) before the disk fills, reads
// go on, nothing acknowledged is lost, and appends are taken again without
// a reopen once space is freed. The file system's free space comes from a
// probe the test controls.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
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

constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr uint64_t kReserve = 64 * kMiB;
constexpr absl::Duration kInterval = absl::Milliseconds(2);

// Bytes the files under `dir` take on disk.
uint64_t DiskUsage(const std::string& dir) {
  uint64_t used = 0;
  std::error_code ec;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(dir, ec)) {
    struct stat st {};
    if (stat(entry.path().c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      used += static_cast<uint64_t>(st.st_blocks) * 512;
    }
  }
  return used;
}

class DiskReserveTest : public ::testing::Test {
 protected:
  Options StoreOptions() {
    return {.path = tmp_.path(),
            .disk_reserve = DiskReserve::Bytes(kReserve),
            .disk_check_interval = kInterval,
            .disk_space_probe = [this]() -> absl::StatusOr<DiskSpace> {
              return DiskSpace{.available_bytes = available_.load(),
                               .total_bytes = 1000 * kMiB};
            },
            .on_disk_reserve =
                [this](const absl::Status& s) {
                  std::lock_guard<std::mutex> l(mu_);
                  changes_.push_back(s);
                }};
  }

  absl::StatusOr<AppendResult> AppendId(EventStore& store,
                                        const std::string& id,
                                        std::string payload = "payload",
                                        bool may_use_reserve = false) {
    AppendRequest request{.stream_id = "case-1",
                          .command_id = id,
                          .metadata = Meta(),
                          .may_use_reserve = may_use_reserve};
    request.events.push_back(Event("E", std::move(payload)));
    absl::StatusOr<AppendResult> r = store.Append(std::move(request));
    if (r.ok()) acknowledged_.insert(id);
    return r;
  }

  // Every acknowledged command id is in the log, once.
  void ExpectEveryAcknowledgedEvent(const EventStore& store) {
    std::multiset<std::string> present;
    for (const auto& e : ReadEverything(store)) {
      present.insert(e.metadata().command_id());
    }
    for (const std::string& id : acknowledged_) {
      EXPECT_EQ(present.count(id), 1u) << "acknowledged: " << id;
    }
  }

  std::vector<absl::Status> Changes() {
    std::lock_guard<std::mutex> l(mu_);
    return changes_;
  }

  TempDir tmp_;
  std::atomic<uint64_t> available_{1000 * kMiB};
  std::mutex mu_;
  std::vector<absl::Status> changes_;
  std::set<std::string> acknowledged_;
};

TEST_F(DiskReserveTest, RefusesBelowTheReserveServesReadsAndResumes) {
  auto store = OpenOrDie(StoreOptions());
  ASSERT_NE(store, nullptr);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(AppendId(*store, absl::StrCat("ok-", i)).ok());
  }
  EXPECT_TRUE(store->DiskReserveStatus().ok());

  available_ = 60 * kMiB;
  absl::SleepFor(2 * kInterval);
  auto refused = AppendId(*store, "refused");
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted)
      << refused.status();
  EXPECT_THAT(refused.status().message(),
              HasSubstr(absl::StrCat("data directory ", tmp_.path(), ": ")));
  EXPECT_THAT(refused.status().message(), HasSubstr("MiB free"));
  EXPECT_THAT(refused.status().message(),
              HasSubstr("below the reserve of 64.0 MiB; writes are refused "
                        "until space is freed"));
  EXPECT_EQ(store->DiskReserveStatus().code(),
            absl::StatusCode::kResourceExhausted);
  // Not a failure: health stays OK and nothing is latched.
  EXPECT_TRUE(store->Health().ok());
  EXPECT_EQ(store->HeadPosition(), 10u);
  ASSERT_EQ(Changes().size(), 1u);
  EXPECT_EQ(Changes()[0].code(), absl::StatusCode::kResourceExhausted);

  // Asynchronous appends are refused the same way.
  absl::Notification done;
  absl::Status async_status;
  AppendRequest async{.stream_id = "case-2", .command_id = "async"};
  async.events.push_back(Event("E", "x"));
  store->AppendAsync(std::move(async), [&](absl::StatusOr<AppendResult> r) {
    async_status = r.status();
    done.Notify();
  });
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_EQ(async_status.code(), absl::StatusCode::kResourceExhausted);

  // Reads, a repeated command id and the read log still work.
  EXPECT_EQ(ReadEverything(*store).size(), 10u);
  auto again = AppendId(*store, "ok-3");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->deduplicated);
  auto read_log = AppendId(*store, "read-log", "access", true);
  ASSERT_TRUE(read_log.ok()) << read_log.status();
  EXPECT_TRUE(store->PutCheckpoint("reader", 3).ok());

  // Below half the reserve, the read log and checkpoints stop too.
  available_ = 10 * kMiB;
  absl::SleepFor(2 * kInterval);
  auto read_log_refused = AppendId(*store, "read-log-2", "access", true);
  EXPECT_EQ(read_log_refused.status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(read_log_refused.status().message(), HasSubstr("read log"));
  EXPECT_EQ(store->PutCheckpoint("reader", 4).code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(store->Health().ok());

  // Space freed: the store notices by itself, without an append.
  available_ = 1000 * kMiB;
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (!store->DiskReserveStatus().ok() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_TRUE(store->DiskReserveStatus().ok());
  ASSERT_EQ(Changes().size(), 2u);
  EXPECT_TRUE(Changes()[1].ok());
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(AppendId(*store, absl::StrCat("after-", i)).ok());
  }
  EXPECT_TRUE(store->PutCheckpoint("reader", 4).ok());
  ExpectEveryAcknowledgedEvent(*store);

  store.reset();
  auto reopened = OpenOrDie({.path = tmp_.path()});
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->HeadPosition(), 21u);
  ExpectEveryAcknowledgedEvent(*reopened);
  auto report = reopened->Verify();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->ok) << report->problem;
}

TEST_F(DiskReserveTest, AnAppendThatWouldCrossTheReserveIsRefused) {
  auto store = OpenOrDie(StoreOptions());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(AppendId(*store, "first").ok());
  // Find the level where small appends just pass again (the memtable's
  // size, which the store keeps for its flush, is not known here).
  uint64_t extra = 0;
  int attempt = 0;
  while (true) {
    ASSERT_LT(extra, 200 * kMiB);
    available_ = kReserve + extra;
    absl::SleepFor(2 * kInterval);
    if (AppendId(*store, absl::StrCat("probe-", attempt++)).ok()) break;
    extra += kMiB / 4;
  }
  // Refusals needed 8 MiB above the reserve to end; 1 MiB less leaves
  // about 7 MiB: room for small appends, not for 4 MiB of payloads (which
  // also count for their flush).
  available_ = available_ - kMiB;
  absl::SleepFor(2 * kInterval);
  ASSERT_TRUE(AppendId(*store, "small").ok());
  AppendRequest big{.stream_id = "case-big", .command_id = "big"};
  for (int i = 0; i < 4; ++i) {
    big.events.push_back(Event("E", std::string(kMiB - 1024, 'x')));
  }
  auto refused = store->Append(std::move(big));
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted)
      << refused.status();
  EXPECT_THAT(refused.status().message(),
              HasSubstr("this append (about 8.0 MiB with the memtable flush) "
                        "would take it below the reserve of 64.0 MiB"));
  // Until the disk is clearly above the reserve, nothing more is taken.
  auto after = AppendId(*store, "after-big");
  EXPECT_EQ(after.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(after.status().message()),
              HasSubstr("within 8.0 MiB of"));
  available_ = 1000 * kMiB;
  absl::SleepFor(2 * kInterval);
  ASSERT_TRUE(AppendId(*store, "resumed").ok());
  ExpectEveryAcknowledgedEvent(*store);
}

// The free space is what a small disk has left after the store's files:
// concurrent appenders are refused before it runs out, every acknowledged
// event survives, and appends resume when the disk grows.
TEST_F(DiskReserveTest, AFillingDiskIsRefusedBeforeItRunsOut) {
  std::atomic<uint64_t> capacity{0};
  Options options = StoreOptions();
  std::atomic<uint64_t> least{~uint64_t{0}};
  options.disk_space_probe = [&]() -> absl::StatusOr<DiskSpace> {
    const uint64_t used = DiskUsage(tmp_.path());
    const uint64_t available = capacity > used ? capacity - used : 0;
    if (available < least) least = available;
    return DiskSpace{.available_bytes = available, .total_bytes = capacity};
  };
  capacity = ~uint64_t{0} / 2;
  auto store = OpenOrDie(options);
  ASSERT_NE(store, nullptr);
  capacity = DiskUsage(tmp_.path()) + kReserve + 24 * kMiB;

  std::mutex mu;
  std::atomic<int> refusals{0};
  auto run = [&](const std::string& prefix) {
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0;; ++i) {
          const std::string id = absl::StrCat(prefix, t, "-", i);
          AppendRequest request{.stream_id = absl::StrCat("case-", t),
                                .command_id = id};
          request.events.push_back(Event("E", std::string(4096, 'p')));
          auto r = store->Append(std::move(request));
          if (!r.ok()) {
            EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted)
                << r.status();
            ++refusals;
            return;
          }
          std::lock_guard<std::mutex> l(mu);
          acknowledged_.insert(id);
        }
      });
    }
    for (std::thread& t : threads) t.join();
  };
  run("a");
  EXPECT_EQ(refusals, 8);
  const size_t first = acknowledged_.size();
  EXPECT_GT(first, 100u);
  EXPECT_GE(least.load(), kReserve / 2) << "the reserve was used up";
  EXPECT_TRUE(store->Health().ok());

  capacity = capacity + 24 * kMiB;
  absl::SleepFor(2 * kInterval);
  run("b");
  EXPECT_GT(acknowledged_.size(), first);
  ExpectEveryAcknowledgedEvent(*store);

  store.reset();
  auto reopened = OpenOrDie({.path = tmp_.path()});
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->HeadPosition(), acknowledged_.size());
  ExpectEveryAcknowledgedEvent(*reopened);
  ExpectIntact(*reopened, acknowledged_.size());
}

// The value RocksDB recorded for `name` in the newest OPTIONS file of
// `dir`; empty if none.
std::string RecordedOption(const std::string& dir, const std::string& name) {
  std::string newest;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string file = entry.path().filename().string();
    if (file.rfind("OPTIONS-", 0) == 0 && file > newest) newest = file;
  }
  if (newest.empty()) return "";
  std::ifstream in(std::filesystem::path(dir) / newest);
  std::string line;
  const std::string key = name + "=";
  while (std::getline(in, line)) {
    const size_t at = line.find_first_not_of(" \t");
    if (at != std::string::npos && line.compare(at, key.size(), key) == 0) {
      return line.substr(at + key.size());
    }
  }
  return "";
}

// One compaction may not read more than a quarter of the reserve, so that
// it fits in the reserve next to a flush; a reserve too small for both is
// reported when the store opens.
TEST_F(DiskReserveTest, CompactionsAreBoundedByTheReserve) {
  Options options = StoreOptions();
  options.disk_reserve = DiskReserve::Bytes(1024 * kMiB);
  std::vector<std::string> warnings;
  options.on_disk_reserve_sizing = [&](const std::string& warning) {
    warnings.push_back(warning);
  };
  available_ = 100 * 1024 * kMiB;
  {
    auto store = OpenOrDie(options);
    ASSERT_NE(store, nullptr);
  }
  EXPECT_EQ(RecordedOption(tmp_.path(), "max_compaction_bytes"),
            absl::StrCat(256 * kMiB));
  EXPECT_TRUE(warnings.empty()) << warnings[0];

  // 64 MiB cannot hold two 64 MiB memtables and a compaction: the bound
  // stays at one table file, and the store says the reserve is too small.
  options.disk_reserve = DiskReserve::Bytes(kReserve);
  {
    auto store = OpenOrDie(options);
    ASSERT_NE(store, nullptr);
  }
  EXPECT_EQ(RecordedOption(tmp_.path(), "max_compaction_bytes"),
            absl::StrCat(64 * kMiB));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0],
              HasSubstr(absl::StrCat("the disk reserve of 64.0 MiB on ",
                                     tmp_.path(), " is smaller than 192 MiB")));
}

// Reader checkpoints are written outside the writer thread; what they
// write is counted like appends, so that between two looks at the disk
// they cannot spend the room above the reserve unseen.
TEST_F(DiskReserveTest, CheckpointsAreCountedAgainstTheReserve) {
  Options options = StoreOptions();
  // One look at the disk, at the first append; counting from then on.
  options.disk_check_interval = absl::Hours(1);
  available_ = kReserve + 48 * kMiB;
  auto store = OpenOrDie(options);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(AppendId(*store, "before").ok());
  // About 2 x 25 MiB with the write-ahead log and the table.
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(
        store->PutCheckpoint(absl::StrCat(i, std::string(256 << 10, 'r')), 1)
            .ok());
  }
  auto refused = AppendId(*store, "after");
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted)
      << refused.status();
  EXPECT_THAT(refused.status().message(), HasSubstr("reserve of 64.0 MiB"));
  ExpectEveryAcknowledgedEvent(*store);
}

}  // namespace
}  // namespace atgard::eventstore
