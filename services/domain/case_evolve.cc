// The fold of a case: how each of its events changes its state.
#include "services/domain/case_decider.h"
#include "services/domain/case_decider_internal.h"
#include "services/domain/dates.h"

namespace atgard::domain {

using internal::StatusAfter;

namespace {

using S = CaseStatus;

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
  s.own_plan.reset();
  s.approved_on.reset();
  s.first_started_on.reset();
  s.planned_measurements.clear();
  s.start_overdue_emitted.reset();
  s.milestone_overdue_emitted.clear();
  s.planned_measurement_overdue_emitted.clear();
}

void Started(CaseState& s, absl::CivilDay day) {
  if (!s.first_started_on.has_value() || day < *s.first_started_on) {
    s.first_started_on = day;
  }
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
      // The plan revealed it: the round under way is closed, and the case
      // waits, outside the staircase, to be closed as handled. A failure
      // stays on record; a system-level case is never escalated.
      if (event.case_marked_system_level().closed_round() > 0) {
        s.status = S::kOpen;
      }
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
    case v1::Event::kOwnPlanStarted:
      // A round like a requested one, on the provider's own dates.
      EvolveCase(s, internal::AsPlanRequested(event.own_plan_started()));
      s.own_plan = event.own_plan_started();
      break;
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
          s.approved_on = DayOf(e.assessed_on());
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
      Started(s, DayOf(e.reported_on()));
      break;
    }
    case v1::Event::kActionCompleted:
      s.actions[event.action_completed().action_number()].completed = true;
      Started(s, DayOf(event.action_completed().completed_on()));
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
    case v1::Event::kPlannedMeasurementRecorded: {
      const v1::PlannedMeasurementRecorded& e =
          event.planned_measurement_recorded();
      s.planned_measurements[e.measurement_number()] = e;
      break;
    }
    case v1::Event::kStartOverdue:
      s.start_overdue_emitted = DayOf(event.start_overdue().due_on());
      Fail(s, v1::STEP_FAILURE_START_OVERDUE);
      break;
    case v1::Event::kMilestoneOverdue:
      s.milestone_overdue_emitted.insert(
          event.milestone_overdue().milestone_number());
      Fail(s, v1::STEP_FAILURE_MILESTONE_OVERDUE);
      break;
    case v1::Event::kPlannedExtraMeasurementOverdue:
      s.planned_measurement_overdue_emitted.insert(
          event.planned_extra_measurement_overdue().measurement_number());
      Fail(s, v1::STEP_FAILURE_PLANNED_MEASUREMENT_OVERDUE);
      break;
    default:
      break;
  }
}

}  // namespace atgard::domain
