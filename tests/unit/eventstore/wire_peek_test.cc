// Reading stream id and event type from a stored event's bytes without
// parsing it: agrees with protobuf on what it accepts, refuses what is cut
// short or malformed.
#include "eventstore/wire_peek.h"

#include <gtest/gtest.h>

#include <string>

#include "atgard/v1/event_envelope.pb.h"

namespace atgard::eventstore::internal {
namespace {

struct Peeked {
  bool ok = false;
  std::string stream_id;
  std::string event_type;
};

Peeked Peek(const std::string& bytes) {
  // Sentinels, so that a view left unset would show.
  absl::string_view stream_id = "unset", event_type = "unset";
  Peeked p;
  p.ok = PeekStreamAndType(bytes, &stream_id, &event_type);
  p.stream_id = std::string(stream_id);
  p.event_type = std::string(event_type);
  return p;
}

std::string Varint(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
  return out;
}

std::string Tag(uint64_t field, int wire_type) {
  return Varint(field << 3 | wire_type);
}

std::string LengthDelimited(uint64_t field, const std::string& value) {
  return Tag(field, 2) + Varint(value.size()) + value;
}

v1::EventEnvelope FullEnvelope() {
  v1::EventEnvelope e;
  e.set_global_position(1234567);
  e.set_stream_id("0780/case/c-1");
  e.set_stream_version(3);
  e.set_event_type("PlanRequested");
  e.set_schema_version(2);
  e.set_payload(std::string("\0\x01\xff payload", 11));
  e.mutable_metadata()->set_actor_subject("anna");
  e.mutable_metadata()->set_command_id("cmd-1");
  e.mutable_recorded_at()->set_seconds(1795000000);
  e.mutable_recorded_at()->set_nanos(5);
  e.set_hash(std::string(32, '\x07'));
  e.set_previous_hash(std::string(32, '\x08'));
  return e;
}

TEST(WirePeek, ReadsBothFieldsOfAStoredEnvelope) {
  const Peeked p = Peek(FullEnvelope().SerializeAsString());
  EXPECT_TRUE(p.ok);
  EXPECT_EQ(p.stream_id, "0780/case/c-1");
  EXPECT_EQ(p.event_type, "PlanRequested");
}

TEST(WirePeek, AbsentFieldsAreEmpty) {
  EXPECT_TRUE(Peek("").ok);
  EXPECT_EQ(Peek("").stream_id, "");
  EXPECT_EQ(Peek("").event_type, "");

  v1::EventEnvelope e = FullEnvelope();
  e.clear_event_type();
  const Peeked p = Peek(e.SerializeAsString());
  EXPECT_TRUE(p.ok);
  EXPECT_EQ(p.stream_id, "0780/case/c-1");
  EXPECT_EQ(p.event_type, "");
}

TEST(WirePeek, TheLastOccurrenceWinsAsInProtobuf) {
  const std::string bytes = LengthDelimited(2, "first") +
                            LengthDelimited(4, "T1") +
                            LengthDelimited(2, "second");
  const Peeked p = Peek(bytes);
  EXPECT_TRUE(p.ok);
  EXPECT_EQ(p.stream_id, "second");
  EXPECT_EQ(p.event_type, "T1");
  v1::EventEnvelope parsed;
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  EXPECT_EQ(parsed.stream_id(), p.stream_id);
}

TEST(WirePeek, SkipsUnknownFieldsOfEveryScalarWireType) {
  const std::string bytes = Tag(99, 0) + Varint(UINT64_MAX) +   // varint
                            Tag(98, 1) + std::string(8, 'x') +  // fixed64
                            LengthDelimited(97, "ignored") +    // bytes
                            Tag(96, 5) + std::string(4, 'y') +  // fixed32
                            LengthDelimited(2, "s") + LengthDelimited(4, "t");
  const Peeked p = Peek(bytes);
  EXPECT_TRUE(p.ok);
  EXPECT_EQ(p.stream_id, "s");
  EXPECT_EQ(p.event_type, "t");
}

TEST(WirePeek, AFieldOfAnotherWireTypeIsNotTakenForTheString) {
  // Field 2 as a varint: protobuf keeps it as an unknown field.
  const Peeked p = Peek(Tag(2, 0) + Varint(5) + LengthDelimited(4, "t"));
  EXPECT_TRUE(p.ok);
  EXPECT_EQ(p.stream_id, "");
  EXPECT_EQ(p.event_type, "t");
}

TEST(WirePeek, RefusesGroupsAndUnknownWireTypes) {
  for (int wire_type : {3, 4, 6, 7}) {
    EXPECT_FALSE(Peek(Tag(5, wire_type)).ok) << wire_type;
  }
}

TEST(WirePeek, RefusesWhatIsCutShort) {
  EXPECT_FALSE(Peek(Tag(2, 2) + Varint(10) + "short").ok);
  EXPECT_FALSE(Peek(Tag(2, 2)).ok);
  EXPECT_FALSE(Peek(std::string("\x80", 1)).ok);              // unfinished tag
  EXPECT_FALSE(Peek(Tag(1, 0) + std::string("\xff", 1)).ok);  // varint
  EXPECT_FALSE(Peek(Tag(1, 1) + std::string(7, 'x')).ok);     // fixed64
  EXPECT_FALSE(Peek(Tag(1, 5) + std::string(3, 'x')).ok);     // fixed32
  // A length that would wrap around the end of the input.
  EXPECT_FALSE(Peek(Tag(2, 2) + Varint(UINT64_MAX) + "abc").ok);
}

TEST(WirePeek, RefusesAVarintLongerThanTenBytes) {
  EXPECT_TRUE(Peek(Tag(1, 0) + std::string(9, '\x80') + '\x01').ok);
  EXPECT_FALSE(Peek(Tag(1, 0) + std::string(10, '\x80') + '\x01').ok);
}

TEST(WirePeek, EveryCutInsideTheStreamIdIsRefused) {
  const std::string whole = LengthDelimited(2, "0780/case/c-1");
  for (size_t n = 1; n < whole.size(); ++n) {
    EXPECT_FALSE(Peek(whole.substr(0, n)).ok) << n;
  }
}

TEST(WirePeek, ViewsPointIntoTheInput) {
  const std::string bytes = FullEnvelope().SerializeAsString();
  absl::string_view stream_id, event_type;
  ASSERT_TRUE(PeekStreamAndType(bytes, &stream_id, &event_type));
  EXPECT_GE(stream_id.data(), bytes.data());
  EXPECT_LE(stream_id.data() + stream_id.size(), bytes.data() + bytes.size());
  EXPECT_GE(event_type.data(), bytes.data());
  EXPECT_LE(event_type.data() + event_type.size(), bytes.data() + bytes.size());
}

}  // namespace
}  // namespace atgard::eventstore::internal
