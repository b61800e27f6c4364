#include "services/api/grpc_status.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "services/domain/errors.h"

namespace atgard::api {
namespace {

// The rule of a message that names `field`: the text after "<field>: ".
std::string RuleOf(absl::string_view message, absl::string_view field) {
  const std::string prefix = absl::StrCat(field, ": ");
  if (absl::StartsWith(message, prefix)) {
    message.remove_prefix(prefix.size());
  }
  return std::string(message);
}

}  // namespace

google::rpc::Status RpcStatusOf(const absl::Status& status) {
  google::rpc::Status rpc;
  // absl::StatusCode and grpc::StatusCode share their numbering (both
  // follow google.rpc.Code), so the code converts one to one.
  rpc.set_code(static_cast<int>(status.code()));
  rpc.set_message(std::string(status.message()));
  if (status.ok()) return rpc;
  const domain::ErrorDetail detail = domain::DetailOf(status);

  google::rpc::ErrorInfo info;
  info.set_reason(detail.reason);
  info.set_domain(std::string(domain::kErrorDomain));
  if (!detail.field.empty()) (*info.mutable_metadata())["field"] = detail.field;
  if (!detail.subject.empty()) {
    (*info.mutable_metadata())["subject"] = detail.subject;
  }
  rpc.add_details()->PackFrom(info);

  if (status.code() == absl::StatusCode::kInvalidArgument &&
      !detail.field.empty()) {
    google::rpc::BadRequest bad_request;
    google::rpc::BadRequest::FieldViolation* violation =
        bad_request.add_field_violations();
    violation->set_field(detail.field);
    violation->set_description(RuleOf(status.message(), detail.field));
    rpc.add_details()->PackFrom(bad_request);
  }
  if (status.code() == absl::StatusCode::kFailedPrecondition) {
    google::rpc::PreconditionFailure failure;
    google::rpc::PreconditionFailure::Violation* violation =
        failure.add_violations();
    violation->set_type(detail.precondition_type);
    violation->set_subject(detail.subject.empty() ? detail.field
                                                  : detail.subject);
    violation->set_description(std::string(status.message()));
    rpc.add_details()->PackFrom(failure);
  }
  return rpc;
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()),
                      RpcStatusOf(status).SerializeAsString());
}

}  // namespace atgard::api
