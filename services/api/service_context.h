// What every gRPC service of atgard shares, and the plumbing of one unary
// call: authenticate, act, finish with a mapped status, count it.
#ifndef ATGARD_SERVICES_API_SERVICE_CONTEXT_H_
#define ATGARD_SERVICES_API_SERVICE_CONTEXT_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/domain/principal.h"

// Only pointers and references of these cross this header, so that the
// services' headers do not pull in gRPC and protobuf's reflection.
namespace google::protobuf {
class Message;
}
namespace grpc {
class CallbackServerContext;
class ServerContextBase;
class ServerUnaryReactor;
}  // namespace grpc
namespace atgard {
class DevelopmentClock;
class SerialExecutor;
namespace eventstore {
class EventStore;
}
namespace app {
class AccessLog;
class AggregateRepository;
class CommandHandler;
}  // namespace app
}  // namespace atgard

namespace atgard::api {

class CallAuthenticator;
class Metrics;

// The server's shared parts; all must outlive the services.
struct ServiceContext {
  eventstore::EventStore* store = nullptr;
  const CallAuthenticator* authenticator = nullptr;
  app::CommandHandler* commands = nullptr;
  app::AggregateRepository* repository = nullptr;
  app::AccessLog* access_log = nullptr;
  Metrics* metrics = nullptr;
  // Moves subscription work off the store's writer thread.
  SerialExecutor* subscription_pump = nullptr;
  // Runs long operator tasks (verify, backup) one at a time.
  SerialExecutor* maintenance = nullptr;
  // Where OperatorService.CreateBackup writes; empty when not configured.
  std::string backup_dir;
  std::function<absl::Time()> clock = [] { return absl::Now(); };
  // The development clock (--dev_clock) that `clock` reads, which
  // OperatorService.SetDevelopmentClock moves; null on a server without one
  // (every production server), where that RPC is refused.
  DevelopmentClock* dev_clock = nullptr;
  // Called after the development clock moved, so that what depends on the
  // day (the deadline scheduler) looks again at once. May be empty.
  std::function<void()> clock_moved;
};

// One unary call: finishes its reactor exactly once and records the RPC's
// metrics. Safe to finish from any thread. `method` is the full gRPC
// method name ("/atgard.v1.CaseService/CloseCase"), by which the caller's
// role is checked against the access policy (services/domain/
// access_policy.h); `context` must outlive the call.
class UnaryCall {
 public:
  UnaryCall(const ServiceContext& services,
            grpc::CallbackServerContext* context, absl::string_view method);

  grpc::ServerUnaryReactor* reactor() const { return reactor_; }
  absl::string_view method() const { return method_; }

  // The caller's principal once it is authenticated (else
  // UNAUTHENTICATED), its role is one the access policy allows for the
  // method (else PERMISSION_DENIED) and `request` passed app::CheckRequest()
  // (message_checks.h; else INVALID_ARGUMENT). Every RPC starts here, so
  // that no request with unknown fields or beyond the API's bounds is
  // acted on, and a role that may not call the RPC learns nothing about
  // what a valid request looks like.
  absl::StatusOr<domain::Principal> Admit(
      const google::protobuf::Message& request) const;

  // Admit() for reads, which are recorded refused or not: the caller's
  // principal once authenticated (else the status to finish with), and in
  // *refusal why the access policy or app::CheckRequest() refused it (OK if
  // not).
  absl::StatusOr<domain::Principal> AdmitRead(
      const google::protobuf::Message& request, absl::Status* refusal) const;

  void Finish(const absl::Status& status) const;

 private:
  grpc::CallbackServerContext* context_;
  grpc::ServerUnaryReactor* reactor_;
  std::string method_;
  Metrics* metrics_;
  const CallAuthenticator* authenticator_;
  absl::Time started_;
};

// What UnaryCall::Admit does, for calls that are not unary (Subscribe):
// authenticates the caller, checks its role against the access policy
// for `method`, then checks `request`.
[[nodiscard]] absl::StatusOr<domain::Principal> AdmitRequest(
    const CallAuthenticator& authenticator,
    const grpc::ServerContextBase& context, absl::string_view method,
    const google::protobuf::Message& request);

// What UnaryCall::AdmitRead does, for calls that are not unary.
[[nodiscard]] absl::StatusOr<domain::Principal> AdmitReadRequest(
    const CallAuthenticator& authenticator,
    const grpc::ServerContextBase& context, absl::string_view method,
    const google::protobuf::Message& request, absl::Status* refusal);

}  // namespace atgard::api

#endif  // ATGARD_SERVICES_API_SERVICE_CONTEXT_H_
