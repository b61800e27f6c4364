// Submission of the action plan (SubmitPlan): the plan's own rules, then
// the rules it must meet against the request and the step.
#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "services/domain/case_decider_internal.h"
#include "services/domain/checks.h"
#include "services/domain/dates.h"
#include "services/domain/errors.h"

namespace atgard::domain::internal {

namespace {

using S = CaseStatus;

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
  if (plan.requests_extra_resources() && !step.extra_resources_allowed) {
    return InvalidArgument(
        "plan.requests_extra_resources",
        absl::StrCat("extra resources are requested at step 3, "
                     "not at ",
                     StepLabel(s.step)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Events> SubmitPlan(const v1::SubmitPlan& c, const CaseState& s,
                                  const CommandContext& ctx) {
  RETURN_IF_ERROR(CheckPlanShape(c.plan()));
  RETURN_IF_ERROR(CheckPlanNarrative(c.plan()));
  if (s.status == S::kPlanSubmitted && SameContent(s.plan.plan(), c.plan())) {
    return Events{};
  }
  RETURN_IF_ERROR(Gate(s, v1::Command::kSubmitPlan, ctx));
  RETURN_IF_ERROR(CheckPlanAgainstRequest(c.plan(), s));
  ASSIGN_OR_RETURN(const bool without_milestones,
                   CheckMilestoneNorm(c.plan(), s));
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
    e->set_without_milestones(without_milestones);
  }));
  return events;
}

}  // namespace atgard::domain::internal
