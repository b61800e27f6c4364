// The one place where statuses cross from absl to gRPC. Codes keep their
// meaning (the API's policy is stated in the service protos); messages keep
// the field path and the rule.
#ifndef ATGARD_SERVICES_API_GRPC_STATUS_H_
#define ATGARD_SERVICES_API_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace atgard::api {

// OK → OK; any other code → the same gRPC code with the same message. The
// field a domain error names (see domain::FieldOf) travels in the message
// ("<field>: <rule>").
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace atgard::api

#endif  // ATGARD_SERVICES_API_GRPC_STATUS_H_
