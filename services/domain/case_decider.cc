#include "services/domain/case_decider.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "eventstore/base/status_macros.h"
#include "services/domain/calendar.h"
#include "services/domain/checks.h"
#include "services/domain/contract_decider.h"
#include "services/domain/dates.h"
#include "services/domain/errors.h"
#include "services/domain/provider_decider.h"
#include "services/domain/validation.h"

namespace atgard::domain {
namespace {

using Events = std::vector<v1::Event>;
using S = CaseStatus;
using google::protobuf::RepeatedField;
using google::protobuf::RepeatedPtrField;

// "step 1b", for messages.
std::string StepLabel(v1::EscalationStep step) {
  return absl::StrCat("step ", StepName(step));
}

const StepRule& CurrentStep(const CaseState& s) {
  // Every registered case is on a step of its regiform's staircase (the
  // decider only moves it along the table), so the lookup cannot fail.
  return *FindStep(s.regiform, s.step);
}

absl::CivilDay CompleteBy(const CaseState& s) {
  return DayOf(s.request.request().complete_by());
}

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

// Looks the command up in the transition table for the case's status and
// checks the role the table names for the case's step.
absl::Status Gate(const CaseState& s, v1::Command::CommandCase command,
                  const CommandContext& ctx) {
  const CaseTransition* t = FindTransition(command, s.status);
  if (t == nullptr) {
    std::string allowed = absl::StrJoin(
        StatusesAllowing(command), ", ", [](std::string* out, S status) {
          absl::StrAppend(out, StatusName(status));
        });
    return FailedPrecondition(
        "case_id",
        absl::StrCat(CommandName(command), " is not allowed while the case is ",
                     StatusName(s.status), " (allowed when: ", allowed, ")"));
  }
  return RequireRole(
      ctx.principal, AllowedRoles(t->actor, s.regiform, s.step),
      absl::StrCat(CommandName(command), " at ", StepLabel(s.step)));
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
        absl::StrCat(CommandName(command), " at ", StepLabel(step)));
  }
  return absl::OkStatus();
}

absl::Status CheckNotSystemLevel(const CaseState& s) {
  if (s.system_level) {
    return FailedPrecondition(
        "case_id",
        "a system-level deficiency is handled outside the staircase");
  }
  return absl::OkStatus();
}

absl::Status CheckFailed(const CaseState& s) {
  if (s.failure == v1::STEP_FAILURE_UNSPECIFIED) {
    return FailedPrecondition(
        "case_id",
        absl::StrCat(StepLabel(s.step),
                     " has not failed: escalation needs a rejected plan, a "
                     "follow-up not resolved, or a missed deadline or "
                     "milestone"));
  }
  return absl::OkStatus();
}

// "1, 2, 3": numbers must be exactly 1..n, each once.
absl::Status CheckNumbering(absl::string_view field, std::vector<int> numbers,
                            absl::string_view what) {
  std::vector<int> sorted = numbers;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (sorted[i] != static_cast<int>(i) + 1) {
      return InvalidArgument(
          field, absl::StrCat(what,
                              " must be numbered 1, 2, 3 … without gaps "
                              "or repeats"));
    }
  }
  return absl::OkStatus();
}

v1::Event Wrap(auto&& setter) {
  v1::Event event;
  setter(event);
  return event;
}

// ---- RegisterCase -----------------------------------------------------------

absl::StatusOr<Events> RegisterCase(const v1::RegisterCase& c,
                                    const CaseState& s,
                                    const CommandContext& ctx,
                                    const CaseReferences& refs) {
  RETURN_IF_ERROR(
      RequireRole(ctx.principal,
                  AllowedRoles(Actor::kRegistrar, v1::REGIFORM_UNSPECIFIED,
                               v1::ESCALATION_STEP_UNSPECIFIED),
                  "register a case"));
  RETURN_IF_ERROR(CheckId("case_id", c.case_id()));
  const v1::Deficiency& d = c.deficiency();
  RETURN_IF_ERROR(CheckUnitOfProvider("deficiency.unit_id", refs.provider,
                                      "deficiency.provider_id", d.provider_id(),
                                      d.unit_id()));
  RETURN_IF_ERROR(
      CheckEnum("deficiency.source", d.source(), v1::DeficiencySource_IsValid));
  RETURN_IF_ERROR(CheckEnum("deficiency.quality_area", d.quality_area(),
                            v1::QualityArea_IsValid));
  RETURN_IF_ERROR(CheckEnum("deficiency.indicator_kind", d.indicator_kind(),
                            v1::IndicatorKind_IsValid));
  RETURN_IF_ERROR(
      CheckEnum("deficiency.severity", d.severity(), v1::Severity_IsValid));
  RETURN_IF_ERROR(CheckText("deficiency.description", d.description()));
  RETURN_IF_ERROR(
      CheckPastDate("deficiency.detected_on", d.detected_on(), ctx.today)
          .status());
  if (c.system_level()) {
    RETURN_IF_ERROR(CheckText("system_level_reason", c.system_level_reason()));
  } else if (!c.system_level_reason().empty()) {
    return InvalidArgument("system_level_reason",
                           "is given only for a system-level deficiency");
  }
  if (ctx.principal.role == v1::ROLE_SYSTEM) {
    // "<stream id>@<version>" of the triggering event.
    if (c.triggered_by().empty() || c.triggered_by().size() > 512) {
      return InvalidArgument("triggered_by",
                             "a policy names the event that triggered it");
    }
    // It is stored with the case like any text, so the same guard applies.
    RETURN_IF_ERROR(
        RejectPersonalIdentityNumbers("triggered_by", c.triggered_by()));
  } else if (!c.triggered_by().empty()) {
    return InvalidArgument("triggered_by", "is set by automatic policies only");
  }

  if (s.exists()) {
    const v1::CaseRegistered& r = s.registration;
    if (SameContent(r.deficiency(), d) &&
        r.system_level() == c.system_level() &&
        r.system_level_reason() == c.system_level_reason() &&
        r.triggered_by() == c.triggered_by()) {
      return Events{};
    }
    return AlreadyExists("case_id", "a different case with this id exists");
  }
  return Events{Wrap([&](v1::Event& event) {
    v1::CaseRegistered* e = event.mutable_case_registered();
    e->set_case_id(c.case_id());
    *e->mutable_deficiency() = d;
    e->set_regiform(refs.provider->regiform());
    e->set_system_level(c.system_level());
    e->set_system_level_reason(c.system_level_reason());
    *e->mutable_registered_on() = ToDate(ctx.today);
    e->set_triggered_by(c.triggered_by());
  })};
}

// ---- MarkCaseSystemLevel
// ------------------------------------------------------

absl::StatusOr<Events> MarkSystemLevel(const v1::MarkCaseSystemLevel& c,
                                       const CaseState& s,
                                       const CommandContext& ctx) {
  RETURN_IF_ERROR(CheckText("reason", c.reason()));
  if (s.system_level) return Events{};
  RETURN_IF_ERROR(Gate(s, v1::Command::kMarkCaseSystemLevel, ctx));
  if (s.round > 0) {
    return FailedPrecondition(
        "case_id",
        "a plan was already requested; only a deficiency found before any "
        "request can be marked as system-level");
  }
  return Events{Wrap([&](v1::Event& event) {
    v1::CaseMarkedSystemLevel* e = event.mutable_case_marked_system_level();
    e->set_case_id(s.case_id);
    e->set_reason(c.reason());
  })};
}

// ---- RequestPlan
// ------------------------------------------------------------------

absl::StatusOr<Events> RequestPlan(const v1::RequestPlan& c, const CaseState& s,
                                   const CommandContext& ctx) {
  const v1::PlanRequest& r = c.request();
  RETURN_IF_ERROR(CheckText("request.background", r.background()));
  ASSIGN_OR_RETURN(absl::CivilDay start_by,
                   CheckDate("request.start_by", r.start_by()));
  ASSIGN_OR_RETURN(absl::CivilDay complete_by,
                   CheckDate("request.complete_by", r.complete_by()));
  ASSIGN_OR_RETURN(absl::CivilDay submit_by,
                   CheckDate("request.submit_by", r.submit_by()));
  if (r.follow_up().methods().empty()) {
    return InvalidArgument("request.follow_up.methods",
                           "name at least one follow-up method");
  }
  for (int i = 0; i < r.follow_up().methods_size(); ++i) {
    const std::string field =
        absl::StrCat("request.follow_up.methods[", i, "]");
    RETURN_IF_ERROR(
        CheckEnum(field, r.follow_up().methods(i), v1::FollowUpMethod_IsValid));
    for (int j = 0; j < i; ++j) {
      if (r.follow_up().methods(j) == r.follow_up().methods(i)) {
        return InvalidArgument(field, "names the same method twice");
      }
    }
  }
  RETURN_IF_ERROR(
      CheckText("request.follow_up.description", r.follow_up().description()));
  RETURN_IF_ERROR(CheckText("request.consequences", r.consequences()));

  if (s.status == S::kPlanRequested && SameContent(s.request.request(), r)) {
    return Events{};
  }
  RETURN_IF_ERROR(CheckNotSystemLevel(s));
  RETURN_IF_ERROR(Gate(s, v1::Command::kRequestPlan, ctx));
  const StepRule& step = CurrentStep(s);
  if (r.analysis_team_appointed() && !step.analysis_team_allowed) {
    return InvalidArgument(
        "request.analysis_team_appointed",
        absl::StrCat("an analysis team is appointed at step 2, "
                     "not at ",
                     StepLabel(s.step)));
  }
  for (auto [field, day] : {std::pair{"request.start_by", start_by},
                            std::pair{"request.complete_by", complete_by},
                            std::pair{"request.submit_by", submit_by}}) {
    if (day <= ctx.today) {
      return InvalidArgument(field, absl::StrCat("must be after today (",
                                                 FormatDay(ctx.today), ")"));
    }
  }
  if (submit_by >= complete_by) {
    return InvalidArgument("request.submit_by",
                           "must be before complete_by: the plan is approved "
                           "before the work is due");
  }
  if (start_by > complete_by) {
    return InvalidArgument("request.start_by", "must not be after complete_by");
  }
  absl::CivilDay limit;
  if (step.plan_limit_months > 0) {
    limit = AddCalendarMonths(ctx.today, step.plan_limit_months);
  } else {
    // Step 1b: the limit was set in the escalation decision.
    limit = *s.plan_limit;
  }
  if (complete_by > limit) {
    return InvalidArgument(
        "request.complete_by",
        step.plan_limit_months > 0
            ? absl::StrCat("must be within ", step.plan_limit_months,
                           " calendar months of the request at ",
                           StepLabel(s.step), ", on or before ",
                           FormatDay(limit))
            : absl::StrCat("must be on or before ", FormatDay(limit),
                           ", the limit set in the decision to escalate to ",
                           StepLabel(s.step)));
  }
  return Events{Wrap([&](v1::Event& event) {
    v1::PlanRequested* e = event.mutable_plan_requested();
    e->set_case_id(s.case_id);
    e->set_round(s.round + 1);
    e->set_step(s.step);
    *e->mutable_request() = r;
    *e->mutable_requested_on() = ToDate(ctx.today);
    *e->mutable_complete_by_limit() = ToDate(limit);
  })};
}

// ---- SubmitPlan
// ---------------------------------------------------------------------

absl::Status CheckResponsible(const std::string& field,
                              const v1::ResponsiblePerson& p) {
  RETURN_IF_ERROR(CheckName(absl::StrCat(field, ".name"), p.name()));
  RETURN_IF_ERROR(CheckName(absl::StrCat(field, ".role"), p.role()));
  return CheckName(absl::StrCat(field, ".contact"), p.contact());
}

// Rules of the plan that need no state.
absl::Status CheckPlanShape(const v1::ActionPlan& plan) {
  if (plan.causes().empty()) {
    return InvalidArgument("plan.causes", "name at least one cause");
  }
  std::vector<int> cause_numbers;
  for (int i = 0; i < plan.causes_size(); ++i) {
    const v1::Cause& cause = plan.causes(i);
    const std::string field = absl::StrCat("plan.causes[", i, "]");
    cause_numbers.push_back(cause.number());
    RETURN_IF_ERROR(
        CheckText(absl::StrCat(field, ".description"), cause.description()));
    RETURN_IF_ERROR(CheckText(absl::StrCat(field, ".provider_assessment"),
                              cause.provider_assessment()));
  }
  RETURN_IF_ERROR(CheckNumbering("plan.causes", cause_numbers, "causes"));
  if (plan.actions().empty()) {
    return InvalidArgument("plan.actions", "name at least one action");
  }
  std::vector<int> action_numbers;
  std::set<int> orders;
  std::set<int> causes_with_action;
  for (int i = 0; i < plan.actions_size(); ++i) {
    const v1::PlannedAction& a = plan.actions(i);
    const std::string field = absl::StrCat("plan.actions[", i, "]");
    action_numbers.push_back(a.number());
    if (a.cause_numbers().empty()) {
      return InvalidArgument(absl::StrCat(field, ".cause_numbers"),
                             "link the action to at least one cause");
    }
    for (int j = 0; j < a.cause_numbers_size(); ++j) {
      const int n = a.cause_numbers(j);
      if (n < 1 || n > plan.causes_size()) {
        return InvalidArgument(
            absl::StrCat(field, ".cause_numbers[", j, "]"),
            absl::StrCat("names cause ", n, ", which the plan does not have"));
      }
      causes_with_action.insert(n);
    }
    RETURN_IF_ERROR(
        CheckText(absl::StrCat(field, ".description"), a.description()));
    RETURN_IF_ERROR(CheckText(absl::StrCat(field, ".operational_goal"),
                              a.operational_goal()));
    RETURN_IF_ERROR(
        CheckDate(absl::StrCat(field, ".due_on"), a.due_on()).status());
    if (a.order() < 1) {
      return InvalidArgument(
          absl::StrCat(field, ".order"),
          "give the action's place in the sequence (1, 2, …)");
    }
    if (!orders.insert(a.order()).second) {
      return InvalidArgument(
          absl::StrCat(field, ".order"),
          "two actions have the same order; state the sequence");
    }
    if (!a.has_responsible()) {
      return InvalidArgument(absl::StrCat(field, ".responsible"),
                             "name the one person responsible for the action");
    }
    RETURN_IF_ERROR(
        CheckResponsible(absl::StrCat(field, ".responsible"), a.responsible()));
    RETURN_IF_ERROR(CheckText(absl::StrCat(field, ".time_and_resources"),
                              a.time_and_resources()));
    RETURN_IF_ERROR(CheckEnum(absl::StrCat(field, ".effort"), a.effort(),
                              v1::EffortKind_IsValid));
  }
  RETURN_IF_ERROR(CheckNumbering("plan.actions", action_numbers, "actions"));
  for (int i = 0; i < plan.causes_size(); ++i) {
    if (!causes_with_action.contains(plan.causes(i).number())) {
      return InvalidArgument(absl::StrCat("plan.causes[", i, "]"),
                             "has no action; every cause needs at least one");
    }
  }
  if (plan.requests_extra_compensation()) {
    RETURN_IF_ERROR(CheckText("plan.extra_compensation_note",
                              plan.extra_compensation_note()));
  } else if (!plan.extra_compensation_note().empty()) {
    return InvalidArgument(
        "plan.extra_compensation_note",
        "is given only when extra compensation is requested");
  }
  std::vector<int> milestone_numbers;
  for (int i = 0; i < plan.milestones_size(); ++i) {
    const std::string field = absl::StrCat("plan.milestones[", i, "]");
    milestone_numbers.push_back(plan.milestones(i).number());
    RETURN_IF_ERROR(CheckText(absl::StrCat(field, ".description"),
                              plan.milestones(i).description()));
    RETURN_IF_ERROR(
        CheckDate(absl::StrCat(field, ".due_on"), plan.milestones(i).due_on())
            .status());
  }
  RETURN_IF_ERROR(
      CheckNumbering("plan.milestones", milestone_numbers, "milestones"));
  std::vector<int> measurement_numbers;
  for (int i = 0; i < plan.extra_measurements_size(); ++i) {
    const std::string field = absl::StrCat("plan.extra_measurements[", i, "]");
    measurement_numbers.push_back(plan.extra_measurements(i).number());
    RETURN_IF_ERROR(CheckId(absl::StrCat(field, ".indicator_id"),
                            plan.extra_measurements(i).indicator_id()));
    RETURN_IF_ERROR(CheckDate(absl::StrCat(field, ".due_on"),
                              plan.extra_measurements(i).due_on())
                        .status());
  }
  return CheckNumbering("plan.extra_measurements", measurement_numbers,
                        "extra measurements");
}

// Rules of the plan against the request and the step.
absl::Status CheckPlanAgainstRequest(const v1::ActionPlan& plan,
                                     const CaseState& s) {
  const absl::CivilDay complete_by = CompleteBy(s);
  const std::string limit = absl::StrCat("must not be after complete_by (",
                                         FormatDay(complete_by), ")");
  for (int i = 0; i < plan.actions_size(); ++i) {
    if (DayOf(plan.actions(i).due_on()) > complete_by) {
      return InvalidArgument(absl::StrCat("plan.actions[", i, "].due_on"),
                             limit);
    }
  }
  for (int i = 0; i < plan.milestones_size(); ++i) {
    if (DayOf(plan.milestones(i).due_on()) > complete_by) {
      return InvalidArgument(absl::StrCat("plan.milestones[", i, "].due_on"),
                             limit);
    }
  }
  for (int i = 0; i < plan.extra_measurements_size(); ++i) {
    if (DayOf(plan.extra_measurements(i).due_on()) > complete_by) {
      return InvalidArgument(
          absl::StrCat("plan.extra_measurements[", i, "].due_on"), limit);
    }
  }
  const StepRule& step = CurrentStep(s);
  if (step.milestones_required) {
    if (plan.milestones().empty()) {
      return InvalidArgument("plan.milestones",
                             absl::StrCat("a plan at ", StepLabel(s.step),
                                          " is split into milestones"));
    }
    if (plan.extra_measurements().empty()) {
      return InvalidArgument("plan.extra_measurements",
                             absl::StrCat("a plan at ", StepLabel(s.step),
                                          " commits to extra measurements"));
    }
  }
  if (plan.requests_extra_resources() && !step.extra_resources_allowed) {
    return InvalidArgument(
        "plan.requests_extra_resources",
        absl::StrCat("extra resources are requested at step 3, "
                     "not at ",
                     StepLabel(s.step)));
  }
  return absl::OkStatus();
}

absl::StatusOr<Events> SubmitPlan(const v1::SubmitPlan& c, const CaseState& s,
                                  const CommandContext& ctx) {
  RETURN_IF_ERROR(CheckPlanShape(c.plan()));
  if (s.status == S::kPlanSubmitted && SameContent(s.plan.plan(), c.plan())) {
    return Events{};
  }
  RETURN_IF_ERROR(Gate(s, v1::Command::kSubmitPlan, ctx));
  RETURN_IF_ERROR(CheckPlanAgainstRequest(c.plan(), s));
  Events events;
  // A late plan missed its deadline whether or not the scheduler got there
  // first; the overdue event is recorded with it, so that the step's
  // failure never depends on when the scheduler ran.
  if (ctx.today > s.submit_due) {
    std::vector<v1::Event> overdue = DueCaseDeadlines(s, ctx.today);
    for (v1::Event& e : overdue) {
      if (e.has_plan_submission_overdue()) events.push_back(std::move(e));
    }
  }
  events.push_back(Wrap([&](v1::Event& event) {
    v1::PlanSubmitted* e = event.mutable_plan_submitted();
    e->set_case_id(s.case_id);
    e->set_round(s.round);
    e->set_revision(s.revision + 1);
    *e->mutable_plan() = c.plan();
    *e->mutable_submitted_on() = ToDate(ctx.today);
    e->set_late(ctx.today > s.submit_due);
    *e->mutable_due_on() = ToDate(s.submit_due);
  }));
  return events;
}

// ---- AssessPlan
// --------------------------------------------------------------------------

absl::Status CheckAnswered(absl::string_view name,
                           const v1::AnsweredQuestion& q) {
  if (q.answer() == v1::ANSWER_UNSPECIFIED) {
    return InvalidArgument(absl::StrCat("assessment.", name, ".answer"),
                           "is required: all six questions must be answered");
  }
  RETURN_IF_ERROR(CheckEnum(absl::StrCat("assessment.", name, ".answer"),
                            q.answer(), v1::Answer_IsValid));
  return CheckOptionalText(absl::StrCat("assessment.", name, ".comment"),
                           q.comment());
}

// The criteria the plan fails, from the answers and the plan itself.
std::vector<v1::AssessmentCriterion> FailingCriteria(
    const v1::Assessment& a, const v1::ActionPlan& plan) {
  std::vector<v1::AssessmentCriterion> failing;
  if (a.sufficient().answer() != v1::ANSWER_YES) {
    failing.push_back(v1::ASSESSMENT_CRITERION_SUFFICIENT);
  }
  if (a.clear_effect().answer() != v1::ANSWER_YES) {
    failing.push_back(v1::ASSESSMENT_CRITERION_CLEAR_EFFECT);
  }
  if (a.realistic_resources().answer() != v1::ANSWER_YES) {
    failing.push_back(v1::ASSESSMENT_CRITERION_REALISTIC_RESOURCES);
  }
  if (a.realistic_compensation().answer() != v1::ANSWER_YES) {
    failing.push_back(v1::ASSESSMENT_CRITERION_REALISTIC_COMPENSATION);
  }
  if (a.external_conditions().answer() == v1::ANSWER_YES &&
      a.external_conditions_justification().empty()) {
    failing.push_back(v1::ASSESSMENT_CRITERION_EXTERNAL_CONDITIONS);
  }
  if (plan.requests_extra_compensation()) {
    failing.push_back(v1::ASSESSMENT_CRITERION_EXTRA_COMPENSATION);
  }
  return failing;
}

std::string CriterionName(v1::AssessmentCriterion c) {
  constexpr absl::string_view kPrefix = "ASSESSMENT_CRITERION_";
  std::string name = v1::AssessmentCriterion_Name(c);
  if (absl::string_view(name).substr(0, kPrefix.size()) == kPrefix) {
    name.erase(0, kPrefix.size());
  }
  return name;
}

std::string CriteriaList(const std::vector<v1::AssessmentCriterion>& criteria) {
  return absl::StrJoin(criteria, ", ",
                       [](std::string* out, v1::AssessmentCriterion c) {
                         absl::StrAppend(out, CriterionName(c));
                       });
}

absl::Status CheckAssessmentShape(const v1::Assessment& a) {
  RETURN_IF_ERROR(CheckAnswered("sufficient", a.sufficient()));
  RETURN_IF_ERROR(CheckAnswered("clear_effect", a.clear_effect()));
  RETURN_IF_ERROR(CheckText("assessment.side_effects", a.side_effects()));
  RETURN_IF_ERROR(
      CheckAnswered("realistic_resources", a.realistic_resources()));
  RETURN_IF_ERROR(
      CheckAnswered("realistic_compensation", a.realistic_compensation()));
  RETURN_IF_ERROR(
      CheckAnswered("external_conditions", a.external_conditions()));
  RETURN_IF_ERROR(
      CheckOptionalText("assessment.external_conditions_justification",
                        a.external_conditions_justification()));
  RETURN_IF_ERROR(CheckEnum("assessment.decision", a.decision(),
                            v1::AssessmentDecision_IsValid));
  std::set<int> named;
  for (int i = 0; i < a.findings_size(); ++i) {
    const std::string field = absl::StrCat("assessment.findings[", i, "]");
    RETURN_IF_ERROR(CheckEnum(absl::StrCat(field, ".criterion"),
                              a.findings(i).criterion(),
                              v1::AssessmentCriterion_IsValid));
    if (!named.insert(a.findings(i).criterion()).second) {
      return InvalidArgument(absl::StrCat(field, ".criterion"),
                             "names the same criterion twice");
    }
    RETURN_IF_ERROR(
        CheckText(absl::StrCat(field, ".comment"), a.findings(i).comment()));
  }
  if (a.decision() == v1::ASSESSMENT_DECISION_REVISION_REQUIRED) {
    RETURN_IF_ERROR(
        CheckDate("assessment.new_submit_by", a.new_submit_by()).status());
  } else if (!IsUnset(a.new_submit_by())) {
    return InvalidArgument("assessment.new_submit_by",
                           "is set only when a revision is required");
  }
  return absl::OkStatus();
}

absl::Status CheckAssessmentAgainstPlan(const v1::Assessment& a,
                                        const CaseState& s,
                                        const CommandContext& ctx) {
  const std::vector<v1::AssessmentCriterion> failing =
      FailingCriteria(a, s.plan.plan());
  if (a.decision() == v1::ASSESSMENT_DECISION_APPROVED) {
    if (failing.size() == 1 &&
        failing[0] == v1::ASSESSMENT_CRITERION_EXTRA_COMPENSATION) {
      return FailedPrecondition(
          "assessment.decision",
          "the plan asks for extra compensation: reaching the quality level "
          "already agreed must not cost the municipality extra, so it cannot "
          "be approved as it is");
    }
    if (!failing.empty()) {
      return InvalidArgument(
          "assessment.decision",
          absl::StrCat("approval needs yes to questions 1, 2, 4 and 5, no to 6 "
                       "(or a written justification) and no request for extra "
                       "compensation; failing: ",
                       CriteriaList(failing)));
    }
    if (!a.findings().empty()) {
      return InvalidArgument("assessment.findings",
                             "an approval names no failing criteria");
    }
    return absl::OkStatus();
  }
  // A non-approval names every failing criterion, and only those (the
  // free-text side-effects question may always be named).
  if (a.findings().empty()) {
    return InvalidArgument("assessment.findings",
                           "a plan that is not approved names the failing "
                           "criteria, each with a comment");
  }
  std::vector<v1::AssessmentCriterion> missing;
  for (v1::AssessmentCriterion c : failing) {
    bool named = false;
    for (const v1::AssessmentFinding& f : a.findings())
      named |= f.criterion() == c;
    if (!named) missing.push_back(c);
  }
  if (!missing.empty()) {
    return InvalidArgument(
        "assessment.findings",
        absl::StrCat("must name every failing criterion; missing: ",
                     CriteriaList(missing)));
  }
  for (int i = 0; i < a.findings_size(); ++i) {
    const v1::AssessmentCriterion c = a.findings(i).criterion();
    if (c != v1::ASSESSMENT_CRITERION_SIDE_EFFECTS &&
        std::find(failing.begin(), failing.end(), c) == failing.end()) {
      return InvalidArgument(
          absl::StrCat("assessment.findings[", i, "].criterion"),
          absl::StrCat(CriterionName(c),
                       " does not fail by the answers given; name only failing "
                       "criteria"));
    }
  }
  if (a.decision() == v1::ASSESSMENT_DECISION_REVISION_REQUIRED) {
    const absl::CivilDay due = DayOf(a.new_submit_by());
    if (due <= ctx.today) {
      return InvalidArgument(
          "assessment.new_submit_by",
          absl::StrCat("must be after today (", FormatDay(ctx.today), ")"));
    }
    if (due >= CompleteBy(s)) {
      return InvalidArgument("assessment.new_submit_by",
                             absl::StrCat("must be before complete_by (",
                                          FormatDay(CompleteBy(s)), ")"));
    }
  }
  return absl::OkStatus();
}

S StatusAfter(v1::AssessmentDecision decision) {
  switch (decision) {
    case v1::ASSESSMENT_DECISION_APPROVED:
      return S::kImplementing;
    case v1::ASSESSMENT_DECISION_REVISION_REQUIRED:
      return S::kRevisionRequested;
    default:
      return S::kOpen;
  }
}

absl::StatusOr<Events> AssessPlan(const v1::AssessPlan& c, const CaseState& s,
                                  const CommandContext& ctx) {
  RETURN_IF_ERROR(CheckAssessmentShape(c.assessment()));
  if (s.assessment.has_value() && s.assessment->round() == s.round &&
      s.assessment->revision() == s.revision &&
      s.status == StatusAfter(c.assessment().decision()) &&
      SameContent(s.assessment->assessment(), c.assessment())) {
    return Events{};
  }
  RETURN_IF_ERROR(Gate(s, v1::Command::kAssessPlan, ctx));
  RETURN_IF_ERROR(CheckAssessmentAgainstPlan(c.assessment(), s, ctx));
  return Events{Wrap([&](v1::Event& event) {
    v1::PlanAssessed* e = event.mutable_plan_assessed();
    e->set_case_id(s.case_id);
    e->set_round(s.round);
    e->set_revision(s.revision);
    *e->mutable_assessment() = c.assessment();
    *e->mutable_assessed_on() = ToDate(ctx.today);
    e->set_step(s.step);
  })};
}

// ---- Implementation
// -------------------------------------------------------------------------

absl::StatusOr<const ActionState*> FindAction(const CaseState& s, int number) {
  auto it = s.actions.find(number);
  if (it == s.actions.end()) {
    return InvalidArgument(
        "action_number",
        absl::StrCat("the approved plan has no action ", number));
  }
  return &it->second;
}

absl::StatusOr<Events> ReportProgress(const v1::ReportActionProgress& c,
                                      const CaseState& s,
                                      const CommandContext& ctx) {
  RETURN_IF_ERROR(CheckEnum("light", c.light(), v1::TrafficLight_IsValid));
  RETURN_IF_ERROR(CheckText("note", c.note()));
  RETURN_IF_ERROR(Gate(s, v1::Command::kReportActionProgress, ctx));
  ASSIGN_OR_RETURN(const ActionState* action, FindAction(s, c.action_number()));
  if (action->light == c.light() && action->note == c.note()) return Events{};
  if (action->withdrawn) {
    return FailedPrecondition("action_number", "the action was withdrawn");
  }
  return Events{Wrap([&](v1::Event& event) {
    v1::ActionProgressReported* e = event.mutable_action_progress_reported();
    e->set_case_id(s.case_id);
    e->set_round(s.round);
    e->set_action_number(c.action_number());
    e->set_light(c.light());
    e->set_note(c.note());
    *e->mutable_reported_on() = ToDate(ctx.today);
  })};
}

absl::StatusOr<Events> CompleteAction(const v1::CompleteAction& c,
                                      const CaseState& s,
                                      const CommandContext& ctx) {
  RETURN_IF_ERROR(CheckOptionalText("note", c.note()));
  RETURN_IF_ERROR(Gate(s, v1::Command::kCompleteAction, ctx));
  ASSIGN_OR_RETURN(const ActionState* action, FindAction(s, c.action_number()));
  if (action->completed) return Events{};
  if (action->withdrawn) {
    return FailedPrecondition("action_number", "the action was withdrawn");
  }
  return Events{Wrap([&](v1::Event& event) {
    v1::ActionCompleted* e = event.mutable_action_completed();
    e->set_case_id(s.case_id);
    e->set_round(s.round);
    e->set_action_number(c.action_number());
    e->set_note(c.note());
    *e->mutable_completed_on() = ToDate(ctx.today);
  })};
}

absl::StatusOr<Events> WithdrawAction(const v1::WithdrawAction& c,
                                      const CaseState& s,
                                      const CommandContext& ctx) {
  RETURN_IF_ERROR(CheckText("reason", c.reason()));
  RETURN_IF_ERROR(Gate(s, v1::Command::kWithdrawAction, ctx));
  ASSIGN_OR_RETURN(const ActionState* action, FindAction(s, c.action_number()));
  if (action->withdrawn) return Events{};
  if (action->completed) {
    return FailedPrecondition("action_number",
                              "the action is already completed");
  }
  return Events{Wrap([&](v1::Event& event) {
    v1::ActionWithdrawn* e = event.mutable_action_withdrawn();
    e->set_case_id(s.case_id);
    e->set_round(s.round);
    e->set_action_number(c.action_number());
    e->set_reason(c.reason());
    *e->mutable_withdrawn_on() = ToDate(ctx.today);
  })};
}

absl::StatusOr<Events> ReportImplementation(const v1::ReportImplementation& c,
                                            const CaseState& s,
                                            const CommandContext& ctx) {
  RETURN_IF_ERROR(CheckText("report", c.report()));
  if (s.status == S::kImplemented && s.implementation.has_value() &&
      s.implementation->report() == c.report()) {
    return Events{};
  }
  RETURN_IF_ERROR(Gate(s, v1::Command::kReportImplementation, ctx));
  std::vector<int> open;
  for (const auto& [number, action] : s.actions) {
    if (!action.completed && !action.withdrawn) open.push_back(number);
  }
  if (!open.empty()) {
    return FailedPrecondition(
        "case_id",
        absl::StrCat("action(s) ", absl::StrJoin(open, ", "),
                     " neither completed nor withdrawn; actions planned as a "
                     "combination must all be carried out before the plan "
                     "counts as implemented"));
  }
  Events events;
  // As for a late plan: the missed date is recorded with the late report.
  if (ctx.today > CompleteBy(s)) {
    std::vector<v1::Event> overdue = DueCaseDeadlines(s, ctx.today);
    for (v1::Event& e : overdue) {
      if (e.has_implementation_overdue()) events.push_back(std::move(e));
    }
  }
  events.push_back(Wrap([&](v1::Event& event) {
    v1::ImplementationReported* e = event.mutable_implementation_reported();
    e->set_case_id(s.case_id);
    e->set_round(s.round);
    e->set_report(c.report());
    *e->mutable_reported_on() = ToDate(ctx.today);
    e->set_late(ctx.today > CompleteBy(s));
  }));
  return events;
}

absl::StatusOr<Events> RecordMilestone(const v1::RecordMilestone& c,
                                       const CaseState& s,
                                       const CommandContext& ctx) {
  if (c.met()) {
    RETURN_IF_ERROR(CheckOptionalText("note", c.note()));
  } else {
    RETURN_IF_ERROR(CheckText("note", c.note()));
  }
  RETURN_IF_ERROR(Gate(s, v1::Command::kRecordMilestone, ctx));
  bool planned = false;
  for (const v1::Milestone& m : s.plan.plan().milestones()) {
    planned |= m.number() == c.milestone_number();
  }
  if (!planned) {
    return InvalidArgument("milestone_number",
                           absl::StrCat("the approved plan has no milestone ",
                                        c.milestone_number()));
  }
  if (auto it = s.milestones.find(c.milestone_number());
      it != s.milestones.end()) {
    if (it->second.met() == c.met() && it->second.note() == c.note()) {
      return Events{};
    }
    return FailedPrecondition("milestone_number",
                              "the milestone's outcome is already recorded");
  }
  return Events{Wrap([&](v1::Event& event) {
    v1::MilestoneRecorded* e = event.mutable_milestone_recorded();
    e->set_case_id(s.case_id);
    e->set_round(s.round);
    e->set_milestone_number(c.milestone_number());
    e->set_met(c.met());
    e->set_note(c.note());
    *e->mutable_recorded_on() = ToDate(ctx.today);
  })};
}

// ---- Follow-up
// ---------------------------------------------------------------------------------

absl::Status CheckMethodRequested(const CaseState& s,
                                  v1::FollowUpMethod method) {
  for (int m : s.request.request().follow_up().methods()) {
    if (m == method) return absl::OkStatus();
  }
  return InvalidArgument(
      "method",
      absl::StrCat("the request named other follow-up methods: ",
                   absl::StrJoin(s.request.request().follow_up().methods(),
                                 ", ", [](std::string* out, int m) {
                                   absl::StrAppend(
                                       out,
                                       v1::FollowUpMethod_Name(
                                           static_cast<v1::FollowUpMethod>(m)));
                                 })));
}

absl::StatusOr<Events> ScheduleFollowUp(const v1::ScheduleFollowUp& c,
                                        const CaseState& s,
                                        const CommandContext& ctx) {
  ASSIGN_OR_RETURN(absl::CivilDay planned,
                   CheckDate("planned_on", c.planned_on()));
  RETURN_IF_ERROR(CheckEnum("method", c.method(), v1::FollowUpMethod_IsValid));
  RETURN_IF_ERROR(CheckOptionalText("note", c.note()));
  if (s.follow_up_scheduled.has_value() &&
      SameContent(s.follow_up_scheduled->planned_on(), c.planned_on()) &&
      s.follow_up_scheduled->method() == c.method() &&
      s.follow_up_scheduled->note() == c.note()) {
    return Events{};
  }
  RETURN_IF_ERROR(Gate(s, v1::Command::kScheduleFollowUp, ctx));
  if (planned < ctx.today) {
    return InvalidArgument(
        "planned_on",
        absl::StrCat("must not be before today (", FormatDay(ctx.today), ")"));
  }
  RETURN_IF_ERROR(CheckMethodRequested(s, c.method()));
  return Events{Wrap([&](v1::Event& event) {
    v1::FollowUpScheduled* e = event.mutable_follow_up_scheduled();
    e->set_case_id(s.case_id);
    e->set_round(s.round);
    *e->mutable_planned_on() = c.planned_on();
    e->set_method(c.method());
    e->set_note(c.note());
  })};
}

absl::StatusOr<Events> RecordFollowUp(const v1::RecordFollowUp& c,
                                      const CaseState& s,
                                      const CommandContext& ctx) {
  ASSIGN_OR_RETURN(absl::CivilDay performed,
                   CheckPastDate("performed_on", c.performed_on(), ctx.today));
  RETURN_IF_ERROR(CheckEnum("method", c.method(), v1::FollowUpMethod_IsValid));
  RETURN_IF_ERROR(CheckEnum("result", c.result(), v1::FollowUpResult_IsValid));
  RETURN_IF_ERROR(CheckText("evidence", c.evidence()));
  if (s.follow_up.has_value() && s.follow_up->round() == s.round &&
      SameContent(s.follow_up->performed_on(), c.performed_on()) &&
      s.follow_up->method() == c.method() &&
      s.follow_up->result() == c.result() &&
      s.follow_up->evidence() == c.evidence()) {
    return Events{};
  }
  RETURN_IF_ERROR(Gate(s, v1::Command::kRecordFollowUp, ctx));
  RETURN_IF_ERROR(CheckMethodRequested(s, c.method()));
  if (performed < DayOf(s.request.requested_on())) {
    return InvalidArgument("performed_on",
                           "must not be before the plan was requested");
  }
  Events events;
  events.push_back(Wrap([&](v1::Event& event) {
    v1::FollowUpRecorded* e = event.mutable_follow_up_recorded();
    e->set_case_id(s.case_id);
    e->set_round(s.round);
    *e->mutable_performed_on() = c.performed_on();
    e->set_method(c.method());
    e->set_result(c.result());
    e->set_evidence(c.evidence());
  }));
  if (c.result() == v1::FOLLOW_UP_RESULT_RESOLVED) {
    events.push_back(Wrap([&](v1::Event& event) {
      v1::CaseClosed* e = event.mutable_case_closed();
      e->set_case_id(s.case_id);
      e->set_closure(v1::CASE_CLOSURE_RESOLVED);
      e->set_note(c.evidence());
      *e->mutable_closed_on() = ToDate(ctx.today);
    }));
  }
  return events;
}

// ---- The staircase
// ---------------------------------------------------------------------------

absl::StatusOr<Events> ProposeEscalation(const v1::ProposeEscalation& c,
                                         const CaseState& s,
                                         const CommandContext& ctx) {
  RETURN_IF_ERROR(CheckText("reason", c.reason()));
  if (s.escalation_proposed && s.status != S::kClosed) return Events{};
  RETURN_IF_ERROR(CheckNotSystemLevel(s));
  RETURN_IF_ERROR(Gate(s, v1::Command::kProposeEscalation, ctx));
  RETURN_IF_ERROR(CheckFailed(s));
  return Events{Wrap([&](v1::Event& event) {
    v1::EscalationProposed* e = event.mutable_escalation_proposed();
    e->set_case_id(s.case_id);
    e->set_from_step(s.step);
    e->set_to_step(CurrentStep(s).next);
    e->set_failure(s.failure);
    e->set_reason(c.reason());
  })};
}

absl::StatusOr<Events> EscalateCase(const v1::EscalateCase& c,
                                    const CaseState& s,
                                    const CommandContext& ctx) {
  RETURN_IF_ERROR(
      CheckEnum("to_step", c.to_step(), v1::EscalationStep_IsValid));
  RETURN_IF_ERROR(CheckText("reason", c.reason()));
  RETURN_IF_ERROR(CheckDecision("decision", c.decision(), ctx.today));
  if (c.to_step() == v1::ESCALATION_STEP_1B) {
    RETURN_IF_ERROR(CheckDate("plan_limit", c.plan_limit()).status());
  } else if (!IsUnset(c.plan_limit())) {
    return InvalidArgument("plan_limit",
                           "is set only by a decision to escalate to step 1b");
  }
  if (s.last_escalation.has_value() && s.step == c.to_step() &&
      s.last_escalation->reason() == c.reason() &&
      SameContent(s.last_escalation->decision(), c.decision()) &&
      SameContent(s.last_escalation->plan_limit(), c.plan_limit())) {
    return Events{};
  }
  RETURN_IF_ERROR(CheckNotSystemLevel(s));
  RETURN_IF_ERROR(Gate(s, v1::Command::kEscalateCase, ctx));
  RETURN_IF_ERROR(CheckFailed(s));
  const StepRule& step = CurrentStep(s);
  if (c.to_step() != step.next) {
    return InvalidArgument(
        "to_step",
        absl::StrCat("the step after ", StepLabel(s.step), " is ",
                     StepLabel(step.next), " for ",
                     s.regiform == v1::REGIFORM_PRIVATE ? "a private provider"
                                                        : "a municipal unit"));
  }
  if (c.to_step() == v1::ESCALATION_STEP_1B &&
      DayOf(c.plan_limit()) <= ctx.today) {
    return InvalidArgument(
        "plan_limit",
        absl::StrCat("must be after today (", FormatDay(ctx.today), ")"));
  }
  return Events{Wrap([&](v1::Event& event) {
    v1::CaseEscalated* e = event.mutable_case_escalated();
    e->set_case_id(s.case_id);
    e->set_from_step(s.step);
    e->set_to_step(c.to_step());
    e->set_failure(s.failure);
    e->set_reason(c.reason());
    *e->mutable_decision() = c.decision();
    *e->mutable_plan_limit() = c.plan_limit();
  })};
}

absl::StatusOr<Events> DecideConsequence(const v1::DecideConsequence& c,
                                         const CaseState& s,
                                         const CommandContext& ctx) {
  RETURN_IF_ERROR(CheckText("consequences", c.consequences()));
  if (s.consequence.has_value() &&
      SameContent(s.consequence->care_director_decision(),
                  c.care_director_decision()) &&
      SameContent(s.consequence->administration_director_decision(),
                  c.administration_director_decision()) &&
      s.consequence->consequences() == c.consequences()) {
    return Events{};
  }
  RETURN_IF_ERROR(Gate(s, v1::Command::kDecideConsequence, ctx));
  if (s.regiform == v1::REGIFORM_MUNICIPAL) {
    // The care director and the administration director decide together.
    RETURN_IF_ERROR(CheckDecision("care_director_decision",
                                  c.care_director_decision(), ctx.today));
  } else if (c.has_care_director_decision()) {
    return InvalidArgument("care_director_decision",
                           "a private provider's consequences are decided by "
                           "the administration director");
  }
  RETURN_IF_ERROR(CheckDecision("administration_director_decision",
                                c.administration_director_decision(),
                                ctx.today));
  Events events;
  events.push_back(Wrap([&](v1::Event& event) {
    v1::ConsequenceDecided* e = event.mutable_consequence_decided();
    e->set_case_id(s.case_id);
    *e->mutable_care_director_decision() = c.care_director_decision();
    *e->mutable_administration_director_decision() =
        c.administration_director_decision();
    e->set_consequences(c.consequences());
  }));
  events.push_back(Wrap([&](v1::Event& event) {
    v1::CaseClosed* e = event.mutable_case_closed();
    e->set_case_id(s.case_id);
    e->set_closure(v1::CASE_CLOSURE_CONSEQUENCE_DECIDED);
    e->set_note(c.consequences());
    *e->mutable_closed_on() = ToDate(ctx.today);
  }));
  return events;
}

absl::StatusOr<Events> CloseCase(const v1::CloseCase& c, const CaseState& s,
                                 const CommandContext& ctx,
                                 const CaseReferences& refs) {
  RETURN_IF_ERROR(CheckEnum("closure", c.closure(), v1::CaseClosure_IsValid));
  if (c.closure() == v1::CASE_CLOSURE_RESOLVED ||
      c.closure() == v1::CASE_CLOSURE_CONSEQUENCE_DECIDED) {
    return InvalidArgument(
        "closure",
        "RESOLVED follows from a recorded follow-up and CONSEQUENCE_DECIDED "
        "from a consequence decision; close with those commands");
  }
  RETURN_IF_ERROR(CheckText("note", c.note()));
  if (c.closure() == v1::CASE_CLOSURE_CONTRACT_TERMINATED) {
    RETURN_IF_ERROR(CheckId("contract_id", c.contract_id()));
  } else if (!c.contract_id().empty()) {
    return InvalidArgument("contract_id",
                           "is given only when a contract's termination closes "
                           "the case");
  }
  if (s.closed.has_value() && s.closed->closure() == c.closure() &&
      s.closed->note() == c.note() &&
      s.closed->contract_id() == c.contract_id()) {
    return Events{};
  }
  RETURN_IF_ERROR(Gate(s, v1::Command::kCloseCase, ctx));
  switch (c.closure()) {
    case v1::CASE_CLOSURE_SYSTEM_LEVEL_HANDLED:
      RETURN_IF_ERROR(RequireRole(
          ctx.principal, AllowedRoles(Actor::kCommissioner, s.regiform, s.step),
          "close a system-level case"));
      if (!s.system_level) {
        return FailedPrecondition("closure",
                                  "the case is not a system-level deficiency");
      }
      break;
    case v1::CASE_CLOSURE_REGISTERED_IN_ERROR:
      RETURN_IF_ERROR(RequireRole(
          ctx.principal, AllowedRoles(Actor::kCommissioner, s.regiform, s.step),
          "close a case registered in error"));
      if (s.round > 0) {
        return FailedPrecondition(
            "closure",
            "a plan was requested in this case; it can no longer be closed as "
            "registered in error");
      }
      break;
    case v1::CASE_CLOSURE_CONTRACT_TERMINATED: {
      RETURN_IF_ERROR(RequireRole(
          ctx.principal, {v1::ROLE_ADMINISTRATION_DIRECTOR, v1::ROLE_SYSTEM},
          "close a case on a contract's termination"));
      if (s.regiform != v1::REGIFORM_PRIVATE) {
        return FailedPrecondition("closure",
                                  "a municipal unit's case has no contract");
      }
      const ContractState* contract = refs.contract;
      if (contract == nullptr || !contract->exists()) {
        return NotFound("contract_id",
                        "no contract with this id is registered");
      }
      if (contract->provider_id() != s.provider_id()) {
        return FailedPrecondition(
            "contract_id",
            "the contract is with another provider than the case's");
      }
      if (contract->status != ContractState::Status::kTerminated) {
        return FailedPrecondition("contract_id",
                                  "the contract is not terminated");
      }
      break;
    }
    default:
      return InvalidArgument("closure", "is not a known closure");
  }
  return Events{Wrap([&](v1::Event& event) {
    v1::CaseClosed* e = event.mutable_case_closed();
    e->set_case_id(s.case_id);
    e->set_closure(c.closure());
    e->set_note(c.note());
    *e->mutable_closed_on() = ToDate(ctx.today);
    e->set_contract_id(c.contract_id());
  })};
}

// ---- Dispatch
// ----------------------------------------------------------------------------------

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

void ResetRound(CaseState& s) {
  s.revision = -1;
  s.plan.Clear();
  s.assessment.reset();
  s.actions.clear();
  s.milestones.clear();
  s.implementation.reset();
  s.follow_up_scheduled.reset();
  s.follow_up.reset();
  s.submission_overdue_emitted.reset();
  s.implementation_overdue_emitted.reset();
  s.follow_up_overdue_emitted.reset();
}

void Fail(CaseState& s, v1::StepFailure failure) {
  s.failure = failure;
  ++s.failures;
}

}  // namespace

void EvolveCase(CaseState& s, const v1::Event& event) {
  switch (event.event_case()) {
    case v1::Event::kCaseRegistered: {
      const v1::CaseRegistered& e = event.case_registered();
      s.status = S::kOpen;
      s.case_id = e.case_id();
      s.registration = e;
      s.regiform = e.regiform();
      s.step = v1::ESCALATION_STEP_1;
      s.system_level = e.system_level();
      break;
    }
    case v1::Event::kCaseMarkedSystemLevel:
      s.system_level = true;
      break;
    case v1::Event::kPlanRequested: {
      const v1::PlanRequested& e = event.plan_requested();
      ResetRound(s);
      s.status = S::kPlanRequested;
      s.round = e.round();
      s.request = e;
      s.submit_due = DayOf(e.request().submit_by());
      s.failure = v1::STEP_FAILURE_UNSPECIFIED;
      s.escalation_proposed = false;
      break;
    }
    case v1::Event::kPlanSubmitted:
      s.status = S::kPlanSubmitted;
      s.revision = event.plan_submitted().revision();
      s.plan = event.plan_submitted();
      break;
    case v1::Event::kPlanAssessed: {
      const v1::PlanAssessed& e = event.plan_assessed();
      s.assessment = e;
      s.status = StatusAfter(e.assessment().decision());
      switch (e.assessment().decision()) {
        case v1::ASSESSMENT_DECISION_APPROVED:
          // Approving a plan (even a late one) accepts it: the step goes on.
          s.failure = v1::STEP_FAILURE_UNSPECIFIED;
          s.escalation_proposed = false;
          for (const v1::PlannedAction& a : s.plan.plan().actions()) {
            s.actions[a.number()].planned = a;
          }
          break;
        case v1::ASSESSMENT_DECISION_REVISION_REQUIRED:
          s.submit_due = DayOf(e.assessment().new_submit_by());
          break;
        default:
          Fail(s, v1::STEP_FAILURE_PLAN_REJECTED);
          break;
      }
      break;
    }
    case v1::Event::kActionProgressReported: {
      const v1::ActionProgressReported& e = event.action_progress_reported();
      ActionState& a = s.actions[e.action_number()];
      a.light = e.light();
      a.note = e.note();
      break;
    }
    case v1::Event::kActionCompleted:
      s.actions[event.action_completed().action_number()].completed = true;
      break;
    case v1::Event::kActionWithdrawn:
      s.actions[event.action_withdrawn().action_number()].withdrawn = true;
      break;
    case v1::Event::kImplementationReported:
      s.status = S::kImplemented;
      s.implementation = event.implementation_reported();
      break;
    case v1::Event::kMilestoneRecorded: {
      const v1::MilestoneRecorded& e = event.milestone_recorded();
      s.milestones[e.milestone_number()] = e;
      if (!e.met()) Fail(s, v1::STEP_FAILURE_MILESTONE_MISSED);
      break;
    }
    case v1::Event::kFollowUpScheduled:
      s.follow_up_scheduled = event.follow_up_scheduled();
      s.follow_up_overdue_emitted.reset();
      break;
    case v1::Event::kFollowUpRecorded: {
      const v1::FollowUpRecorded& e = event.follow_up_recorded();
      s.follow_up = e;
      if (e.result() != v1::FOLLOW_UP_RESULT_RESOLVED) {
        s.status = S::kOpen;
        Fail(s, v1::STEP_FAILURE_FOLLOW_UP_NOT_RESOLVED);
      }
      break;
    }
    case v1::Event::kEscalationProposed:
      s.escalation_proposed = true;
      break;
    case v1::Event::kCaseEscalated: {
      const v1::CaseEscalated& e = event.case_escalated();
      s.last_escalation = e;
      s.step = e.to_step();
      s.status = e.to_step() == v1::ESCALATION_STEP_4 ? S::kAwaitingConsequence
                                                      : S::kOpen;
      s.failure = v1::STEP_FAILURE_UNSPECIFIED;
      s.escalation_proposed = false;
      s.plan_limit.reset();
      if (!IsUnset(e.plan_limit())) s.plan_limit = DayOf(e.plan_limit());
      ResetRound(s);
      break;
    }
    case v1::Event::kConsequenceDecided:
      s.consequence = event.consequence_decided();
      break;
    case v1::Event::kCaseClosed:
      s.status = S::kClosed;
      s.closed = event.case_closed();
      break;
    case v1::Event::kPlanSubmissionOverdue: {
      const v1::PlanSubmissionOverdue& e = event.plan_submission_overdue();
      s.submission_overdue_emitted = {e.revision(), DayOf(e.due_on())};
      Fail(s, v1::STEP_FAILURE_PLAN_SUBMISSION_OVERDUE);
      break;
    }
    case v1::Event::kImplementationOverdue:
      s.implementation_overdue_emitted =
          DayOf(event.implementation_overdue().due_on());
      Fail(s, v1::STEP_FAILURE_IMPLEMENTATION_OVERDUE);
      break;
    case v1::Event::kFollowUpOverdue:
      s.follow_up_overdue_emitted = DayOf(event.follow_up_overdue().due_on());
      break;
    default:
      break;
  }
}

absl::StatusOr<std::vector<v1::Event>> DecideCase(const v1::Command& command,
                                                  const CaseState& s,
                                                  const CommandContext& ctx,
                                                  const CaseReferences& refs) {
  const v1::Command::CommandCase kind = command.command_case();
  if (kind == v1::Command::kRegisterCase) {
    return RegisterCase(command.register_case(), s, ctx, refs);
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
        kind != v1::Command::kCloseCase) {
      return FailedPrecondition(
          "case_id", "the case is closed and accepts no further commands");
    }
  }
  switch (kind) {
    case v1::Command::kMarkCaseSystemLevel:
      return MarkSystemLevel(command.mark_case_system_level(), s, ctx);
    case v1::Command::kRequestPlan:
      return RequestPlan(command.request_plan(), s, ctx);
    case v1::Command::kSubmitPlan:
      return SubmitPlan(command.submit_plan(), s, ctx);
    case v1::Command::kAssessPlan:
      return AssessPlan(command.assess_plan(), s, ctx);
    case v1::Command::kReportActionProgress:
      return ReportProgress(command.report_action_progress(), s, ctx);
    case v1::Command::kCompleteAction:
      return CompleteAction(command.complete_action(), s, ctx);
    case v1::Command::kWithdrawAction:
      return WithdrawAction(command.withdraw_action(), s, ctx);
    case v1::Command::kReportImplementation:
      return ReportImplementation(command.report_implementation(), s, ctx);
    case v1::Command::kRecordMilestone:
      return RecordMilestone(command.record_milestone(), s, ctx);
    case v1::Command::kScheduleFollowUp:
      return ScheduleFollowUp(command.schedule_follow_up(), s, ctx);
    case v1::Command::kRecordFollowUp:
      return RecordFollowUp(command.record_follow_up(), s, ctx);
    case v1::Command::kProposeEscalation:
      return ProposeEscalation(command.propose_escalation(), s, ctx);
    case v1::Command::kEscalateCase:
      return EscalateCase(command.escalate_case(), s, ctx);
    case v1::Command::kDecideConsequence:
      return DecideConsequence(command.decide_consequence(), s, ctx);
    case v1::Command::kCloseCase:
      return CloseCase(command.close_case(), s, ctx, refs);
    default:
      return absl::InvalidArgumentError("command is not a case command");
  }
}

std::vector<v1::Event> DueCaseDeadlines(const CaseState& s,
                                        absl::CivilDay today) {
  std::vector<v1::Event> due;
  auto allowed = [&](v1::Event::EventCase deadline) {
    return FindDeadlineTransition(deadline, s.status) != nullptr;
  };
  if (allowed(v1::Event::kPlanSubmissionOverdue) && today > s.submit_due) {
    const std::pair<int, absl::CivilDay> key{s.revision + 1, s.submit_due};
    if (s.submission_overdue_emitted != key) {
      due.push_back(Wrap([&](v1::Event& event) {
        v1::PlanSubmissionOverdue* e = event.mutable_plan_submission_overdue();
        e->set_case_id(s.case_id);
        e->set_round(s.round);
        e->set_revision(key.first);
        *e->mutable_due_on() = ToDate(s.submit_due);
      }));
    }
  }
  if (allowed(v1::Event::kImplementationOverdue) && today > CompleteBy(s) &&
      s.implementation_overdue_emitted != CompleteBy(s)) {
    due.push_back(Wrap([&](v1::Event& event) {
      v1::ImplementationOverdue* e = event.mutable_implementation_overdue();
      e->set_case_id(s.case_id);
      e->set_round(s.round);
      *e->mutable_due_on() = ToDate(CompleteBy(s));
    }));
  }
  if (allowed(v1::Event::kFollowUpOverdue) &&
      s.follow_up_scheduled.has_value() && !s.follow_up.has_value()) {
    const absl::CivilDay planned = DayOf(s.follow_up_scheduled->planned_on());
    if (today > planned && s.follow_up_overdue_emitted != planned) {
      due.push_back(Wrap([&](v1::Event& event) {
        v1::FollowUpOverdue* e = event.mutable_follow_up_overdue();
        e->set_case_id(s.case_id);
        e->set_round(s.round);
        *e->mutable_due_on() = ToDate(planned);
      }));
    }
  }
  return due;
}

}  // namespace atgard::domain
