// The log as the application layer sees it: append, read a stream, read
// and subscribe to the whole log, keep a reader's checkpoint. Two
// implementations keep one contract (tests/support/event_log_contract.h
// runs the same tests against both):
//   StoreEventLog (services/app/store/store_event_log.h): the durable event
//   store
//     on RocksDB, which the server uses;
//   MemoryEventLog (services/app/memory_event_log.h): a log in memory, so
//     that the domain and the application layer are tested without
//     storage.
// The value types are the event store's (eventstore/types.h) and so are
// the semantics and errors of each call: see eventstore/event_store.h,
// whose documentation of the same-named method is the contract here.
//
// Thread safety: every implementation may be used from any number of
// threads. A LogSubscription is used by one thread at a time.
#ifndef ATGARD_SERVICES_APP_EVENT_LOG_H_
#define ATGARD_SERVICES_APP_EVENT_LOG_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "eventstore/types.h"

namespace atgard::app {

// A cursor over the log from a start position in global order, first from
// history, then live (eventstore::Subscription).
class LogSubscription {
 public:
  virtual ~LogSubscription() = default;

  // Up to `max_count` acknowledged events from next_position() that match
  // the filter, without waiting; empty when there are none yet.
  [[nodiscard]] virtual absl::StatusOr<std::vector<v1::EventEnvelope>>
  ReadAvailable(size_t max_count) = 0;
  // One-shot: `callback` runs once, on a thread of the log with no lock
  // held, when the head reaches next_position() or the log closes or
  // fails. False, keeping no callback, if that is already so (read
  // again). After Cancel(): true, and the callback is dropped.
  virtual bool NotifyWhenAvailable(std::function<void()> callback) = 0;
  // Cancels notifications for good, waiting for a running callback.
  virtual void Cancel() = 0;
  virtual uint64_t next_position() const = 0;
  // True if every acknowledged event up to the head has been examined.
  virtual bool caught_up() const = 0;
};

class EventLog {
 public:
  virtual ~EventLog() = default;

  // Appends and blocks until durable. Errors: ABORTED (expected version),
  // ALREADY_EXISTS (command id reused), INVALID_ARGUMENT, RESOURCE_EXHAUSTED,
  // UNAVAILABLE, FAILED_PRECONDITION, INTERNAL, DATA_LOSS.
  [[nodiscard]] virtual absl::StatusOr<eventstore::AppendResult> Append(
      eventstore::AppendRequest request) = 0;
  // The same without blocking: `done` runs exactly once, with what Append()
  // would return, on a thread of the log or on this one. It must be quick
  // and must not block; it may append again.
  virtual void AppendAsync(
      eventstore::AppendRequest request,
      std::function<void(absl::StatusOr<eventstore::AppendResult>)> done) = 0;
  // The stored result of `command_id` appended with `request_digest`;
  // nullopt if unknown; ALREADY_EXISTS if used for another request.
  [[nodiscard]] virtual absl::StatusOr<std::optional<eventstore::AppendResult>>
  LookupCommand(absl::string_view command_id,
                absl::string_view request_digest) const = 0;

  [[nodiscard]] virtual absl::StatusOr<std::vector<v1::EventEnvelope>>
  ReadStream(absl::string_view stream_id, uint64_t from_version,
             size_t max_count, eventstore::Direction direction) const = 0;
  // NOT_FOUND if the stream has no acknowledged events.
  [[nodiscard]] virtual absl::StatusOr<eventstore::StreamInfo> GetStreamInfo(
      absl::string_view stream_id) const = 0;
  [[nodiscard]] virtual absl::StatusOr<eventstore::ReadAllResult> ReadAll(
      uint64_t from_position, size_t max_count,
      const eventstore::ReadAllFilter& filter) const = 0;
  [[nodiscard]] virtual absl::StatusOr<eventstore::ScanResult> ScanAll(
      uint64_t from_position, size_t max_count,
      const eventstore::ReadAllFilter& filter,
      absl::FunctionRef<bool(const v1::EventEnvelope&)> visit) const = 0;
  [[nodiscard]] virtual absl::StatusOr<std::unique_ptr<LogSubscription>>
  Subscribe(const eventstore::SubscriptionStart& start,
            eventstore::ReadAllFilter filter) = 0;
  // Position of the last acknowledged event; 0 for an empty log.
  virtual uint64_t HeadPosition() const = 0;

  // A reader's named checkpoint (0 if never put). Not synced: a reader
  // resumes at or before what it last put.
  [[nodiscard]] virtual absl::StatusOr<uint64_t> GetCheckpoint(
      absl::string_view name) const = 0;
  [[nodiscard]] virtual absl::Status PutCheckpoint(absl::string_view name,
                                                   uint64_t position) = 0;
};

}  // namespace atgard::app

#endif  // ATGARD_SERVICES_APP_EVENT_LOG_H_
