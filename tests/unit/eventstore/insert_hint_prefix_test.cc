// Memtable insertion hints are grouped by key space, by stream for the
// stream index, and by key for stream heads.
#include "eventstore/insert_hint_prefix.h"

#include <gtest/gtest.h>

#include <string>

#include "eventstore/keys.h"

namespace atgard::eventstore::internal {
namespace {

std::string PrefixOf(const std::string& key) {
  return InsertHintPrefix().Transform(key).ToString();
}

TEST(InsertHintPrefix, EventKeysShareTheirSpace) {
  EXPECT_EQ(PrefixOf(keys::EventKey(1)), PrefixOf(keys::EventKey(1ull << 40)));
  EXPECT_EQ(PrefixOf(keys::EventKey(1)).size(), 1u);
  EXPECT_EQ(PrefixOf(keys::CommandKey("a")), PrefixOf(keys::CommandKey("b")));
  EXPECT_NE(PrefixOf(keys::EventKey(1)), PrefixOf(keys::CommandKey("a")));
}

TEST(InsertHintPrefix, EachStreamHasItsOwnIndexPrefix) {
  EXPECT_EQ(PrefixOf(keys::StreamIndexKey("case-1", 1)),
            keys::StreamIndexPrefix("case-1"));
  EXPECT_EQ(PrefixOf(keys::StreamIndexKey("case-1", 1)),
            PrefixOf(keys::StreamIndexKey("case-1", 99)));
  EXPECT_NE(PrefixOf(keys::StreamIndexKey("case-1", 1)),
            PrefixOf(keys::StreamIndexKey("case-2", 1)));
  // A stream id that is a prefix of another is still another stream.
  EXPECT_NE(PrefixOf(keys::StreamIndexKey("case-", 1)),
            PrefixOf(keys::StreamIndexKey("case-1", 1)));
}

TEST(InsertHintPrefix, AnIndexKeyWithoutTerminatorIsItsOwnPrefix) {
  const std::string key = std::string(1, '\x02') + "no-terminator";
  EXPECT_EQ(PrefixOf(key), key);
}

TEST(InsertHintPrefix, EachStreamHeadIsItsOwnPrefix) {
  EXPECT_EQ(PrefixOf(keys::StreamHeadKey("case-1")),
            keys::StreamHeadKey("case-1"));
  EXPECT_NE(PrefixOf(keys::StreamHeadKey("case-1")),
            PrefixOf(keys::StreamHeadKey("case-2")));
}

TEST(InsertHintPrefix, EveryNonEmptyKeyIsInTheDomain) {
  const InsertHintPrefix prefix;
  EXPECT_FALSE(prefix.InDomain(rocksdb::Slice()));
  EXPECT_TRUE(prefix.InDomain(keys::EventKey(1)));
  EXPECT_TRUE(prefix.InDomain(keys::FormatKey()));
  EXPECT_TRUE(prefix.InDomain(std::string(1, '\xff')));
}

TEST(InsertHintPrefix, HasAStableName) {
  EXPECT_STREQ(InsertHintPrefix().Name(), "atgard.InsertHintPrefix");
}

}  // namespace
}  // namespace atgard::eventstore::internal
