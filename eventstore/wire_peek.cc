#include "eventstore/wire_peek.h"

#include <cstdint>

namespace atgard::eventstore::internal {

bool PeekStreamAndType(absl::string_view bytes, absl::string_view* stream_id,
                       absl::string_view* event_type) {
  const char* p = bytes.data();
  const char* end = p + bytes.size();
  auto varint = [&](uint64_t* out) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64 && p < end; shift += 7) {
      const uint8_t b = static_cast<uint8_t>(*p++);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        *out = v;
        return true;
      }
    }
    return false;
  };
  *stream_id = {};
  *event_type = {};
  while (p < end) {
    uint64_t tag = 0;
    if (!varint(&tag)) return false;
    const uint64_t field = tag >> 3;
    switch (tag & 7) {
      case 0: {
        uint64_t ignored;
        if (!varint(&ignored)) return false;
        break;
      }
      case 1:
        if (end - p < 8) return false;
        p += 8;
        break;
      case 2: {
        uint64_t len = 0;
        if (!varint(&len) || len > static_cast<uint64_t>(end - p)) return false;
        const absl::string_view value(p, len);
        if (field == 2) *stream_id = value;
        if (field == 4) *event_type = value;
        p += len;
        break;
      }
      case 5:
        if (end - p < 4) return false;
        p += 4;
        break;
      default:
        return false;
    }
  }
  return true;
}

}  // namespace atgard::eventstore::internal
