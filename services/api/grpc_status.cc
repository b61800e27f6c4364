#include "services/api/grpc_status.h"

#include <string>

namespace atgard::api {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // absl::StatusCode and grpc::StatusCode share their numbering (both
  // follow google.rpc.Code), so the code converts one to one.
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

}  // namespace atgard::api
