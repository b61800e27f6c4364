// An EventLog in memory: the same contract as the event store (positions
// from 1 without gaps, stream versions, expected versions, idempotent
// command ids, the hash chain, subscriptions, checkpoints), nothing
// durable. It lets the domain and the application layer be tested, and
// histories be replayed, without RocksDB; the contract tests run against
// it and the store alike (tests/support/event_log_contract.h).
//
// What it does not model: the store's byte limits beyond the shape of an
// append (empty or NUL-holding ids, no events, a metadata command id that
// differs), the disk reserve, failures, and the retention of command ids
// (kept for the object's life).
//
// Thread-safe. Append callbacks, subscription notifications and ScanAll's
// visitor run without the log's lock held, on the calling or appending
// thread. The clock is read under the lock and must not call into the log;
// callbacks still pending when the log is destroyed run from its
// destructor and must not call into it either.
#ifndef ATGARD_SERVICES_APP_MEMORY_EVENT_LOG_H_
#define ATGARD_SERVICES_APP_MEMORY_EVENT_LOG_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/app/event_log.h"

namespace atgard::app {

class MemoryEventLog final : public EventLog {
 public:
  // `clock` stamps recorded_at; the default is a fixed instant moving one
  // second per append, so that histories replay the same way.
  explicit MemoryEventLog(std::function<absl::Time()> clock = nullptr);
  ~MemoryEventLog() override;

  absl::StatusOr<eventstore::AppendResult> Append(
      eventstore::AppendRequest request) override;
  void AppendAsync(eventstore::AppendRequest request,
                   std::function<void(absl::StatusOr<eventstore::AppendResult>)>
                       done) override;
  absl::StatusOr<std::optional<eventstore::AppendResult>> LookupCommand(
      absl::string_view command_id,
      absl::string_view request_digest) const override;
  absl::StatusOr<std::vector<v1::EventEnvelope>> ReadStream(
      absl::string_view stream_id, uint64_t from_version, size_t max_count,
      eventstore::Direction direction) const override;
  absl::StatusOr<eventstore::StreamInfo> GetStreamInfo(
      absl::string_view stream_id) const override;
  absl::StatusOr<eventstore::ReadAllResult> ReadAll(
      uint64_t from_position, size_t max_count,
      const eventstore::ReadAllFilter& filter) const override;
  absl::StatusOr<eventstore::ScanResult> ScanAll(
      uint64_t from_position, size_t max_count,
      const eventstore::ReadAllFilter& filter,
      absl::FunctionRef<bool(const v1::EventEnvelope&)> visit) const override;
  absl::StatusOr<std::unique_ptr<LogSubscription>> Subscribe(
      const eventstore::SubscriptionStart& start,
      eventstore::ReadAllFilter filter) override;
  uint64_t HeadPosition() const override;
  absl::StatusOr<uint64_t> GetCheckpoint(absl::string_view name) const override;
  absl::Status PutCheckpoint(absl::string_view name,
                             uint64_t position) override;

  // Shared with subscriptions, which may outlive the log.
  struct Shared;

 private:
  std::shared_ptr<Shared> shared_;
};

}  // namespace atgard::app

#endif  // ATGARD_SERVICES_APP_MEMORY_EVENT_LOG_H_
