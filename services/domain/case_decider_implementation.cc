// Implementation of an approved plan: progress, completion and withdrawal
// of its actions, milestones, and the report that it is implemented.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "eventstore/base/status_macros.h"
#include "services/domain/case_decider_internal.h"
#include "services/domain/checks.h"
#include "services/domain/dates.h"
#include "services/domain/errors.h"

namespace atgard::domain::internal {

namespace {

using S = CaseStatus;

absl::StatusOr<const ActionState*> FindAction(const CaseState& s, int number) {
  auto it = s.actions.find(number);
  if (it == s.actions.end()) {
    return InvalidArgument(
        "action_number",
        absl::StrCat("the approved plan has no action ", number));
  }
  return &it->second;
}

}  // namespace

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
  // A first start after start_by carries the missed date with it.
  Events events = DueDeadlinesWhere(
      s, ctx.today, [](const v1::Event& e) { return e.has_start_overdue(); });
  events.push_back(Wrap([&](v1::Event& event) {
    v1::ActionProgressReported* e = event.mutable_action_progress_reported();
    e->set_case_id(s.case_id);
    e->set_round(s.round);
    e->set_action_number(c.action_number());
    e->set_light(c.light());
    e->set_note(c.note());
    *e->mutable_reported_on() = ToDate(ctx.today);
  }));
  return events;
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
  Events events = DueDeadlinesWhere(
      s, ctx.today, [](const v1::Event& e) { return e.has_start_overdue(); });
  events.push_back(Wrap([&](v1::Event& event) {
    v1::ActionCompleted* e = event.mutable_action_completed();
    e->set_case_id(s.case_id);
    e->set_round(s.round);
    e->set_action_number(c.action_number());
    e->set_note(c.note());
    *e->mutable_completed_on() = ToDate(ctx.today);
  }));
  return events;
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
  // A late record carries the missed date with it.
  Events events = DueDeadlinesWhere(s, ctx.today, [&](const v1::Event& e) {
    return e.has_milestone_overdue() &&
           e.milestone_overdue().milestone_number() == c.milestone_number();
  });
  events.push_back(Wrap([&](v1::Event& event) {
    v1::MilestoneRecorded* e = event.mutable_milestone_recorded();
    e->set_case_id(s.case_id);
    e->set_round(s.round);
    e->set_milestone_number(c.milestone_number());
    e->set_met(c.met());
    e->set_note(c.note());
    *e->mutable_recorded_on() = ToDate(ctx.today);
  }));
  return events;
}

}  // namespace atgard::domain::internal
