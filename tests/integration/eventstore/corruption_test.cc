// Damaged files, LevelDB-style: for each kind of file in the data directory
// (write-ahead log, tables, MANIFEST, OPTIONS, CURRENT) a byte is flipped,
// the file is cut short or it is deleted, after a clean stop and in the
// image a crash leaves behind. The store then either opens with every
// acknowledged event intact or refuses to open with a clear error; it never
// opens with fewer events without saying so. Damage inside a table block
// that only a read reveals may pass the open: the first read that meets it
// answers DATA_LOSS and Verify() reports it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "eventstore/event_store.h"
#include "tests/integration/eventstore/store_test_util.h"
#include "tests/support/temp_dir.h"

namespace atgard::eventstore {
namespace {

namespace fs = std::filesystem;
using ::atgard::eventstore::testing::Event;
using ::atgard::eventstore::testing::Meta;
using ::atgard::eventstore::testing::OpenOrDie;
using ::atgard::testing::TempDir;
using ::testing::HasSubstr;

// Events flushed into a table before the rest are appended, and the rest,
// which a crash leaves in the write-ahead log only.
constexpr uint64_t kInTables = 300;
constexpr uint64_t kTotal = 450;

std::string Payload(uint64_t position) {
  // Long enough that records span the log's 32 KiB blocks and tables hold
  // several data blocks.
  return absl::StrFormat("payload %06d %s", position, std::string(120, 'x'));
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Appends kTotal events; the first kInTables go into a table.
void Fill(EventStore& store, uint64_t from, uint64_t to) {
  for (uint64_t p = from; p <= to; ++p) {
    auto r = store.Append(absl::StrCat("case-", p % 7), ExpectedVersion::Any(),
                          {Event("Happened", Payload(p))},
                          absl::StrCat("cmd-", p), Meta());
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_EQ(r->last_position, p);
  }
}

// Copies every file of `from` into the new directory `to`: what a power cut
// right now would leave on disk, since every acknowledged append is synced.
void CopyDirectory(const std::string& from, const std::string& to) {
  fs::create_directories(to);
  fs::permissions(to, fs::perms::owner_all);
  for (const auto& entry : fs::directory_iterator(from)) {
    if (entry.path().filename() == "LOCK") continue;
    fs::copy_file(entry.path(), fs::path(to) / entry.path().filename());
  }
}

enum class Stop { kClean, kCrash };
enum class Kind { kWal, kTable, kManifest, kOptions, kCurrent };
enum class Damage { kFlip, kTruncate, kDelete };

struct Case {
  Stop stop;
  Kind kind;
  Damage damage;
};

std::string Name(const Case& c) {
  static const char* kStops[] = {"CleanStop", "Crash"};
  static const char* kKinds[] = {"Wal", "Table", "Manifest", "Options",
                                 "Current"};
  static const char* kDamages[] = {"Flip", "Truncate", "Delete"};
  return absl::StrCat(kStops[static_cast<int>(c.stop)],
                      kKinds[static_cast<int>(c.kind)],
                      kDamages[static_cast<int>(c.damage)]);
}

bool IsKind(const std::string& name, Kind kind) {
  switch (kind) {
    case Kind::kWal:
      return absl::EndsWith(name, ".log");
    case Kind::kTable:
      return absl::EndsWith(name, ".sst");
    case Kind::kManifest:
      return absl::StartsWith(name, "MANIFEST-");
    case Kind::kOptions:
      return absl::StartsWith(name, "OPTIONS-");
    case Kind::kCurrent:
      return name == "CURRENT";
  }
  return false;
}

// The newest file of `kind` (file numbers are zero-padded, so the greatest
// name); empty if there is none.
fs::path Newest(const std::string& dir, Kind kind) {
  std::vector<fs::path> found;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (IsKind(entry.path().filename().string(), kind)) {
      found.push_back(entry.path());
    }
  }
  if (found.empty()) return {};
  return *std::max_element(found.begin(), found.end());
}

void Apply(const fs::path& file, Kind kind, Damage damage) {
  if (damage == Damage::kDelete) {
    ASSERT_TRUE(fs::remove(file));
    return;
  }
  std::string bytes = ReadFile(file);
  if (bytes.empty()) return;  // e.g. the log after a clean stop
  if (damage == Damage::kTruncate) {
    bytes.resize(bytes.size() / 2);
  } else {
    size_t at = bytes.size() / 3;
    if (kind == Kind::kWal) {
      // Inside an acknowledged event's payload, where the damage matters.
      const size_t found = bytes.find(Payload(kInTables + 20).substr(0, 14));
      if (found != std::string::npos) at = found + 10;
    } else if (kind == Kind::kCurrent) {
      at = bytes.size() - 2;  // the MANIFEST's number
    }
    bytes[at] ^= 0x01;
  }
  WriteFile(file, bytes);
}

class CorruptionTest : public ::testing::TestWithParam<Case> {
 protected:
  // Builds the store and returns the directory to damage.
  std::string Prepare(Stop stop) {
    const std::string dir = tmp_.Join("store");
    const std::string image = tmp_.Join("image");
    auto store = OpenOrDie({.path = dir});
    if (store == nullptr) return "";
    Fill(*store, 1, kInTables);
    EXPECT_TRUE(store->CompactAll().ok());
    Fill(*store, kInTables + 1, kTotal);
    if (stop == Stop::kClean) return dir;
    CopyDirectory(dir, image);
    return image;
  }

  TempDir tmp_;
};

TEST_P(CorruptionTest, OpensIntactOrRefusesNeverLosesSilently) {
  const Case c = GetParam();
  const std::string dir = Prepare(c.stop);
  ASSERT_FALSE(dir.empty());
  const fs::path victim = Newest(dir, c.kind);
  ASSERT_FALSE(victim.empty()) << "no file of this kind in " << dir;
  Apply(victim, c.kind, c.damage);

  absl::StatusOr<std::unique_ptr<EventStore>> store =
      EventStore::Open({.path = dir});
  if (!store.ok()) {
    // A refusal must say what is wrong and where.
    EXPECT_NE(store.status().code(), absl::StatusCode::kOk);
    EXPECT_THAT(store.status().message(), HasSubstr(dir));
    std::printf("%s: refused: %s\n", Name(c).c_str(),
                std::string(store.status().message()).c_str());
    return;
  }
  ASSERT_EQ((*store)->HeadPosition(), kTotal)
      << "opened with fewer events than were acknowledged";
  uint64_t next = 1;
  absl::Status read_error;
  while (next <= kTotal) {
    auto r = (*store)->ReadAll(next, 100);
    if (!r.ok()) {
      read_error = r.status();
      break;
    }
    for (const v1::EventEnvelope& e : r->events) {
      ASSERT_EQ(e.global_position(), next);
      ASSERT_EQ(e.payload(), Payload(next)) << "position " << next;
      ++next;
    }
  }
  auto report = (*store)->Verify();
  if (read_error.ok()) {
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_TRUE(report->ok) << report->problem;
    std::printf("%s: opened intact\n", Name(c).c_str());
    return;
  }
  // Damage a read revealed: named, and found by Verify() as well.
  EXPECT_EQ(read_error.code(), absl::StatusCode::kDataLoss) << read_error;
  EXPECT_THAT(read_error.message(), HasSubstr("position"));
  if (report.ok()) {
    EXPECT_FALSE(report->ok);
    EXPECT_GE(report->first_bad_position, next);
    std::printf("%s: read refused, verify: %s\n", Name(c).c_str(),
                report->problem.c_str());
  } else {
    EXPECT_EQ(report.status().code(), absl::StatusCode::kDataLoss);
  }
}

std::vector<Case> AllCases() {
  std::vector<Case> cases;
  for (Stop stop : {Stop::kClean, Stop::kCrash}) {
    for (Kind kind : {Kind::kWal, Kind::kTable, Kind::kManifest, Kind::kOptions,
                      Kind::kCurrent}) {
      for (Damage damage :
           {Damage::kFlip, Damage::kTruncate, Damage::kDelete}) {
        cases.push_back({stop, kind, damage});
      }
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(EveryFileKind, CorruptionTest,
                         ::testing::ValuesIn(AllCases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return Name(info.param);
                         });

}  // namespace
}  // namespace atgard::eventstore
