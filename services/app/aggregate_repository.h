// Loads aggregates from the event store by folding their streams, with a
// bounded cache of recent states that is checked against the stream's
// version on every load (so a state written by another server, or by the
// deadline scheduler, is never missed).
//
// The command handler borrows states instead (CheckOut/Remember): it
// carries out one command per aggregate at a time, so it may take a state
// out of the cache, evolve it in place when no reader has seen it, and put
// it back once the events are durable.
//
// Thread-safe.
#ifndef ATGARD_SERVICES_APP_AGGREGATE_REPOSITORY_H_
#define ATGARD_SERVICES_APP_AGGREGATE_REPOSITORY_H_

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "atgard/v1/commands.pb.h"
#include "atgard/v1/event_envelope.pb.h"
#include "services/app/event_log.h"
#include "services/domain/aggregate_states.h"
#include "services/domain/decider.h"

namespace atgard::app {

// An aggregate's state at a version of its stream.
struct LoadedAggregate {
  std::shared_ptr<const domain::AggregateState> state;
  // The stream's version (0: no events) and its last event's position.
  uint64_t version = 0;
  uint64_t last_position = 0;
};

class AggregateRepository {
 public:
  // `log` must outlive the repository. `capacity` bounds the cache (in
  // aggregates); 0 disables it.
  AggregateRepository(EventLog* log, size_t capacity);

  // The aggregate of `kind` stored in `stream_id`, at the stream's current
  // version (an empty state at version 0 if the stream has no events).
  // Errors: DATA_LOSS if a stored event cannot be decoded; the store's
  // read errors.
  [[nodiscard]] absl::StatusOr<LoadedAggregate> Load(
      const std::string& stream_id, domain::AggregateKind kind);

  // A state taken out of the cache for one command (see CheckOut).
  struct Working {
    // The caller's alone: it may evolve it in place.
    std::shared_ptr<domain::AggregateState> state;
    uint64_t version = 0;
    uint64_t last_position = 0;
    // Whether `version` was checked against the store's head. An
    // unchecked state is what this process last knew; another writer may
    // have appended since, which an append expecting `version` detects.
    bool verified = false;
  };

  // Takes the aggregate out of the cache (so that Load() folds it afresh
  // meanwhile) for the caller to decide on and evolve. With `verify`, or
  // when nothing is cached, the state is checked against (or loaded from)
  // the store as Load() does. A cached state that Load() has handed to
  // readers is copied first. Errors as Load().
  [[nodiscard]] absl::StatusOr<Working> CheckOut(const std::string& stream_id,
                                                 domain::AggregateKind kind,
                                                 bool verify);

  // Records the state reached by appending up to `loaded.version` (or a
  // state checked out and left unchanged). The caller hands the state
  // over and must not change it afterwards.
  void Remember(const std::string& stream_id, LoadedAggregate loaded);

  // The aggregates `command` refers to, within `tenant` (absent when the
  // referenced stream has no events); with `target`, the state of the
  // command's own aggregate, also those that state names
  // (domain::ReferencesOf); for ReferenceKeys::all_providers every provider
  // stream of the tenant, found by one filtered scan of the log. Errors as
  // Load() and the log's ScanAll().
  [[nodiscard]] absl::StatusOr<domain::References> LoadReferences(
      absl::string_view tenant, const v1::Command& command,
      const domain::AggregateState* target = nullptr);

 private:
  struct Entry {
    LoadedAggregate loaded;
    // Whether Load() has handed the state out: then others may be reading
    // it, and CheckOut() must copy it before it is changed.
    bool lent = false;
    std::list<std::string>::iterator lru;
  };
  // The cached state, marked lent.
  std::optional<LoadedAggregate> Lend(const std::string& stream_id);
  // Removes the entry and returns its state, and whether it was lent.
  std::optional<std::pair<LoadedAggregate, bool>> Take(
      const std::string& stream_id);
  void Put(const std::string& stream_id, LoadedAggregate loaded, bool lent);
  // The ids of the streams whose names start with `prefix`, sorted.
  absl::StatusOr<std::vector<std::string>> StreamsWithPrefix(
      const std::string& prefix) const;
  // Applies the stream's events after *version up to `head` to `state`,
  // advancing *version and *last_position.
  absl::Status Fold(const std::string& stream_id, uint64_t head,
                    domain::AggregateState& state, uint64_t* version,
                    uint64_t* last_position);

  EventLog* const log_;
  const size_t capacity_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
  // Most recently used first.
  std::list<std::string> lru_ ABSL_GUARDED_BY(mu_);
};

}  // namespace atgard::app

#endif  // ATGARD_SERVICES_APP_AGGREGATE_REPOSITORY_H_
