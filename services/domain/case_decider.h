// The deficiency case (åtgärdsärende): its state, folded from its events,
// and its decider, which turns a command into events or refuses it.
//
// Pure: no storage, no clock, no logging. The time and the principal come
// in the CommandContext; facts about other aggregates (the provider, a
// contract) come in CaseReferences, loaded by the caller.
#ifndef ATGARD_SERVICES_DOMAIN_CASE_DECIDER_H_
#define ATGARD_SERVICES_DOMAIN_CASE_DECIDER_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "atgard/v1/commands.pb.h"
#include "atgard/v1/events.pb.h"
#include "services/domain/case_workflow.h"
#include "services/domain/principal.h"

namespace atgard::domain {

struct ProviderState;
struct ContractState;
struct OrganisationState;

// One action of the current plan and how it is going.
struct ActionState {
  v1::PlannedAction planned;
  v1::TrafficLight light = v1::TRAFFIC_LIGHT_UNSPECIFIED;
  std::string note;
  bool completed = false;
  bool withdrawn = false;
};

struct CaseState {
  CaseStatus status = CaseStatus::kNone;
  std::string case_id;
  v1::CaseRegistered registration;
  v1::Regiform regiform = v1::REGIFORM_UNSPECIFIED;
  v1::EscalationStep step = v1::ESCALATION_STEP_UNSPECIFIED;
  bool system_level = false;

  // The failure of the current step, which allows escalation; UNSPECIFIED
  // while the step has not failed. Cleared by a new plan round and by
  // approving a plan.
  v1::StepFailure failure = v1::STEP_FAILURE_UNSPECIFIED;
  // Whether the step ever failed in this case: the documentation a
  // contract sanction must rest on.
  int failures = 0;
  bool escalation_proposed = false;
  // Step 1b: the plan's time limit from the escalation decision.
  std::optional<absl::CivilDay> plan_limit;

  // The current plan round (0 before the first request).
  int round = 0;
  v1::PlanRequested request;
  // When the (revised) plan is due: submit_by, or the assessment's
  // new_submit_by.
  absl::CivilDay submit_due;
  // -1 before the first submission of the round.
  int revision = -1;
  v1::PlanSubmitted plan;
  std::optional<v1::PlanAssessed> assessment;
  std::map<int, ActionState> actions;
  std::map<int, v1::MilestoneRecorded> milestones;
  std::optional<v1::ImplementationReported> implementation;
  std::optional<v1::FollowUpScheduled> follow_up_scheduled;
  std::optional<v1::FollowUpRecorded> follow_up;
  // When the round's plan was approved; unset before.
  std::optional<absl::CivilDay> approved_on;
  // The first day an action of the approved plan was reported started (a
  // progress report or a completion); unset while none was.
  std::optional<absl::CivilDay> first_started_on;
  // The outcomes of the plan's extra measurements, by number.
  std::map<int, v1::PlannedMeasurementRecorded> planned_measurements;

  // Deadline events already emitted in this round, so each is emitted once:
  // plan submission per revision and due date, the others per due date.
  std::optional<std::pair<int, absl::CivilDay>> submission_overdue_emitted;
  std::optional<absl::CivilDay> implementation_overdue_emitted;
  std::optional<absl::CivilDay> follow_up_overdue_emitted;
  std::optional<absl::CivilDay> start_overdue_emitted;
  // Milestones and planned extra measurements, by number.
  std::set<int> milestone_overdue_emitted;
  std::set<int> planned_measurement_overdue_emitted;

  std::optional<v1::CaseEscalated> last_escalation;
  std::optional<v1::ConsequenceDecided> consequence;
  std::optional<v1::CaseClosed> closed;
  // The current round was opened by the unit's own plan, not a request;
  // `request` then holds the round as a request on the provider's dates.
  std::optional<v1::OwnPlanStarted> own_plan;

  bool exists() const { return status != CaseStatus::kNone; }
  const std::string& provider_id() const {
    return registration.deficiency().provider_id();
  }
};

// What the case decider needs to know about other aggregates.
struct CaseReferences {
  // RegisterCase: the provider of the deficiency.
  const ProviderState* provider = nullptr;
  // CloseCase with CONTRACT_TERMINATED: the terminated contract.
  const ContractState* contract = nullptr;
  // Every command but RegisterCase: the tenant's register of areas, null if
  // no area is defined (organisation_decider.h).
  const OrganisationState* organisation = nullptr;
};

// Applies one event. Events of other aggregates are ignored.
void EvolveCase(CaseState& state, const v1::Event& event);

// Decides `command` (a case command) against `state`: the events to
// append, none if the command already took effect (a repeat), or an error:
//   INVALID_ARGUMENT    a field breaks a rule (the status names it);
//   FAILED_PRECONDITION the case's status or history forbids the command;
//   PERMISSION_DENIED   the principal's role or scope does not allow it;
//   NOT_FOUND           the case (or a referenced aggregate) does not exist;
//   ALREADY_EXISTS      RegisterCase for an existing case with other content.
[[nodiscard]] absl::StatusOr<std::vector<v1::Event>> DecideCase(
    const v1::Command& command, const CaseState& state,
    const CommandContext& context, const CaseReferences& references);

// The deadline events due for the case on `today`, each at most once.
std::vector<v1::Event> DueCaseDeadlines(const CaseState& state,
                                        absl::CivilDay today);

}  // namespace atgard::domain

#endif  // ATGARD_SERVICES_DOMAIN_CASE_DECIDER_H_
