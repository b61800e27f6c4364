#include "services/api/service_context.h"

#include "absl/strings/str_cat.h"
#include "services/api/call_authenticator.h"
#include "services/api/grpc_status.h"
#include "services/api/metrics.h"
#include "services/app/message_checks.h"
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
    const google::protobuf::Message& request, Authorize authorize) const {
  return AdmitRequest(*authenticator_, *context_, request, authorize);
}

absl::StatusOr<domain::Principal> UnaryCall::AdmitRead(
    const google::protobuf::Message& request, Authorize authorize,
    absl::Status* refusal) const {
  return AdmitReadRequest(*authenticator_, *context_, request, authorize,
                          refusal);
}

absl::StatusOr<domain::Principal> AdmitReadRequest(
    const CallAuthenticator& authenticator,
    const grpc::ServerContextBase& context,
    const google::protobuf::Message& request, Authorize authorize,
    absl::Status* refusal) {
  // Authentication first: an unknown caller learns nothing about what the
  // server accepts. Then the role, before the request is looked at.
  absl::StatusOr<domain::Principal> principal =
      authenticator.Authenticate(context);
  *refusal = absl::OkStatus();
  if (!principal.ok()) return principal;
  if (authorize != nullptr) *refusal = authorize(*principal);
  if (refusal->ok()) *refusal = app::CheckRequest(request);
  return principal;
}

absl::StatusOr<domain::Principal> AdmitRequest(
    const CallAuthenticator& authenticator,
    const grpc::ServerContextBase& context,
    const google::protobuf::Message& request, Authorize authorize) {
  absl::Status refusal;
  absl::StatusOr<domain::Principal> principal =
      AdmitReadRequest(authenticator, context, request, authorize, &refusal);
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

absl::Status RequireReader(const domain::Principal& principal) {
  switch (principal.role) {
    case v1::ROLE_FOLLOW_UP_OFFICER:
    case v1::ROLE_CARE_DIRECTOR:
    case v1::ROLE_ADMINISTRATION_DIRECTOR:
    case v1::ROLE_MEDICAL_OFFICER:
    case v1::ROLE_AUDITOR:
    case v1::ROLE_SUPERVISOR:
    case v1::ROLE_PROVIDER:
      return absl::OkStatus();
    default:
      return domain::PermissionDenied(
          "", absl::StrCat("role ", domain::RoleName(principal.role),
                           " does not read workflow data"));
  }
}

absl::Status RequireOperator(const domain::Principal& principal) {
  if (principal.role == v1::ROLE_OPERATOR) return absl::OkStatus();
  return domain::PermissionDenied(
      "", absl::StrCat("role ", domain::RoleName(principal.role),
                       " does not run the store (allowed: OPERATOR)"));
}

absl::Status RequireLogReader(const domain::Principal& principal) {
  if (principal.role == v1::ROLE_PROVIDER) {
    return domain::PermissionDenied(
        "",
        "a provider reads its own streams with ReadStream, not the "
        "tenant's log");
  }
  return RequireReader(principal);
}

}  // namespace atgard::api
