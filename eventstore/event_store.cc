// The public EventStore methods: each checks its arguments and hands over
// to the core (store_core.h).
#include "eventstore/event_store.h"

#include <limits>
#include <memory>
#include <utility>

#include "eventstore/base/status_macros.h"
#include "eventstore/canonical.h"
#include "eventstore/store_core.h"

namespace atgard::eventstore {

EventStore::EventStore(std::shared_ptr<internal::StoreCore> core)
    : core_(std::move(core)) {}

EventStore::~EventStore() { core_->Close(); }

const std::string& EventStore::path() const { return core_->path(); }

const RecoveryReport& EventStore::Recovery() const { return core_->recovery(); }

absl::StatusOr<AppendResult> EventStore::Append(
    absl::string_view stream_id, const ExpectedVersion& expected,
    absl::Span<const NewEvent> events, absl::string_view command_id,
    const v1::EventMetadata& metadata) {
  internal::PendingAppend req;
  RETURN_IF_ERROR(internal::CheckAppend(core_->options(), stream_id, events,
                                        command_id, metadata, &req.bytes));
  req.stream_id = stream_id;
  req.expected = expected;
  req.events = events;
  req.command_id = command_id;
  req.metadata = &metadata;
  if (!command_id.empty()) {
    req.digest = RecordDigest(stream_id, expected, events, metadata, "");
  }
  core_->Submit(&req);
  if (!req.status.ok()) return req.status;
  return req.result;
}

absl::StatusOr<AppendResult> EventStore::Append(AppendRequest request) {
  internal::PendingAppend req;
  RETURN_IF_ERROR(internal::CheckAppend(core_->options(), request.stream_id,
                                        request.events, request.command_id,
                                        request.metadata, &req.bytes));
  req.stream_id = request.stream_id;
  req.expected = request.expected;
  req.events = request.events;
  req.command_id = request.command_id;
  req.metadata = &request.metadata;
  req.may_use_reserve = request.may_use_reserve;
  if (!request.command_id.empty()) {
    req.digest =
        RecordDigest(request.stream_id, request.expected, request.events,
                     request.metadata, request.request_digest);
  }
  core_->Submit(&req);
  if (!req.status.ok()) return req.status;
  return req.result;
}

void EventStore::AppendAsync(
    AppendRequest request,
    std::function<void(absl::StatusOr<AppendResult>)> done) {
  auto req = std::make_unique<internal::PendingAppend>();
  if (absl::Status s = internal::CheckAppend(
          core_->options(), request.stream_id, request.events,
          request.command_id, request.metadata, &req->bytes);
      !s.ok()) {
    done(s);
    return;
  }
  req->owned = std::make_unique<AppendRequest>(std::move(request));
  const AppendRequest& owned = *req->owned;
  req->stream_id = owned.stream_id;
  req->expected = owned.expected;
  req->events = owned.events;
  req->command_id = owned.command_id;
  req->metadata = &owned.metadata;
  req->may_use_reserve = owned.may_use_reserve;
  if (!owned.command_id.empty()) {
    req->digest = RecordDigest(owned.stream_id, owned.expected, owned.events,
                               owned.metadata, owned.request_digest);
  }
  req->callback = std::move(done);
  // From here the request frees itself when it is answered.
  core_->SubmitAsync(req.release());
}

absl::StatusOr<std::optional<AppendResult>> EventStore::LookupCommand(
    absl::string_view command_id, absl::string_view request_digest) const {
  if (command_id.empty() || request_digest.empty()) {
    return absl::InvalidArgumentError(
        "command_id and request_digest must not be empty");
  }
  return core_->LookupCommand(
      command_id,
      RecordDigest("", ExpectedVersion::Any(), {}, {}, request_digest));
}

absl::StatusOr<uint64_t> EventStore::GetCheckpoint(
    absl::string_view name) const {
  if (name.empty())
    return absl::InvalidArgumentError("checkpoint name is empty");
  return core_->GetCheckpoint(name);
}

absl::Status EventStore::PutCheckpoint(absl::string_view name,
                                       uint64_t position) {
  if (name.empty())
    return absl::InvalidArgumentError("checkpoint name is empty");
  return core_->PutCheckpoint(name, position);
}

absl::StatusOr<std::vector<v1::EventEnvelope>> EventStore::ReadStream(
    absl::string_view stream_id, uint64_t from_version, size_t max_count,
    Direction direction) const {
  if (stream_id.empty() || stream_id.find('\0') != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        "stream_id must be non-empty and contain no NUL byte");
  }
  if (max_count == 0) {
    return absl::InvalidArgumentError("max_count must be at least 1");
  }
  return core_->Noticed(
      core_->ReadStream(stream_id, from_version, max_count, direction));
}

absl::StatusOr<ReadAllResult> EventStore::ReadAll(
    uint64_t from_position, size_t max_count,
    const ReadAllFilter& filter) const {
  if (max_count == 0) {
    return absl::InvalidArgumentError("max_count must be at least 1");
  }
  return core_->Noticed(core_->ReadRange(from_position, max_count, filter,
                                         std::numeric_limits<size_t>::max()));
}

absl::StatusOr<ScanResult> EventStore::ScanAll(
    uint64_t from_position, size_t max_count, const ReadAllFilter& filter,
    absl::FunctionRef<bool(const v1::EventEnvelope&)> visit) const {
  if (max_count == 0) {
    return absl::InvalidArgumentError("max_count must be at least 1");
  }
  // One envelope, parsed into again and again: its fields keep their
  // buffers, so a long scan allocates next to nothing.
  v1::EventEnvelope event;
  return core_->Noticed(core_->Scan(
      from_position, max_count, filter, std::numeric_limits<size_t>::max(),
      [&](uint64_t position, absl::string_view value) {
        if (!event.ParseFromArray(value.data(),
                                  static_cast<int>(value.size()))) {
          return core_->UnparsableEvent(position);
        }
        return visit(event) ? absl::OkStatus() : absl::CancelledError();
      }));
}

absl::StatusOr<std::unique_ptr<Subscription>> EventStore::Subscribe(
    const SubscriptionStart& start, ReadAllFilter filter) {
  if (core_->closed()) return core_->ClosedError();
  const uint64_t from = start.is_now() ? core_->head() + 1 : start.position();
  return std::unique_ptr<Subscription>(
      new Subscription(core_, from, std::move(filter)));
}

uint64_t EventStore::HeadPosition() const { return core_->head(); }

absl::StatusOr<StreamInfo> EventStore::GetStreamInfo(
    absl::string_view stream_id) const {
  if (stream_id.empty() || stream_id.find('\0') != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        "stream_id must be non-empty and contain no NUL byte");
  }
  return core_->Noticed(core_->GetStreamInfo(stream_id));
}

absl::Status EventStore::Health() const { return core_->Health(); }

absl::Status EventStore::DiskReserveStatus() const {
  return core_->DiskReserveStatus();
}

void EventStore::OnFailure(std::function<void(const absl::Status&)> callback) {
  core_->OnFailure(std::move(callback));
}

absl::StatusOr<VerifyReport> EventStore::Verify(uint64_t from,
                                                uint64_t to) const {
  return core_->Verify(from, to);
}

absl::Status EventStore::CreateBackup(absl::string_view backup_dir) {
  return core_->CreateBackup(backup_dir);
}

absl::Status EventStore::CompactAll() { return core_->CompactAll(); }

}  // namespace atgard::eventstore
