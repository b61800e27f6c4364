// The value types of the event log's interface: what an append expects and
// carries, where it landed, what a read selects and returns. They hold no
// storage: the application layer uses them to speak of the log without
// linking RocksDB (see eventstore/event_store.h for the store itself).
#ifndef ATGARD_EVENTSTORE_TYPES_H_
#define ATGARD_EVENTSTORE_TYPES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "atgard/v1/event_envelope.pb.h"

namespace atgard::eventstore {

// What the caller expects of the stream's current version (optimistic
// concurrency). Stream versions count events from 1; a stream that has no
// events does not exist.
class ExpectedVersion {
 public:
  // The values are part of the command digest (canonical.h): never change.
  enum class Kind : uint8_t {
    kAny = 0,           // no check
    kNoStream = 1,      // the stream must not exist yet
    kStreamExists = 2,  // the stream must have at least one event
    kExact = 3,         // the stream's version must be exactly version()
  };

  static ExpectedVersion Any() { return ExpectedVersion(Kind::kAny, 0); }
  static ExpectedVersion NoStream() {
    return ExpectedVersion(Kind::kNoStream, 0);
  }
  static ExpectedVersion StreamExists() {
    return ExpectedVersion(Kind::kStreamExists, 0);
  }
  // Exact(0) means "the stream has no events" and is the same as NoStream().
  static ExpectedVersion Exact(uint64_t version) {
    return version == 0 ? NoStream() : ExpectedVersion(Kind::kExact, version);
  }

  Kind kind() const { return kind_; }
  // The exact version; 0 unless kind() is kExact.
  uint64_t version() const { return version_; }
  // "any", "no stream", "stream exists" or the number.
  std::string ToString() const;
  // Whether a stream at `actual` (0: no events) meets the expectation.
  bool Matches(uint64_t actual) const;

  friend bool operator==(const ExpectedVersion&,
                         const ExpectedVersion&) = default;

 private:
  ExpectedVersion(Kind kind, uint64_t version)
      : kind_(kind), version_(version) {}
  Kind kind_;
  uint64_t version_;
};

// "wrong expected version for stream S: expected E, actual A": the
// message of an append's ABORTED, wherever the log is kept.
std::string WrongVersionMessage(absl::string_view stream_id,
                                const ExpectedVersion& expected,
                                uint64_t actual);

// An event to append. The store assigns everything else.
struct NewEvent {
  // Name of the event type, e.g. "CaseRegistered". Non-empty.
  std::string event_type;
  // Version of the payload's schema for that event type.
  uint32_t schema_version = 1;
  // The serialized event; opaque to the store.
  std::string payload;
};

// Where an append landed. For a deduplicated append: where the original
// append landed.
struct AppendResult {
  uint64_t first_version = 0;
  uint64_t last_version = 0;
  uint64_t first_position = 0;
  uint64_t last_position = 0;
  // True if this command id had been appended before with the same content
  // and nothing was written now.
  bool deduplicated = false;
};

// An append with its arguments owned, for AppendAsync() (whose caller does
// not wait) and the Append() overload that takes it.
struct AppendRequest {
  std::string stream_id;
  ExpectedVersion expected = ExpectedVersion::Any();
  std::vector<NewEvent> events;
  // Opaque idempotency key; empty for none.
  std::string command_id;
  v1::EventMetadata metadata;
  // What makes two appends with this command id "the same": when given,
  // this caller-computed digest of the caller's request replaces the
  // digest of stream, expected version, events and metadata. A caller that
  // decides the events from current state (so that a retry may produce
  // other events or expect another version) identifies the request instead.
  std::string request_digest;
  // True for the few small appends that let reads go on while the disk
  // reserve refuses other appends (the read log): they may use half of the
  // reserve.
  bool may_use_reserve = false;
};

struct StreamInfo {
  std::string stream_id;
  // Number of events in the stream = version of its last event.
  uint64_t version = 0;
  uint64_t first_position = 0;
  uint64_t last_position = 0;
};

// Selects events of ReadAll() and subscriptions. An empty list selects
// everything; when both lists are given an event must match both.
struct ReadAllFilter {
  // Stream id prefixes (categories), e.g. "case-" for streams `case-…`.
  std::vector<std::string> stream_prefixes;
  // Exact event type names.
  std::vector<std::string> event_types;

  bool Matches(absl::string_view stream_id, absl::string_view event_type) const;
  bool empty() const { return stream_prefixes.empty() && event_types.empty(); }
};

enum class Direction { kForward, kBackward };

struct ReadAllResult {
  // Matching events in position order.
  std::vector<v1::EventEnvelope> events;
  // Where to continue: the position after the last event examined (matching
  // or not). Equal to head_position + 1 when the read reached the head.
  uint64_t next_position = 1;
  // The acknowledged head when the read started.
  uint64_t head_position = 0;
};

// Where a ScanAll() stopped.
struct ScanResult {
  // Where to continue (as ReadAllResult::next_position).
  uint64_t next_position = 1;
  // The acknowledged head when the scan started.
  uint64_t head_position = 0;
};

// Where a subscription starts.
class SubscriptionStart {
 public:
  // The first event delivered is the one at `position` (1 = the beginning).
  // Positions beyond the head are allowed: delivery starts when the log
  // reaches them.
  static SubscriptionStart AtPosition(uint64_t position) {
    return SubscriptionStart(position == 0 ? 1 : position);
  }
  // Only events appended after Subscribe() returns.
  static SubscriptionStart Now() { return SubscriptionStart(0); }

  bool is_now() const { return position_ == 0; }
  uint64_t position() const { return position_; }

 private:
  explicit SubscriptionStart(uint64_t position) : position_(position) {}
  uint64_t position_;
};

}  // namespace atgard::eventstore

#endif  // ATGARD_EVENTSTORE_TYPES_H_
