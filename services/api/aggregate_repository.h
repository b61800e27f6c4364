// Loads aggregates from the event store by folding their streams, with a
// bounded cache of recent states that is checked against the stream's
// version on every load (so a state written by another server, or by the
// deadline scheduler, is never missed).
//
// Thread-safe.
#ifndef ATGARD_SERVICES_API_AGGREGATE_REPOSITORY_H_
#define ATGARD_SERVICES_API_AGGREGATE_REPOSITORY_H_

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "atgard/v1/commands.pb.h"
#include "atgard/v1/event_envelope.pb.h"
#include "services/domain/decider.h"

namespace atgard::eventstore {
class EventStore;
}

namespace atgard::api {

// An aggregate's state at a version of its stream.
struct LoadedAggregate {
  std::shared_ptr<const domain::AggregateState> state;
  // The stream's version (0: no events) and its last event's position.
  uint64_t version = 0;
  uint64_t last_position = 0;
};

class AggregateRepository {
 public:
  // `store` must outlive the repository. `capacity` bounds the cache (in
  // aggregates); 0 disables it.
  AggregateRepository(eventstore::EventStore* store, size_t capacity);

  // The aggregate of `kind` stored in `stream_id`, at the stream's current
  // version (an empty state at version 0 if the stream has no events).
  // Errors: DATA_LOSS if a stored event cannot be decoded; the store's
  // read errors.
  [[nodiscard]] absl::StatusOr<LoadedAggregate> Load(
      const std::string& stream_id, domain::AggregateKind kind);

  // Records the state reached by appending up to `loaded.version`.
  void Remember(const std::string& stream_id, LoadedAggregate loaded);

  // The aggregates `command` refers to, within `tenant` (absent when the
  // referenced stream has no events).
  [[nodiscard]] absl::StatusOr<domain::References> LoadReferences(
      absl::string_view tenant, const v1::Command& command);

  // The kind of aggregate a stream id ("<tenant>/<kind>/<id>") holds, or
  // NOT_FOUND for the access log and unknown kinds.
  [[nodiscard]] static absl::StatusOr<domain::AggregateKind> KindOfStream(
      absl::string_view stream_id);

 private:
  struct Entry {
    LoadedAggregate loaded;
    std::list<std::string>::iterator lru;
  };
  std::optional<LoadedAggregate> Cached(const std::string& stream_id);

  eventstore::EventStore* const store_;
  const size_t capacity_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
  // Most recently used first.
  std::list<std::string> lru_ ABSL_GUARDED_BY(mu_);
};

// Decodes a stored payload. DATA_LOSS naming the position if it does not
// parse.
[[nodiscard]] absl::StatusOr<v1::Event> DecodeEvent(
    const v1::EventEnvelope& envelope);

}  // namespace atgard::api

#endif  // ATGARD_SERVICES_API_AGGREGATE_REPOSITORY_H_
