// The pieces of the case decider shared by its files: one file per phase of
// a case (registration, request, submission, assessment, implementation,
// follow-up, the staircase), the deadlines, the fold, and DecideCase itself
// in case_decider.cc, which runs the checks every case command shares before
// it hands the command to its phase.
//
// Internal to the domain: nothing outside services/domain/case_*.cc includes
// this header. Everything here is pure and thread-safe (no shared state).
#ifndef ATGARD_SERVICES_DOMAIN_CASE_DECIDER_INTERNAL_H_
#define ATGARD_SERVICES_DOMAIN_CASE_DECIDER_INTERNAL_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "atgard/v1/commands.pb.h"
#include "atgard/v1/events.pb.h"
#include "services/domain/case_decider.h"
#include "services/domain/case_workflow.h"
#include "services/domain/principal.h"

namespace atgard::domain::internal {

using Events = std::vector<v1::Event>;

// An event built by `setter`, which sets one of its cases.
v1::Event Wrap(auto&& setter) {
  v1::Event event;
  setter(event);
  return event;
}

// ---- Shared checks and facts (case_decider_checks.cc)

// "step 1b", for messages.
std::string StepLabel(v1::EscalationStep step);

// The rule of the case's current step. The case must be registered.
const StepRule& CurrentStep(const CaseState& s);

// The current request's complete_by.
absl::CivilDay CompleteBy(const CaseState& s);

// Looks the command up in the transition table for the case's status and
// checks the role the table names for the case's step: FAILED_PRECONDITION
// if the status does not allow it, PERMISSION_DENIED if the role does not.
[[nodiscard]] absl::Status Gate(const CaseState& s,
                                v1::Command::CommandCase command,
                                const CommandContext& ctx);

// FAILED_PRECONDITION if the case is a system-level deficiency, which is
// handled outside the staircase.
[[nodiscard]] absl::Status CheckNotSystemLevel(const CaseState& s);

// The case's status after an assessment with `decision`.
CaseStatus StatusAfter(v1::AssessmentDecision decision);

// ---- The norms of a step (case_decider_norms.cc): a step's time and its
// milestones are what a plan normally meets; departing from them takes a
// written reason, which the event records as a flag.

// Whether the current request needs a follow-up (the old meaning when the
// request does not say).
bool FollowUpNeeded(const CaseState& s);

// FAILED_PRECONDITION naming case_id when the request needs no follow-up:
// the case then closes by accepting the implementation report.
[[nodiscard]] absl::Status CheckFollowUpNeeded(const CaseState& s);

// The request's complete_by against the step's normal time `limit`: true
// if beyond it with a justification, false if within it without one;
// INVALID_ARGUMENT naming request.complete_by (beyond, no justification)
// or request.beyond_normal_time_justification (within, or not a valid
// text). `limit_text` says what the limit is, for the message.
[[nodiscard]] absl::StatusOr<bool> CheckNormalTime(
    const v1::PlanRequest& r, absl::CivilDay complete_by, absl::CivilDay limit,
    const std::string& limit_text);

// The plan's milestones and extra measurements against the step: true if
// the step asks for them and the plan lacks them with a written reason;
// INVALID_ARGUMENT naming plan.milestones or plan.extra_measurements
// (missing, no reason) or plan.without_milestones_reason (given when not
// needed, or not a valid text).
[[nodiscard]] absl::StatusOr<bool> CheckMilestoneNorm(
    const v1::ActionPlan& plan, const CaseState& s);

// The optional plan fields of the follow-up model (per action: expected effect
// and documentation; per plan: work already under way): INVALID_ARGUMENT naming
// the field when one is not a valid text.
[[nodiscard]] absl::Status CheckPlanNarrative(const v1::ActionPlan& plan);

// The deadline events of the norms due on `today` (start, milestones,
// planned extra measurements), appended to `due`, each once.
void AppendNormDeadlines(const CaseState& s, absl::CivilDay today, Events& due);

// The events of DueCaseDeadlines(s, today) that `keep` selects: the
// deadline a late command records with itself, so that the step's failure
// never depends on when the scheduler ran.
Events DueDeadlinesWhere(const CaseState& s, absl::CivilDay today,
                         const std::function<bool(const v1::Event&)>& keep);

// ---- One function per command, by phase. Each returns what DecideCase
// returns (see case_decider.h); DecideCase has already checked the
// principal's role for the command, the case id, that the case exists and
// the provider's scope, except for RegisterCase, which checks its own.

// case_decider_registration.cc
[[nodiscard]] absl::StatusOr<Events> RegisterCase(const v1::RegisterCase& c,
                                                  const CaseState& s,
                                                  const CommandContext& ctx,
                                                  const CaseReferences& refs);
[[nodiscard]] absl::StatusOr<Events> MarkSystemLevel(
    const v1::MarkCaseSystemLevel& c, const CaseState& s,
    const CommandContext& ctx);

// case_decider_request.cc
[[nodiscard]] absl::StatusOr<Events> RequestPlan(const v1::RequestPlan& c,
                                                 const CaseState& s,
                                                 const CommandContext& ctx);

// case_decider_submission.cc
[[nodiscard]] absl::StatusOr<Events> SubmitPlan(const v1::SubmitPlan& c,
                                                const CaseState& s,
                                                const CommandContext& ctx);

// case_decider_assessment.cc
[[nodiscard]] absl::StatusOr<Events> AssessPlan(const v1::AssessPlan& c,
                                                const CaseState& s,
                                                const CommandContext& ctx);

// case_decider_implementation.cc
[[nodiscard]] absl::StatusOr<Events> ReportProgress(
    const v1::ReportActionProgress& c, const CaseState& s,
    const CommandContext& ctx);
[[nodiscard]] absl::StatusOr<Events> CompleteAction(const v1::CompleteAction& c,
                                                    const CaseState& s,
                                                    const CommandContext& ctx);
[[nodiscard]] absl::StatusOr<Events> WithdrawAction(const v1::WithdrawAction& c,
                                                    const CaseState& s,
                                                    const CommandContext& ctx);
[[nodiscard]] absl::StatusOr<Events> ReportImplementation(
    const v1::ReportImplementation& c, const CaseState& s,
    const CommandContext& ctx);
[[nodiscard]] absl::StatusOr<Events> RecordMilestone(
    const v1::RecordMilestone& c, const CaseState& s,
    const CommandContext& ctx);

// case_decider_follow_up.cc
[[nodiscard]] absl::StatusOr<Events> ScheduleFollowUp(
    const v1::ScheduleFollowUp& c, const CaseState& s,
    const CommandContext& ctx);
[[nodiscard]] absl::StatusOr<Events> RecordFollowUp(const v1::RecordFollowUp& c,
                                                    const CaseState& s,
                                                    const CommandContext& ctx);

// case_decider_authors.cc: the unit's own plan, who wrote a plan, and
// health-care deficiencies.
[[nodiscard]] absl::StatusOr<Events> SubmitOwnPlan(const v1::SubmitOwnPlan& c,
                                                   const CaseState& s,
                                                   const CommandContext& ctx);
// The round an OwnPlanStarted opens, as the request it stands in for:
// the provider's dates, due for submission the day it was submitted, and
// every follow-up method open to the commissioner.
v1::Event AsPlanRequested(const v1::OwnPlanStarted& started);
// Records in the PlanSubmitted among `events` who wrote the plan
// (PlanSubmitted.submitted_by, drawn_up_with).
void RecordPlanAuthors(Events& events, const CaseState& s,
                       const CommandContext& ctx);
// PERMISSION_DENIED naming `field` if a MEDICAL_OFFICER acts on a
// deficiency that is not marked health_care.
[[nodiscard]] absl::Status RequireHealthCareForMedicalOfficer(
    const CommandContext& ctx, const v1::Deficiency& deficiency,
    absl::string_view field);
// case_decider_norms.cc
[[nodiscard]] absl::StatusOr<Events> AcceptImplementationReport(
    const v1::AcceptImplementationReport& c, const CaseState& s,
    const CommandContext& ctx);
[[nodiscard]] absl::StatusOr<Events> RecordPlannedMeasurement(
    const v1::RecordPlannedMeasurement& c, const CaseState& s,
    const CommandContext& ctx);

// case_decider_staircase.cc
[[nodiscard]] absl::StatusOr<Events> ProposeEscalation(
    const v1::ProposeEscalation& c, const CaseState& s,
    const CommandContext& ctx);
[[nodiscard]] absl::StatusOr<Events> EscalateCase(const v1::EscalateCase& c,
                                                  const CaseState& s,
                                                  const CommandContext& ctx);
[[nodiscard]] absl::StatusOr<Events> DecideConsequence(
    const v1::DecideConsequence& c, const CaseState& s,
    const CommandContext& ctx);
[[nodiscard]] absl::StatusOr<Events> CloseCase(const v1::CloseCase& c,
                                               const CaseState& s,
                                               const CommandContext& ctx,
                                               const CaseReferences& refs);

}  // namespace atgard::domain::internal

#endif  // ATGARD_SERVICES_DOMAIN_CASE_DECIDER_INTERNAL_H_
