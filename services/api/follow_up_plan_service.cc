// FollowUpPlanService: the yearly follow-up plan (årshjul). Its RPCs take
// the shapes of workflow_call.h; the plan's view is folded here.
#include <string>

#include "absl/strings/str_cat.h"
#include "atgard/v1/follow_up_plan_service.grpc.pb.h"
#include "services/api/workflow_call.h"
#include "services/api/workflow_services.h"
#include "services/app/aggregate_repository.h"
#include "services/domain/calendar.h"
#include "services/domain/dates.h"

namespace atgard::api {
namespace {

// An item's outcome on `today`: missed once its overdue event is
// recorded, until something is done.
v1::PlannedFollowUpStatus StatusOf(const domain::FollowUpPlanState::Item& i) {
  if (i.done()) {
    return i.done_late() ? v1::PLANNED_FOLLOW_UP_STATUS_DONE_LATE
                         : v1::PLANNED_FOLLOW_UP_STATUS_DONE;
  }
  return i.overdue_emitted ? v1::PLANNED_FOLLOW_UP_STATUS_MISSED
                           : v1::PLANNED_FOLLOW_UP_STATUS_PLANNED;
}

v1::FollowUpPlanView FollowUpPlanViewOf(const domain::FollowUpPlanState& s,
                                        uint64_t version) {
  v1::FollowUpPlanView view;
  view.set_year(s.year);
  *view.mutable_settings() = s.settings;
  *view.mutable_decision() = s.adoption.decision();
  *view.mutable_adopted_on() = s.adoption.adopted_on();
  view.set_amendments(static_cast<int>(s.amendments.size()));
  for (const auto& [id, item] : s.items) {
    v1::PlannedFollowUpView* v = view.add_items();
    *v->mutable_item() = item.planned;
    v->set_status(StatusOf(item));
    for (const auto& [activity_id, f] : item.fulfilments) {
      v->add_activity_ids(activity_id);
      if (f.count() == std::max(item.planned.required(), 1)) {
        *v->mutable_done_on() = f.performed_on();
      }
    }
  }
  for (const auto& [activity_id, u] : s.unplanned) {
    view.add_unplanned_activity_ids(activity_id);
  }
  view.set_analysis_teams(s.analysis_teams());
  view.set_version(version);
  return view;
}

class FollowUpPlanServiceImpl final
    : public v1::FollowUpPlanService::CallbackService {
 public:
  explicit FollowUpPlanServiceImpl(const ServiceContext& services)
      : services_(services) {}

  grpc::ServerUnaryReactor* AdoptFollowUpPlan(
      grpc::CallbackServerContext* context,
      const v1::AdoptFollowUpPlanRequest* request,
      v1::AdoptFollowUpPlanResponse* response) override {
    return RunCommandRpc(
        services_, context, "/atgard.v1.FollowUpPlanService/AdoptFollowUpPlan",
        *request, response, &v1::Command::mutable_adopt_follow_up_plan);
  }

  grpc::ServerUnaryReactor* AmendFollowUpPlan(
      grpc::CallbackServerContext* context,
      const v1::AmendFollowUpPlanRequest* request,
      v1::AmendFollowUpPlanResponse* response) override {
    return RunCommandRpc(
        services_, context, "/atgard.v1.FollowUpPlanService/AmendFollowUpPlan",
        *request, response, &v1::Command::mutable_amend_follow_up_plan);
  }

  // The policies' commands: no token carries SYSTEM, so the access policy
  // refuses every caller; served so that the API describes every command.
  grpc::ServerUnaryReactor* AddFollowUpPlanSubject(
      grpc::CallbackServerContext* context,
      const v1::AddFollowUpPlanSubjectRequest* request,
      v1::AddFollowUpPlanSubjectResponse* response) override {
    return RunCommandRpc(
        services_, context,
        "/atgard.v1.FollowUpPlanService/AddFollowUpPlanSubject", *request,
        response, &v1::Command::mutable_add_follow_up_plan_subject);
  }

  grpc::ServerUnaryReactor* AddTriggeredFollowUp(
      grpc::CallbackServerContext* context,
      const v1::AddTriggeredFollowUpRequest* request,
      v1::AddTriggeredFollowUpResponse* response) override {
    return RunCommandRpc(services_, context,
                         "/atgard.v1.FollowUpPlanService/AddTriggeredFollowUp",
                         *request, response,
                         &v1::Command::mutable_add_triggered_follow_up);
  }

  grpc::ServerUnaryReactor* RecordPlannedFollowUpFulfilment(
      grpc::CallbackServerContext* context,
      const v1::RecordPlannedFollowUpFulfilmentRequest* request,
      v1::RecordPlannedFollowUpFulfilmentResponse* response) override {
    return RunCommandRpc(
        services_, context,
        "/atgard.v1.FollowUpPlanService/RecordPlannedFollowUpFulfilment",
        *request, response,
        &v1::Command::mutable_record_planned_follow_up_fulfilment);
  }

  grpc::ServerUnaryReactor* GetFollowUpPlan(
      grpc::CallbackServerContext* context,
      const v1::GetFollowUpPlanRequest* request,
      v1::GetFollowUpPlanResponse* response) override {
    return RunRead(services_, context,
                   "/atgard.v1.FollowUpPlanService/GetFollowUpPlan", *request,
                   {domain::AggregateKind::kFollowUpPlan, "year",
                    domain::FollowUpPlanId(request->year())},
                   [response](const app::LoadedAggregate& loaded) {
                     const auto& state =
                         std::get<domain::FollowUpPlanState>(*loaded.state);
                     *response->mutable_plan() =
                         FollowUpPlanViewOf(state, loaded.version);
                     return absl::OkStatus();
                   });
  }

 private:
  const ServiceContext services_;
};

}  // namespace

std::unique_ptr<grpc::Service> MakeFollowUpPlanService(
    const ServiceContext& context) {
  return std::make_unique<FollowUpPlanServiceImpl>(context);
}

}  // namespace atgard::api
