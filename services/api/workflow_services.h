// The gRPC services of the workflow: providers, contracts, cases,
// measurements and care-plan reviews, one file each (provider_service.cc,
// ...). Each command RPC authenticates, checks the caller's role against
// the access policy, hands the command to the application layer's
// CommandHandler and answers when its events are durable; each Get RPC
// authorises the read, folds the aggregate, records the read in the access log
// and answers (workflow_call.h).
#ifndef ATGARD_SERVICES_API_WORKFLOW_SERVICES_H_
#define ATGARD_SERVICES_API_WORKFLOW_SERVICES_H_

#include <memory>
#include <vector>

#include "services/api/service_context.h"

namespace grpc {
class Service;
}

namespace atgard::api {

// One instance of each workflow service, all sharing `context`; register
// every element with the server builder. The services keep a copy of
// `context`, whose pointers must outlive them.
std::vector<std::unique_ptr<grpc::Service>> MakeWorkflowServices(
    const ServiceContext& context);

// Each workflow service alone, as MakeWorkflowServices() makes it.
std::unique_ptr<grpc::Service> MakeProviderService(
    const ServiceContext& context);
std::unique_ptr<grpc::Service> MakeContractService(
    const ServiceContext& context);
std::unique_ptr<grpc::Service> MakeCaseService(const ServiceContext& context);
std::unique_ptr<grpc::Service> MakeMeasurementService(
    const ServiceContext& context);
std::unique_ptr<grpc::Service> MakeCarePlanService(
    const ServiceContext& context);
// Bulk import (import_service.cc).
std::unique_ptr<grpc::Service> MakeImportService(const ServiceContext& context);
std::unique_ptr<grpc::Service> MakeSettingsService(
    const ServiceContext& context);
std::unique_ptr<grpc::Service> MakeOrganisationService(
    const ServiceContext& context);
std::unique_ptr<grpc::Service> MakeFollowUpPlanService(
    const ServiceContext& context);

}  // namespace atgard::api

#endif  // ATGARD_SERVICES_API_WORKFLOW_SERVICES_H_
