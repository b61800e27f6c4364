#include "services/api/service_context.h"

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include "google/protobuf/message.h"
#include "services/api/call_authenticator.h"
#include "services/api/grpc_status.h"
#include "services/api/metrics.h"
#include "services/app/message_checks.h"
#include "services/domain/access_policy.h"
#include "services/domain/errors.h"

namespace atgard::api {

UnaryCall::UnaryCall(const ServiceContext& services,
                     grpc::CallbackServerContext* context,
                     absl::string_view method)
    : context_(context),
      reactor_(context->DefaultReactor()),
      method_(method),
      metrics_(services.metrics),
      authenticator_(services.authenticator),
      started_(absl::Now()) {}

absl::StatusOr<domain::Principal> UnaryCall::Admit(
    const google::protobuf::Message& request) const {
  return AdmitRequest(*authenticator_, *context_, method_, request);
}

absl::StatusOr<domain::Principal> UnaryCall::AdmitRead(
    const google::protobuf::Message& request, absl::Status* refusal) const {
  return AdmitReadRequest(*authenticator_, *context_, method_, request,
                          refusal);
}

absl::StatusOr<domain::Principal> AdmitReadRequest(
    const CallAuthenticator& authenticator,
    const grpc::ServerContextBase& context, absl::string_view method,
    const google::protobuf::Message& request, absl::Status* refusal) {
  // Authentication first: an unknown caller learns nothing about what the
  // server accepts. Then the role, before the request is looked at.
  absl::StatusOr<domain::Principal> principal =
      authenticator.Authenticate(context);
  *refusal = absl::OkStatus();
  if (!principal.ok()) return principal;
  *refusal = domain::CheckCallerRole(method, *principal);
  if (refusal->ok()) *refusal = app::CheckRequest(request);
  return principal;
}

absl::StatusOr<domain::Principal> AdmitRequest(
    const CallAuthenticator& authenticator,
    const grpc::ServerContextBase& context, absl::string_view method,
    const google::protobuf::Message& request) {
  absl::Status refusal;
  absl::StatusOr<domain::Principal> principal =
      AdmitReadRequest(authenticator, context, method, request, &refusal);
  if (!refusal.ok()) return refusal;
  return principal;
}

void UnaryCall::Finish(const absl::Status& status) const {
  if (metrics_ != nullptr) {
    metrics_->ObserveRpc(method_, absl::StatusCodeToString(status.code()),
                         absl::Now() - started_);
  }
  reactor_->Finish(ToGrpcStatus(status));
}

}  // namespace atgard::api
