// OrganisationService: the tenant's register of areas (områden) of its own
// units and their care directors. Its RPCs take the shapes of
// workflow_call.h.
#include "atgard/v1/organisation_service.grpc.pb.h"
#include "services/api/workflow_call.h"
#include "services/api/workflow_services.h"
#include "services/app/aggregate_repository.h"
#include "services/domain/aggregate_states.h"

namespace atgard::api {
namespace {

class OrganisationServiceImpl final
    : public v1::OrganisationService::CallbackService {
 public:
  explicit OrganisationServiceImpl(const ServiceContext& services)
      : services_(services) {}

  grpc::ServerUnaryReactor* DefineArea(
      grpc::CallbackServerContext* context,
      const v1::DefineAreaRequest* request,
      v1::DefineAreaResponse* response) override {
    return RunCommandRpc(services_, context,
                         "/atgard.v1.OrganisationService/DefineArea", *request,
                         response, &v1::Command::mutable_define_area);
  }

  grpc::ServerUnaryReactor* GetAreas(grpc::CallbackServerContext* context,
                                     const v1::GetAreasRequest* request,
                                     v1::GetAreasResponse* response) override {
    return RunRead(services_, context,
                   "/atgard.v1.OrganisationService/GetAreas", *request,
                   {domain::AggregateKind::kOrganisation, "areas",
                    domain::kOrganisationId},
                   [response](const app::LoadedAggregate& loaded) {
                     const auto& state =
                         std::get<domain::OrganisationState>(*loaded.state);
                     for (const auto& [id, area] : state.areas) {
                       *response->add_areas() = area;
                     }
                     response->set_version(loaded.version);
                     return absl::OkStatus();
                   });
  }

 private:
  const ServiceContext services_;
};

}  // namespace

std::unique_ptr<grpc::Service> MakeOrganisationService(
    const ServiceContext& context) {
  return std::make_unique<OrganisationServiceImpl>(context);
}

}  // namespace atgard::api
