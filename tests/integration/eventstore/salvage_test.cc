// EventStore::Salvage(): a store that refuses to open for damaged
// acknowledged data is salvaged into a new directory. Each test checks that
// the damaged directory is left byte for byte as it was, that the report
// names exactly the positions given up (known from what the test appended),
// and that the salvaged store opens, verifies and takes appends after the
// kept head.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "eventstore/canonical.h"
#include "eventstore/event_store.h"
#include "eventstore/keys.h"
#include "nlohmann/json.hpp"
#include "rocksdb/db.h"
#include "tests/integration/eventstore/damage_util.h"
#include "tests/integration/eventstore/store_test_util.h"
#include "tests/support/temp_dir.h"

namespace atgard::eventstore {
namespace {

namespace fs = std::filesystem;
using ::atgard::eventstore::testing::AppendOne;
using ::atgard::eventstore::testing::CopyDirectory;
using ::atgard::eventstore::testing::Fill;
using ::atgard::eventstore::testing::Kind;
using ::atgard::eventstore::testing::Newest;
using ::atgard::eventstore::testing::OpenOrDie;
using ::atgard::eventstore::testing::Payload;
using ::atgard::eventstore::testing::ReadEverything;
using ::atgard::eventstore::testing::ReadFile;
using ::atgard::eventstore::testing::WriteFile;
using ::atgard::testing::TempDir;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// SHA-256 of every file in `dir`, by name.
std::map<std::string, std::string> Checksums(const std::string& dir) {
  std::map<std::string, std::string> sums;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    sums[fs::relative(entry.path(), dir).string()] =
        HexHash(Sha256(ReadFile(entry.path())));
  }
  return sums;
}

// Flips a byte inside the payload of `position` in the newest log of `dir`.
void FlipInLog(const std::string& dir, uint64_t position) {
  const fs::path wal = Newest(dir, Kind::kWal);
  ASSERT_FALSE(wal.empty());
  std::string bytes = ReadFile(wal);
  const size_t at = bytes.find(Payload(position).substr(0, 14));
  ASSERT_NE(at, std::string::npos) << "position " << position << " in " << wal;
  bytes[at + 10] ^= 0x01;
  WriteFile(wal, bytes);
}

// Salvages `damaged` into `into` and checks what every salvage must do: the
// damaged files unchanged and copied verbatim, the report on disk matching
// the one returned, and a salvaged store that opens at the kept head,
// verifies, holds exactly the appended events up to it and takes the next
// append at kept head + 1.
SalvageReport SalvageAndCheck(const std::string& damaged,
                              const std::string& into) {
  const std::map<std::string, std::string> before = Checksums(damaged);
  absl::StatusOr<SalvageReport> report =
      EventStore::Salvage({.damaged_path = damaged, .target_path = into});
  EXPECT_TRUE(report.ok()) << report.status();
  if (!report.ok()) return {};
  EXPECT_EQ(Checksums(damaged), before) << "the damaged store was changed";
  std::map<std::string, std::string> copied;
  for (const auto& [name, sum] : before) {
    if (name != "LOCK") copied[name] = sum;
  }
  std::map<std::string, std::string> in_copy =
      Checksums(fs::path(into) / SalvageReport::kCopyDirName);
  in_copy.erase("LOCK");
  EXPECT_EQ(in_copy, copied) << "the copy differs from the damaged files";
  for (const SalvageReport::CopiedFile& f : report->copied_files) {
    if (f.name != "LOCK") {
      EXPECT_EQ(f.sha256, before.at(f.name)) << f.name;
    }
  }
  EXPECT_EQ(fs::status(into).permissions() & fs::perms::all,
            fs::perms::owner_all);

  const nlohmann::json json = nlohmann::json::parse(
      ReadFile(fs::path(into) / SalvageReport::kFileName));
  EXPECT_EQ(json["evidence_lost"], report->lost());
  EXPECT_EQ(json["salvaged_store_verified"], true);
  if (report->given_up.first == 0) {
    EXPECT_TRUE(json["given_up"].is_null());
  } else {
    EXPECT_EQ(json["given_up"]["first"], report->given_up.first);
    EXPECT_EQ(json["given_up"]["last"], report->given_up.last);
  }

  auto store = OpenOrDie({.path = into, .create_if_missing = false});
  if (store == nullptr) return *report;
  EXPECT_EQ(store->HeadPosition(), report->kept_head);
  EXPECT_TRUE(store->Recovery().clean_stop);
  absl::StatusOr<VerifyReport> verified = store->Verify();
  EXPECT_TRUE(verified.ok() && verified->ok)
      << (verified.ok() ? verified->problem : verified.status().ToString());
  const std::vector<v1::EventEnvelope> events = ReadEverything(*store);
  EXPECT_EQ(events.size(), report->kept_head);
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].payload(), Payload(i + 1)) << "position " << i + 1;
  }
  EXPECT_EQ(AppendOne(*store, "case-after-salvage").last_position,
            report->kept_head + 1);
  store.reset();
  auto reopened = OpenOrDie({.path = into, .create_if_missing = false});
  if (reopened != nullptr) {
    EXPECT_EQ(reopened->HeadPosition(), report->kept_head + 1);
    verified = reopened->Verify();
    EXPECT_TRUE(verified.ok() && verified->ok);
  }
  return *report;
}

// A crash image whose log holds 301..450 (1..300 are in a table), with the
// record of 320 damaged: the open refuses, the salvage keeps 1..319 and
// gives up 320..450, which the ACKNOWLEDGED witness says were acknowledged.
TEST(Salvage, CrashImageWithADamagedLogRecord) {
  TempDir tmp;
  const std::string image = tmp.Join("image");
  {
    auto store = OpenOrDie({.path = tmp.Join("store")});
    ASSERT_NE(store, nullptr);
    Fill(*store, 1, 300);
    ASSERT_TRUE(store->CompactAll().ok());
    Fill(*store, 301, 450);
    CopyDirectory(tmp.Join("store"), image);
  }
  FlipInLog(image, 320);
  ASSERT_EQ(EventStore::Open({.path = image}).status().code(),
            absl::StatusCode::kDataLoss);

  const SalvageReport r = SalvageAndCheck(image, tmp.Join("salvaged"));
  EXPECT_EQ(r.kept_head, 319u);
  EXPECT_EQ(r.given_up, (PositionRange{320, 450}));
  EXPECT_EQ(r.acknowledged_head, 450u);
  EXPECT_THAT(r.acknowledged_sources, Contains("ACKNOWLEDGED witness 450"));
  EXPECT_TRUE(r.extent_known);
  EXPECT_TRUE(r.lost());
  EXPECT_THAT(r.present_but_unreachable, IsEmpty());
  EXPECT_THAT(r.unreadable, IsEmpty());
  ASSERT_FALSE(r.damaged_files.empty());
  EXPECT_THAT(r.damaged_files[0],
              HasSubstr(Newest(image, Kind::kWal).filename().string()));
  EXPECT_THAT(r.recovery, HasSubstr("point-in-time"));
  // The replay stopped before the damage, so no index entry, head or
  // idempotency record of 320..450 was recovered either: which streams they
  // belonged to cannot be told.
  EXPECT_THAT(r.affected_streams, IsEmpty());
  EXPECT_EQ(r.command_records_dropped, 0u);
}

// The store stopped cleanly at 300 (the stop record), then took 301..450
// into its log and crashed; the record of 320 is damaged. Both records of
// the acknowledged head are reported; the witness names the higher.
TEST(Salvage, DamagedLogAfterACleanStop) {
  TempDir tmp;
  const std::string image = tmp.Join("image");
  {
    auto store = OpenOrDie({.path = tmp.Join("store")});
    ASSERT_NE(store, nullptr);
    Fill(*store, 1, 300);
  }
  {
    auto store = OpenOrDie({.path = tmp.Join("store")});
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Recovery().clean_stop);
    Fill(*store, 301, 450);
    CopyDirectory(tmp.Join("store"), image);
  }
  FlipInLog(image, 320);
  ASSERT_EQ(EventStore::Open({.path = image}).status().code(),
            absl::StatusCode::kDataLoss);

  const SalvageReport r = SalvageAndCheck(image, tmp.Join("salvaged"));
  EXPECT_EQ(r.kept_head, 319u);
  EXPECT_EQ(r.given_up, (PositionRange{320, 450}));
  EXPECT_EQ(r.acknowledged_head, 450u);
  EXPECT_THAT(r.acknowledged_sources, Contains("clean-stop record 300"));
  EXPECT_THAT(r.acknowledged_sources, Contains("ACKNOWLEDGED witness 450"));
  EXPECT_TRUE(r.lost());
}

// Without the witness only the clean-stop record (300) survives, below the
// kept head: nothing can be named as given up, but the log was damaged, so
// the extent is unknown and the salvage still counts as a loss.
TEST(Salvage, DamagedLogWithoutAWitnessHasAnUnknownExtent) {
  TempDir tmp;
  const std::string image = tmp.Join("image");
  {
    auto store = OpenOrDie({.path = tmp.Join("store")});
    ASSERT_NE(store, nullptr);
    Fill(*store, 1, 300);
  }
  {
    auto store = OpenOrDie({.path = tmp.Join("store")});
    ASSERT_NE(store, nullptr);
    Fill(*store, 301, 450);
    CopyDirectory(tmp.Join("store"), image);
  }
  ASSERT_TRUE(fs::remove(fs::path(image) / "ACKNOWLEDGED"));
  FlipInLog(image, 320);

  const SalvageReport r = SalvageAndCheck(image, tmp.Join("salvaged"));
  EXPECT_EQ(r.kept_head, 319u);
  EXPECT_EQ(r.acknowledged_head, 319u);  // the chain head recovered
  EXPECT_EQ(r.given_up.first, 0u);
  EXPECT_FALSE(r.extent_known);
  EXPECT_TRUE(r.lost());
}

// A flipped byte in a table's data block: the open passes, reads of that
// block fail. The positions in the block are unreadable, those after it in
// the same table are present but follow the gap: all are given up, each
// named as what it is.
TEST(Salvage, DamagedTable) {
  TempDir tmp;
  const std::string dir = tmp.Join("store");
  {
    auto store = OpenOrDie({.path = dir});
    ASSERT_NE(store, nullptr);
    Fill(*store, 1, 300);
    ASSERT_TRUE(store->PutCheckpoint("policy", 300).ok());
    ASSERT_TRUE(store->PutCheckpoint("early", 10).ok());
  }
  const fs::path table = Newest(dir, Kind::kTable);
  ASSERT_FALSE(table.empty());
  std::string bytes = ReadFile(table);
  bytes[bytes.size() / 3] ^= 0x01;
  WriteFile(table, bytes);

  // What RocksDB can still read, position by position.
  std::vector<uint64_t> unreadable;
  {
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(
        rocksdb::DB::OpenForReadOnly(rocksdb::Options(), dir, &raw).ok());
    std::unique_ptr<rocksdb::DB> damaged(raw);
    std::string value;
    for (uint64_t p = 1; p <= 300; ++p) {
      const rocksdb::Status s =
          damaged->Get(rocksdb::ReadOptions(), keys::EventKey(p), &value);
      if (s.IsCorruption()) unreadable.push_back(p);
    }
  }
  ASSERT_FALSE(unreadable.empty()) << "the flip missed every event block";
  const uint64_t first_bad = unreadable.front();
  const uint64_t last_bad = unreadable.back();
  ASSERT_EQ(last_bad - first_bad + 1, unreadable.size()) << "one block";

  const SalvageReport r = SalvageAndCheck(dir, tmp.Join("salvaged"));
  EXPECT_EQ(r.kept_head, first_bad - 1);
  EXPECT_EQ(r.given_up, (PositionRange{first_bad, 300}));
  EXPECT_THAT(r.unreadable, ElementsAre(PositionRange{first_bad, last_bad}));
  if (last_bad < 300) {
    EXPECT_THAT(r.present_but_unreachable,
                ElementsAre(PositionRange{last_bad + 1, 300}));
  }
  EXPECT_EQ(r.acknowledged_head, 300u);
  EXPECT_THAT(r.acknowledged_sources, Contains("clean-stop record 300"));
  ASSERT_FALSE(r.damaged_files.empty());
  EXPECT_THAT(r.damaged_files[0], HasSubstr(table.filename().string()));
  EXPECT_TRUE(r.lost());
  // Streams of the given-up positions, from the events after the gap and
  // from the stream index.
  EXPECT_EQ(r.affected_streams.size(), 7u);
  // The appends of given-up positions lost their idempotency records, so
  // that a retry is appended again.
  EXPECT_EQ(r.command_records_dropped, 300 - first_bad + 1);
  // A reader that had gone past the kept head must be rebuilt.
  EXPECT_THAT(r.checkpoints_lowered,
              ElementsAre(absl::StrCat("policy: 300 -> ", first_bad - 1)));
  auto store = OpenOrDie({.path = tmp.Join("salvaged")});
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*store->GetCheckpoint("policy"), first_bad - 1);
  EXPECT_EQ(*store->GetCheckpoint("early"), 10u);
}

// An intact store: everything kept, nothing given up, nothing damaged.
TEST(Salvage, IntactStoreLosesNothing) {
  TempDir tmp;
  const std::string dir = tmp.Join("store");
  {
    auto store = OpenOrDie({.path = dir});
    ASSERT_NE(store, nullptr);
    Fill(*store, 1, 50);
    ASSERT_TRUE(store->PutCheckpoint("projection", 50).ok());
  }
  const SalvageReport r = SalvageAndCheck(dir, tmp.Join("salvaged"));
  EXPECT_EQ(r.kept_head, 50u);
  EXPECT_EQ(r.acknowledged_head, 50u);
  EXPECT_EQ(r.given_up.first, 0u);
  EXPECT_TRUE(r.extent_known);
  EXPECT_FALSE(r.lost());
  EXPECT_THAT(r.damaged_files, IsEmpty());
  EXPECT_THAT(r.checkpoints_lowered, IsEmpty());
  EXPECT_EQ(r.command_records_dropped, 0u);
  auto store = OpenOrDie({.path = tmp.Join("salvaged")});
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*store->GetCheckpoint("projection"), 50u);
  // Idempotency survived: the same command is recognised.
  auto again = store->Append("case-3", ExpectedVersion::Any(),
                             {testing::Event("Happened", Payload(3))}, "cmd-3",
                             testing::Meta());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->deduplicated);
  EXPECT_EQ(again->last_position, 3u);
}

// Without CURRENT the point-in-time open fails; best-efforts recovery
// finds the MANIFEST by itself (on a scratch copy, removed afterwards).
TEST(Salvage, MissingCurrentFallsBackToBestEfforts) {
  TempDir tmp;
  const std::string dir = tmp.Join("store");
  {
    auto store = OpenOrDie({.path = dir});
    ASSERT_NE(store, nullptr);
    Fill(*store, 1, 100);
  }
  ASSERT_TRUE(fs::remove(fs::path(dir) / "CURRENT"));
  const SalvageReport r = SalvageAndCheck(dir, tmp.Join("salvaged"));
  EXPECT_THAT(r.recovery, HasSubstr("best-efforts"));
  EXPECT_FALSE(fs::exists(fs::path(tmp.Join("salvaged")) / ".salvage-scratch"));
  EXPECT_EQ(r.kept_head, 100u);
  EXPECT_EQ(r.given_up.first, 0u);
  EXPECT_FALSE(r.lost());
}

// A MANIFEST cut short still opens, as the older version it describes,
// which here holds no table: nothing is kept, and every acknowledged
// position is reported as given up rather than silently missing. (The
// events are still in the copy's tables; rebuilding a MANIFEST from them
// is a restore's job, not this salvage's.)
TEST(Salvage, TruncatedManifestGivesUpWhatItNoLongerNames) {
  TempDir tmp;
  const std::string dir = tmp.Join("store");
  {
    auto store = OpenOrDie({.path = dir});
    ASSERT_NE(store, nullptr);
    Fill(*store, 1, 100);
  }
  const fs::path manifest = Newest(dir, Kind::kManifest);
  ASSERT_FALSE(manifest.empty());
  std::string bytes = ReadFile(manifest);
  bytes.resize(bytes.size() / 2);
  WriteFile(manifest, bytes);
  ASSERT_FALSE(EventStore::Open({.path = dir}).ok());

  const SalvageReport r = SalvageAndCheck(dir, tmp.Join("salvaged"));
  EXPECT_EQ(r.given_up, (PositionRange{r.kept_head + 1, 100}));
  EXPECT_THAT(r.acknowledged_sources, Contains("ACKNOWLEDGED witness 100"));
  EXPECT_TRUE(r.lost());
}

TEST(Salvage, RefusesBadTargetsAndSources) {
  TempDir tmp;
  const std::string dir = tmp.Join("store");
  {
    auto store = OpenOrDie({.path = dir});
    ASSERT_NE(store, nullptr);
    Fill(*store, 1, 3);
  }
  const std::string busy = tmp.Join("busy");
  fs::create_directories(busy);
  WriteFile(fs::path(busy) / "something", "x");
  EXPECT_EQ(EventStore::Salvage({.damaged_path = dir, .target_path = busy})
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      EventStore::Salvage({.damaged_path = dir, .target_path = dir + "/inside"})
          .status()
          .code(),
      absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(fs::exists(dir + "/inside"));
  EXPECT_EQ(EventStore::Salvage({.damaged_path = tmp.Join("missing"),
                                 .target_path = tmp.Join("out")})
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  EXPECT_FALSE(fs::exists(tmp.Join("out")));
}

}  // namespace
}  // namespace atgard::eventstore
