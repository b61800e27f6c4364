// The one place where statuses cross from absl to gRPC. Codes keep their
// meaning (the API's policy is stated in the service protos); messages keep
// the field path and the rule. Every refusal also carries google.rpc error
// details, so that clients in any language act on it without parsing text
// (services/api/ERRORS.md lists the reasons).
#ifndef ATGARD_SERVICES_API_GRPC_STATUS_H_
#define ATGARD_SERVICES_API_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "google/rpc/status.pb.h"

namespace atgard::api {

// OK → OK, without details. Any other code → the same gRPC code with the
// same message, and as error_details (sent as the grpc-status-details-bin
// trailer) the serialized google.rpc.Status of RpcStatusOf(status).
// Thread-safe; pure.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The google.rpc.Status of a status that is not OK: code and message as
// given, and in `details`, in this order:
//   google.rpc.ErrorInfo          always: reason (domain::DetailOf), domain
//                                 "atgard.se", metadata "field" and
//                                 "subject" when the status names them;
//   google.rpc.BadRequest         INVALID_ARGUMENT naming a field: one field
//                                 violation, the field path and the rule
//                                 (the message less its "<field>: ");
//   google.rpc.PreconditionFailure  FAILED_PRECONDITION: one violation, type
//                                 CASE_STATUS, CONTRACT_STATUS,
//                                 WORKFLOW_STATE or SERVER_STATE, subject the
//                                 refused stream (else the field path), and
//                                 the message as description.
// For OK, a google.rpc.Status with code 0 and no details.
google::rpc::Status RpcStatusOf(const absl::Status& status);

}  // namespace atgard::api

#endif  // ATGARD_SERVICES_API_GRPC_STATUS_H_
