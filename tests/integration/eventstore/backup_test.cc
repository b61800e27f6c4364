// Online backup while appends continue, restore into an empty directory,
// and Verify after the restore.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "eventstore/event_store.h"
#include "tests/integration/eventstore/store_test_util.h"
#include "tests/support/temp_dir.h"

namespace atgard::eventstore {
namespace {

using ::atgard::eventstore::testing::AppendOne;
using ::atgard::eventstore::testing::Event;
using ::atgard::eventstore::testing::ExpectIntact;
using ::atgard::eventstore::testing::Meta;
using ::atgard::eventstore::testing::OpenOrDie;
using ::atgard::eventstore::testing::ReadEverything;
using ::atgard::testing::TempDir;

TEST(EventStoreBackup, OnlineBackupRestoresAndVerifies) {
  TempDir tmp;
  auto store = OpenOrDie({.path = tmp.Join("live")});
  ASSERT_NE(store, nullptr);
  for (int i = 0; i < 200; ++i) AppendOne(*store, absl::StrCat("case-", i % 7));

  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; !stop.load(); ++i) {
        auto r =
            store->Append(absl::StrCat("case-w", t), ExpectedVersion::Any(),
                          {Event("During", absl::StrCat(t, ":", i))},
                          absl::StrCat("w", t, "-", i), Meta());
        ASSERT_TRUE(r.ok()) << r.status();
      }
    });
  }
  absl::SleepFor(absl::Milliseconds(100));
  const uint64_t acknowledged_before = store->HeadPosition();
  ASSERT_TRUE(store->CreateBackup(tmp.Join("backups")).ok());
  absl::SleepFor(absl::Milliseconds(100));
  stop = true;
  for (std::thread& t : writers) t.join();
  const std::vector<v1::EventEnvelope> live = ReadEverything(*store);

  ASSERT_TRUE(
      EventStore::RestoreBackup(tmp.Join("backups"), tmp.Join("restored"))
          .ok());
  auto restored = OpenOrDie({.path = tmp.Join("restored")});
  ASSERT_NE(restored, nullptr);
  auto report = restored->Verify();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->ok) << report->first_bad_position << " "
                          << report->problem;
  // A consistent prefix holding at least what was acknowledged before.
  const std::vector<v1::EventEnvelope> copy = ReadEverything(*restored);
  EXPECT_GE(copy.size(), acknowledged_before);
  ASSERT_LE(copy.size(), live.size());
  for (size_t i = 0; i < copy.size(); ++i) {
    ASSERT_EQ(copy[i].SerializeAsString(), live[i].SerializeAsString()) << i;
  }
  EXPECT_EQ(report->events_checked, copy.size());
  // The restored store takes appends and still deduplicates.
  auto again = restored->Append("case-w0", ExpectedVersion::Any(),
                                {Event("During", "0:0")}, "w0-0", Meta());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->deduplicated);
  AppendOne(*restored, "case-after");
  // The deduplicated retry wrote nothing; the new append one event.
  ExpectIntact(*restored, copy.size() + 1);
}

TEST(EventStoreBackup, RestoreTakesTheLatestBackup) {
  TempDir tmp;
  auto store = OpenOrDie({.path = tmp.Join("live")});
  ASSERT_NE(store, nullptr);
  AppendOne(*store, "case-1");
  ASSERT_TRUE(store->CreateBackup(tmp.Join("backups")).ok());
  AppendOne(*store, "case-1");
  ASSERT_TRUE(store->CreateBackup(tmp.Join("backups")).ok());
  ASSERT_TRUE(
      EventStore::RestoreBackup(tmp.Join("backups"), tmp.Join("restored"))
          .ok());
  auto restored = OpenOrDie({.path = tmp.Join("restored")});
  ASSERT_NE(restored, nullptr);
  EXPECT_EQ(restored->HeadPosition(), 2u);
}

TEST(EventStoreBackup, RestoreRefusesANonEmptyTargetAndMissingBackups) {
  TempDir tmp;
  auto store = OpenOrDie({.path = tmp.Join("live")});
  ASSERT_NE(store, nullptr);
  AppendOne(*store, "case-1");
  ASSERT_TRUE(store->CreateBackup(tmp.Join("backups")).ok());

  std::filesystem::create_directories(tmp.Join("occupied"));
  std::ofstream(tmp.Join("occupied/keep.txt")) << "mine";
  absl::Status s =
      EventStore::RestoreBackup(tmp.Join("backups"), tmp.Join("occupied"));
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_TRUE(std::filesystem::exists(tmp.Join("occupied/keep.txt")));

  s = EventStore::RestoreBackup(tmp.Join("nothing-here"), tmp.Join("new"));
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound) << s;
  std::filesystem::create_directories(tmp.Join("empty-backups"));
  s = EventStore::RestoreBackup(tmp.Join("empty-backups"), tmp.Join("new2"));
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound) << s;
}

// Backups and restores hold case contents like the store: whatever the
// umask, nobody but the owner may enter their directories.
TEST(EventStoreBackup, DirectoriesAreCreatedPrivateWhateverTheUmask) {
  TempDir tmp;
  const mode_t old_umask = umask(0);
  auto store = OpenOrDie({.path = tmp.Join("live")});
  ASSERT_NE(store, nullptr);
  AppendOne(*store, "case-1");
  const absl::Status backup = store->CreateBackup(tmp.Join("new/backups"));
  store.reset();
  const absl::Status restore = EventStore::RestoreBackup(
      tmp.Join("new/backups"), tmp.Join("new/restored"));
  umask(old_umask);
  ASSERT_TRUE(backup.ok()) << backup;
  ASSERT_TRUE(restore.ok()) << restore;
  for (const char* dir : {"live", "new/backups", "new/restored"}) {
    struct stat st {};
    ASSERT_EQ(stat(tmp.Join(dir).c_str(), &st), 0) << dir;
    EXPECT_EQ(st.st_mode & 0777, 0700u) << dir;
  }
}

// A backup on the data directory's file system may not take the disk
// reserve: refused, naming the directory, its free space and the store's
// size, before anything is copied; taken once there is room.
TEST(EventStoreBackup, RefusedWhenItWouldTakeTheDiskReserve) {
  constexpr uint64_t kMiB = uint64_t{1} << 20;
  TempDir tmp;
  std::atomic<uint64_t> available{1000 * kMiB};
  const std::string backups = tmp.Join("backups");
  std::vector<std::string> probed;
  Options options{.path = tmp.Join("live")};
  options.disk_reserve = DiskReserve::Bytes(64 * kMiB);
  options.disk_space_probe = []() -> absl::StatusOr<DiskSpace> {
    return DiskSpace{.available_bytes = 1000 * kMiB,
                     .total_bytes = 2000 * kMiB};
  };
  options.backup_disk_space_probe =
      [&](const std::string& path) -> absl::StatusOr<DiskSpace> {
    probed.push_back(path);
    return DiskSpace{.available_bytes = available.load(),
                     .total_bytes = 2000 * kMiB};
  };
  auto store = OpenOrDie(options);
  ASSERT_NE(store, nullptr);
  for (int i = 0; i < 50; ++i) AppendOne(*store, absl::StrCat("case-", i % 3));

  // Room for the store's files (a few KiB), but not above the reserve.
  available = 64 * kMiB + 1024;
  absl::Status refused = store->CreateBackup(backups);
  ASSERT_EQ(refused.code(), absl::StatusCode::kResourceExhausted) << refused;
  EXPECT_THAT(refused.message(),
              ::testing::HasSubstr(absl::StrCat("backup directory ", backups,
                                                ": 64.0 MiB free")));
  EXPECT_THAT(refused.message(),
              ::testing::HasSubstr("less than the store's live size of "));
  EXPECT_THAT(refused.message(),
              ::testing::HasSubstr("plus the disk reserve of 64.0 MiB"));
  ASSERT_FALSE(probed.empty());
  EXPECT_EQ(probed.back(), backups);
  std::error_code ec;
  EXPECT_FALSE(
      std::filesystem::exists(std::filesystem::path(backups) / "meta", ec) &&
      !std::filesystem::is_empty(std::filesystem::path(backups) / "meta", ec))
      << "a refused backup wrote a backup";

  available = 1000 * kMiB;
  ASSERT_TRUE(store->CreateBackup(backups).ok());
  ASSERT_TRUE(EventStore::RestoreBackup(backups, tmp.Join("restored")).ok());
  auto restored = OpenOrDie({.path = tmp.Join("restored")});
  ASSERT_NE(restored, nullptr);
  EXPECT_EQ(restored->HeadPosition(), store->HeadPosition());
}

}  // namespace
}  // namespace atgard::eventstore
