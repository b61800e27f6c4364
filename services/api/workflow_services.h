// The gRPC services of the workflow: providers, contracts, cases,
// measurements and care-plan reviews. Each command RPC authenticates,
// hands the command to the CommandHandler and answers when its events are
// durable; each Get RPC authorises the read, folds the aggregate, records
// the read in the access log and answers.
#ifndef ATGARD_SERVICES_API_WORKFLOW_SERVICES_H_
#define ATGARD_SERVICES_API_WORKFLOW_SERVICES_H_

#include <grpcpp/impl/service_type.h>

#include <memory>
#include <vector>

#include "services/api/service_context.h"

namespace atgard::api {

// One instance of each workflow service, all sharing `context`; register
// every element with the server builder. The services keep a copy of
// `context`, whose pointers must outlive them.
std::vector<std::unique_ptr<grpc::Service>> MakeWorkflowServices(
    const ServiceContext& context);

}  // namespace atgard::api

#endif  // ATGARD_SERVICES_API_WORKFLOW_SERVICES_H_
