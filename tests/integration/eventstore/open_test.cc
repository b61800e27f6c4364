// Opening a data directory: what is accepted, and the clear refusals.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "eventstore/event_store.h"
#include "rocksdb/db.h"
#include "tests/integration/eventstore/store_test_util.h"
#include "tests/support/temp_dir.h"

namespace atgard::eventstore {
namespace {

using ::atgard::eventstore::testing::AppendOne;
using ::atgard::eventstore::testing::ExpectIntact;
using ::atgard::eventstore::testing::ReadEverything;
using ::atgard::testing::TempDir;
using ::testing::HasSubstr;

TEST(EventStoreOpen, CreatesMissingDirectoryAndReopens) {
  TempDir tmp;
  const std::string dir = tmp.Join("nested/data");
  {
    auto store = EventStore::Open({.path = dir});
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ((*store)->path(), dir);
  }
  auto again = EventStore::Open({.path = dir});
  EXPECT_TRUE(again.ok()) << again.status();
}

TEST(EventStoreOpen, AcceptsAnEmptyDirectory) {
  TempDir tmp;
  auto store = EventStore::Open({.path = tmp.path()});
  EXPECT_TRUE(store.ok()) << store.status();
}

TEST(EventStoreOpen, RefusesANonEmptyDirectoryThatIsNoStore) {
  TempDir tmp;
  std::ofstream(tmp.Join("notes.txt")) << "not a database";
  auto store = EventStore::Open({.path = tmp.path()});
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(store.status().message(), HasSubstr("no atgard store"));
  EXPECT_TRUE(std::filesystem::exists(tmp.Join("notes.txt")));
  EXPECT_FALSE(std::filesystem::exists(tmp.Join("CURRENT")));
}

TEST(EventStoreOpen, RefusesAForeignRocksDbDatabase) {
  TempDir tmp;
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, tmp.path(), &db).ok());
    ASSERT_TRUE(db->Put({}, "someone", "else's").ok());
    delete db;
  }
  auto store = EventStore::Open({.path = tmp.path()});
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(store.status().message(), HasSubstr("not an atgard store"));
}

TEST(EventStoreOpen, FinishesACreationInterruptedBeforeTheFormatWasWritten) {
  TempDir tmp;
  {
    // A crash right after RocksDB created the database: no key yet.
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, tmp.path(), &db).ok());
    delete db;
  }
  auto store = EventStore::Open({.path = tmp.path()});
  ASSERT_TRUE(store.ok()) << store.status();
  store->reset();
  EXPECT_TRUE(EventStore::Open({.path = tmp.path()}).ok());
}

TEST(EventStoreOpen, FinishesACreationInterruptedBeforeCurrentWasWritten) {
  TempDir tmp;
  std::ofstream(tmp.Join("LOCK")) << "";
  std::ofstream(tmp.Join("IDENTITY")) << "x";
  std::ofstream(tmp.Join("LOG")) << "starting";
  // The finished store works: it takes an append, reads it back, and
  // opens again as an atgard store with the event in it.
  std::vector<v1::EventEnvelope> before;
  {
    auto store = EventStore::Open({.path = tmp.path()});
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ((*store)->HeadPosition(), 0u);
    const AppendResult r = AppendOne(**store, "case-1", "cmd-1");
    EXPECT_EQ(r.first_position, 1u);
    EXPECT_EQ(r.last_version, 1u);
    before = ReadEverything(**store);
    ASSERT_EQ(before.size(), 1u);
    EXPECT_EQ(before[0].stream_id(), "case-1");
    EXPECT_EQ(before[0].global_position(), 1u);
    EXPECT_EQ(before[0].payload(), "payload of case-1 cmd-1");
  }
  auto reopened = EventStore::Open({.path = tmp.path()});
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ((*reopened)->HeadPosition(), 1u);
  const std::vector<v1::EventEnvelope> after = ReadEverything(**reopened);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].SerializeAsString(), before[0].SerializeAsString());
  ExpectIntact(**reopened, 1);
}

TEST(EventStoreOpen, RefusesAFile) {
  TempDir tmp;
  std::ofstream(tmp.Join("file")) << "x";
  auto store = EventStore::Open({.path = tmp.Join("file")});
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(store.status().message(), HasSubstr("not a directory"));
}

TEST(EventStoreOpen, RefusesADirectoryInUse) {
  TempDir tmp;
  auto first = EventStore::Open({.path = tmp.path()});
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = EventStore::Open({.path = tmp.path()});
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(second.status().message(), HasSubstr("in use"));
}

}  // namespace
}  // namespace atgard::eventstore
