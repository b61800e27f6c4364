// The norms of a step: its normal time and the milestones and extra
// measurements a step-1b or step-3 plan should have are norms, not walls —
// a written reason allows departing from them, and the event flags it. Also
// what follows from them: a case whose request needs no follow-up closes
// by accepting the implementation report, a plan's planned extra
// measurements are recorded in the case, and a start, a milestone or an
// extra measurement not made by its date is a missed deadline.
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "services/domain/case_decider_internal.h"
#include "services/domain/checks.h"
#include "services/domain/dates.h"
#include "services/domain/errors.h"

namespace atgard::domain::internal {

namespace {

// Whether the start deadline applies: only a plan approved by start_by
// could have had an action reported started by then.
bool StartDeadlineApplies(const CaseState& s) {
  const absl::CivilDay start_by = DayOf(s.request.request().start_by());
  return s.approved_on.has_value() && *s.approved_on <= start_by;
}

}  // namespace

bool FollowUpNeeded(const CaseState& s) {
  return !s.request.request().follow_up_not_needed();
}

absl::Status CheckFollowUpNeeded(const CaseState& s) {
  if (!FollowUpNeeded(s)) {
    return FailedPrecondition(
        "case_id",
        "the plan request stated that no follow-up is needed; the case is "
        "closed by accepting the implementation report "
        "(AcceptImplementationReport)");
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> CheckNormalTime(const v1::PlanRequest& r,
                                     absl::CivilDay complete_by,
                                     absl::CivilDay limit,
                                     const std::string& limit_text) {
  const bool beyond = complete_by > limit;
  const std::string& justification = r.beyond_normal_time_justification();
  if (!beyond) {
    if (!justification.empty()) {
      return InvalidArgument("request.beyond_normal_time_justification",
                             absl::StrCat("is given only when complete_by "
                                          "lies beyond the step's normal "
                                          "time (",
                                          limit_text, ")"));
    }
    return false;
  }
  if (justification.empty()) {
    return InvalidArgument(
        "request.complete_by",
        absl::StrCat(limit_text,
                     "; a later date needs a written justification "
                     "(beyond_normal_time_justification)"));
  }
  RETURN_IF_ERROR(
      CheckText("request.beyond_normal_time_justification", justification));
  return true;
}

absl::StatusOr<bool> CheckMilestoneNorm(const v1::ActionPlan& plan,
                                        const CaseState& s) {
  const std::string& reason = plan.without_milestones_reason();
  const bool expected = CurrentStep(s).milestones_required;
  const bool lacking =
      plan.milestones().empty() || plan.extra_measurements().empty();
  if (!expected || !lacking) {
    if (!reason.empty()) {
      return InvalidArgument(
          "plan.without_milestones_reason",
          expected ? "is given only when the plan lacks milestones or extra "
                     "measurements"
                   : absl::StrCat("milestones and extra measurements are "
                                  "expected at steps 1b and 3, not at ",
                                  StepLabel(s.step)));
    }
    return false;
  }
  if (reason.empty()) {
    if (plan.milestones().empty()) {
      return InvalidArgument(
          "plan.milestones",
          absl::StrCat("a plan at ", StepLabel(s.step),
                       " is split into milestones, or says why not "
                       "(without_milestones_reason)"));
    }
    return InvalidArgument(
        "plan.extra_measurements",
        absl::StrCat("a plan at ", StepLabel(s.step),
                     " commits to extra measurements, or says why not "
                     "(without_milestones_reason)"));
  }
  RETURN_IF_ERROR(CheckText("plan.without_milestones_reason", reason));
  return true;
}

absl::Status CheckPlanNarrative(const v1::ActionPlan& plan) {
  for (int i = 0; i < plan.actions_size(); ++i) {
    const std::string field = absl::StrCat("plan.actions[", i, "]");
    RETURN_IF_ERROR(CheckOptionalText(absl::StrCat(field, ".expected_effect"),
                                      plan.actions(i).expected_effect()));
    RETURN_IF_ERROR(CheckOptionalText(absl::StrCat(field, ".documentation"),
                                      plan.actions(i).documentation()));
  }
  return CheckOptionalText("plan.already_under_way", plan.already_under_way());
}

void AppendNormDeadlines(const CaseState& s, absl::CivilDay today,
                         Events& due) {
  auto allowed = [&](v1::Event::EventCase deadline) {
    return FindDeadlineTransition(deadline, s.status) != nullptr;
  };
  if (allowed(v1::Event::kStartOverdue) && StartDeadlineApplies(s)) {
    const absl::CivilDay start_by = DayOf(s.request.request().start_by());
    const bool started_in_time =
        s.first_started_on.has_value() && *s.first_started_on <= start_by;
    if (today > start_by && !started_in_time &&
        s.start_overdue_emitted != start_by) {
      due.push_back(Wrap([&](v1::Event& event) {
        v1::StartOverdue* e = event.mutable_start_overdue();
        e->set_case_id(s.case_id);
        e->set_round(s.round);
        *e->mutable_due_on() = ToDate(start_by);
      }));
    }
  }
  if (allowed(v1::Event::kMilestoneOverdue)) {
    for (const v1::Milestone& m : s.plan.plan().milestones()) {
      const absl::CivilDay day = DayOf(m.due_on());
      if (today > day && !s.milestones.contains(m.number()) &&
          !s.milestone_overdue_emitted.contains(m.number())) {
        due.push_back(Wrap([&](v1::Event& event) {
          v1::MilestoneOverdue* e = event.mutable_milestone_overdue();
          e->set_case_id(s.case_id);
          e->set_round(s.round);
          e->set_milestone_number(m.number());
          *e->mutable_due_on() = ToDate(day);
        }));
      }
    }
  }
  if (allowed(v1::Event::kPlannedExtraMeasurementOverdue)) {
    for (const v1::PlannedMeasurement& m : s.plan.plan().extra_measurements()) {
      const absl::CivilDay day = DayOf(m.due_on());
      if (today > day && !s.planned_measurements.contains(m.number()) &&
          !s.planned_measurement_overdue_emitted.contains(m.number())) {
        due.push_back(Wrap([&](v1::Event& event) {
          v1::PlannedExtraMeasurementOverdue* e =
              event.mutable_planned_extra_measurement_overdue();
          e->set_case_id(s.case_id);
          e->set_round(s.round);
          e->set_measurement_number(m.number());
          e->set_indicator_id(m.indicator_id());
          *e->mutable_due_on() = ToDate(day);
        }));
      }
    }
  }
}

Events DueDeadlinesWhere(const CaseState& s, absl::CivilDay today,
                         const std::function<bool(const v1::Event&)>& keep) {
  Events kept;
  for (v1::Event& e : DueCaseDeadlines(s, today)) {
    if (keep(e)) kept.push_back(std::move(e));
  }
  return kept;
}

absl::StatusOr<Events> AcceptImplementationReport(
    const v1::AcceptImplementationReport& c, const CaseState& s,
    const CommandContext& ctx) {
  RETURN_IF_ERROR(CheckOptionalText("note", c.note()));
  if (s.closed.has_value() &&
      s.closed->closure() == v1::CASE_CLOSURE_IMPLEMENTATION_ACCEPTED &&
      s.closed->note() == c.note()) {
    return Events{};
  }
  RETURN_IF_ERROR(Gate(s, v1::Command::kAcceptImplementationReport, ctx));
  if (FollowUpNeeded(s)) {
    return FailedPrecondition(
        "case_id",
        "the plan request needs a follow-up; the case closes when the "
        "follow-up finds the deficiency resolved (RecordFollowUp)");
  }
  return Events{Wrap([&](v1::Event& event) {
                  v1::ImplementationReportAccepted* e =
                      event.mutable_implementation_report_accepted();
                  e->set_case_id(s.case_id);
                  e->set_round(s.round);
                  e->set_note(c.note());
                  *e->mutable_accepted_on() = ToDate(ctx.today);
                }),
                Wrap([&](v1::Event& event) {
                  v1::CaseClosed* e = event.mutable_case_closed();
                  e->set_case_id(s.case_id);
                  e->set_closure(v1::CASE_CLOSURE_IMPLEMENTATION_ACCEPTED);
                  e->set_note(c.note());
                  *e->mutable_closed_on() = ToDate(ctx.today);
                })};
}

absl::StatusOr<Events> RecordPlannedMeasurement(
    const v1::RecordPlannedMeasurement& c, const CaseState& s,
    const CommandContext& ctx) {
  ASSIGN_OR_RETURN(absl::CivilDay measured_on,
                   CheckPastDate("measured_on", c.measured_on(), ctx.today));
  if (!c.measurement_id().empty()) {
    RETURN_IF_ERROR(CheckId("measurement_id", c.measurement_id()));
  }
  RETURN_IF_ERROR(CheckText("outcome", c.outcome()));
  RETURN_IF_ERROR(Gate(s, v1::Command::kRecordPlannedMeasurement, ctx));
  const v1::PlannedMeasurement* planned = nullptr;
  for (const v1::PlannedMeasurement& m : s.plan.plan().extra_measurements()) {
    if (m.number() == c.measurement_number()) planned = &m;
  }
  if (planned == nullptr) {
    return InvalidArgument(
        "measurement_number",
        absl::StrCat("the approved plan has no extra measurement ",
                     c.measurement_number()));
  }
  if (const v1::PlannedMeasurementRecorded* recorded =
          FindOrNull(s.planned_measurements, c.measurement_number())) {
    if (SameContent(recorded->measured_on(), c.measured_on()) &&
        recorded->measurement_id() == c.measurement_id() &&
        recorded->outcome() == c.outcome()) {
      return Events{};
    }
    return FailedPrecondition(
        "measurement_number",
        "the extra measurement's outcome is already recorded");
  }
  if (measured_on < DayOf(s.request.requested_on())) {
    return InvalidArgument("measured_on",
                           "must not be before the plan was requested");
  }
  // A late record carries the missed date with it, as a late plan does.
  Events events = DueDeadlinesWhere(s, ctx.today, [&](const v1::Event& e) {
    return e.has_planned_extra_measurement_overdue() &&
           e.planned_extra_measurement_overdue().measurement_number() ==
               c.measurement_number();
  });
  events.push_back(Wrap([&](v1::Event& event) {
    v1::PlannedMeasurementRecorded* e =
        event.mutable_planned_measurement_recorded();
    e->set_case_id(s.case_id);
    e->set_round(s.round);
    e->set_measurement_number(c.measurement_number());
    *e->mutable_measured_on() = c.measured_on();
    e->set_measurement_id(c.measurement_id());
    e->set_outcome(c.outcome());
    *e->mutable_recorded_on() = ToDate(ctx.today);
  }));
  return events;
}

}  // namespace atgard::domain::internal
