// Tamper evidence: Verify() recomputes the hash chain and the indexes and
// names the first position that does not match. Tampering goes through raw
// RocksDB, as someone with access to the files would.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "eventstore/canonical.h"
#include "eventstore/event_store.h"
#include "eventstore/keys.h"
#include "rocksdb/db.h"
#include "tests/integration/eventstore/store_test_util.h"
#include "tests/support/temp_dir.h"

namespace atgard::eventstore {
namespace {

using ::atgard::eventstore::testing::Event;
using ::atgard::eventstore::testing::Meta;
using ::atgard::eventstore::testing::OpenOrDie;
using ::atgard::testing::TempDir;
using ::testing::HasSubstr;

class VerifyTest : public ::testing::Test {
 protected:
  static constexpr uint64_t kEvents = 40;

  void SetUp() override {
    auto store = OpenOrDie({.path = tmp_.path()});
    ASSERT_NE(store, nullptr);
    for (uint64_t i = 0; i < kEvents; ++i) {
      ASSERT_TRUE(
          store
              ->Append(absl::StrCat("case-", i % 5), ExpectedVersion::Any(),
                       {Event("Happened", absl::StrCat("payload number ", i))},
                       absl::StrCat("cmd-", i), Meta())
              .ok());
    }
  }

  // Runs `tamper` on the raw database while the store is closed.
  void Tamper(const std::function<void(rocksdb::DB*)>& tamper) {
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), tmp_.path(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    tamper(db.get());
    ASSERT_TRUE(db->Close().ok());
  }

  std::string Get(rocksdb::DB* db, const std::string& key) {
    std::string value;
    EXPECT_TRUE(db->Get({}, key, &value).ok());
    return value;
  }

  VerifyReport VerifyAll(uint64_t from = 0, uint64_t to = 0) {
    auto store = OpenOrDie({.path = tmp_.path()});
    if (store == nullptr) return {};
    auto report = store->Verify(from, to);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *report : VerifyReport{};
  }

  TempDir tmp_;
};

TEST_F(VerifyTest, AnUntouchedStoreVerifies) {
  VerifyReport all = VerifyAll();
  EXPECT_TRUE(all.ok) << all.problem;
  EXPECT_EQ(all.events_checked, kEvents);
  EXPECT_EQ(all.first_bad_position, 0u);
  VerifyReport part = VerifyAll(10, 20);
  EXPECT_TRUE(part.ok) << part.problem;
  EXPECT_EQ(part.events_checked, 11u);
  VerifyReport tail = VerifyAll(30, 0);
  EXPECT_TRUE(tail.ok) << tail.problem;
  EXPECT_EQ(tail.events_checked, kEvents - 29);
}

// Every file of the directory with its contents.
std::map<std::string, std::string> Snapshot(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    files[entry.path().filename().string()] =
        std::string(std::istreambuf_iterator<char>(in), {});
  }
  return files;
}

TEST_F(VerifyTest, AReadOnlyVerifyChangesNoFile) {
  const std::map<std::string, std::string> before = Snapshot(tmp_.path());
  {
    auto store = OpenOrDie({.path = tmp_.path(), .read_only = true});
    ASSERT_NE(store, nullptr);
    auto report = store->Verify();
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_TRUE(report->ok) << report->problem;
    EXPECT_EQ(report->events_checked, kEvents);
    EXPECT_EQ(store
                  ->Append("case-x", ExpectedVersion::Any(),
                           {Event("Happened", "no")}, "", Meta())
                  .status()
                  .code(),
              absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(store->PutCheckpoint("reader", 3).code(),
              absl::StatusCode::kFailedPrecondition);
  }
  EXPECT_EQ(Snapshot(tmp_.path()), before);
}

TEST_F(VerifyTest, AnEmptyStoreVerifies) {
  TempDir empty;
  auto store = OpenOrDie({.path = empty.path()});
  ASSERT_NE(store, nullptr);
  auto report = store->Verify();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->ok);
  EXPECT_EQ(report->events_checked, 0u);
}

TEST_F(VerifyTest, RefusesRangesOutsideTheLog) {
  auto store = OpenOrDie({.path = tmp_.path()});
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Verify(1, kEvents + 1).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store->Verify(10, 5).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(VerifyTest, OneFlippedPayloadByteIsNamed) {
  constexpr uint64_t kVictim = 17;
  Tamper([&](rocksdb::DB* db) {
    std::string value = Get(db, keys::EventKey(kVictim));
    const size_t at = value.find("payload number 16");
    ASSERT_NE(at, std::string::npos);
    value[at + 3] ^= 0x01;  // 'l' -> 'm'
    ASSERT_TRUE(db->Put({}, keys::EventKey(kVictim), value).ok());
  });
  VerifyReport report = VerifyAll();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_position, kVictim);
  EXPECT_THAT(report.problem, HasSubstr("hash mismatch"));
  // A range that ends before it does not see it; one that includes it does.
  EXPECT_TRUE(VerifyAll(1, kVictim - 1).ok);
  EXPECT_EQ(VerifyAll(kVictim, kVictim + 3).first_bad_position, kVictim);
}

TEST_F(VerifyTest, AnyFlippedByteOfAnEventIsNamed) {
  // Every byte position of one stored event, one at a time.
  constexpr uint64_t kVictim = 23;
  std::string original;
  Tamper([&](rocksdb::DB* db) { original = Get(db, keys::EventKey(kVictim)); });
  for (size_t at = 0; at < original.size(); at += 7) {
    Tamper([&](rocksdb::DB* db) {
      std::string value = original;
      value[at] ^= 0x20;
      ASSERT_TRUE(db->Put({}, keys::EventKey(kVictim), value).ok());
    });
    VerifyReport report = VerifyAll();
    EXPECT_FALSE(report.ok) << "byte " << at;
    EXPECT_EQ(report.first_bad_position, kVictim)
        << "byte " << at << ": " << report.problem;
  }
}

TEST_F(VerifyTest, ARehashedForgeryBreaksTheNextLink) {
  constexpr uint64_t kVictim = 12;
  Tamper([&](rocksdb::DB* db) {
    v1::EventEnvelope e;
    ASSERT_TRUE(e.ParseFromString(Get(db, keys::EventKey(kVictim))));
    e.set_payload("forged");
    std::string scratch;
    const keys::Hash h = EventHash(e, &scratch);
    e.set_hash(std::string(reinterpret_cast<const char*>(h.data()), h.size()));
    ASSERT_TRUE(
        db->Put({}, keys::EventKey(kVictim), e.SerializeAsString()).ok());
  });
  VerifyReport report = VerifyAll();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_position, kVictim + 1);
  EXPECT_THAT(report.problem, HasSubstr("chain link"));
}

TEST_F(VerifyTest, ADeletedEventIsNamed) {
  Tamper([&](rocksdb::DB* db) {
    ASSERT_TRUE(db->Delete({}, keys::EventKey(9)).ok());
  });
  VerifyReport report = VerifyAll();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_position, 9u);
  EXPECT_THAT(report.problem, HasSubstr("missing"));
}

TEST_F(VerifyTest, AWrongStreamIndexEntryIsNamed) {
  // Event 8 is case-2 version 2; point that index entry elsewhere.
  Tamper([&](rocksdb::DB* db) {
    std::string position;
    keys::PutFixed64(&position, 3);
    ASSERT_TRUE(db->Put({}, keys::StreamIndexKey("case-2", 2), position).ok());
  });
  VerifyReport report = VerifyAll();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_position, 8u);
  EXPECT_THAT(report.problem, HasSubstr("stream index"));
}

TEST_F(VerifyTest, AStrayStreamIndexEntryIsFound) {
  Tamper([&](rocksdb::DB* db) {
    std::string position;
    keys::PutFixed64(&position, 5);
    ASSERT_TRUE(db->Put({}, keys::StreamIndexKey("case-9", 1), position).ok());
  });
  VerifyReport report = VerifyAll();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_position, 5u);
  EXPECT_THAT(report.problem, HasSubstr("stream index"));
}

TEST_F(VerifyTest, AWrongStreamHeadIsNamed) {
  Tamper([&](rocksdb::DB* db) {
    ASSERT_TRUE(
        db->Put({}, keys::StreamHeadKey("case-3"),
                keys::EncodeStreamHead(
                    {.version = 7, .first_position = 4, .last_position = 39}))
            .ok());
  });
  VerifyReport report = VerifyAll();
  EXPECT_FALSE(report.ok);
  // case-3's last event is at position 39 (i = 38).
  EXPECT_EQ(report.first_bad_position, 39u);
  EXPECT_THAT(report.problem, HasSubstr("stream head of case-3"));
}

TEST_F(VerifyTest, OpenRefusesALogThatDisagreesWithItsChainHead) {
  Tamper([&](rocksdb::DB* db) {
    ASSERT_TRUE(db->Delete({}, keys::EventKey(kEvents)).ok());
  });
  auto store = EventStore::Open({.path = tmp_.path()});
  EXPECT_EQ(store.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(store.status().message(), HasSubstr("hash-chain head"));
}

}  // namespace
}  // namespace atgard::eventstore
