// The gRPC services that read the event log (EventStoreService: read a
// stream, read all, subscribe) and the diagnostics Ping. Tenant isolation,
// the provider scope and the access log apply to every read.
#ifndef ATGARD_SERVICES_API_EVENT_LOG_SERVICE_H_
#define ATGARD_SERVICES_API_EVENT_LOG_SERVICE_H_

#include <memory>
#include <vector>

#include "services/api/service_context.h"

namespace grpc {
class Service;
}

namespace atgard::api {

// EventStoreService and DiagnosticsService sharing `context`, whose
// pointers must outlive them.
std::vector<std::unique_ptr<grpc::Service>> MakeEventLogServices(
    const ServiceContext& context);

}  // namespace atgard::api

#endif  // ATGARD_SERVICES_API_EVENT_LOG_SERVICE_H_
