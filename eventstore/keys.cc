#include "eventstore/keys.h"

#include <cstring>

namespace atgard::eventstore::keys {
namespace {

constexpr size_t kStreamHeadSize = 24;
constexpr size_t kChainHeadSize = 8 + kHashSize;
constexpr size_t kCommandRecordSize = 8 + kHashSize + 32;

std::string WithSpace(Space space, size_t reserve) {
  std::string key;
  key.reserve(reserve + 1);
  key.push_back(static_cast<char>(space));
  return key;
}

}  // namespace

void PutFixed64(std::string* dst, uint64_t value) {
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  dst->append(buf, sizeof(buf));
}

uint64_t DecodeFixed64(const char* p) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) {
    value = (value << 8) | static_cast<uint8_t>(p[i]);
  }
  return value;
}

std::string FormatKey() {
  std::string key = WithSpace(Space::kMeta, 6);
  key.append("format");
  return key;
}

std::string ChainKey() {
  std::string key = WithSpace(Space::kMeta, 5);
  key.append("chain");
  return key;
}

std::string StopKey() {
  std::string key = WithSpace(Space::kMeta, 7);
  key.append("stopped");
  return key;
}

std::string RunningKey() {
  std::string key = WithSpace(Space::kMeta, 7);
  key.append("running");
  return key;
}

std::string EventKey(uint64_t position) {
  std::string key = WithSpace(Space::kEvent, 8);
  PutFixed64(&key, position);
  return key;
}

std::string EventKeyUpperBound() { return SpaceUpperBound(Space::kEvent); }

bool ParseEventKey(absl::string_view key, uint64_t* position) {
  if (key.size() != 9 || key[0] != static_cast<char>(Space::kEvent)) {
    return false;
  }
  *position = DecodeFixed64(key.data() + 1);
  return true;
}

std::string StreamIndexKey(absl::string_view stream_id, uint64_t version) {
  std::string key = StreamIndexPrefix(stream_id);
  PutFixed64(&key, version);
  return key;
}

std::string StreamIndexPrefix(absl::string_view stream_id) {
  std::string key = WithSpace(Space::kStreamIndex, stream_id.size() + 9);
  key.append(stream_id.data(), stream_id.size());
  key.push_back('\0');
  return key;
}

bool ParseStreamIndexKey(absl::string_view key, absl::string_view* stream_id,
                         uint64_t* version) {
  // 1 space byte, at least one stream byte, the terminator, 8 version bytes.
  if (key.size() < 11 || key[0] != static_cast<char>(Space::kStreamIndex) ||
      key[key.size() - 9] != '\0') {
    return false;
  }
  const absl::string_view id = key.substr(1, key.size() - 10);
  if (id.find('\0') != absl::string_view::npos) return false;
  *stream_id = id;
  *version = DecodeFixed64(key.data() + key.size() - 8);
  return true;
}

std::string StreamHeadKey(absl::string_view stream_id) {
  std::string key = WithSpace(Space::kStreamHead, stream_id.size());
  key.append(stream_id.data(), stream_id.size());
  return key;
}

std::string CommandKey(absl::string_view command_id) {
  std::string key = WithSpace(Space::kCommand, command_id.size());
  key.append(command_id.data(), command_id.size());
  return key;
}

std::string CheckpointKey(absl::string_view name) {
  std::string key = WithSpace(Space::kCheckpoint, name.size());
  key.append(name.data(), name.size());
  return key;
}

std::string SpaceUpperBound(Space space) {
  return std::string(1, static_cast<char>(static_cast<uint8_t>(space) + 1));
}

std::string EncodeStreamHead(const StreamHead& head) {
  std::string value;
  value.reserve(kStreamHeadSize);
  PutFixed64(&value, head.version);
  PutFixed64(&value, head.first_position);
  PutFixed64(&value, head.last_position);
  return value;
}

bool DecodeStreamHead(absl::string_view value, StreamHead* head) {
  if (value.size() != kStreamHeadSize) return false;
  head->version = DecodeFixed64(value.data());
  head->first_position = DecodeFixed64(value.data() + 8);
  head->last_position = DecodeFixed64(value.data() + 16);
  return true;
}

std::string EncodeChainHead(const ChainHead& head) {
  std::string value;
  value.reserve(kChainHeadSize);
  PutFixed64(&value, head.position);
  value.append(reinterpret_cast<const char*>(head.hash.data()), kHashSize);
  return value;
}

bool DecodeChainHead(absl::string_view value, ChainHead* head) {
  if (value.size() != kChainHeadSize) return false;
  head->position = DecodeFixed64(value.data());
  std::memcpy(head->hash.data(), value.data() + 8, kHashSize);
  return true;
}

std::string EncodeCommandRecord(const CommandRecord& record) {
  std::string value;
  value.reserve(kCommandRecordSize);
  PutFixed64(&value, static_cast<uint64_t>(record.recorded_at_micros));
  value.append(reinterpret_cast<const char*>(record.digest.data()), kHashSize);
  PutFixed64(&value, record.first_version);
  PutFixed64(&value, record.last_version);
  PutFixed64(&value, record.first_position);
  PutFixed64(&value, record.last_position);
  return value;
}

bool DecodeCommandRecord(absl::string_view value, CommandRecord* record) {
  if (value.size() != kCommandRecordSize) return false;
  const char* p = value.data();
  record->recorded_at_micros = static_cast<int64_t>(DecodeFixed64(p));
  std::memcpy(record->digest.data(), p + 8, kHashSize);
  p += 8 + kHashSize;
  record->first_version = DecodeFixed64(p);
  record->last_version = DecodeFixed64(p + 8);
  record->first_position = DecodeFixed64(p + 16);
  record->last_position = DecodeFixed64(p + 24);
  return true;
}

}  // namespace atgard::eventstore::keys
