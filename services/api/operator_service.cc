#include "services/api/operator_service.h"

#include "absl/strings/str_cat.h"
#include "atgard/v1/operator_service.grpc.pb.h"
#include "eventstore/event_store.h"
#include "services/common/clock.h"
#include "services/common/log.h"
#include "services/common/serial_executor.h"
#include "services/domain/errors.h"

namespace atgard::api {
namespace {

// google.protobuf.Timestamp's range: 0001-01-01 to 9999-12-31.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;

// The caller, if the access policy lets it run the store; else the
// status to finish with. The role is checked before the request: another
// role learns nothing of what a valid request looks like.
absl::StatusOr<domain::Principal> AuthenticateOperator(
    const UnaryCall& call, const google::protobuf::Message& request) {
  return call.Admit(request);
}

class OperatorServiceImpl final : public v1::OperatorService::CallbackService {
 public:
  explicit OperatorServiceImpl(const ServiceContext& services)
      : services_(services) {}

  grpc::ServerUnaryReactor* VerifyLog(
      grpc::CallbackServerContext* context, const v1::VerifyLogRequest* request,
      v1::VerifyLogResponse* response) override {
    auto call = std::make_shared<UnaryCall>(
        services_, context, "/atgard.v1.OperatorService/VerifyLog");
    absl::StatusOr<domain::Principal> principal =
        AuthenticateOperator(*call, *request);
    if (!principal.ok()) {
      call->Finish(principal.status());
      return call->reactor();
    }
    const uint64_t from = request->from_position();
    const uint64_t to = request->to_position();
    eventstore::EventStore* store = services_.store;
    const std::string subject = principal->subject;
    services_.maintenance->Post([call, response, store, from, to, subject] {
      absl::StatusOr<eventstore::VerifyReport> report = store->Verify(from, to);
      if (report.ok()) {
        response->set_ok(report->ok);
        response->set_events_checked(report->events_checked);
        response->set_first_bad_position(report->first_bad_position);
        response->set_problem(report->problem);
        log::Log(report->ok ? log::Level::kInfo : log::Level::kError,
                 "log_verified",
                 {{"by", subject},
                  {"ok", report->ok},
                  {"events_checked", report->events_checked},
                  {"first_bad_position", report->first_bad_position},
                  {"problem", report->problem}});
      }
      call->Finish(report.status());
    });
    return call->reactor();
  }

  grpc::ServerUnaryReactor* CreateBackup(
      grpc::CallbackServerContext* context,
      const v1::CreateBackupRequest* request,
      v1::CreateBackupResponse* response) override {
    auto call = std::make_shared<UnaryCall>(
        services_, context, "/atgard.v1.OperatorService/CreateBackup");
    absl::StatusOr<domain::Principal> principal =
        AuthenticateOperator(*call, *request);
    if (principal.ok() && services_.backup_dir.empty()) {
      principal = absl::FailedPreconditionError(
          "the server has no --backup_dir; start it with one to take backups");
    }
    if (!principal.ok()) {
      call->Finish(principal.status());
      return call->reactor();
    }
    eventstore::EventStore* store = services_.store;
    const std::string dir = services_.backup_dir;
    const std::string subject = principal->subject;
    services_.maintenance->Post([call, response, store, dir, subject] {
      const uint64_t head = store->HeadPosition();
      const absl::Status backed_up = store->CreateBackup(dir);
      if (backed_up.ok()) {
        response->set_backup_dir(dir);
        response->set_head_position(head);
        log::Info(
            "backup_created",
            {{"by", subject}, {"backup_dir", dir}, {"head_position", head}});
      } else {
        log::Error("backup_failed", {{"by", subject}, {"error", backed_up}});
      }
      call->Finish(backed_up);
    });
    return call->reactor();
  }

  grpc::ServerUnaryReactor* SetDevelopmentClock(
      grpc::CallbackServerContext* context,
      const v1::SetDevelopmentClockRequest* request,
      v1::SetDevelopmentClockResponse* response) override {
    auto call = std::make_shared<UnaryCall>(
        services_, context, "/atgard.v1.OperatorService/SetDevelopmentClock");
    absl::StatusOr<domain::Principal> principal =
        AuthenticateOperator(*call, *request);
    // After the role check, so that only an operator learns whether the
    // server runs on a development clock.
    if (principal.ok() && services_.dev_clock == nullptr) {
      principal = absl::PermissionDeniedError(
          "the development clock is off: only a development server "
          "(--dev_auth --dev_clock) lets its clock be moved");
    }
    if (!principal.ok()) {
      call->Finish(principal.status());
      return call->reactor();
    }
    const google::protobuf::Timestamp& now = request->now();
    if (!request->has_now() || now.seconds() < kMinTimestampSeconds ||
        now.seconds() > kMaxTimestampSeconds || now.nanos() < 0 ||
        now.nanos() > 999999999) {
      call->Finish(absl::InvalidArgumentError(
          request->has_now() ? "now: not a valid timestamp"
                             : "now: required, the instant to move to"));
      return call->reactor();
    }
    const absl::StatusOr<absl::Time> moved = services_.dev_clock->AdvanceTo(
        absl::FromUnixSeconds(now.seconds()) + absl::Nanoseconds(now.nanos()));
    if (moved.ok()) {
      const int64_t seconds = absl::ToUnixSeconds(*moved);  // rounds down
      response->mutable_now()->set_seconds(seconds);
      response->mutable_now()->set_nanos(static_cast<int32_t>(
          absl::ToInt64Nanoseconds(*moved - absl::FromUnixSeconds(seconds))));
      log::Warn("development_clock_moved",
                {{"by", principal->subject},
                 {"now", absl::FormatTime(absl::RFC3339_full, *moved,
                                          absl::UTCTimeZone())}});
      if (services_.clock_moved) services_.clock_moved();
    }
    call->Finish(moved.status());
    return call->reactor();
  }

 private:
  const ServiceContext services_;
};

}  // namespace

std::unique_ptr<grpc::Service> MakeOperatorService(
    const ServiceContext& context) {
  return std::make_unique<OperatorServiceImpl>(context);
}

}  // namespace atgard::api
