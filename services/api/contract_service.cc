// ContractService: the contracts (avtal) with private providers: registration,
// extension, sanctions (and decisions not to sanction), termination and the
// contract read. Its RPCs take the
// shapes of workflow_call.h.
#include "atgard/v1/contract_service.grpc.pb.h"
#include "services/api/views.h"
#include "services/api/workflow_call.h"
#include "services/api/workflow_services.h"
#include "services/app/aggregate_repository.h"

namespace atgard::api {
namespace {

class ContractServiceImpl final : public v1::ContractService::CallbackService {
 public:
  explicit ContractServiceImpl(const ServiceContext& services)
      : services_(services) {}

  grpc::ServerUnaryReactor* RegisterContract(
      grpc::CallbackServerContext* context,
      const v1::RegisterContractRequest* request,
      v1::RegisterContractResponse* response) override {
    return RunCommandRpc(
        services_, context, "/atgard.v1.ContractService/RegisterContract",
        *request, response, &v1::Command::mutable_register_contract);
  }

  grpc::ServerUnaryReactor* ExtendContract(
      grpc::CallbackServerContext* context,
      const v1::ExtendContractRequest* request,
      v1::ExtendContractResponse* response) override {
    return RunCommandRpc(services_, context,
                         "/atgard.v1.ContractService/ExtendContract", *request,
                         response, &v1::Command::mutable_extend_contract);
  }

  grpc::ServerUnaryReactor* DeclineContractExtension(
      grpc::CallbackServerContext* context,
      const v1::DeclineContractExtensionRequest* request,
      v1::DeclineContractExtensionResponse* response) override {
    return RunCommandRpc(services_, context,
                         "/atgard.v1.ContractService/DeclineContractExtension",
                         *request, response,
                         &v1::Command::mutable_decline_contract_extension);
  }

  grpc::ServerUnaryReactor* ImposeSanction(
      grpc::CallbackServerContext* context,
      const v1::ImposeSanctionRequest* request,
      v1::ImposeSanctionResponse* response) override {
    return RunCommandRpc(services_, context,
                         "/atgard.v1.ContractService/ImposeSanction", *request,
                         response, &v1::Command::mutable_impose_sanction);
  }

  grpc::ServerUnaryReactor* TerminateContract(
      grpc::CallbackServerContext* context,
      const v1::TerminateContractRequest* request,
      v1::TerminateContractResponse* response) override {
    return RunCommandRpc(
        services_, context, "/atgard.v1.ContractService/TerminateContract",
        *request, response, &v1::Command::mutable_terminate_contract);
  }

  grpc::ServerUnaryReactor* DecideNoSanction(
      grpc::CallbackServerContext* context,
      const v1::DecideNoSanctionRequest* request,
      v1::DecideNoSanctionResponse* response) override {
    return RunCommandRpc(
        services_, context, "/atgard.v1.ContractService/DecideNoSanction",
        *request, response, &v1::Command::mutable_decide_no_sanction);
  }

  grpc::ServerUnaryReactor* GetContract(
      grpc::CallbackServerContext* context,
      const v1::GetContractRequest* request,
      v1::GetContractResponse* response) override {
    return RunRead(
        services_, context, "/atgard.v1.ContractService/GetContract", *request,
        {domain::AggregateKind::kContract, "contract_id",
         request->contract_id()},
        [response](const app::LoadedAggregate& loaded) {
          const auto& state = std::get<domain::ContractState>(*loaded.state);
          *response->mutable_contract() = ContractViewOf(state, loaded.version);
          return absl::OkStatus();
        });
  }

 private:
  const ServiceContext services_;
};

}  // namespace

std::unique_ptr<grpc::Service> MakeContractService(
    const ServiceContext& context) {
  return std::make_unique<ContractServiceImpl>(context);
}

}  // namespace atgard::api
