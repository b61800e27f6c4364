// What every gRPC service of atgard shares, and the plumbing of one unary
// call: authenticate, act, finish with a mapped status, count it.
#ifndef ATGARD_SERVICES_API_SERVICE_CONTEXT_H_
#define ATGARD_SERVICES_API_SERVICE_CONTEXT_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "services/domain/principal.h"

namespace atgard {
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
};

// A check of the caller's role alone, made before the request is looked
// at; PERMISSION_DENIED when the role may never call the RPC.
using Authorize = absl::Status (*)(const domain::Principal&);

// One unary call: finishes its reactor exactly once and records the RPC's
// metrics. Safe to finish from any thread.
class UnaryCall {
 public:
  UnaryCall(const ServiceContext& services,
            grpc::CallbackServerContext* context, absl::string_view method);

  grpc::ServerUnaryReactor* reactor() const { return reactor_; }
  absl::string_view method() const { return method_; }

  // The caller's principal once it is authenticated, passed `authorize`
  // (if given: can this role ever call this RPC?) and `request` passed
  // CheckRequest() (request_checks.h); else the status to finish with.
  // Every RPC starts here, so that no request with unknown fields or
  // beyond the API's bounds is acted on, and a role that may not call the
  // RPC learns nothing about what a valid request looks like.
  absl::StatusOr<domain::Principal> Admit(
      const google::protobuf::Message& request,
      Authorize authorize = nullptr) const;

  // Admit() for reads, which are recorded refused or not: the caller's
  // principal once authenticated (else the status to finish with), and in
  // *refusal why `authorize` or CheckRequest() refused it (OK if not).
  absl::StatusOr<domain::Principal> AdmitRead(
      const google::protobuf::Message& request, Authorize authorize,
      absl::Status* refusal) const;

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
// authenticates the caller, then checks `request`.
[[nodiscard]] absl::StatusOr<domain::Principal> AdmitRequest(
    const CallAuthenticator& authenticator,
    const grpc::ServerContextBase& context,
    const google::protobuf::Message& request, Authorize authorize = nullptr);

// What UnaryCall::AdmitRead does, for calls that are not unary.
[[nodiscard]] absl::StatusOr<domain::Principal> AdmitReadRequest(
    const CallAuthenticator& authenticator,
    const grpc::ServerContextBase& context,
    const google::protobuf::Message& request, Authorize authorize,
    absl::Status* refusal);

// Roles that read workflow data (everyone but OPERATOR and SYSTEM; a
// PROVIDER only its own). PERMISSION_DENIED otherwise.
[[nodiscard]] absl::Status RequireReader(const domain::Principal& principal);

// OPERATOR alone: the role that runs the store. PERMISSION_DENIED
// otherwise.
[[nodiscard]] absl::Status RequireOperator(const domain::Principal& principal);

// Roles that read the event log across streams: the commissioners, the
// medical officers, auditors and supervisors.
[[nodiscard]] absl::Status RequireLogReader(const domain::Principal& principal);

}  // namespace atgard::api

#endif  // ATGARD_SERVICES_API_SERVICE_CONTEXT_H_
