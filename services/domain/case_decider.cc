// DecideCase: the checks every case command shares, in the order that
// decides what a refusal may reveal to whom, then the command's phase
// (case_decider_*.cc, declared in case_decider_internal.h).
#include "services/domain/case_decider.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "services/domain/case_decider_internal.h"
#include "services/domain/case_workflow.h"
#include "services/domain/checks.h"
#include "services/domain/errors.h"
#include "services/domain/organisation_decider.h"

namespace atgard::domain {
namespace {

using S = CaseStatus;

// The roles that may issue `command` on a case of `regiform` (either, if
// UNSPECIFIED) at any step.
std::vector<v1::Role> RolesEverAllowed(v1::Command::CommandCase command,
                                       v1::Regiform regiform) {
  std::vector<const StepRule*> steps = Staircase(regiform);
  if (regiform == v1::REGIFORM_UNSPECIFIED) {
    steps = Staircase(v1::REGIFORM_MUNICIPAL);
    for (const StepRule* step : Staircase(v1::REGIFORM_PRIVATE)) {
      steps.push_back(step);
    }
  }
  std::vector<v1::Role> roles;
  for (const CaseTransition& t : CaseTransitions()) {
    if (t.command != command) continue;
    for (const StepRule* step : steps) {
      for (v1::Role r : AllowedRoles(t.actor, step->regiform, step->step)) {
        if (std::find(roles.begin(), roles.end(), r) == roles.end()) {
          roles.push_back(r);
        }
      }
    }
  }
  return roles;
}

// The role the command's transition names at `step`, whatever the status.
absl::Status RequireStepRole(const CaseState& s,
                             v1::Command::CommandCase command,
                             const CommandContext& ctx,
                             v1::EscalationStep step) {
  for (const CaseTransition& t : CaseTransitions()) {
    if (t.command != command) continue;
    const std::vector<v1::Role> roles = AllowedRoles(t.actor, s.regiform, step);
    // A step where nobody may do this (no plan at step 4) is a question of
    // the case's status, which the transition table answers.
    if (roles.empty()) return absl::OkStatus();
    return RequireRole(
        ctx.principal, roles,
        absl::StrCat(CommandName(command), " at ", internal::StepLabel(step)));
  }
  return absl::OkStatus();
}

// The case a command is about, for the existence and scope checks.
const std::string* CaseIdOf(const v1::Command& command) {
  const google::protobuf::Reflection* reflection = command.GetReflection();
  const google::protobuf::FieldDescriptor* field =
      v1::Command::descriptor()->FindFieldByNumber(command.command_case());
  if (field == nullptr) return nullptr;
  const google::protobuf::Message& inner =
      reflection->GetMessage(command, field);
  const google::protobuf::FieldDescriptor* id =
      inner.GetDescriptor()->FindFieldByName("case_id");
  if (id == nullptr) return nullptr;
  return &inner.GetReflection()->GetStringReference(inner, id, nullptr);
}

}  // namespace

absl::StatusOr<std::vector<v1::Event>> DecideCase(const v1::Command& command,
                                                  const CaseState& s,
                                                  const CommandContext& ctx,
                                                  const CaseReferences& refs) {
  const v1::Command::CommandCase kind = command.command_case();
  if (kind == v1::Command::kRegisterCase) {
    RETURN_IF_ERROR(internal::RequireHealthCareForMedicalOfficer(
        ctx, command.register_case().deficiency(), "deficiency.health_care"));
    return internal::RegisterCase(command.register_case(), s, ctx, refs);
  }
  const std::string* case_id = CaseIdOf(command);
  if (case_id == nullptr || StatusesAllowing(kind).empty()) {
    return absl::InvalidArgumentError("command is not a case command");
  }
  // A principal whose role can never issue this command learns nothing
  // about the case, not even whether it exists: the roles it is checked
  // against (and named in the refusal) are those of either staircase, never
  // those of the case's own regiform, which would betray the case.
  RETURN_IF_ERROR(RequireRole(ctx.principal,
                              RolesEverAllowed(kind, v1::REGIFORM_UNSPECIFIED),
                              CommandName(kind)));
  RETURN_IF_ERROR(CheckId("case_id", *case_id));
  if (!s.exists()) return NotFound("case_id", "no case with this id exists");
  RETURN_IF_ERROR(RequireOwnProvider(ctx.principal, s.provider_id()));
  // Scopes narrower than the role, like the provider's: a care director's
  // areas, and the medical officer's health care.
  RETURN_IF_ERROR(CheckCareDirectorArea(ctx.principal, refs.organisation,
                                        "case_id", s.provider_id(),
                                        s.registration.deficiency().unit_id()));
  if (s.registration.health_care_scoped()) {
    RETURN_IF_ERROR(internal::RequireHealthCareForMedicalOfficer(
        ctx, s.registration.deficiency(), "deficiency.health_care"));
  }
  // The step's role rule holds for repeats too: a role the step does not
  // allow learns nothing from repeating someone else's command. A repeated
  // escalation is judged at the step it left.
  v1::EscalationStep role_step = s.step;
  if (kind == v1::Command::kEscalateCase && s.last_escalation.has_value() &&
      command.escalate_case().to_step() == s.step) {
    role_step = s.last_escalation->from_step();
  }
  RETURN_IF_ERROR(RequireStepRole(s, kind, ctx, role_step));
  if (s.status == S::kClosed) {
    // Only an exact repeat of the closing command gets through (no events).
    if (kind != v1::Command::kRecordFollowUp &&
        kind != v1::Command::kDecideConsequence &&
        kind != v1::Command::kCloseCase &&
        kind != v1::Command::kAcceptImplementationReport) {
      return FailedPrecondition(
          "case_id", "the case is closed and accepts no further commands");
    }
  }
  switch (kind) {
    case v1::Command::kMarkCaseSystemLevel:
      return internal::MarkSystemLevel(command.mark_case_system_level(), s,
                                       ctx);
    case v1::Command::kRequestPlan:
      return internal::RequestPlan(command.request_plan(), s, ctx);
    case v1::Command::kSubmitPlan: {
      ASSIGN_OR_RETURN(internal::Events events,
                       internal::SubmitPlan(command.submit_plan(), s, ctx));
      internal::RecordPlanAuthors(events, s, ctx);
      return events;
    }
    case v1::Command::kAssessPlan:
      return internal::AssessPlan(command.assess_plan(), s, ctx);
    case v1::Command::kReportActionProgress:
      return internal::ReportProgress(command.report_action_progress(), s, ctx);
    case v1::Command::kCompleteAction:
      return internal::CompleteAction(command.complete_action(), s, ctx);
    case v1::Command::kWithdrawAction:
      return internal::WithdrawAction(command.withdraw_action(), s, ctx);
    case v1::Command::kReportImplementation:
      return internal::ReportImplementation(command.report_implementation(), s,
                                            ctx);
    case v1::Command::kRecordMilestone:
      return internal::RecordMilestone(command.record_milestone(), s, ctx);
    case v1::Command::kScheduleFollowUp:
      return internal::ScheduleFollowUp(command.schedule_follow_up(), s, ctx);
    case v1::Command::kRecordFollowUp:
      return internal::RecordFollowUp(command.record_follow_up(), s, ctx);
    case v1::Command::kProposeEscalation:
      return internal::ProposeEscalation(command.propose_escalation(), s, ctx);
    case v1::Command::kEscalateCase:
      return internal::EscalateCase(command.escalate_case(), s, ctx);
    case v1::Command::kDecideConsequence:
      return internal::DecideConsequence(command.decide_consequence(), s, ctx);
    case v1::Command::kCloseCase:
      return internal::CloseCase(command.close_case(), s, ctx, refs);
    case v1::Command::kSubmitOwnPlan:
      return internal::SubmitOwnPlan(command.submit_own_plan(), s, ctx);
    case v1::Command::kAcceptImplementationReport:
      return internal::AcceptImplementationReport(
          command.accept_implementation_report(), s, ctx);
    case v1::Command::kRecordPlannedMeasurement:
      return internal::RecordPlannedMeasurement(
          command.record_planned_measurement(), s, ctx);
    default:
      return absl::InvalidArgumentError("command is not a case command");
  }
}

}  // namespace atgard::domain
