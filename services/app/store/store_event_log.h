// The event log of a server: the durable event store on RocksDB behind the
// application layer's EventLog interface. Kept in a library of its own
// (atgard_app_store) so that the application layer itself never links
// RocksDB.
//
// Thread-safe, as the store is. The store must outlive this object and
// every subscription it hands out is the store's own.
#ifndef ATGARD_SERVICES_APP_STORE_STORE_EVENT_LOG_H_
#define ATGARD_SERVICES_APP_STORE_STORE_EVENT_LOG_H_

#include "services/app/event_log.h"

namespace atgard::eventstore {
class EventStore;
}

namespace atgard::app {

class StoreEventLog final : public EventLog {
 public:
  explicit StoreEventLog(eventstore::EventStore* store) : store_(store) {}

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

 private:
  eventstore::EventStore* const store_;
};

}  // namespace atgard::app

#endif  // ATGARD_SERVICES_APP_STORE_STORE_EVENT_LOG_H_
