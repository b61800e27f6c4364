#include "services/api/workflow_services.h"

#include "absl/strings/str_cat.h"
#include "atgard/v1/care_plan_service.grpc.pb.h"
#include "atgard/v1/case_service.grpc.pb.h"
#include "atgard/v1/contract_service.grpc.pb.h"
#include "atgard/v1/measurement_service.grpc.pb.h"
#include "atgard/v1/provider_service.grpc.pb.h"
#include "services/api/access_log.h"
#include "services/api/aggregate_repository.h"
#include "services/api/command_handler.h"
#include "services/api/views.h"
#include "services/domain/errors.h"
#include "services/domain/validation.h"

namespace atgard::api {
namespace {

// Authenticates, builds the domain command from the request and hands it
// to the command handler; the reactor finishes when the handler answers.
template <typename Request>
grpc::ServerUnaryReactor* RunCommand(
    const ServiceContext& services, grpc::CallbackServerContext* context,
    absl::string_view method, const Request& request, v1::CommandResult* result,
    void (*set)(const Request&, v1::Command&)) {
  auto call = std::make_shared<UnaryCall>(services, context, method);
  absl::StatusOr<domain::Principal> principal =
      call->Admit(request, RequireCommandRole);
  if (!principal.ok()) {
    call->Finish(principal.status());
    return call->reactor();
  }
  CommandRequest command{.principal = *std::move(principal),
                         .command_id = request.options().command_id(),
                         .correlation_id = request.options().correlation_id()};
  if (request.options().has_expected_version()) {
    command.expected_version = request.options().expected_version();
  }
  set(request, command.command);
  services.commands->Handle(
      std::move(command), [call, result](absl::StatusOr<v1::CommandResult> r) {
        if (r.ok()) *result = *std::move(r);
        call->Finish(r.status());
      });
  return call->reactor();
}

// The read path shared by the Get RPCs: authorise, load, check the
// provider scope, record the read, answer.
struct AggregateRead {
  domain::AggregateKind kind;
  // The request's id field, for messages and validation.
  absl::string_view id_field;
  std::string id;
};

template <typename Fill>
grpc::ServerUnaryReactor* RunRead(const ServiceContext& services,
                                  grpc::CallbackServerContext* context,
                                  absl::string_view method,
                                  const google::protobuf::Message& request,
                                  const AggregateRead& read, Fill fill) {
  auto call = std::make_shared<UnaryCall>(services, context, method);
  // Every attempt by a known principal is recorded, refused ones too: by
  // its role or its request's checks as much as later.
  absl::Status outcome;
  absl::StatusOr<domain::Principal> principal =
      call->AdmitRead(request, RequireReader, &outcome);
  if (!principal.ok()) {
    call->Finish(principal.status());
    return call->reactor();
  }
  // An id that fails validation is recorded as it was asked for, escaped
  // and bounded; one holding a personnummer is withheld (AccessLog::
  // Requested).
  const absl::Status valid_id = domain::CheckId(read.id_field, read.id);
  const std::string stream =
      valid_id.ok() ? domain::StreamId(principal->tenant,
                                       {.kind = read.kind, .id = read.id})
                    : AccessLog::Requested(read.id_field, read.id);
  if (outcome.ok()) outcome = valid_id;
  absl::StatusOr<LoadedAggregate> loaded;
  if (outcome.ok()) {
    loaded = services.repository->Load(stream, read.kind);
    outcome = loaded.status();
  }
  if (outcome.ok() && loaded->version == 0) {
    outcome = domain::NotFound(read.id_field, "does not exist");
  }
  if (outcome.ok()) outcome = fill(*principal, *loaded);
  // Every attempt by a known principal is recorded, refused ones too.
  services.access_log->Record(
      *principal, method, stream, outcome, outcome.ok() ? 1 : 0,
      [call, outcome](absl::Status recorded) {
        call->Finish(recorded.ok() ? outcome : recorded);
      });
  return call->reactor();
}

absl::Status OwnProvider(const domain::Principal& principal,
                         absl::string_view provider_id) {
  if (principal.role == v1::ROLE_PROVIDER &&
      principal.provider_id != provider_id) {
    return domain::PermissionDenied(
        "", "a provider reads only its own provider's data");
  }
  return absl::OkStatus();
}

#define ATGARD_COMMAND_RPC(Service, Rpc, field)                         \
  grpc::ServerUnaryReactor* Rpc(grpc::CallbackServerContext* context,   \
                                const v1::Rpc##Request* request,        \
                                v1::Rpc##Response* response) override { \
    return RunCommand<v1::Rpc##Request>(                                \
        services_, context, "/atgard.v1." #Service "/" #Rpc, *request,  \
        response->mutable_result(),                                     \
        [](const v1::Rpc##Request& r, v1::Command& c) {                 \
          *c.mutable_##field() = r.command();                           \
        });                                                             \
  }

class ProviderServiceImpl final : public v1::ProviderService::CallbackService {
 public:
  explicit ProviderServiceImpl(const ServiceContext& services)
      : services_(services) {}

  ATGARD_COMMAND_RPC(ProviderService, RegisterProvider, register_provider)
  ATGARD_COMMAND_RPC(ProviderService, RegisterUnit, register_unit)
  ATGARD_COMMAND_RPC(ProviderService, RecordFollowUpActivity,
                     record_follow_up_activity)
  ATGARD_COMMAND_RPC(ProviderService, RecordPositiveExample,
                     record_positive_example)

  grpc::ServerUnaryReactor* GetProvider(
      grpc::CallbackServerContext* context,
      const v1::GetProviderRequest* request,
      v1::GetProviderResponse* response) override {
    return RunRead(
        services_, context, "/atgard.v1.ProviderService/GetProvider", *request,
        {domain::AggregateKind::kProvider, "provider_id",
         request->provider_id()},
        [&, response](const domain::Principal& p,
                      const LoadedAggregate& loaded) {
          const auto& state = std::get<domain::ProviderState>(*loaded.state);
          if (absl::Status s = OwnProvider(p, state.registration.provider_id());
              !s.ok()) {
            return s;
          }
          *response->mutable_provider() = ProviderViewOf(state, loaded.version);
          return absl::OkStatus();
        });
  }

 private:
  const ServiceContext services_;
};

class ContractServiceImpl final : public v1::ContractService::CallbackService {
 public:
  explicit ContractServiceImpl(const ServiceContext& services)
      : services_(services) {}

  ATGARD_COMMAND_RPC(ContractService, RegisterContract, register_contract)
  ATGARD_COMMAND_RPC(ContractService, ExtendContract, extend_contract)
  ATGARD_COMMAND_RPC(ContractService, DeclineContractExtension,
                     decline_contract_extension)
  ATGARD_COMMAND_RPC(ContractService, ImposeSanction, impose_sanction)
  ATGARD_COMMAND_RPC(ContractService, TerminateContract, terminate_contract)

  grpc::ServerUnaryReactor* GetContract(
      grpc::CallbackServerContext* context,
      const v1::GetContractRequest* request,
      v1::GetContractResponse* response) override {
    return RunRead(
        services_, context, "/atgard.v1.ContractService/GetContract", *request,
        {domain::AggregateKind::kContract, "contract_id",
         request->contract_id()},
        [&, response](const domain::Principal& p,
                      const LoadedAggregate& loaded) {
          const auto& state = std::get<domain::ContractState>(*loaded.state);
          if (absl::Status s = OwnProvider(p, state.provider_id()); !s.ok()) {
            return s;
          }
          *response->mutable_contract() = ContractViewOf(state, loaded.version);
          return absl::OkStatus();
        });
  }

 private:
  const ServiceContext services_;
};

class CaseServiceImpl final : public v1::CaseService::CallbackService {
 public:
  explicit CaseServiceImpl(const ServiceContext& services)
      : services_(services) {}

  ATGARD_COMMAND_RPC(CaseService, RegisterCase, register_case)
  ATGARD_COMMAND_RPC(CaseService, MarkCaseSystemLevel, mark_case_system_level)
  ATGARD_COMMAND_RPC(CaseService, RequestPlan, request_plan)
  ATGARD_COMMAND_RPC(CaseService, SubmitPlan, submit_plan)
  ATGARD_COMMAND_RPC(CaseService, AssessPlan, assess_plan)
  ATGARD_COMMAND_RPC(CaseService, ReportActionProgress, report_action_progress)
  ATGARD_COMMAND_RPC(CaseService, CompleteAction, complete_action)
  ATGARD_COMMAND_RPC(CaseService, WithdrawAction, withdraw_action)
  ATGARD_COMMAND_RPC(CaseService, ReportImplementation, report_implementation)
  ATGARD_COMMAND_RPC(CaseService, RecordMilestone, record_milestone)
  ATGARD_COMMAND_RPC(CaseService, ScheduleFollowUp, schedule_follow_up)
  ATGARD_COMMAND_RPC(CaseService, RecordFollowUp, record_follow_up)
  ATGARD_COMMAND_RPC(CaseService, ProposeEscalation, propose_escalation)
  ATGARD_COMMAND_RPC(CaseService, EscalateCase, escalate_case)
  ATGARD_COMMAND_RPC(CaseService, DecideConsequence, decide_consequence)
  ATGARD_COMMAND_RPC(CaseService, CloseCase, close_case)

  grpc::ServerUnaryReactor* GetCase(grpc::CallbackServerContext* context,
                                    const v1::GetCaseRequest* request,
                                    v1::GetCaseResponse* response) override {
    return RunRead(
        services_, context, "/atgard.v1.CaseService/GetCase", *request,
        {domain::AggregateKind::kCase, "case_id", request->case_id()},
        [&, response](const domain::Principal& p,
                      const LoadedAggregate& loaded) {
          const auto& state = std::get<domain::CaseState>(*loaded.state);
          if (absl::Status s = OwnProvider(p, state.provider_id()); !s.ok()) {
            return s;
          }
          *response->mutable_case_() = CaseViewOf(state, loaded.version);
          return absl::OkStatus();
        });
  }

 private:
  const ServiceContext services_;
};

class MeasurementServiceImpl final
    : public v1::MeasurementService::CallbackService {
 public:
  explicit MeasurementServiceImpl(const ServiceContext& services)
      : services_(services) {}

  ATGARD_COMMAND_RPC(MeasurementService, RecordMeasurement, record_measurement)

 private:
  const ServiceContext services_;
};

class CarePlanServiceImpl final : public v1::CarePlanService::CallbackService {
 public:
  explicit CarePlanServiceImpl(const ServiceContext& services)
      : services_(services) {}

  ATGARD_COMMAND_RPC(CarePlanService, RecordCarePlanReview,
                     record_care_plan_review)

 private:
  const ServiceContext services_;
};

#undef ATGARD_COMMAND_RPC

}  // namespace

std::vector<std::unique_ptr<grpc::Service>> MakeWorkflowServices(
    const ServiceContext& context) {
  std::vector<std::unique_ptr<grpc::Service>> services;
  services.push_back(std::make_unique<ProviderServiceImpl>(context));
  services.push_back(std::make_unique<ContractServiceImpl>(context));
  services.push_back(std::make_unique<CaseServiceImpl>(context));
  services.push_back(std::make_unique<MeasurementServiceImpl>(context));
  services.push_back(std::make_unique<CarePlanServiceImpl>(context));
  return services;
}

}  // namespace atgard::api
