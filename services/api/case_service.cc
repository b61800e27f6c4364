// CaseService: the deficiency cases: the action-plan workflow, the escalation
// staircase and the case read. Its RPCs take the shapes of workflow_call.h.
#include "atgard/v1/case_service.grpc.pb.h"
#include "services/api/views.h"
#include "services/api/workflow_call.h"
#include "services/api/workflow_services.h"
#include "services/app/aggregate_repository.h"

namespace atgard::api {
namespace {

class CaseServiceImpl final : public v1::CaseService::CallbackService {
 public:
  explicit CaseServiceImpl(const ServiceContext& services)
      : services_(services) {}

  grpc::ServerUnaryReactor* RegisterCase(
      grpc::CallbackServerContext* context,
      const v1::RegisterCaseRequest* request,
      v1::RegisterCaseResponse* response) override {
    return RunCommandRpc(services_, context,
                         "/atgard.v1.CaseService/RegisterCase", *request,
                         response, &v1::Command::mutable_register_case);
  }

  grpc::ServerUnaryReactor* MarkCaseSystemLevel(
      grpc::CallbackServerContext* context,
      const v1::MarkCaseSystemLevelRequest* request,
      v1::MarkCaseSystemLevelResponse* response) override {
    return RunCommandRpc(
        services_, context, "/atgard.v1.CaseService/MarkCaseSystemLevel",
        *request, response, &v1::Command::mutable_mark_case_system_level);
  }

  grpc::ServerUnaryReactor* RequestPlan(
      grpc::CallbackServerContext* context,
      const v1::RequestPlanRequest* request,
      v1::RequestPlanResponse* response) override {
    return RunCommandRpc(services_, context,
                         "/atgard.v1.CaseService/RequestPlan", *request,
                         response, &v1::Command::mutable_request_plan);
  }

  grpc::ServerUnaryReactor* SubmitPlan(
      grpc::CallbackServerContext* context,
      const v1::SubmitPlanRequest* request,
      v1::SubmitPlanResponse* response) override {
    return RunCommandRpc(services_, context,
                         "/atgard.v1.CaseService/SubmitPlan", *request,
                         response, &v1::Command::mutable_submit_plan);
  }

  grpc::ServerUnaryReactor* AssessPlan(
      grpc::CallbackServerContext* context,
      const v1::AssessPlanRequest* request,
      v1::AssessPlanResponse* response) override {
    return RunCommandRpc(services_, context,
                         "/atgard.v1.CaseService/AssessPlan", *request,
                         response, &v1::Command::mutable_assess_plan);
  }

  grpc::ServerUnaryReactor* ReportActionProgress(
      grpc::CallbackServerContext* context,
      const v1::ReportActionProgressRequest* request,
      v1::ReportActionProgressResponse* response) override {
    return RunCommandRpc(
        services_, context, "/atgard.v1.CaseService/ReportActionProgress",
        *request, response, &v1::Command::mutable_report_action_progress);
  }

  grpc::ServerUnaryReactor* CompleteAction(
      grpc::CallbackServerContext* context,
      const v1::CompleteActionRequest* request,
      v1::CompleteActionResponse* response) override {
    return RunCommandRpc(services_, context,
                         "/atgard.v1.CaseService/CompleteAction", *request,
                         response, &v1::Command::mutable_complete_action);
  }

  grpc::ServerUnaryReactor* WithdrawAction(
      grpc::CallbackServerContext* context,
      const v1::WithdrawActionRequest* request,
      v1::WithdrawActionResponse* response) override {
    return RunCommandRpc(services_, context,
                         "/atgard.v1.CaseService/WithdrawAction", *request,
                         response, &v1::Command::mutable_withdraw_action);
  }

  grpc::ServerUnaryReactor* ReportImplementation(
      grpc::CallbackServerContext* context,
      const v1::ReportImplementationRequest* request,
      v1::ReportImplementationResponse* response) override {
    return RunCommandRpc(
        services_, context, "/atgard.v1.CaseService/ReportImplementation",
        *request, response, &v1::Command::mutable_report_implementation);
  }

  grpc::ServerUnaryReactor* AcceptImplementationReport(
      grpc::CallbackServerContext* context,
      const v1::AcceptImplementationReportRequest* request,
      v1::AcceptImplementationReportResponse* response) override {
    return RunCommandRpc(
        services_, context, "/atgard.v1.CaseService/AcceptImplementationReport",
        *request, response, &v1::Command::mutable_accept_implementation_report);
  }

  grpc::ServerUnaryReactor* RecordPlannedMeasurement(
      grpc::CallbackServerContext* context,
      const v1::RecordPlannedMeasurementRequest* request,
      v1::RecordPlannedMeasurementResponse* response) override {
    return RunCommandRpc(
        services_, context, "/atgard.v1.CaseService/RecordPlannedMeasurement",
        *request, response, &v1::Command::mutable_record_planned_measurement);
  }

  grpc::ServerUnaryReactor* RecordMilestone(
      grpc::CallbackServerContext* context,
      const v1::RecordMilestoneRequest* request,
      v1::RecordMilestoneResponse* response) override {
    return RunCommandRpc(services_, context,
                         "/atgard.v1.CaseService/RecordMilestone", *request,
                         response, &v1::Command::mutable_record_milestone);
  }

  grpc::ServerUnaryReactor* ScheduleFollowUp(
      grpc::CallbackServerContext* context,
      const v1::ScheduleFollowUpRequest* request,
      v1::ScheduleFollowUpResponse* response) override {
    return RunCommandRpc(services_, context,
                         "/atgard.v1.CaseService/ScheduleFollowUp", *request,
                         response, &v1::Command::mutable_schedule_follow_up);
  }

  grpc::ServerUnaryReactor* RecordFollowUp(
      grpc::CallbackServerContext* context,
      const v1::RecordFollowUpRequest* request,
      v1::RecordFollowUpResponse* response) override {
    return RunCommandRpc(services_, context,
                         "/atgard.v1.CaseService/RecordFollowUp", *request,
                         response, &v1::Command::mutable_record_follow_up);
  }

  grpc::ServerUnaryReactor* ProposeEscalation(
      grpc::CallbackServerContext* context,
      const v1::ProposeEscalationRequest* request,
      v1::ProposeEscalationResponse* response) override {
    return RunCommandRpc(services_, context,
                         "/atgard.v1.CaseService/ProposeEscalation", *request,
                         response, &v1::Command::mutable_propose_escalation);
  }

  grpc::ServerUnaryReactor* EscalateCase(
      grpc::CallbackServerContext* context,
      const v1::EscalateCaseRequest* request,
      v1::EscalateCaseResponse* response) override {
    return RunCommandRpc(services_, context,
                         "/atgard.v1.CaseService/EscalateCase", *request,
                         response, &v1::Command::mutable_escalate_case);
  }

  grpc::ServerUnaryReactor* DecideConsequence(
      grpc::CallbackServerContext* context,
      const v1::DecideConsequenceRequest* request,
      v1::DecideConsequenceResponse* response) override {
    return RunCommandRpc(services_, context,
                         "/atgard.v1.CaseService/DecideConsequence", *request,
                         response, &v1::Command::mutable_decide_consequence);
  }

  grpc::ServerUnaryReactor* CloseCase(
      grpc::CallbackServerContext* context, const v1::CloseCaseRequest* request,
      v1::CloseCaseResponse* response) override {
    return RunCommandRpc(services_, context, "/atgard.v1.CaseService/CloseCase",
                         *request, response, &v1::Command::mutable_close_case);
  }

  grpc::ServerUnaryReactor* SubmitOwnPlan(
      grpc::CallbackServerContext* context,
      const v1::SubmitOwnPlanRequest* request,
      v1::SubmitOwnPlanResponse* response) override {
    return RunCommandRpc(services_, context,
                         "/atgard.v1.CaseService/SubmitOwnPlan", *request,
                         response, &v1::Command::mutable_submit_own_plan);
  }

  grpc::ServerUnaryReactor* GetCase(grpc::CallbackServerContext* context,
                                    const v1::GetCaseRequest* request,
                                    v1::GetCaseResponse* response) override {
    return RunRead(
        services_, context, "/atgard.v1.CaseService/GetCase", *request,
        {domain::AggregateKind::kCase, "case_id", request->case_id()},
        [response](const app::LoadedAggregate& loaded) {
          const auto& state = std::get<domain::CaseState>(*loaded.state);
          *response->mutable_case_() = CaseViewOf(state, loaded.version);
          return absl::OkStatus();
        });
  }

 private:
  const ServiceContext services_;
};

}  // namespace

std::unique_ptr<grpc::Service> MakeCaseService(const ServiceContext& context) {
  return std::make_unique<CaseServiceImpl>(context);
}

}  // namespace atgard::api
