// Damaged files, LevelDB-style: for each kind of file in the data directory
// (write-ahead log, tables, MANIFEST, OPTIONS, CURRENT) a byte is flipped,
// the file is cut short or it is deleted, after a clean stop and in the
// image a crash leaves behind. The store then either opens with every
// acknowledged event intact or refuses to open with a clear error (DATA_LOSS
// unless documented otherwise) and without changing a single file; it never
// opens with fewer events without saying so. Damage inside a table block
// that only a read reveals may pass the open: the first read that meets it
// answers DATA_LOSS and Verify() reports it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "eventstore/event_store.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"
#include "tests/integration/eventstore/damage_util.h"
#include "tests/integration/eventstore/store_test_util.h"
#include "tests/support/temp_dir.h"

namespace atgard::eventstore {
namespace {

namespace fs = std::filesystem;
using ::atgard::eventstore::testing::CopyDirectory;
using ::atgard::eventstore::testing::Fill;
using ::atgard::eventstore::testing::IsKind;
using ::atgard::eventstore::testing::Kind;
using ::atgard::eventstore::testing::Newest;
using ::atgard::eventstore::testing::OpenOrDie;
using ::atgard::eventstore::testing::Payload;
using ::atgard::eventstore::testing::ReadFile;
using ::atgard::eventstore::testing::WriteFile;
using ::atgard::testing::TempDir;
using ::testing::HasSubstr;

// Events flushed into a table before the rest are appended, and the rest,
// which a crash leaves in the write-ahead log only.
constexpr uint64_t kInTables = 300;
constexpr uint64_t kTotal = 450;

enum class Stop { kClean, kCrash };
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

// How the open must answer a case: nullopt if it must open (the damage
// hides nothing acknowledged, or only a read reveals it), else the code of
// its refusal.
std::optional<absl::StatusCode> Refusal(const Case& c) {
  switch (c.kind) {
    case Kind::kWal:
      // After a clean stop the log holds nothing acknowledged.
      if (c.stop == Stop::kClean) return std::nullopt;
      return absl::StatusCode::kDataLoss;
    case Kind::kTable:
      if (c.damage == Damage::kFlip) return std::nullopt;  // found on read
      return absl::StatusCode::kDataLoss;
    case Kind::kManifest:
      return absl::StatusCode::kDataLoss;
    case Kind::kOptions:
      return std::nullopt;  // RocksDB does not need it to open
    case Kind::kCurrent:
      // Without CURRENT nothing says the directory holds a store.
      if (c.damage == Damage::kDelete) {
        return absl::StatusCode::kFailedPrecondition;
      }
      return absl::StatusCode::kDataLoss;
  }
  return absl::StatusCode::kDataLoss;
}

// Every file of `dir` with its bytes: a refused open must leave them all.
std::map<std::string, std::string> Snapshot(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    files[entry.path().filename().string()] = ReadFile(entry.path());
  }
  return files;
}

// Names the files that differ, for a readable failure.
std::string Changed(const std::map<std::string, std::string>& before,
                    const std::map<std::string, std::string>& after) {
  std::string changed;
  for (const auto& [name, bytes] : before) {
    auto it = after.find(name);
    if (it == after.end()) {
      absl::StrAppend(&changed, " deleted ", name, ";");
    } else if (it->second != bytes) {
      absl::StrAppend(&changed, " rewrote ", name, ";");
    }
  }
  for (const auto& [name, bytes] : after) {
    if (before.count(name) == 0)
      absl::StrAppend(&changed, " created ", name, ";");
  }
  return changed;
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
  if (c.stop == Stop::kClean && c.kind == Kind::kWal &&
      c.damage != Damage::kDelete) {
    GTEST_SKIP() << "after a clean stop the write-ahead log is empty: there "
                    "is no byte to flip or cut (CorruptionWal and "
                    "CorruptionWalHole damage logs that hold events)";
  }
  const std::string dir = Prepare(c.stop);
  ASSERT_FALSE(dir.empty());
  const fs::path victim = Newest(dir, c.kind);
  ASSERT_FALSE(victim.empty()) << "no file of this kind in " << dir;
  Apply(victim, c.kind, c.damage);

  const std::map<std::string, std::string> before = Snapshot(dir);
  absl::StatusOr<std::unique_ptr<EventStore>> store =
      EventStore::Open({.path = dir});
  const std::optional<absl::StatusCode> refusal = Refusal(c);
  if (!store.ok()) {
    std::printf("%s: refused: %s\n", Name(c).c_str(),
                std::string(store.status().message()).c_str());
    ASSERT_TRUE(refusal.has_value()) << "must open: " << store.status();
    // A refusal must say what is wrong and where, and change nothing: the
    // files are the evidence.
    EXPECT_EQ(store.status().code(), *refusal) << store.status();
    EXPECT_THAT(store.status().message(), HasSubstr(dir));
    EXPECT_EQ(Changed(before, Snapshot(dir)), "")
        << "the refused open changed the directory";
    return;
  }
  ASSERT_FALSE(refusal.has_value()) << "must be refused, but opened";
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
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->ok);
  // ReadAll() refused the page of events that holds the damaged block.
  EXPECT_GE(report->first_bad_position, next);
  EXPECT_LT(report->first_bad_position, next + 100);
  EXPECT_THAT(report->problem, HasSubstr("cannot be read (streams case-"));
  std::printf("%s: read refused, verify: %s\n", Name(c).c_str(),
              report->problem.c_str());
}

// A crash image whose log ends in the first part of a write that was never
// acknowledged: the torn tail is dropped and reported, nothing else.
TEST(CorruptionTornTail, IsDroppedAndReported) {
  TempDir tmp;
  const std::string dir = tmp.Join("store");
  auto store = OpenOrDie({.path = dir});
  ASSERT_NE(store, nullptr);
  Fill(*store, 1, 100);
  CopyDirectory(dir, tmp.Join("before"));
  Fill(*store, 101, 101);
  CopyDirectory(dir, tmp.Join("after"));
  store.reset();
  const fs::path wal = Newest(tmp.Join("before"), Kind::kWal);
  const std::string before = ReadFile(wal);
  const std::string after =
      ReadFile(fs::path(tmp.Join("after")) / wal.filename());
  ASSERT_GT(after.size(), before.size() + 20);
  // Half of the unacknowledged record reached the disk.
  WriteFile(
      wal, after.substr(0, before.size() + (after.size() - before.size()) / 2));

  auto reopened = EventStore::Open({.path = tmp.Join("before")});
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ((*reopened)->HeadPosition(), 100u);
  const RecoveryReport& recovery = (*reopened)->Recovery();
  EXPECT_EQ(recovery.head_position, 100u);
  EXPECT_FALSE(recovery.clean_stop);
  EXPECT_EQ(recovery.torn_tail_bytes, (after.size() - before.size()) / 2);
  EXPECT_EQ(recovery.torn_tail_file, wal.filename().string());
}

// The damage report names the log file, where its intact records end and
// the last position read intact.
TEST(CorruptionWal, DamageIsNamed) {
  TempDir tmp;
  const std::string dir = tmp.Join("store");
  auto store = OpenOrDie({.path = dir});
  ASSERT_NE(store, nullptr);
  Fill(*store, 1, 300);
  CopyDirectory(dir, tmp.Join("image"));
  store.reset();
  const fs::path wal = Newest(tmp.Join("image"), Kind::kWal);
  std::string bytes = ReadFile(wal);
  const size_t at = bytes.find(Payload(154).substr(0, 14));
  ASSERT_NE(at, std::string::npos);
  bytes[at + 10] ^= 0x01;
  WriteFile(wal, bytes);

  auto reopened = EventStore::Open({.path = tmp.Join("image")});
  ASSERT_EQ(reopened.status().code(), absl::StatusCode::kDataLoss)
      << reopened.status();
  EXPECT_THAT(reopened.status().message(),
              HasSubstr(absl::StrCat("the write-ahead log ",
                                     wal.filename().string(), " is damaged")));
  EXPECT_THAT(reopened.status().message(), HasSubstr("after byte offset "));
  EXPECT_THAT(reopened.status().message(),
              HasSubstr("the last position read intact is 153"));
  // Refusing changed nothing: it refuses again.
  EXPECT_EQ(EventStore::Open({.path = tmp.Join("image")}).status().code(),
            absl::StatusCode::kDataLoss);
}

// A clean stop leaves every event in a table: the log that follows holds
// nothing acknowledged, whatever becomes of it.
TEST(CorruptionCleanStop, LeavesNothingInTheLog) {
  TempDir tmp;
  {
    auto store = OpenOrDie({.path = tmp.path()});
    ASSERT_NE(store, nullptr);
    Fill(*store, 1, 300);
  }
  for (const auto& entry : fs::directory_iterator(tmp.path())) {
    if (IsKind(entry.path().filename().string(), Kind::kWal)) {
      EXPECT_EQ(fs::file_size(entry.path()), 0u) << entry.path();
    }
  }
  auto store = OpenOrDie({.path = tmp.path()});
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->Recovery().clean_stop);
  EXPECT_EQ(store->Recovery().head_position, 300u);
}

// A MANIFEST cut short no longer lists the table that holds positions
// 1..300 (and a read-write open would delete it, and the log beside it):
// the open is refused, names the MANIFEST and the table, and deletes
// nothing.
TEST(CorruptionManifest, CutShortIsNamedAndNothingIsDeleted) {
  TempDir tmp;
  const std::string dir = tmp.Join("store");
  auto store = OpenOrDie({.path = dir});
  ASSERT_NE(store, nullptr);
  Fill(*store, 1, kInTables);
  ASSERT_TRUE(store->CompactAll().ok());
  Fill(*store, kInTables + 1, kTotal);
  CopyDirectory(dir, tmp.Join("image"));
  store.reset();
  const std::string image = tmp.Join("image");
  const fs::path manifest = Newest(image, Kind::kManifest);
  const fs::path table = Newest(image, Kind::kTable);
  Apply(manifest, Kind::kManifest, Damage::kTruncate);
  const std::map<std::string, std::string> before = Snapshot(image);

  auto reopened = EventStore::Open({.path = image});
  ASSERT_EQ(reopened.status().code(), absl::StatusCode::kDataLoss)
      << reopened.status();
  EXPECT_THAT(reopened.status().message(),
              HasSubstr(manifest.filename().string()));
  EXPECT_THAT(reopened.status().message(),
              HasSubstr(table.filename().string()));
  EXPECT_EQ(Changed(before, Snapshot(image)), "");
}

// Appends `position` (the store is at position - 1) with a payload of
// `length` bytes.
void AppendSized(EventStore& store, uint64_t position, size_t length) {
  auto r =
      store.Append(absl::StrCat("case-", position % 7), ExpectedVersion::Any(),
                   {testing::Event("Happened", std::string(length, 'y'))},
                   absl::StrCat("cmd-", position), testing::Meta());
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->last_position, position);
}

// A record header zeroed in the middle of the log: RocksDB, tolerating a
// torn tail, drops the rest of that 32 KiB block and, when the next block
// starts with a whole record, goes on from there without a word. The
// sequence numbers then skip, and the open is refused, naming the log and
// the last position read intact, changing nothing.
TEST(CorruptionWalHole, ZeroedHeaderInTheMiddleIsRefused) {
  constexpr uint64_t kBlock = 32768;
  TempDir tmp;
  const std::string dir = tmp.Join("store");
  auto store = OpenOrDie({.path = dir});
  ASSERT_NE(store, nullptr);
  Fill(*store, 1, 100);
  const fs::path wal = Newest(dir, Kind::kWal);
  // The size of one record of Payload().
  uint64_t before = fs::file_size(wal);
  Fill(*store, 101, 101);
  const uint64_t record = fs::file_size(wal) - before;
  ASSERT_LT(before % kBlock + record, kBlock) << "pick another position";
  // Standard records until the block has room for two to three more.
  uint64_t position = 101;
  while (kBlock - fs::file_size(wal) % kBlock >= 3 * record + 100) {
    Fill(*store, position + 1, position + 1);
    ++position;
  }
  const uint64_t room = kBlock - fs::file_size(wal) % kBlock;
  // The record whose header is zeroed, then one sized to end 3 bytes
  // before the block does (too few for a header: padding), so that the
  // next block starts with a whole record.
  const uint64_t at = fs::file_size(wal);
  const uint64_t zeroed = position + 1;
  Fill(*store, zeroed, zeroed);
  AppendSized(*store, zeroed + 1, Payload(1).size() + (room - 2 * record - 3));
  ASSERT_EQ(fs::file_size(wal) % kBlock, kBlock - 3)
      << "the sized record did not end where planned";
  Fill(*store, zeroed + 2, zeroed + 200);
  CopyDirectory(dir, tmp.Join("image"));
  store.reset();

  const std::string image = tmp.Join("image");
  const fs::path damaged = fs::path(image) / wal.filename();
  std::string bytes = ReadFile(damaged);
  bytes.replace(at, 7, std::string(7, '\0'));
  WriteFile(damaged, bytes);
  const std::map<std::string, std::string> files = Snapshot(image);

  auto reopened = EventStore::Open({.path = image});
  std::printf("refused: %s\n", reopened.status().ToString().c_str());
  ASSERT_EQ(reopened.status().code(), absl::StatusCode::kDataLoss)
      << reopened.status();
  EXPECT_THAT(
      reopened.status().message(),
      HasSubstr(absl::StrCat("the write-ahead log ", wal.filename().string())));
  EXPECT_THAT(
      reopened.status().message(),
      HasSubstr(absl::StrCat("the last position read intact is ", zeroed - 1)));
  EXPECT_EQ(Changed(files, Snapshot(image)), "");
}

// Holds back the creation of table files while armed: a flush then waits
// with its log switched but not yet obsolete, so two logs are live.
class HoldTablesFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit HoldTablesFileSystem(std::shared_ptr<rocksdb::FileSystem> base)
      : rocksdb::FileSystemWrapper(std::move(base)) {}
  const char* Name() const override { return "HoldTablesFileSystem"; }

  rocksdb::IOStatus NewWritableFile(
      const std::string& name, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* dbg) override {
    if (absl::EndsWith(name, ".sst")) {
      std::unique_lock<std::mutex> l(mu_);
      held_ = true;
      cv_.notify_all();
      cv_.wait(l, [this] { return !hold_; });
    }
    return target()->NewWritableFile(name, options, result, dbg);
  }

  void Hold() {
    std::lock_guard<std::mutex> l(mu_);
    hold_ = true;
  }
  void WaitUntilHeld() {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [this] { return held_; });
  }
  void Release() {
    std::lock_guard<std::mutex> l(mu_);
    hold_ = false;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool hold_ = false;
  bool held_ = false;
};

// A log that is not the last one cut short: RocksDB, tolerating a torn
// tail, takes its end for one; but acknowledged events follow in the next
// log. The open is refused, naming the cut log, changing nothing.
TEST(CorruptionWalHole, CutLogThatIsNotTheLastIsRefused) {
  TempDir tmp;
  const std::string dir = tmp.Join("store");
  auto fs =
      std::make_shared<HoldTablesFileSystem>(rocksdb::FileSystem::Default());
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  auto store = OpenOrDie({.path = dir, .env = env.get()});
  ASSERT_NE(store, nullptr);
  Fill(*store, 1, 300);
  const fs::path first = Newest(dir, Kind::kWal);
  fs->Hold();
  std::thread compact([&] { EXPECT_TRUE(store->CompactAll().ok()); });
  fs->WaitUntilHeld();
  Fill(*store, 301, 320);
  CopyDirectory(dir, tmp.Join("image"));
  fs->Release();
  compact.join();
  store.reset();

  const std::string image = tmp.Join("image");
  std::vector<std::string> logs;
  for (const auto& entry : fs::directory_iterator(image)) {
    if (IsKind(entry.path().filename().string(), Kind::kWal)) {
      logs.push_back(entry.path().filename().string());
    }
  }
  ASSERT_EQ(logs.size(), 2u) << "the flush did not leave two live logs";
  const fs::path cut = fs::path(image) / first.filename();
  const std::string bytes = ReadFile(cut);
  WriteFile(cut, bytes.substr(0, bytes.size() / 2));
  const std::map<std::string, std::string> before = Snapshot(image);

  auto reopened = EventStore::Open({.path = image});
  std::printf("refused: %s\n", reopened.status().ToString().c_str());
  ASSERT_EQ(reopened.status().code(), absl::StatusCode::kDataLoss)
      << reopened.status();
  EXPECT_THAT(reopened.status().message(),
              HasSubstr(absl::StrCat("the write-ahead log ",
                                     first.filename().string())));
  EXPECT_EQ(Changed(before, Snapshot(image)), "");
}

// The witness's check word covers its hash: a flipped hash byte is named
// as a damaged witness, not taken for a different acknowledged event.
TEST(CorruptionWitness, FlippedHashIsDamage) {
  TempDir tmp;
  const std::string dir = tmp.Join("store");
  auto store = OpenOrDie({.path = dir});
  ASSERT_NE(store, nullptr);
  Fill(*store, 1, 100);
  CopyDirectory(dir, tmp.Join("image"));
  store.reset();
  const fs::path witness = fs::path(tmp.Join("image")) / "ACKNOWLEDGED";
  std::string bytes = ReadFile(witness);
  ASSERT_EQ(bytes.size(), 56u);
  bytes[20] ^= 0x01;  // inside the hash
  WriteFile(witness, bytes);
  const std::map<std::string, std::string> files = Snapshot(tmp.Join("image"));

  auto reopened = EventStore::Open({.path = tmp.Join("image")});
  ASSERT_EQ(reopened.status().code(), absl::StatusCode::kDataLoss)
      << reopened.status();
  EXPECT_THAT(reopened.status().message(),
              HasSubstr("does not hold a readable acknowledged head"));
  EXPECT_EQ(Changed(files, Snapshot(tmp.Join("image"))), "");
}

// A witness of zero bytes only (a power cut before its first write reached
// the disk) makes no claim: the store opens and says so.
TEST(CorruptionWitness, AllZeroIsAbsentWithAWarning) {
  TempDir tmp;
  const std::string dir = tmp.Join("store");
  auto store = OpenOrDie({.path = dir});
  ASSERT_NE(store, nullptr);
  Fill(*store, 1, 100);
  CopyDirectory(dir, tmp.Join("image"));
  store.reset();
  const fs::path witness = fs::path(tmp.Join("image")) / "ACKNOWLEDGED";
  WriteFile(witness, std::string(56, '\0'));

  auto reopened = OpenOrDie({.path = tmp.Join("image")});
  ASSERT_NE(reopened, nullptr);
  EXPECT_TRUE(reopened->Recovery().witness_zeroed);
  EXPECT_EQ(reopened->HeadPosition(), 100u);
}

// A crash after an open that recovered from a clean stop, with no append
// in between, is no clean stop: the stop record is still there (it claims
// the head at that stop), but the open marked the store as running.
TEST(CorruptionCleanStop, CrashAfterReopenIsNotACleanStop) {
  TempDir tmp;
  const std::string dir = tmp.Join("store");
  {
    auto store = OpenOrDie({.path = dir});
    ASSERT_NE(store, nullptr);
    Fill(*store, 1, 300);
  }
  auto store = OpenOrDie({.path = dir});
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->Recovery().clean_stop);
  CopyDirectory(dir, tmp.Join("image"));
  store.reset();

  auto crashed = OpenOrDie({.path = tmp.Join("image")});
  ASSERT_NE(crashed, nullptr);
  EXPECT_FALSE(crashed->Recovery().clean_stop);
  EXPECT_EQ(crashed->Recovery().head_position, 300u);
  crashed.reset();
  // And a clean stop after it is one again.
  auto again = OpenOrDie({.path = tmp.Join("image")});
  ASSERT_NE(again, nullptr);
  EXPECT_TRUE(again->Recovery().clean_stop);
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
