// Fuzzes the event store's wire peek (PeekStreamAndType) with arbitrary
// bytes. Besides crashes and sanitizer findings (it must never read outside
// its input), it checks:
//   - the views it returns lie inside the input;
//   - where protobuf's own wire reader reads the input as a sequence of
//     fields without groups, the peek accepts it too and finds the same
//     stream_id and event_type (the last occurrence of each);
//   - an envelope encoded around the input (the input as stream id, event
//     type and payload, with fields of every scalar wire type in between)
//     peeks back to exactly those strings.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "eventstore/wire_peek.h"
#include "google/protobuf/io/coded_stream.h"

namespace atgard::eventstore::internal {
namespace {

void Require(bool holds, const char* invariant) {
  if (!holds) {
    std::fprintf(stderr, "invariant broken: %s\n", invariant);
    std::abort();
  }
}

bool Inside(absl::string_view view, absl::string_view whole) {
  return view.empty() ||
         (view.data() >= whole.data() &&
          view.data() + view.size() <= whole.data() + whole.size());
}

// The second reading, with protobuf's CodedInputStream. False if it cannot
// read the input as the generated parser would (a tag over 32 bits or a
// length over 2 GiB, which that parser refuses too), or meets a group
// (which the peek refuses by design).
bool ProtobufReads(absl::string_view bytes, std::string* stream_id,
                   std::string* event_type) {
  google::protobuf::io::CodedInputStream in(
      reinterpret_cast<const std::uint8_t*>(bytes.data()),
      static_cast<int>(bytes.size()));
  stream_id->clear();
  event_type->clear();
  while (in.CurrentPosition() < static_cast<int>(bytes.size())) {
    std::uint64_t tag = 0;
    if (!in.ReadVarint64(&tag) || tag > UINT32_MAX) return false;
    const std::uint64_t field = tag >> 3;
    switch (tag & 7) {
      case 0: {
        std::uint64_t ignored = 0;
        if (!in.ReadVarint64(&ignored)) return false;
        break;
      }
      case 1: {
        std::uint64_t ignored = 0;
        if (!in.ReadLittleEndian64(&ignored)) return false;
        break;
      }
      case 2: {
        std::uint64_t length = 0;
        if (!in.ReadVarint64(&length) || length > INT32_MAX) return false;
        std::string value;
        if (!in.ReadString(&value, static_cast<int>(length))) return false;
        if (field == 2) *stream_id = std::move(value);
        if (field == 4) *event_type = std::move(value);
        break;
      }
      case 5: {
        std::uint32_t ignored = 0;
        if (!in.ReadLittleEndian32(&ignored)) return false;
        break;
      }
      default:  // groups, and wire types that do not exist
        return false;
    }
  }
  return true;
}

void PutVarint(std::string* out, std::uint64_t v) {
  while (v >= 0x80) {
    *out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *out += static_cast<char>(v);
}

void PutString(std::string* out, int field, absl::string_view value) {
  PutVarint(out, static_cast<std::uint64_t>(field) << 3 | 2);
  PutVarint(out, value.size());
  out->append(value.data(), value.size());
}

}  // namespace
}  // namespace atgard::eventstore::internal

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  using namespace atgard::eventstore::internal;
  const absl::string_view bytes(reinterpret_cast<const char*>(data), size);

  absl::string_view stream_id, event_type;
  const bool peeked = PeekStreamAndType(bytes, &stream_id, &event_type);
  if (peeked) {
    Require(Inside(stream_id, bytes) && Inside(event_type, bytes),
            "the views lie inside the input");
  }
  std::string expected_stream, expected_type;
  if (ProtobufReads(bytes, &expected_stream, &expected_type)) {
    Require(peeked, "what protobuf reads, the peek reads");
    Require(stream_id == expected_stream, "the same stream_id as protobuf");
    Require(event_type == expected_type, "the same event_type as protobuf");
  }

  // An envelope around the input: its first third as stream id, the second
  // as event type, all of it as payload.
  const absl::string_view id = bytes.substr(0, size / 3);
  const absl::string_view type = bytes.substr(size / 3, size / 3);
  std::string envelope;
  PutVarint(&envelope, 1 << 3 | 0);  // global_position
  PutVarint(&envelope, size);
  PutString(&envelope, 2, id);
  PutString(&envelope, 6, bytes);     // payload
  PutVarint(&envelope, 99 << 3 | 1);  // an unknown fixed64
  envelope.append(8, '\xff');
  PutString(&envelope, 4, type);
  PutVarint(&envelope, 98 << 3 | 5);  // an unknown fixed32
  envelope.append(4, '\0');
  Require(PeekStreamAndType(envelope, &stream_id, &event_type),
          "an encoded envelope peeks");
  Require(stream_id == id && event_type == type,
          "an encoded envelope peeks back to its fields");
  return 0;
}
