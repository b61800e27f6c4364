// The key layout: byte order of encoded keys is numeric order, keys of one
// stream stay together, and every value round-trips.
#include "eventstore/keys.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"

namespace atgard::eventstore::keys {
namespace {

const std::vector<uint64_t>& Interesting() {
  static const std::vector<uint64_t> values = {0,           1,
                                               2,           127,
                                               128,         255,
                                               256,         257,
                                               65535,       65536,
                                               16777215,    16777216,
                                               4294967295u, 4294967296u,
                                               4294967297u, 1ull << 40,
                                               1ull << 56,  (1ull << 63) - 1,
                                               1ull << 63,  UINT64_MAX - 1,
                                               UINT64_MAX};
  return values;
}

TEST(Keys, Fixed64IsBigEndianAndRoundTrips) {
  std::string s;
  PutFixed64(&s, 0x0102030405060708ull);
  EXPECT_EQ(s, std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  for (uint64_t v : Interesting()) {
    std::string e;
    PutFixed64(&e, v);
    ASSERT_EQ(e.size(), 8u);
    EXPECT_EQ(DecodeFixed64(e.data()), v);
  }
}

TEST(Keys, EventKeyOrderIsNumericOrder) {
  const std::vector<uint64_t>& v = Interesting();
  for (size_t i = 0; i < v.size(); ++i) {
    for (size_t j = 0; j < v.size(); ++j) {
      EXPECT_EQ(EventKey(v[i]) < EventKey(v[j]), v[i] < v[j])
          << v[i] << " vs " << v[j];
    }
  }
  // 256 after 255, 2^32 after 2^32 - 1: the classic little-endian traps.
  EXPECT_LT(EventKey(255), EventKey(256));
  EXPECT_LT(EventKey(4294967295u), EventKey(4294967296u));
  std::mt19937_64 rng(42);
  for (int i = 0; i < 10000; ++i) {
    const uint64_t a = rng() >> (rng() % 64), b = rng() >> (rng() % 64);
    ASSERT_EQ(EventKey(a) < EventKey(b), a < b) << a << " vs " << b;
  }
  for (uint64_t p : Interesting()) {
    EXPECT_LT(EventKey(p), EventKeyUpperBound());
    uint64_t back = 0;
    ASSERT_TRUE(ParseEventKey(EventKey(p), &back));
    EXPECT_EQ(back, p);
  }
  uint64_t ignored;
  EXPECT_FALSE(ParseEventKey("\x01short", &ignored));
  EXPECT_FALSE(ParseEventKey(StreamHeadKey("12345678"), &ignored));
}

TEST(Keys, StreamIndexOrdersByStreamThenVersion) {
  std::vector<std::pair<std::string, uint64_t>> entries;
  for (const char* stream :
       {"a", "a-", "a-b", "b", "case-1", "case-10", "case-2", "\xff"}) {
    for (uint64_t v : {1ull, 255ull, 256ull, 4294967296ull}) {
      entries.emplace_back(stream, v);
    }
  }
  std::vector<std::string> encoded;
  for (const auto& [s, v] : entries) encoded.push_back(StreamIndexKey(s, v));
  std::vector<size_t> order(entries.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t x, size_t y) { return encoded[x] < encoded[y]; });
  // Byte order of ids, then numeric order of versions: the entries of one
  // stream are contiguous even when another id extends it ("a" vs "a-").
  std::vector<std::pair<std::string, uint64_t>> expected = entries;
  std::sort(expected.begin(), expected.end());
  for (size_t i = 0; i < order.size(); ++i) {
    EXPECT_EQ(entries[order[i]], expected[i]) << i;
  }
  for (const auto& [s, v] : entries) {
    const std::string key = StreamIndexKey(s, v);
    EXPECT_TRUE(absl::StartsWith(key, StreamIndexPrefix(s)));
    absl::string_view id;
    uint64_t version = 0;
    ASSERT_TRUE(ParseStreamIndexKey(key, &id, &version));
    EXPECT_EQ(id, s);
    EXPECT_EQ(version, v);
  }
  absl::string_view id;
  uint64_t version;
  EXPECT_FALSE(ParseStreamIndexKey(EventKey(1), &id, &version));
}

TEST(Keys, KeySpacesAreDisjointAndInTheirRange) {
  const std::string meta_end = SpaceUpperBound(Space::kMeta);
  EXPECT_LT(FormatKey(), meta_end);
  EXPECT_LT(ChainKey(), meta_end);
  EXPECT_EQ(FormatKey(), std::string("\0format", 7));
  for (uint64_t p : Interesting()) {
    EXPECT_GE(EventKey(p), meta_end);
    EXPECT_LT(EventKey(p), SpaceUpperBound(Space::kEvent));
  }
  EXPECT_GE(StreamIndexKey("\xff\xff", UINT64_MAX),
            SpaceUpperBound(Space::kEvent));
  EXPECT_LT(StreamIndexKey("\xff\xff", UINT64_MAX),
            SpaceUpperBound(Space::kStreamIndex));
  EXPECT_LT(StreamHeadKey("\xff\xff"), SpaceUpperBound(Space::kStreamHead));
  EXPECT_GE(CommandKey(""), SpaceUpperBound(Space::kStreamHead));
  EXPECT_LT(CommandKey("\xff\xff"), SpaceUpperBound(Space::kCommand));
  // The numbers themselves are the format.
  EXPECT_EQ(static_cast<int>(Space::kMeta), 0);
  EXPECT_EQ(static_cast<int>(Space::kEvent), 1);
  EXPECT_EQ(static_cast<int>(Space::kStreamIndex), 2);
  EXPECT_EQ(static_cast<int>(Space::kStreamHead), 3);
  EXPECT_EQ(static_cast<int>(Space::kCommand), 4);
}

TEST(Keys, ValuesRoundTripAndRejectWrongSizes) {
  const StreamHead head{.version = 256,
                        .first_position = 1ull << 32,
                        .last_position = UINT64_MAX};
  StreamHead head_back;
  ASSERT_TRUE(DecodeStreamHead(EncodeStreamHead(head), &head_back));
  EXPECT_EQ(head_back, head);
  EXPECT_FALSE(DecodeStreamHead("short", &head_back));

  ChainHead chain{.position = 257};
  chain.hash.fill(0xab);
  ChainHead chain_back;
  ASSERT_TRUE(DecodeChainHead(EncodeChainHead(chain), &chain_back));
  EXPECT_EQ(chain_back.position, 257u);
  EXPECT_EQ(chain_back.hash, chain.hash);
  EXPECT_FALSE(DecodeChainHead(EncodeChainHead(chain) + "x", &chain_back));

  CommandRecord record{.recorded_at_micros = -5,
                       .first_version = 1,
                       .last_version = 2,
                       .first_position = 3,
                       .last_position = 4};
  record.digest.fill(7);
  CommandRecord back;
  ASSERT_TRUE(DecodeCommandRecord(EncodeCommandRecord(record), &back));
  EXPECT_EQ(back.recorded_at_micros, -5);
  EXPECT_EQ(back.digest, record.digest);
  EXPECT_EQ(back.first_version, 1u);
  EXPECT_EQ(back.last_version, 2u);
  EXPECT_EQ(back.first_position, 3u);
  EXPECT_EQ(back.last_position, 4u);
  EXPECT_FALSE(DecodeCommandRecord("", &back));
}

}  // namespace
}  // namespace atgard::eventstore::keys
