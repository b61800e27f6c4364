// The writer's cache of stream heads: least recently used evicted first.
#include "eventstore/head_cache.h"

#include <gtest/gtest.h>

#include <string>

namespace atgard::eventstore::internal {
namespace {

keys::StreamHead Head(uint64_t version) {
  return keys::StreamHead{
      .version = version, .first_position = 1, .last_position = version};
}

TEST(HeadCache, FindsWhatWasPut) {
  HeadCache cache(4);
  EXPECT_EQ(cache.Find("case-1"), nullptr);
  cache.Put("case-1", Head(3));
  const keys::StreamHead* head = cache.Find("case-1");
  ASSERT_NE(head, nullptr);
  EXPECT_EQ(head->version, 3u);
  EXPECT_EQ(head->last_position, 3u);
  EXPECT_EQ(cache.Find("case-2"), nullptr);
}

TEST(HeadCache, PutReplacesWithoutGrowing) {
  HeadCache cache(4);
  cache.Put("case-1", Head(3));
  cache.Put("case-1", Head(4));
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.Find("case-1")->version, 4u);
}

TEST(HeadCache, KeepsItsOwnCopyOfTheStreamId) {
  HeadCache cache(4);
  {
    std::string id = "case-1";
    cache.Put(id, Head(3));
    id.assign("overwritten");
  }
  ASSERT_NE(cache.Find("case-1"), nullptr);
}

TEST(HeadCache, EvictsTheLeastRecentlyUsed) {
  HeadCache cache(2);
  cache.Put("a", Head(1));
  cache.Put("b", Head(2));
  cache.Put("c", Head(3));
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.Find("a"), nullptr);
  EXPECT_NE(cache.Find("b"), nullptr);
  EXPECT_NE(cache.Find("c"), nullptr);
}

TEST(HeadCache, FindAndPutBothCountAsUse) {
  HeadCache cache(2);
  cache.Put("a", Head(1));
  cache.Put("b", Head(2));
  ASSERT_NE(cache.Find("a"), nullptr);  // now b is the oldest
  cache.Put("c", Head(3));
  EXPECT_NE(cache.Find("a"), nullptr);
  EXPECT_EQ(cache.Find("b"), nullptr);

  cache.Put("c", Head(4));  // updating c makes a the oldest
  cache.Put("d", Head(5));
  EXPECT_EQ(cache.Find("a"), nullptr);
  EXPECT_EQ(cache.Find("c")->version, 4u);
}

TEST(HeadCache, ACapacityOfZeroHoldsOne) {
  HeadCache cache(0);
  cache.Put("a", Head(1));
  EXPECT_NE(cache.Find("a"), nullptr);
  cache.Put("b", Head(2));
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.Find("a"), nullptr);
  EXPECT_NE(cache.Find("b"), nullptr);
}

}  // namespace
}  // namespace atgard::eventstore::internal
