// SettingsService: the tenant's thresholds for the automatic policies. Its
// RPCs take the shapes of workflow_call.h.
#include "atgard/v1/settings_service.grpc.pb.h"
#include "services/api/workflow_call.h"
#include "services/api/workflow_services.h"
#include "services/app/aggregate_repository.h"
#include "services/domain/aggregate_states.h"

namespace atgard::api {
namespace {

class SettingsServiceImpl final : public v1::SettingsService::CallbackService {
 public:
  explicit SettingsServiceImpl(const ServiceContext& services)
      : services_(services) {}

  grpc::ServerUnaryReactor* SetPolicySettings(
      grpc::CallbackServerContext* context,
      const v1::SetPolicySettingsRequest* request,
      v1::SetPolicySettingsResponse* response) override {
    return RunCommandRpc(
        services_, context, "/atgard.v1.SettingsService/SetPolicySettings",
        *request, response, &v1::Command::mutable_set_policy_settings);
  }

  grpc::ServerUnaryReactor* GetPolicySettings(
      grpc::CallbackServerContext* context,
      const v1::GetPolicySettingsRequest* request,
      v1::GetPolicySettingsResponse* response) override {
    return RunRead(services_, context,
                   "/atgard.v1.SettingsService/GetPolicySettings", *request,
                   {domain::AggregateKind::kPolicySettings, "settings",
                    domain::kPolicySettingsId},
                   [response](const app::LoadedAggregate& loaded) {
                     const auto& state =
                         std::get<domain::PolicySettingsState>(*loaded.state);
                     *response->mutable_settings() =
                         domain::EffectiveSettings(&state);
                     response->set_version(loaded.version);
                     return absl::OkStatus();
                   });
  }

 private:
  const ServiceContext services_;
};

}  // namespace

std::unique_ptr<grpc::Service> MakeSettingsService(
    const ServiceContext& context) {
  return std::make_unique<SettingsServiceImpl>(context);
}

}  // namespace atgard::api
