#include "services/domain/case_workflow.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/domain/principal.h"

namespace atgard::domain {
namespace {

using v1::Command;
using v1::Event;

constexpr v1::Role kFollowUpOfficer = v1::ROLE_FOLLOW_UP_OFFICER;
constexpr v1::Role kCareDirector = v1::ROLE_CARE_DIRECTOR;
constexpr v1::Role kAdministrationDirector = v1::ROLE_ADMINISTRATION_DIRECTOR;

const std::vector<StepRule>& StepRules() {
  static const std::vector<StepRule>* rules = new std::vector<StepRule>{
      {.regiform = v1::REGIFORM_MUNICIPAL,
       .step = v1::ESCALATION_STEP_1,
       .requesters = {kCareDirector, kAdministrationDirector, kFollowUpOfficer},
       .assessors = {kCareDirector},
       .plan_limit_months = 3,
       .milestones_required = false,
       .extra_resources_allowed = false,
       .analysis_team_allowed = false,
       .next = v1::ESCALATION_STEP_2,
       .escalators = {kCareDirector, kAdministrationDirector},
       .description = "The unit manager presents an action plan to the care "
                      "director (omsorgschef)."},
      {.regiform = v1::REGIFORM_MUNICIPAL,
       .step = v1::ESCALATION_STEP_2,
       .requesters = {kCareDirector, kAdministrationDirector, kFollowUpOfficer},
       .assessors = {kCareDirector},
       .plan_limit_months = 6,
       .milestones_required = false,
       .extra_resources_allowed = false,
       .analysis_team_allowed = true,
       .next = v1::ESCALATION_STEP_3,
       .escalators = {kAdministrationDirector},
       .description = "The care director decides an improvement plan "
                      "(förbättringsplan); an analysis team may be appointed."},
      {.regiform = v1::REGIFORM_MUNICIPAL,
       .step = v1::ESCALATION_STEP_3,
       .requesters = {kAdministrationDirector, kFollowUpOfficer},
       .assessors = {kAdministrationDirector},
       .plan_limit_months = 12,
       .milestones_required = true,
       .extra_resources_allowed = true,
       .analysis_team_allowed = false,
       .next = v1::ESCALATION_STEP_4,
       .escalators = {kAdministrationDirector},
       .description =
           "The administration director (förvaltningschef) decides an "
           "improvement plan with milestones and extra measurements; extra "
           "resources may be requested."},
      {.regiform = v1::REGIFORM_MUNICIPAL,
       .step = v1::ESCALATION_STEP_4,
       .requesters = {},
       .assessors = {},
       .plan_limit_months = -1,
       .milestones_required = false,
       .extra_resources_allowed = false,
       .analysis_team_allowed = false,
       .next = v1::ESCALATION_STEP_UNSPECIFIED,
       .escalators = {},
       .description = "The care director and the administration director "
                      "decide the consequences together."},
      {.regiform = v1::REGIFORM_PRIVATE,
       .step = v1::ESCALATION_STEP_1,
       .requesters = {kFollowUpOfficer},
       .assessors = {kFollowUpOfficer},
       .plan_limit_months = 3,
       .milestones_required = false,
       .extra_resources_allowed = false,
       .analysis_team_allowed = false,
       .next = v1::ESCALATION_STEP_1B,
       .escalators = {kAdministrationDirector},
       .description = "The unit manager presents an action plan to the "
                      "commissioner (U&U)."},
      {.regiform = v1::REGIFORM_PRIVATE,
       .step = v1::ESCALATION_STEP_1B,
       .requesters = {kFollowUpOfficer},
       .assessors = {kAdministrationDirector},
       .plan_limit_months = 0,
       .milestones_required = true,
       .extra_resources_allowed = false,
       .analysis_team_allowed = false,
       .next = v1::ESCALATION_STEP_4,
       .escalators = {kAdministrationDirector},
       .description = "U&U draws up a larger plan with the provider, split "
                      "into milestones and extra measurements; the "
                      "administration director decides the measures."},
      {.regiform = v1::REGIFORM_PRIVATE,
       .step = v1::ESCALATION_STEP_4,
       .requesters = {},
       .assessors = {},
       .plan_limit_months = -1,
       .milestones_required = false,
       .extra_resources_allowed = false,
       .analysis_team_allowed = false,
       .next = v1::ESCALATION_STEP_UNSPECIFIED,
       .escalators = {},
       .description = "The contract may be terminated if the provider "
                      "breaches it; the administration director records the "
                      "decision."},
  };
  return *rules;
}

using S = CaseStatus;

const std::vector<S> kActive = {S::kOpen,          S::kPlanRequested,
                                S::kPlanSubmitted, S::kRevisionRequested,
                                S::kImplementing,  S::kImplemented};

const std::vector<CaseTransition>& Transitions() {
  static const std::vector<CaseTransition>* table =
      new std::vector<CaseTransition>{
          {.command = Command::kRegisterCase,
           .from = {S::kNone},
           .to = {S::kOpen},
           .actor = Actor::kRegistrar,
           .rule = "Opens the case at step 1 of its regiform's staircase. A "
                   "system-level deficiency is marked and stays outside the "
                   "staircase."},
          {.command = Command::kMarkCaseSystemLevel,
           .from = {S::kOpen},
           .keeps_status = true,
           .actor = Actor::kCommissioner,
           .rule = "Before any plan was requested, or after a plan round "
                   "whose plan revealed it; the case then stays outside the "
                   "staircase."},
          {.command = Command::kMarkCaseSystemLevel,
           .from = {S::kPlanRequested, S::kPlanSubmitted, S::kRevisionRequested,
                    S::kImplementing, S::kImplemented},
           .to = {S::kOpen},
           .actor = Actor::kCommissioner,
           .rule = "When the plan revealed that the deficiency lies in the "
                   "follow-up system: the open plan round is closed with that "
                   "reason and the case leaves the staircase."},
          {.command = Command::kRequestPlan,
           .from = {S::kOpen},
           .to = {S::kPlanRequested},
           .actor = Actor::kStepRequester,
           .rule =
               "Not for a system-level case, not at step 4. All dates after "
               "today; submit_by before complete_by; start_by not after "
               "complete_by; complete_by within the step's normal time from "
               "today, or beyond it with a written justification (flagged). "
               "States whether a follow-up is needed. Starts a new plan "
               "round."},
          {.command = Command::kSubmitPlan,
           .from = {S::kPlanRequested, S::kRevisionRequested},
           .to = {S::kPlanSubmitted},
           .actor = Actor::kPlanAuthor,
           .rule =
               "Causes numbered 1, 2, 3 …, each with at least one action; "
               "every action names existing causes, one responsible person, "
               "a due date not after complete_by and a distinct order; "
               "milestones and extra measurements where the step asks for "
               "them, or a written reason for their absence (flagged). A plan "
               "after its due date is accepted and recorded as "
               "late, with PlanSubmissionOverdue if the scheduler has not "
               "recorded it yet (the step fails either way). Each revision "
               "is kept."},
          {.command = Command::kAssessPlan,
           .from = {S::kPlanSubmitted},
           .to = {S::kImplementing, S::kRevisionRequested, S::kOpen},
           .actor = Actor::kStepAssessor,
           .rule = "All six questions answered. APPROVED needs yes to 1, 2, 4 "
                   "and 5, no to 6 (or a written justification) and no request "
                   "for extra compensation. A non-approval names every failing "
                   "criterion with a comment; REVISION_REQUIRED sets a new "
                   "submit_by; REJECTED fails the step."},
          {.command = Command::kReportActionProgress,
           .from = {S::kImplementing},
           .keeps_status = true,
           .actor = Actor::kImplementer,
           .rule = "A traffic light (green, yellow, red) for one action."},
          {.command = Command::kCompleteAction,
           .from = {S::kImplementing},
           .keeps_status = true,
           .actor = Actor::kImplementer,
           .rule = "Marks one action completed."},
          {.command = Command::kWithdrawAction,
           .from = {S::kImplementing},
           .keeps_status = true,
           .actor = Actor::kStepAssessor,
           .rule = "Withdraws one action with the commissioner's consent."},
          {.command = Command::kReportImplementation,
           .from = {S::kImplementing},
           .to = {S::kImplemented},
           .actor = Actor::kImplementer,
           .rule = "Only when every action is completed or withdrawn (actions "
                   "planned as a combination are all carried out). After "
                   "complete_by it is recorded as late, with "
                   "ImplementationOverdue if the scheduler has not recorded it "
                   "yet (the step fails either way)."},
          {.command = Command::kRecordMilestone,
           .from = {S::kImplementing, S::kImplemented},
           .keeps_status = true,
           .actor = Actor::kFollowUp,
           .rule = "Plans with milestones (steps 1b and 3); a missed milestone "
                   "fails the step. After its date it is recorded with "
                   "MilestoneOverdue if the scheduler has not recorded it yet "
                   "(the step fails either way)."},
          {.command = Command::kScheduleFollowUp,
           .from = {S::kImplementing, S::kImplemented},
           .keeps_status = true,
           .actor = Actor::kFollowUp,
           .rule = "With a method named in the request, when the request "
                   "needs a follow-up; may be rescheduled."},
          {.command = Command::kRecordFollowUp,
           .from = {S::kImplementing, S::kImplemented},
           .to = {S::kClosed, S::kOpen},
           .actor = Actor::kFollowUp,
           .rule =
               "When the request needs a follow-up, with a method it named "
               "and its evidence. "
               "RESOLVED closes the case; PARTLY_RESOLVED and NOT_RESOLVED "
               "fail the step (a new plan at the same step, or escalation)."},
          {.command = Command::kRecordPlannedMeasurement,
           .from = {S::kImplementing, S::kImplemented},
           .keeps_status = true,
           .actor = Actor::kFollowUp,
           .rule = "The outcome of one of the plan's extra measurements "
                   "(steps 1b and 3), once; after its date it is recorded "
                   "with PlannedExtraMeasurementOverdue if the scheduler has "
                   "not recorded it yet (the step fails either way)."},
          {.command = Command::kAcceptImplementationReport,
           .from = {S::kImplemented},
           .to = {S::kClosed},
           .actor = Actor::kFollowUp,
           .rule = "Only when the request stated that no follow-up is needed "
                   "(a follow-up then cannot be scheduled or recorded): "
                   "closes the case as IMPLEMENTATION_ACCEPTED."},
          {.command = Command::kProposeEscalation,
           .from = kActive,
           .keeps_status = true,
           .actor = Actor::kProposer,
           .rule = "Only after the current step failed; records the proposal."},
          {.command = Command::kEscalateCase,
           .from = kActive,
           .to = {S::kOpen, S::kAwaitingConsequence},
           .actor = Actor::kEscalator,
           .rule =
               "Only after the current step failed (plan rejected, "
               "follow-up not resolved, or a deadline or milestone missed), "
               "to the next step of the staircase, naming the reason and "
               "the decision. The step-1b decision sets its plan's time "
               "limit."},
          {.command = Command::kDecideConsequence,
           .from = {S::kAwaitingConsequence},
           .to = {S::kClosed},
           .actor = Actor::kConsequenceDecider,
           .rule =
               "Municipal units: the care director's and the administration "
               "director's decisions, together. Private providers: the "
               "administration director's decision."},
          {.command = Command::kCloseCase,
           .from = {S::kOpen, S::kPlanRequested, S::kPlanSubmitted,
                    S::kRevisionRequested, S::kImplementing, S::kImplemented,
                    S::kAwaitingConsequence},
           .to = {S::kClosed},
           .actor = Actor::kCloser,
           .rule = "SYSTEM_LEVEL_HANDLED for a system-level case; "
                   "REGISTERED_IN_ERROR before any plan was requested; "
                   "CONTRACT_TERMINATED for a private provider's case once its "
                   "contract is terminated."},
          {.command = Command::kSubmitOwnPlan,
           .from = {S::kOpen},
           .to = {S::kPlanSubmitted},
           .actor = Actor::kProvider,
           .rule = "The unit's own plan: at step 1, before any plan was "
                   "requested, not for a system-level case. start_by not "
                   "before today and not after complete_by; complete_by "
                   "after today and within the step's time limit; the plan "
                   "as for SubmitPlan. Opens a plan round on the provider's "
                   "own initiative, assessed like a requested plan."},
          {.deadline = Event::kPlanSubmissionOverdue,
           .from = {S::kPlanRequested, S::kRevisionRequested},
           .keeps_status = true,
           .actor = Actor::kScheduler,
           .rule = "The day after submit_by with no plan: fails the step; a "
                   "late plan is still accepted."},
          {.deadline = Event::kImplementationOverdue,
           .from = {S::kImplementing},
           .keeps_status = true,
           .actor = Actor::kScheduler,
           .rule = "The day after complete_by with no implementation report: "
                   "fails the step."},
          {.deadline = Event::kFollowUpOverdue,
           .from = {S::kImplementing, S::kImplemented},
           .keeps_status = true,
           .actor = Actor::kScheduler,
           .rule = "The day after the planned follow-up with none recorded."},
          {.deadline = Event::kStartOverdue,
           .from = {S::kImplementing},
           .keeps_status = true,
           .actor = Actor::kScheduler,
           .rule = "The day after start_by when no action of a plan approved "
                   "by then was reported started (progress or completion) by "
                   "start_by: fails the step."},
          {.deadline = Event::kMilestoneOverdue,
           .from = {S::kImplementing, S::kImplemented},
           .keeps_status = true,
           .actor = Actor::kScheduler,
           .rule = "The day after a milestone's date with its outcome not "
                   "recorded: fails the step."},
          {.deadline = Event::kPlannedExtraMeasurementOverdue,
           .from = {S::kImplementing, S::kImplemented},
           .keeps_status = true,
           .actor = Actor::kScheduler,
           .rule = "The day after a planned extra measurement's date with its "
                   "outcome not recorded: fails the step."},
      };
  return *table;
}

bool Contains(const std::vector<S>& statuses, S status) {
  return std::find(statuses.begin(), statuses.end(), status) != statuses.end();
}

std::string RoleList(const std::vector<v1::Role>& roles) {
  if (roles.empty()) return "—";
  return absl::StrJoin(roles, ", ", [](std::string* out, v1::Role role) {
    absl::StrAppend(out, RoleName(role));
  });
}

std::string MermaidState(S status) {
  return status == S::kNone ? "[*]" : std::string(StatusName(status));
}

std::string TriggerName(const CaseTransition& t) {
  return t.command != Command::COMMAND_NOT_SET ? CommandName(t.command)
                                               : EventName(t.deadline);
}

}  // namespace

absl::string_view StatusName(CaseStatus status) {
  switch (status) {
    case S::kNone:
      return "None";
    case S::kOpen:
      return "Open";
    case S::kPlanRequested:
      return "PlanRequested";
    case S::kPlanSubmitted:
      return "PlanSubmitted";
    case S::kRevisionRequested:
      return "RevisionRequested";
    case S::kImplementing:
      return "Implementing";
    case S::kImplemented:
      return "Implemented";
    case S::kAwaitingConsequence:
      return "AwaitingConsequence";
    case S::kClosed:
      return "Closed";
  }
  return "Unknown";
}

std::string StepName(v1::EscalationStep step) {
  switch (step) {
    case v1::ESCALATION_STEP_1:
      return "1";
    case v1::ESCALATION_STEP_1B:
      return "1b";
    case v1::ESCALATION_STEP_2:
      return "2";
    case v1::ESCALATION_STEP_3:
      return "3";
    case v1::ESCALATION_STEP_4:
      return "4";
    default:
      return "—";
  }
}

const StepRule* FindStep(v1::Regiform regiform, v1::EscalationStep step) {
  for (const StepRule& rule : StepRules()) {
    if (rule.regiform == regiform && rule.step == step) return &rule;
  }
  return nullptr;
}

std::vector<const StepRule*> Staircase(v1::Regiform regiform) {
  std::vector<const StepRule*> steps;
  for (const StepRule& rule : StepRules()) {
    if (rule.regiform == regiform) steps.push_back(&rule);
  }
  return steps;
}

std::vector<v1::Role> AllowedRoles(Actor actor, v1::Regiform regiform,
                                   v1::EscalationStep step) {
  const StepRule* rule = FindStep(regiform, step);
  auto merge = [](std::vector<v1::Role> a, const std::vector<v1::Role>& b) {
    for (v1::Role r : b) {
      if (std::find(a.begin(), a.end(), r) == a.end()) a.push_back(r);
    }
    return a;
  };
  switch (actor) {
    case Actor::kRegistrar:
      return {kFollowUpOfficer, v1::ROLE_MEDICAL_OFFICER, v1::ROLE_SYSTEM};
    case Actor::kCommissioner:
      return {kFollowUpOfficer, kCareDirector, kAdministrationDirector};
    case Actor::kStepRequester:
      return rule != nullptr ? rule->requesters : std::vector<v1::Role>{};
    case Actor::kStepAssessor:
      return rule != nullptr ? rule->assessors : std::vector<v1::Role>{};
    case Actor::kProvider:
      return {v1::ROLE_PROVIDER};
    case Actor::kPlanAuthor:
      return PlanAuthors(regiform, step);
    case Actor::kImplementer:
      return Implementers(regiform, step);
    case Actor::kFollowUp:
      return merge({kFollowUpOfficer, v1::ROLE_MEDICAL_OFFICER},
                   rule != nullptr ? rule->assessors : std::vector<v1::Role>{});
    case Actor::kProposer:
      return {kCareDirector, kFollowUpOfficer};
    case Actor::kEscalator:
      return rule != nullptr ? rule->escalators : std::vector<v1::Role>{};
    case Actor::kConsequenceDecider:
      if (regiform == v1::REGIFORM_MUNICIPAL) {
        return {kCareDirector, kAdministrationDirector};
      }
      return {kAdministrationDirector};
    case Actor::kCloser:
      return {kFollowUpOfficer, kCareDirector, kAdministrationDirector,
              v1::ROLE_SYSTEM};
    case Actor::kScheduler:
      return {v1::ROLE_SYSTEM};
  }
  return {};
}

absl::string_view ActorDescription(Actor actor) {
  switch (actor) {
    case Actor::kRegistrar:
      return "FOLLOW_UP_OFFICER, MEDICAL_OFFICER; SYSTEM (policies)";
    case Actor::kCommissioner:
      return "FOLLOW_UP_OFFICER, CARE_DIRECTOR, ADMINISTRATION_DIRECTOR";
    case Actor::kStepRequester:
      return "the step's plan requester (staircase below)";
    case Actor::kStepAssessor:
      return "the step's plan assessor (staircase below)";
    case Actor::kProvider:
      return "PROVIDER, for its own units only";
    case Actor::kPlanAuthor:
      return "PROVIDER, for its own units; at a private provider's step 1b "
             "also FOLLOW_UP_OFFICER (joint authors); at a municipal step 3 "
             "also CARE_DIRECTOR, who prepares the plan";
    case Actor::kImplementer:
      return "PROVIDER, for its own units; at a municipal step 3 also "
             "CARE_DIRECTOR (jointly responsible)";
    case Actor::kFollowUp:
      return "FOLLOW_UP_OFFICER, MEDICAL_OFFICER, the step's plan assessor";
    case Actor::kProposer:
      return "CARE_DIRECTOR, FOLLOW_UP_OFFICER";
    case Actor::kEscalator:
      return "the step's escalation decider (staircase below)";
    case Actor::kConsequenceDecider:
      return "CARE_DIRECTOR or ADMINISTRATION_DIRECTOR with both decisions "
             "(municipal); ADMINISTRATION_DIRECTOR (private)";
    case Actor::kCloser:
      return "FOLLOW_UP_OFFICER, CARE_DIRECTOR, ADMINISTRATION_DIRECTOR "
             "(ordinary closures); ADMINISTRATION_DIRECTOR or SYSTEM for "
             "CONTRACT_TERMINATED";
    case Actor::kScheduler:
      return "SYSTEM (deadline scheduler)";
  }
  return "";
}

const std::vector<CaseTransition>& CaseTransitions() { return Transitions(); }

const CaseTransition* FindTransition(v1::Command::CommandCase command,
                                     CaseStatus status) {
  for (const CaseTransition& t : Transitions()) {
    if (t.command == command && Contains(t.from, status)) return &t;
  }
  return nullptr;
}

const CaseTransition* FindDeadlineTransition(v1::Event::EventCase deadline,
                                             CaseStatus status) {
  for (const CaseTransition& t : Transitions()) {
    if (t.deadline == deadline && Contains(t.from, status)) return &t;
  }
  return nullptr;
}

std::vector<CaseStatus> StatusesAllowing(v1::Command::CommandCase command) {
  std::vector<CaseStatus> statuses;
  for (const CaseTransition& t : Transitions()) {
    if (t.command != command) continue;
    for (S s : t.from) {
      if (!Contains(statuses, s)) statuses.push_back(s);
    }
  }
  return statuses;
}

std::string CommandName(v1::Command::CommandCase command) {
  const google::protobuf::FieldDescriptor* field =
      v1::Command::descriptor()->FindFieldByNumber(command);
  return field != nullptr ? field->message_type()->name() : "Unknown";
}

std::string EventName(v1::Event::EventCase event) {
  const google::protobuf::FieldDescriptor* field =
      v1::Event::descriptor()->FindFieldByNumber(event);
  return field != nullptr ? field->message_type()->name() : "Unknown";
}

std::string RenderCaseWorkflowDocument() {
  std::string out;
  absl::StrAppend(
      &out,
      "# The deficiency case workflow (åtgärdsärendets arbetsflöde)\n\n"
      "<!-- Generated from services/domain/case_workflow.cc, the table the "
      "case decider enforces. Do not edit: run\n"
      "     build/services/case_workflow_doc > "
      "services/domain/CASE_WORKFLOW.md -->\n\n"
      "Every arrow is one event in the case's stream. A command that no "
      "arrow allows from the case's current status is refused with "
      "FAILED_PRECONDITION; a role the arrow does not name is refused with "
      "PERMISSION_DENIED. Dates are calendar dates in Europe/Stockholm; a "
      "deadline is met on its date and overdue from the next day.\n\n"
      "## States and transitions\n\n```mermaid\nstateDiagram-v2\n");
  // The six statuses of a case under way form one composite state, so
  // that what is allowed from all of them is drawn once.
  absl::StrAppend(&out, "  state Active {\n");
  for (S status : kActive)
    absl::StrAppend(&out, "    ", StatusName(status), "\n");
  absl::StrAppend(&out, "  }\n");
  for (const CaseTransition& t : Transitions()) {
    std::vector<std::string> sources;
    std::vector<S> rest = t.from;
    const bool from_all_active =
        std::all_of(kActive.begin(), kActive.end(),
                    [&](S a) { return Contains(t.from, a); });
    if (from_all_active) {
      sources.push_back("Active");
      std::erase_if(rest, [](S s) { return Contains(kActive, s); });
    }
    for (S from : rest) sources.push_back(MermaidState(from));
    for (const std::string& from : sources) {
      if (t.keeps_status) {
        absl::StrAppend(&out, "  ", from, " --> ", from, ": ", TriggerName(t),
                        "\n");
      }
      for (S to : t.to) {
        absl::StrAppend(&out, "  ", from, " --> ", MermaidState(to), ": ",
                        TriggerName(t), "\n");
      }
    }
  }
  absl::StrAppend(&out, "  Closed --> [*]\n```\n\n");

  absl::StrAppend(&out,
                  "## Transitions\n\n"
                  "| trigger | from | to | who | rule |\n"
                  "|---|---|---|---|---|\n");
  for (const CaseTransition& t : Transitions()) {
    auto names = [](const std::vector<S>& statuses) {
      return absl::StrJoin(statuses, ", ", [](std::string* o, S s) {
        absl::StrAppend(o, StatusName(s));
      });
    };
    absl::StrAppend(&out, "| ", TriggerName(t),
                    t.deadline != Event::EVENT_NOT_SET ? " (deadline)" : "",
                    " | ", names(t.from), " | ",
                    t.keeps_status ? "(unchanged)" : names(t.to), " | ",
                    ActorDescription(t.actor), " | ", t.rule, " |\n");
  }

  for (v1::Regiform regiform : {v1::REGIFORM_MUNICIPAL, v1::REGIFORM_PRIVATE}) {
    absl::StrAppend(
        &out, "\n## The staircase for ",
        regiform == v1::REGIFORM_MUNICIPAL ? "municipal units (egen regi)"
                                           : "private providers",
        "\n\n| step | what happens | plan requested by | plan decided by | "
        "normal time for the plan | milestones and extra measurements | "
        "escalates to | escalation decided by |\n"
        "|---|---|---|---|---|---|---|---|\n");
    for (const StepRule* rule : Staircase(regiform)) {
      std::string limit =
          rule->plan_limit_months > 0
              ? absl::StrCat("within ", rule->plan_limit_months,
                             " calendar months of the request")
              : (rule->plan_limit_months == 0 ? "set in the escalation decision"
                                              : "—");
      absl::StrAppend(
          &out, "| ", StepName(rule->step), " | ", rule->description, " | ",
          RoleList(rule->requesters), " | ", RoleList(rule->assessors), " | ",
          limit, " | ",
          rule->milestones_required ? "expected (else a written reason)" : "—",
          " | ", StepName(rule->next), " | ", RoleList(rule->escalators),
          " |\n");
    }
  }
  absl::StrAppend(
      &out,
      "\nA step fails when its plan is rejected, its follow-up is not or only "
      "partly resolved, its plan, start or implementation is overdue, a "
      "milestone is missed, or a milestone or planned extra measurement is "
      "not recorded by its date; only then may the case be escalated, and "
      "only to the next step. A new plan round at the same step clears the "
      "failure, as does approving a late plan. The time limits are normal "
      "times: a request beyond one carries a written justification. A "
      "system-level deficiency (in the municipality's own follow-up system) "
      "is marked as such and stays out of the staircase, or leaves it when a "
      "plan revealed it.\n");
  return out;
}

}  // namespace atgard::domain
