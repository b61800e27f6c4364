// OperatorService: verifying the event log's hash chain and taking online
// backups. Both are long-running, so they run one at a time on the
// maintenance executor, never on a gRPC thread.
#ifndef ATGARD_SERVICES_API_OPERATOR_SERVICE_H_
#define ATGARD_SERVICES_API_OPERATOR_SERVICE_H_

#include <memory>

#include "services/api/service_context.h"

namespace grpc {
class Service;
}

namespace atgard::api {

// The service, sharing `context` (whose pointers must outlive it).
std::unique_ptr<grpc::Service> MakeOperatorService(
    const ServiceContext& context);

}  // namespace atgard::api

#endif  // ATGARD_SERVICES_API_OPERATOR_SERVICE_H_
