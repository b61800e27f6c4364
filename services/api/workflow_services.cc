#include "services/api/workflow_services.h"

#include <grpcpp/impl/service_type.h>

namespace atgard::api {

std::vector<std::unique_ptr<grpc::Service>> MakeWorkflowServices(
    const ServiceContext& context) {
  std::vector<std::unique_ptr<grpc::Service>> services;
  services.push_back(MakeProviderService(context));
  services.push_back(MakeContractService(context));
  services.push_back(MakeCaseService(context));
  services.push_back(MakeMeasurementService(context));
  services.push_back(MakeCarePlanService(context));
  services.push_back(MakeImportService(context));
  services.push_back(MakeSettingsService(context));
  services.push_back(MakeOrganisationService(context));
  services.push_back(MakeFollowUpPlanService(context));
  return services;
}

}  // namespace atgard::api
