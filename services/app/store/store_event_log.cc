#include "services/app/store/store_event_log.h"

#include <utility>

#include "eventstore/event_store.h"

namespace atgard::app {
namespace {

class StoreSubscription final : public LogSubscription {
 public:
  explicit StoreSubscription(std::unique_ptr<eventstore::Subscription> sub)
      : sub_(std::move(sub)) {}

  absl::StatusOr<std::vector<v1::EventEnvelope>> ReadAvailable(
      size_t max_count) override {
    return sub_->ReadAvailable(max_count);
  }
  bool NotifyWhenAvailable(std::function<void()> callback) override {
    return sub_->NotifyWhenAvailable(std::move(callback));
  }
  void Cancel() override { sub_->Cancel(); }
  uint64_t next_position() const override { return sub_->next_position(); }
  bool caught_up() const override { return sub_->caught_up(); }

 private:
  std::unique_ptr<eventstore::Subscription> sub_;
};

}  // namespace

absl::StatusOr<eventstore::AppendResult> StoreEventLog::Append(
    eventstore::AppendRequest request) {
  return store_->Append(std::move(request));
}

void StoreEventLog::AppendAsync(
    eventstore::AppendRequest request,
    std::function<void(absl::StatusOr<eventstore::AppendResult>)> done) {
  store_->AppendAsync(std::move(request), std::move(done));
}

absl::StatusOr<std::optional<eventstore::AppendResult>>
StoreEventLog::LookupCommand(absl::string_view command_id,
                             absl::string_view request_digest) const {
  return store_->LookupCommand(command_id, request_digest);
}

absl::StatusOr<std::vector<v1::EventEnvelope>> StoreEventLog::ReadStream(
    absl::string_view stream_id, uint64_t from_version, size_t max_count,
    eventstore::Direction direction) const {
  return store_->ReadStream(stream_id, from_version, max_count, direction);
}

absl::StatusOr<eventstore::StreamInfo> StoreEventLog::GetStreamInfo(
    absl::string_view stream_id) const {
  return store_->GetStreamInfo(stream_id);
}

absl::StatusOr<eventstore::ReadAllResult> StoreEventLog::ReadAll(
    uint64_t from_position, size_t max_count,
    const eventstore::ReadAllFilter& filter) const {
  return store_->ReadAll(from_position, max_count, filter);
}

absl::StatusOr<eventstore::ScanResult> StoreEventLog::ScanAll(
    uint64_t from_position, size_t max_count,
    const eventstore::ReadAllFilter& filter,
    absl::FunctionRef<bool(const v1::EventEnvelope&)> visit) const {
  return store_->ScanAll(from_position, max_count, filter, visit);
}

absl::StatusOr<std::unique_ptr<LogSubscription>> StoreEventLog::Subscribe(
    const eventstore::SubscriptionStart& start,
    eventstore::ReadAllFilter filter) {
  absl::StatusOr<std::unique_ptr<eventstore::Subscription>> sub =
      store_->Subscribe(start, std::move(filter));
  if (!sub.ok()) return sub.status();
  return std::make_unique<StoreSubscription>(*std::move(sub));
}

uint64_t StoreEventLog::HeadPosition() const { return store_->HeadPosition(); }

absl::StatusOr<uint64_t> StoreEventLog::GetCheckpoint(
    absl::string_view name) const {
  return store_->GetCheckpoint(name);
}

absl::Status StoreEventLog::PutCheckpoint(absl::string_view name,
                                          uint64_t position) {
  return store_->PutCheckpoint(name, position);
}

}  // namespace atgard::app
