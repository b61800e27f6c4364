#include "services/api/event_log_service.h"

#include <atomic>
#include <deque>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "atgard/v1/diagnostics_service.grpc.pb.h"
#include "atgard/v1/event_store_service.grpc.pb.h"
#include "eventstore/base/status_macros.h"
#include "eventstore/event_store.h"
#include "services/api/call_authenticator.h"
#include "services/api/grpc_status.h"
#include "services/api/metrics.h"
#include "services/app/access_log.h"
#include "services/app/aggregate_repository.h"
#include "services/app/event_codec.h"
#include "services/common/serial_executor.h"
#include "services/domain/errors.h"
#include "services/domain/read_access.h"
#include "services/domain/streams.h"
#include "services/domain/validation.h"

namespace atgard::api {
namespace {

constexpr uint32_t kDefaultMaxCount = 100;
constexpr uint32_t kMaxMaxCount = 1000;
// Events read per subscription step; one write each.
constexpr size_t kSubscriptionBatch = 64;

absl::StatusOr<size_t> MaxCount(uint32_t requested) {
  if (requested == 0) return kDefaultMaxCount;
  if (requested > kMaxMaxCount) {
    return domain::InvalidArgument("max_count", "must be at most 1000");
  }
  return requested;
}

absl::StatusOr<v1::RecordedEvent> ToRecordedEvent(v1::EventEnvelope envelope) {
  v1::RecordedEvent recorded;
  ASSIGN_OR_RETURN(*recorded.mutable_event(), app::DecodeEvent(envelope));
  *recorded.mutable_envelope() = std::move(envelope);
  return recorded;
}

// What a stream id names, if it is well formed and holds no personal
// identity; whose it is, is the read-access rule's to say.
absl::StatusOr<domain::StreamName> ParseRequestedStream(
    absl::string_view stream_id) {
  const absl::Status malformed = domain::InvalidArgument(
      "stream_id", "must be \"<kommunkod>/<kind>/<id>\" with a known kind");
  if (stream_id.empty() || stream_id.size() > domain::kMaxStreamIdBytes) {
    return malformed;
  }
  RETURN_IF_ERROR(
      domain::CheckNoPersonalIdentityNumbers("stream_id", stream_id));
  absl::StatusOr<domain::StreamName> name = domain::ParseStreamId(stream_id);
  if (!name.ok()) return malformed;
  return name;
}

// The tenant-restricted store filter for an API filter.
absl::StatusOr<eventstore::ReadAllFilter> StoreFilter(
    const domain::Principal& principal, const v1::EventFilter& filter) {
  eventstore::ReadAllFilter out;
  const std::string tenant = domain::TenantPrefix(principal.tenant);
  for (int i = 0; i < filter.stream_prefixes_size(); ++i) {
    const std::string& prefix = filter.stream_prefixes(i);
    const std::string field = absl::StrCat("filter.stream_prefixes[", i, "]");
    RETURN_IF_ERROR(domain::CheckNoPersonalIdentityNumbers(field, prefix));
    if (!absl::StartsWith(prefix, tenant)) {
      return domain::PermissionDenied(
          field, absl::StrCat("must lie within the caller's tenant, i.e. start "
                              "with \"",
                              tenant, "\""));
    }
    out.stream_prefixes.push_back(prefix);
  }
  if (out.stream_prefixes.empty()) out.stream_prefixes.push_back(tenant);
  for (int i = 0; i < filter.event_types_size(); ++i) {
    RETURN_IF_ERROR(domain::CheckId(absl::StrCat("filter.event_types[", i, "]"),
                                    filter.event_types(i)));
    out.event_types.push_back(filter.event_types(i));
  }
  return out;
}

// A filter as an access record names it: escaped and bounded like anything
// else the caller sent (20 prefixes of 512 bytes are not kept for ever).
std::string DescribeFilter(const eventstore::ReadAllFilter& filter) {
  std::string out = absl::StrJoin(filter.stream_prefixes, ",");
  if (!filter.event_types.empty()) {
    absl::StrAppend(&out, " types ", absl::StrJoin(filter.event_types, ","));
  }
  return app::AccessLog::Requested("filter", out);
}

// A filter that was refused, as the caller gave it.
std::string RequestedFilter(const v1::EventFilter& filter) {
  std::string out = absl::StrJoin(filter.stream_prefixes(), ",");
  if (filter.event_types_size() > 0) {
    absl::StrAppend(&out, " types ", absl::StrJoin(filter.event_types(), ","));
  }
  return app::AccessLog::Requested("filter", out);
}

class EventStoreServiceImpl final
    : public v1::EventStoreService::CallbackService {
 public:
  explicit EventStoreServiceImpl(const ServiceContext& services)
      : services_(services) {}

  grpc::ServerUnaryReactor* ReadStream(
      grpc::CallbackServerContext* context,
      const v1::ReadStreamRequest* request,
      v1::ReadStreamResponse* response) override {
    auto call = std::make_shared<UnaryCall>(
        services_, context, "/atgard.v1.EventStoreService/ReadStream");
    // Every read by a known principal is recorded, refused ones too.
    absl::Status outcome;
    absl::StatusOr<domain::Principal> principal =
        call->AdmitRead(*request, &outcome);
    if (!principal.ok()) {
      call->Finish(principal.status());
      return call->reactor();
    }
    if (outcome.ok()) outcome = ReadStreamInto(*principal, *request, response);
    // What was asked for, refused or not (escaped, bounded, and withheld
    // if it holds a personnummer): a refused cross-tenant read names the
    // stream it tried.
    const std::string resource =
        app::AccessLog::Requested("stream_id", request->stream_id());
    services_.access_log->Record(
        *principal, call->method(), resource, outcome,
        outcome.ok() ? response->events_size() : 0,
        [call, outcome](absl::Status recorded) {
          call->Finish(recorded.ok() ? outcome : recorded);
        });
    return call->reactor();
  }

  grpc::ServerUnaryReactor* ReadAll(grpc::CallbackServerContext* context,
                                    const v1::ReadAllRequest* request,
                                    v1::ReadAllResponse* response) override {
    auto call = std::make_shared<UnaryCall>(
        services_, context, "/atgard.v1.EventStoreService/ReadAll");
    absl::Status outcome;
    absl::StatusOr<domain::Principal> principal =
        call->AdmitRead(*request, &outcome);
    if (!principal.ok()) {
      call->Finish(principal.status());
      return call->reactor();
    }
    absl::StatusOr<eventstore::ReadAllFilter> filter =
        outcome.ok() ? StoreFilter(*principal, request->filter())
                     : absl::StatusOr<eventstore::ReadAllFilter>(outcome);
    if (outcome.ok()) outcome = filter.status();
    absl::StatusOr<size_t> max_count = MaxCount(request->max_count());
    if (outcome.ok()) outcome = max_count.status();
    if (outcome.ok()) {
      absl::StatusOr<eventstore::ReadAllResult> read = services_.store->ReadAll(
          request->from_position(), *max_count, *filter);
      outcome = read.status();
      if (read.ok()) {
        response->set_next_position(read->next_position);
        response->set_head_position(read->head_position);
        for (v1::EventEnvelope& envelope : read->events) {
          absl::StatusOr<v1::RecordedEvent> recorded =
              ToRecordedEvent(std::move(envelope));
          if (!recorded.ok()) {
            outcome = recorded.status();
            break;
          }
          *response->add_events() = *std::move(recorded);
        }
      }
    }
    const std::string resource =
        filter.ok() ? absl::StrCat(DescribeFilter(*filter), " from ",
                                   request->from_position())
                    : RequestedFilter(request->filter());
    services_.access_log->Record(
        *principal, call->method(), resource, outcome,
        outcome.ok() ? response->events_size() : 0,
        [call, outcome](absl::Status recorded) {
          call->Finish(recorded.ok() ? outcome : recorded);
        });
    return call->reactor();
  }

  grpc::ServerWriteReactor<v1::SubscribeResponse>* Subscribe(
      grpc::CallbackServerContext* context,
      const v1::SubscribeRequest* request) override;

 private:
  // Authorises (domain::CheckStreamRead) and reads; the caller records the
  // access.
  absl::Status ReadStreamInto(const domain::Principal& principal,
                              const v1::ReadStreamRequest& request,
                              v1::ReadStreamResponse* response) {
    const std::string& stream_id = request.stream_id();
    ASSIGN_OR_RETURN(domain::StreamName name, ParseRequestedStream(stream_id));
    // The aggregate is folded only where its content names the owner.
    absl::StatusOr<app::LoadedAggregate> loaded;
    if (domain::ReadNeedsState(principal, name)) {
      loaded = services_.repository->Load(stream_id, *name.kind);
      RETURN_IF_ERROR(loaded.status());
    }
    RETURN_IF_ERROR(
        domain::CheckStreamRead(principal, "stream_id", name,
                                loaded.ok() ? loaded->state.get() : nullptr));
    ASSIGN_OR_RETURN(size_t max_count, MaxCount(request.max_count()));
    absl::StatusOr<eventstore::StreamInfo> info =
        services_.store->GetStreamInfo(stream_id);
    if (absl::IsNotFound(info.status())) {
      return domain::NotReadable("stream_id");
    }
    RETURN_IF_ERROR(info.status());
    const bool backwards = request.direction() == v1::READ_DIRECTION_BACKWARDS;
    uint64_t from = request.from_version();
    if (from == 0) from = backwards ? info->version : 1;
    ASSIGN_OR_RETURN(std::vector<v1::EventEnvelope> envelopes,
                     services_.store->ReadStream(
                         stream_id, from, max_count,
                         backwards ? eventstore::Direction::kBackward
                                   : eventstore::Direction::kForward));
    response->set_stream_version(info->version);
    for (v1::EventEnvelope& envelope : envelopes) {
      ASSIGN_OR_RETURN(*response->add_events(),
                       ToRecordedEvent(std::move(envelope)));
    }
    return absl::OkStatus();
  }

  const ServiceContext services_;
};

// Streams the log to one subscriber. Every step that touches the store's
// subscription runs on the subscription pump (one thread), which keeps the
// subscription single-threaded and the store's writer thread free: the
// writer only posts a wake-up when new events are acknowledged.
class SubscribeCall final
    : public grpc::ServerWriteReactor<v1::SubscribeResponse>,
      public std::enable_shared_from_this<SubscribeCall> {
 public:
  // A call that waits until its access record is stored (Recorded()) and
  // then either refuses with `refusal` or streams from `subscription`.
  static std::shared_ptr<SubscribeCall> Create(
      const ServiceContext& services, absl::Status refusal,
      std::unique_ptr<eventstore::Subscription> subscription,
      domain::Principal principal, std::string resource) {
    std::shared_ptr<SubscribeCall> call(new SubscribeCall(
        services, std::move(refusal), std::move(subscription)));
    call->principal_ = std::move(principal);
    call->resource_ = std::move(resource);
    call->self_ = call;
    if (services.metrics != nullptr) services.metrics->AddSubscriptions(1);
    return call;
  }

  // The access record is stored (OK) or could not be (then the call is
  // refused with that status).
  void Recorded(const absl::Status& stored) {
    if (!stored.ok()) refusal_ = stored;
    ready_.store(true, std::memory_order_release);
    Wake();
  }

  void OnWriteDone(bool ok) override {
    if (!ok) cancelled_ = true;
    // Counted once gRPC has taken the event for the stream, not when the
    // write was started: a write that fails was not delivered.
    if (ok && writing_event_) {
      delivered_.fetch_add(1, std::memory_order_relaxed);
    }
    writing_ = false;
    Wake();
  }

  void OnCancel() override {
    cancelled_ = true;
    Wake();
  }

  void OnDone() override {
    done_ = true;
    if (services_.metrics != nullptr) services_.metrics->AddSubscriptions(-1);
    // A subscription that streamed closes its access record with what it
    // delivered; a refused one was recorded in full when it started.
    if (ready_.load(std::memory_order_acquire) && refusal_.ok()) {
      services_.access_log->RecordEnd(
          principal_, "/atgard.v1.EventStoreService/Subscribe", resource_,
          final_status_, delivered_.load(std::memory_order_relaxed));
    }
    // Released on the pump after every step already queued has run.
    services_.subscription_pump->Post([self = std::move(self_)] {});
  }

 private:
  SubscribeCall(const ServiceContext& services, absl::Status refusal,
                std::unique_ptr<eventstore::Subscription> subscription)
      : services_(services),
        refusal_(std::move(refusal)),
        subscription_(std::move(subscription)) {}

  void Wake() {
    services_.subscription_pump->Post(
        [self = shared_from_this()] { self->Step(); });
  }

  // Runs on the pump only.
  void Step() {
    if (!ready_.load(std::memory_order_acquire)) return;
    if (done_ || finished_ || writing_) return;
    if (!refusal_.ok()) {
      finished_ = true;
      Finish(ToGrpcStatus(refusal_));
      return;
    }
    if (cancelled_) {
      finished_ = true;
      final_status_ = absl::CancelledError("the subscriber went away");
      Finish(grpc::Status::CANCELLED);
      return;
    }
    while (buffer_.empty()) {
      absl::StatusOr<std::vector<v1::EventEnvelope>> batch =
          subscription_->ReadAvailable(kSubscriptionBatch);
      if (!batch.ok()) {
        finished_ = true;
        final_status_ = batch.status();
        Finish(ToGrpcStatus(batch.status()));
        return;
      }
      for (v1::EventEnvelope& e : *batch) buffer_.push_back(std::move(e));
      if (services_.metrics != nullptr) {
        const uint64_t head = services_.store->HeadPosition();
        const uint64_t next = subscription_->next_position();
        services_.metrics->ObserveSubscriptionLag(head >= next ? head - next + 1
                                                               : 0);
      }
      if (!buffer_.empty()) break;
      if (!subscription_->caught_up()) continue;  // skipped filtered events
      if (!caught_up_sent_) {
        caught_up_sent_ = true;
        response_.Clear();
        response_.mutable_caught_up()->set_head_position(
            subscription_->next_position() - 1);
        Write();
        return;
      }
      std::weak_ptr<SubscribeCall> weak = weak_from_this();
      if (subscription_->NotifyWhenAvailable([weak] {
            if (std::shared_ptr<SubscribeCall> call = weak.lock()) call->Wake();
          })) {
        return;  // woken when the head moves
      }
    }
    absl::StatusOr<v1::RecordedEvent> recorded =
        ToRecordedEvent(std::move(buffer_.front()));
    buffer_.pop_front();
    if (!recorded.ok()) {
      finished_ = true;
      final_status_ = recorded.status();
      Finish(ToGrpcStatus(recorded.status()));
      return;
    }
    response_.Clear();
    *response_.mutable_event() = *std::move(recorded);
    Write();
  }

  void Write() {
    writing_event_ = response_.has_event();
    writing_ = true;
    StartWrite(&response_);
  }

  const ServiceContext services_;
  // Written before ready_ is set, read after.
  absl::Status refusal_;
  std::atomic<bool> ready_{false};
  std::unique_ptr<eventstore::Subscription> subscription_;
  std::shared_ptr<SubscribeCall> self_;
  // For the closing access record; set before the call starts.
  domain::Principal principal_;
  std::string resource_;
  // Written on the pump before Finish(); read in OnDone, which gRPC calls
  // after Finish() has completed. A stream the server ends otherwise
  // (shutdown) counts as cancelled.
  absl::Status final_status_ = absl::CancelledError("the server stopped it");
  std::atomic<uint64_t> delivered_{0};
  // Touched only on the pump.
  std::deque<v1::EventEnvelope> buffer_;
  v1::SubscribeResponse response_;
  bool caught_up_sent_ = false;
  bool finished_ = false;
  // Set from gRPC threads.
  std::atomic<bool> writing_{false};
  // Whether the write under way carries an event (not caught_up); set
  // before it starts, read in its OnWriteDone.
  std::atomic<bool> writing_event_{false};
  std::atomic<bool> cancelled_{false};
  std::atomic<bool> done_{false};
};

// A stream that only refuses: for subscriptions that fail authentication,
// authorisation or validation.
class RefusedSubscribe final
    : public grpc::ServerWriteReactor<v1::SubscribeResponse> {
 public:
  explicit RefusedSubscribe(const absl::Status& status) {
    Finish(ToGrpcStatus(status));
  }
  void OnDone() override { delete this; }
};

grpc::ServerWriteReactor<v1::SubscribeResponse>*
EventStoreServiceImpl::Subscribe(grpc::CallbackServerContext* context,
                                 const v1::SubscribeRequest* request) {
  // Every subscription by a known principal is recorded, refused ones too.
  absl::Status outcome;
  absl::StatusOr<domain::Principal> principal = AdmitReadRequest(
      *services_.authenticator, *context,
      "/atgard.v1.EventStoreService/Subscribe", *request, &outcome);
  if (!principal.ok()) return new RefusedSubscribe(principal.status());
  absl::StatusOr<eventstore::ReadAllFilter> filter =
      outcome.ok() ? StoreFilter(*principal, request->filter())
                   : absl::StatusOr<eventstore::ReadAllFilter>(outcome);
  if (outcome.ok()) outcome = filter.status();
  eventstore::SubscriptionStart start = eventstore::SubscriptionStart::Now();
  if (request->start_case() == v1::SubscribeRequest::kFromPosition) {
    if (request->from_position() == 0) {
      outcome.Update(domain::InvalidArgument(
          "from_position", "positions start at 1 (or use from_now)"));
    }
    start = eventstore::SubscriptionStart::AtPosition(request->from_position());
  } else if (request->start_case() != v1::SubscribeRequest::kFromNow ||
             !request->from_now()) {
    outcome.Update(domain::InvalidArgument(
        "start", "give from_position (from 1) or from_now = true"));
  }
  std::unique_ptr<eventstore::Subscription> subscription;
  if (outcome.ok()) {
    absl::StatusOr<std::unique_ptr<eventstore::Subscription>> s =
        services_.store->Subscribe(start, *filter);
    outcome = s.status();
    if (s.ok()) subscription = *std::move(s);
  }
  const std::string resource =
      filter.ok()
          ? absl::StrCat(DescribeFilter(*filter), " from ",
                         start.is_now() ? std::string("now")
                                        : absl::StrCat(start.position()))
          : RequestedFilter(request->filter());
  // The subscription is recorded before its first event is sent (its
  // record is itself an event the subscriber may see).
  std::shared_ptr<SubscribeCall> call = SubscribeCall::Create(
      services_, outcome, std::move(subscription), *principal, resource);
  services_.access_log->Record(
      *principal, "/atgard.v1.EventStoreService/Subscribe", resource, outcome,
      0, [call](absl::Status stored) { call->Recorded(stored); });
  return call.get();
}

class DiagnosticsServiceImpl final
    : public v1::DiagnosticsService::CallbackService {
 public:
  explicit DiagnosticsServiceImpl(const ServiceContext& services)
      : services_(services) {}

  grpc::ServerUnaryReactor* Ping(grpc::CallbackServerContext* context,
                                 const v1::PingRequest* request,
                                 v1::PingResponse* response) override {
    UnaryCall call(services_, context, "/atgard.v1.DiagnosticsService/Ping");
    absl::StatusOr<domain::Principal> principal = call.Admit(*request);
    if (principal.ok()) {
      response->set_subject(principal->subject);
      response->set_role(principal->role);
      response->set_tenant(principal->tenant);
      response->set_provider_id(principal->provider_id);
    }
    call.Finish(principal.status());
    return call.reactor();
  }

 private:
  const ServiceContext services_;
};

}  // namespace

std::vector<std::unique_ptr<grpc::Service>> MakeEventLogServices(
    const ServiceContext& context) {
  std::vector<std::unique_ptr<grpc::Service>> services;
  services.push_back(std::make_unique<EventStoreServiceImpl>(context));
  services.push_back(std::make_unique<DiagnosticsServiceImpl>(context));
  return services;
}

}  // namespace atgard::api
