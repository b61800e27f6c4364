// The on-disk key layout of the event store: THIS IS THE STORAGE FORMAT.
//
// One RocksDB column family (the default). Every key starts with one byte
// naming its key space. Key spaces are numbered once and never reused: a
// retired space keeps its number, marked retired here. Integers inside keys
// and values are fixed-width big-endian, so that RocksDB's bytewise order is
// numeric order ("256" must not sort before "1").
//
//   space  key                                  value
//   0x00   0x00 "format"                        "atgard-eventstore/1"
//          0x00 "chain"                         u64 head position, 32-byte
//                                               SHA-256 of the event there
//                                               (absent while the log is empty)
//          0x00 "stopped"                       the chain head at the last
//                                               clean stop (same encoding;
//                                               absent until the first one)
//   0x01   0x01 u64 position                    EventEnvelope (protobuf)
//   0x02   0x02 stream_id 0x00 u64 version      u64 position
//   0x03   0x03 stream_id                       u64 version, u64 first
//                                               position, u64 last position
//   0x04   0x04 command_id                      i64 recorded-at (µs since the
//                                               Unix epoch), 32-byte content
//                                               digest, u64 first version,
//                                               u64 last version, u64 first
//                                               position, u64 last position
//   0x05   0x05 name                            u64 position (a reader's
//                                               checkpoint)
//
// 0x01 is the log: positions are gap-free from 1. 0x02 indexes each stream:
// stream ids never contain 0x00, so the terminator keeps one stream's
// entries together and in version order, and streams in byte order of their
// ids. 0x03 is each stream's head. 0x04 holds the idempotency records; they
// are the only keys that are ever deleted (by the retention compaction
// filter). 0x05 holds named checkpoints of the server's own readers (e.g.
// the policy runner); they are outside the hash chain and may be rewritten.
// "chain" is the hash-chain head: it names the last acknowledged
// position and is written in the same WriteBatch as the events it covers.
// "stopped" is written, and flushed into a table, when the store stops
// cleanly: the log must reach it at every later open (readers of format 1
// that predate it ignore it).
//
// Format "atgard-eventstore/1" is this layout. Any change that an older
// reader would misread gets a new format value.
#ifndef ATGARD_EVENTSTORE_KEYS_H_
#define ATGARD_EVENTSTORE_KEYS_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace atgard::eventstore::keys {

enum class Space : uint8_t {
  kMeta = 0x00,
  kEvent = 0x01,
  kStreamIndex = 0x02,
  kStreamHead = 0x03,
  kCommand = 0x04,
  kCheckpoint = 0x05,
};

inline constexpr char kFormatValue[] = "atgard-eventstore/1";
inline constexpr size_t kHashSize = 32;
using Hash = std::array<uint8_t, kHashSize>;

void PutFixed64(std::string* dst, uint64_t value);
uint64_t DecodeFixed64(const char* p);

std::string FormatKey();
std::string ChainKey();
std::string StopKey();
// 0x00 "running": written (synced) by every read-write open once its
// checks passed, removed with the stop record's write at a clean stop. If
// it is there, the last run ended without a clean stop, whatever the stop
// record (kept as a claim of the head at that stop) says.
std::string RunningKey();

// 0x01 position. `EventKeyUpperBound()` sorts after every event key.
std::string EventKey(uint64_t position);
std::string EventKeyUpperBound();
// Returns false if `key` is not a well-formed event key.
bool ParseEventKey(absl::string_view key, uint64_t* position);

// 0x02 stream_id 0x00 version. The prefix covers every entry of the stream.
std::string StreamIndexKey(absl::string_view stream_id, uint64_t version);
std::string StreamIndexPrefix(absl::string_view stream_id);
// Splits a stream index key; false if it is not well formed.
bool ParseStreamIndexKey(absl::string_view key, absl::string_view* stream_id,
                         uint64_t* version);

std::string StreamHeadKey(absl::string_view stream_id);
std::string CommandKey(absl::string_view command_id);
std::string CheckpointKey(absl::string_view name);

// Upper bound of a whole key space (the first key of the next one).
std::string SpaceUpperBound(Space space);

struct StreamHead {
  uint64_t version = 0;
  uint64_t first_position = 0;
  uint64_t last_position = 0;
  friend bool operator==(const StreamHead&, const StreamHead&) = default;
};
std::string EncodeStreamHead(const StreamHead& head);
bool DecodeStreamHead(absl::string_view value, StreamHead* head);

struct ChainHead {
  uint64_t position = 0;
  Hash hash{};
};
std::string EncodeChainHead(const ChainHead& head);
bool DecodeChainHead(absl::string_view value, ChainHead* head);

struct CommandRecord {
  int64_t recorded_at_micros = 0;
  Hash digest{};
  uint64_t first_version = 0;
  uint64_t last_version = 0;
  uint64_t first_position = 0;
  uint64_t last_position = 0;
};
std::string EncodeCommandRecord(const CommandRecord& record);
bool DecodeCommandRecord(absl::string_view value, CommandRecord* record);

}  // namespace atgard::eventstore::keys

#endif  // ATGARD_EVENTSTORE_KEYS_H_
