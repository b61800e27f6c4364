// ProviderService: the providers (utförare) and their units: registration,
// follow-up activities, positive examples and the provider read. Its RPCs take
// the shapes of workflow_call.h.
#include "atgard/v1/provider_service.grpc.pb.h"
#include "services/api/views.h"
#include "services/api/workflow_call.h"
#include "services/api/workflow_services.h"
#include "services/app/aggregate_repository.h"

namespace atgard::api {
namespace {

class ProviderServiceImpl final : public v1::ProviderService::CallbackService {
 public:
  explicit ProviderServiceImpl(const ServiceContext& services)
      : services_(services) {}

  grpc::ServerUnaryReactor* RegisterProvider(
      grpc::CallbackServerContext* context,
      const v1::RegisterProviderRequest* request,
      v1::RegisterProviderResponse* response) override {
    return RunCommandRpc(
        services_, context, "/atgard.v1.ProviderService/RegisterProvider",
        *request, response, &v1::Command::mutable_register_provider);
  }

  grpc::ServerUnaryReactor* RegisterUnit(
      grpc::CallbackServerContext* context,
      const v1::RegisterUnitRequest* request,
      v1::RegisterUnitResponse* response) override {
    return RunCommandRpc(services_, context,
                         "/atgard.v1.ProviderService/RegisterUnit", *request,
                         response, &v1::Command::mutable_register_unit);
  }

  grpc::ServerUnaryReactor* RecordFollowUpActivity(
      grpc::CallbackServerContext* context,
      const v1::RecordFollowUpActivityRequest* request,
      v1::RecordFollowUpActivityResponse* response) override {
    return RunCommandRpc(
        services_, context, "/atgard.v1.ProviderService/RecordFollowUpActivity",
        *request, response, &v1::Command::mutable_record_follow_up_activity);
  }

  grpc::ServerUnaryReactor* RecordPositiveExample(
      grpc::CallbackServerContext* context,
      const v1::RecordPositiveExampleRequest* request,
      v1::RecordPositiveExampleResponse* response) override {
    return RunCommandRpc(
        services_, context, "/atgard.v1.ProviderService/RecordPositiveExample",
        *request, response, &v1::Command::mutable_record_positive_example);
  }

  grpc::ServerUnaryReactor* GetProvider(
      grpc::CallbackServerContext* context,
      const v1::GetProviderRequest* request,
      v1::GetProviderResponse* response) override {
    return RunRead(
        services_, context, "/atgard.v1.ProviderService/GetProvider", *request,
        {domain::AggregateKind::kProvider, "provider_id",
         request->provider_id()},
        [response](const app::LoadedAggregate& loaded) {
          const auto& state = std::get<domain::ProviderState>(*loaded.state);
          *response->mutable_provider() = ProviderViewOf(state, loaded.version);
          return absl::OkStatus();
        });
  }

 private:
  const ServiceContext services_;
};

}  // namespace

std::unique_ptr<grpc::Service> MakeProviderService(
    const ServiceContext& context) {
  return std::make_unique<ProviderServiceImpl>(context);
}

}  // namespace atgard::api
