// Property: no sequence of commands reaches an impossible state.
//
// After every step of a random sequence (see property_fold_test.cc for how
// to run more cases or replay a failure), every stream the step appended to
// is read again from its first event and checked against the domain's
// rules (services/domain/RULES.md and its sibling pages), stated here
// independently of the deciders: the staircase per regiform
// and the time limit of each step, approval only with six answers meeting
// the rule, escalation only after a failed step, nothing after a case is
// closed or a contract ended, sanctions resting on failed cases, and who
// may have written what. tests/unit/domain/README.md maps each check to
// its rule.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "services/domain/calendar.h"
#include "services/domain/dates.h"
#include "services/domain/decider.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/domain_generators.h"

namespace atgard::testing {
namespace {

using domain::DayOf;
using Violations = std::vector<std::string>;

// The staircase (services/domain/RULES_CASE.md#staircase): municipal
// 1 → 2 → 3 → 4, private 1 → 1b → 4.
v1::EscalationStep NextStep(v1::Regiform regiform, v1::EscalationStep step) {
  if (regiform == v1::REGIFORM_MUNICIPAL) {
    switch (step) {
      case v1::ESCALATION_STEP_1:
        return v1::ESCALATION_STEP_2;
      case v1::ESCALATION_STEP_2:
        return v1::ESCALATION_STEP_3;
      case v1::ESCALATION_STEP_3:
        return v1::ESCALATION_STEP_4;
      default:
        return v1::ESCALATION_STEP_UNSPECIFIED;
    }
  }
  switch (step) {
    case v1::ESCALATION_STEP_1:
      return v1::ESCALATION_STEP_1B;
    case v1::ESCALATION_STEP_1B:
      return v1::ESCALATION_STEP_4;
    default:
      return v1::ESCALATION_STEP_UNSPECIFIED;
  }
}

bool StepExists(v1::Regiform regiform, v1::EscalationStep step) {
  return step == v1::ESCALATION_STEP_1 || step == v1::ESCALATION_STEP_4 ||
         (regiform == v1::REGIFORM_MUNICIPAL &&
          (step == v1::ESCALATION_STEP_2 || step == v1::ESCALATION_STEP_3)) ||
         (regiform == v1::REGIFORM_PRIVATE && step == v1::ESCALATION_STEP_1B);
}

// "Up to 3 / 6 / 12 months" for the plan of steps 1, 2 and 3; 0 where the
// escalation decision sets the limit (1b).
int PlanLimitMonths(v1::EscalationStep step) {
  switch (step) {
    case v1::ESCALATION_STEP_1:
      return 3;
    case v1::ESCALATION_STEP_2:
      return 6;
    case v1::ESCALATION_STEP_3:
      return 12;
    default:
      return 0;
  }
}

// "Within N months of D": on or before D plus N calendar months, the
// month's last day when that day does not exist
// (services/domain/RULES.md#calendar); computed here without the domain's
// calendar.
absl::CivilDay WithinMonths(absl::CivilDay day, int months) {
  const absl::CivilMonth month = absl::CivilMonth(day) + months;
  const int last = (absl::CivilDay(month + 1) - 1).day();
  return absl::CivilDay(month) + (std::min(day.day(), last) - 1);
}

bool Answered(const v1::AnsweredQuestion& q) {
  return q.answer() == v1::ANSWER_YES || q.answer() == v1::ANSWER_NO;
}

// Approval needs all six questions answered, yes to 1, 2, 4 and 5, no to 6
// (or a written justification) and a plan without extra compensation.
std::string WhyNotApprovable(const v1::Assessment& a,
                             const v1::ActionPlan& plan) {
  if (a.decision() != v1::ASSESSMENT_DECISION_APPROVED) return "not APPROVED";
  if (!Answered(a.sufficient()) || !Answered(a.clear_effect()) ||
      a.side_effects().empty() || !Answered(a.realistic_resources()) ||
      !Answered(a.realistic_compensation()) ||
      !Answered(a.external_conditions())) {
    return "approved without all six questions answered";
  }
  if (a.sufficient().answer() != v1::ANSWER_YES ||
      a.clear_effect().answer() != v1::ANSWER_YES ||
      a.realistic_resources().answer() != v1::ANSWER_YES ||
      a.realistic_compensation().answer() != v1::ANSWER_YES) {
    return "approved without yes to questions 1, 2, 4 and 5";
  }
  if (a.external_conditions().answer() == v1::ANSWER_YES &&
      a.external_conditions_justification().empty()) {
    return "approved with yes to question 6 and no justification";
  }
  if (plan.requests_extra_compensation()) {
    return "approved a plan that asks for extra compensation";
  }
  if (!a.findings().empty()) return "an approval names failing criteria";
  return "";
}

std::string CaseIdField(const v1::Event& event) {
  const google::protobuf::FieldDescriptor* field =
      v1::Event::descriptor()->FindFieldByNumber(event.event_case());
  const google::protobuf::Message& inner =
      event.GetReflection()->GetMessage(event, field);
  const google::protobuf::FieldDescriptor* id =
      inner.GetDescriptor()->FindFieldByName("case_id");
  return id == nullptr ? "" : inner.GetReflection()->GetString(inner, id);
}

bool IsFailure(const v1::Event& e, v1::StepFailure* failure) {
  switch (e.event_case()) {
    case v1::Event::kPlanAssessed:
      if (e.plan_assessed().assessment().decision() !=
          v1::ASSESSMENT_DECISION_REJECTED) {
        return false;
      }
      *failure = v1::STEP_FAILURE_PLAN_REJECTED;
      return true;
    case v1::Event::kFollowUpRecorded:
      if (e.follow_up_recorded().result() == v1::FOLLOW_UP_RESULT_RESOLVED) {
        return false;
      }
      *failure = v1::STEP_FAILURE_FOLLOW_UP_NOT_RESOLVED;
      return true;
    case v1::Event::kPlanSubmissionOverdue:
      *failure = v1::STEP_FAILURE_PLAN_SUBMISSION_OVERDUE;
      return true;
    case v1::Event::kImplementationOverdue:
      *failure = v1::STEP_FAILURE_IMPLEMENTATION_OVERDUE;
      return true;
    case v1::Event::kMilestoneRecorded:
      if (e.milestone_recorded().met()) return false;
      *failure = v1::STEP_FAILURE_MILESTONE_MISSED;
      return true;
    case v1::Event::kStartOverdue:
      *failure = v1::STEP_FAILURE_START_OVERDUE;
      return true;
    case v1::Event::kMilestoneOverdue:
      *failure = v1::STEP_FAILURE_MILESTONE_OVERDUE;
      return true;
    case v1::Event::kPlannedExtraMeasurementOverdue:
      *failure = v1::STEP_FAILURE_PLANNED_MEASUREMENT_OVERDUE;
      return true;
    default:
      return false;
  }
}

// How many failure events a case stream holds: the documentation a
// sanction rests on.
int FailureEvents(const std::vector<v1::Event>& events) {
  int n = 0;
  v1::StepFailure failure = v1::STEP_FAILURE_UNSPECIFIED;
  for (const v1::Event& e : events) n += IsFailure(e, &failure) ? 1 : 0;
  return n;
}

std::string ProviderOfCase(const std::vector<v1::Event>& events) {
  if (events.empty() || !events[0].has_case_registered()) return "";
  return events[0].case_registered().deficiency().provider_id();
}

std::string TenantOf(const std::string& stream_id) {
  return TenantOfStream(stream_id);
}

// ---- Case streams -----------------------------------------------------------

// What a case's history says about its current plan round.
struct Round {
  std::optional<v1::PlanRequested> request;
  std::optional<v1::PlanSubmitted> plan;
  // When the (revised) plan is due, and whether one is awaited.
  absl::CivilDay submit_due;
  bool awaiting_plan = false;
  bool approved = false;
  // The approved plan's actions: number -> completed or withdrawn.
  std::map<int, bool> actions;
  bool implementation_reported = false;
  std::optional<absl::CivilDay> follow_up_planned;
  bool followed_up = false;
  // The due dates the scheduler already reported as missed.
  std::optional<absl::CivilDay> submission_overdue_for;
  bool implementation_overdue = false;
};

// A plan or an implementation report that arrives after its date fails the
// step even when the deadline scheduler had not yet appended the overdue
// event (PropertyRegression.Late*BeforeTheSchedulerRanFailsTheStep): whether
// a missed deadline allows escalation must not depend on when the scheduler
// ran.
constexpr bool kCheckLateArrivalFailsTheStep = true;

void CheckCaseStream(const Simulation& sim, const std::string& stream_id,
                     Violations& out) {
  const World& world = sim.world();
  const std::vector<v1::Event>& events = world.Stream(stream_id);
  const std::vector<absl::CivilDay>& days = sim.AppendDays(stream_id);
  const std::string case_id = IdOfStream(stream_id);
  auto fail = [&](size_t i, absl::string_view what) {
    out.push_back(absl::StrCat(
        stream_id, " event ", i + 1, " (",
        i < events.size() ? domain::EventType(events[i]) : "", "): ", what));
  };
  if (events.empty()) return;
  if (days.size() != events.size()) {
    return fail(0, "events appended outside the simulation");
  }
  if (!events[0].has_case_registered()) return fail(0, "not CaseRegistered");
  const v1::CaseRegistered& registration = events[0].case_registered();
  const v1::Regiform regiform = registration.regiform();
  const domain::ProviderState provider = world.Provider(
      TenantOf(stream_id), registration.deficiency().provider_id());
  if (regiform != provider.regiform()) {
    fail(0, "the case's regiform is not its provider's");
  }
  bool system_level = registration.system_level();
  v1::EscalationStep step = v1::ESCALATION_STEP_1;
  int round_number = 0;
  int revision = -1;
  std::optional<absl::CivilDay> plan_limit;
  Round round;
  // The latest failure since the last reset (plan request, approval,
  // escalation): what an escalation rests on; UNSPECIFIED if none.
  v1::StepFailure failure = v1::STEP_FAILURE_UNSPECIFIED;
  std::set<std::string> deadlines;
  bool closed = false;

  for (size_t i = 0; i < events.size(); ++i) {
    const v1::Event& e = events[i];
    const absl::CivilDay day = days[i];
    const v1::Event* next = i + 1 < events.size() ? &events[i + 1] : nullptr;
    // A date the decider stamps is the day it decided.
    auto stamped = [&](const v1::Date& date) {
      if (DayOf(date) != day) {
        fail(i, absl::StrCat("dated ", domain::FormatDay(DayOf(date)),
                             " but decided on ", domain::FormatDay(day)));
      }
    };
    // A deadline event comes after its date and only once.
    auto overdue = [&](const v1::Date& due, absl::CivilDay expected) {
      if (DayOf(due) != expected) fail(i, "names another due date");
      if (day <= DayOf(due)) fail(i, "overdue on or before its date");
      if (!deadlines.insert(e.SerializeAsString()).second) {
        fail(i, "a deadline event emitted twice");
      }
    };
    auto action_of_plan = [&](int number) {
      if (!round.approved) {
        fail(i, "an action without an approved plan");
      } else if (!round.actions.contains(number)) {
        fail(i, absl::StrCat("action ", number, " is not in the plan"));
      }
    };
    if (closed) fail(i, "an event after CaseClosed");
    if (CaseIdField(e) != case_id) fail(i, "names another case");
    if (i > 0 && e.has_case_registered()) fail(i, "registered twice");
    v1::StepFailure kind = v1::STEP_FAILURE_UNSPECIFIED;
    if (IsFailure(e, &kind)) failure = kind;
    switch (e.event_case()) {
      case v1::Event::kCaseRegistered:
        stamped(e.case_registered().registered_on());
        if (DayOf(e.case_registered().deficiency().detected_on()) > day) {
          fail(i, "a deficiency detected in the future");
        }
        break;
      case v1::Event::kCaseMarkedSystemLevel: {
        // After a request only when the plan revealed it: the round under
        // way, if any, is closed and named.
        // (A follow-up that did not resolve it ended the round.)
        const bool under_way =
            round.awaiting_plan ||
            (round.plan.has_value() && !(round.followed_up && !round.approved));
        const int closed_round = e.case_marked_system_level().closed_round();
        if (closed_round != (under_way ? round_number : 0)) {
          fail(i, "marked system-level naming another round than the open one");
        }
        if (step == v1::ESCALATION_STEP_4) fail(i, "marked system-level at 4");
        if (under_way) round = Round{};
        system_level = true;
        break;
      }
      case v1::Event::kPlanRequested: {
        const v1::PlanRequested& r = e.plan_requested();
        stamped(r.requested_on());
        if (system_level) fail(i, "a plan requested in a system-level case");
        if (step == v1::ESCALATION_STEP_4) fail(i, "a plan at step 4");
        if (r.step() != step) fail(i, "requested at another step");
        if (r.round() != round_number + 1) fail(i, "rounds do not count");
        const absl::CivilDay on = DayOf(r.requested_on());
        const absl::CivilDay submit = DayOf(r.request().submit_by());
        const absl::CivilDay start = DayOf(r.request().start_by());
        const absl::CivilDay complete = DayOf(r.request().complete_by());
        if (!(on < submit && on < start && on < complete)) {
          fail(i, "a date of the request is not in the future");
        }
        if (!(submit < complete)) fail(i, "submit_by not before complete_by");
        if (start > complete) fail(i, "start_by after complete_by");
        std::optional<absl::CivilDay> limit;
        if (PlanLimitMonths(step) > 0) {
          limit = WithinMonths(on, PlanLimitMonths(step));
        } else if (step == v1::ESCALATION_STEP_1B) {
          limit = plan_limit;
        }
        if (!limit.has_value()) {
          fail(i, "no time limit for the step's plan");
        } else {
          // The limit is a normal time: beyond it only with a justification,
          // and flagged exactly then.
          if (complete > *limit &&
              r.request().beyond_normal_time_justification().empty()) {
            fail(i, absl::StrCat("complete_by ", domain::FormatDay(complete),
                                 " beyond the step's normal time ",
                                 domain::FormatDay(*limit),
                                 " without a justification"));
          }
          if (r.beyond_normal_time() != (complete > *limit)) {
            fail(i, "beyond_normal_time does not say whether it is");
          }
          if (DayOf(r.complete_by_limit()) != *limit) {
            fail(i, "records another limit than the step's");
          }
        }
        round_number = r.round();
        revision = -1;
        round =
            Round{.request = r, .submit_due = submit, .awaiting_plan = true};
        failure = v1::STEP_FAILURE_UNSPECIFIED;
        break;
      }
      case v1::Event::kOwnPlanStarted: {
        // The unit's own plan: a round at step 1 before any request, on
        // the provider's dates within the step's limit.
        const v1::OwnPlanStarted& o = e.own_plan_started();
        stamped(o.started_on());
        if (system_level) fail(i, "an own plan in a system-level case");
        if (step != v1::ESCALATION_STEP_1) fail(i, "an own plan above step 1");
        if (round_number != 0 || o.round() != 1) {
          fail(i, "an own plan after a request");
        }
        const absl::CivilDay on = DayOf(o.started_on());
        const absl::CivilDay start = DayOf(o.start_by());
        const absl::CivilDay complete = DayOf(o.complete_by());
        if (!(on <= start && on < complete && start <= complete)) {
          fail(i, "the own plan's dates are out of order");
        }
        const absl::CivilDay limit = WithinMonths(on, PlanLimitMonths(step));
        if (complete > limit || DayOf(o.complete_by_limit()) != limit) {
          fail(i, "the own plan beyond or without the step's limit");
        }
        v1::PlanRequested request;
        request.set_round(o.round());
        *request.mutable_requested_on() = o.started_on();
        *request.mutable_request()->mutable_start_by() = o.start_by();
        *request.mutable_request()->mutable_complete_by() = o.complete_by();
        *request.mutable_request()->mutable_submit_by() = o.started_on();
        round_number = o.round();
        revision = -1;
        round =
            Round{.request = request, .submit_due = on, .awaiting_plan = true};
        failure = v1::STEP_FAILURE_UNSPECIFIED;
        break;
      }
      case v1::Event::kPlanSubmitted: {
        const v1::PlanSubmitted& p = e.plan_submitted();
        stamped(p.submitted_on());
        if (!round.awaiting_plan) fail(i, "a plan nobody waited for");
        if (!round.request.has_value()) break;
        if (p.round() != round_number) fail(i, "submitted for another round");
        if (p.revision() != revision + 1) fail(i, "revisions do not count");
        revision = p.revision();
        if (DayOf(p.due_on()) != round.submit_due) {
          fail(i, "records another due date than the request's");
        }
        if (p.late() != (day > round.submit_due)) {
          fail(i, "a late plan not recorded as late, or the reverse");
        }
        if (kCheckLateArrivalFailsTheStep && p.late() &&
            round.submission_overdue_for != round.submit_due) {
          fail(i, "a late plan that did not fail the step (missed deadline)");
        }
        const absl::CivilDay complete =
            DayOf(round.request->request().complete_by());
        for (const v1::PlannedAction& a : p.plan().actions()) {
          if (DayOf(a.due_on()) > complete) {
            fail(i,
                 absl::StrCat("action ", a.number(), " due after complete_by"));
          }
        }
        const bool lacking =
            (step == v1::ESCALATION_STEP_1B || step == v1::ESCALATION_STEP_3) &&
            (p.plan().milestones().empty() ||
             p.plan().extra_measurements().empty());
        if (lacking && p.plan().without_milestones_reason().empty()) {
          fail(i,
               "a step-1b/3 plan without milestones or extra measurements "
               "and without a reason");
        }
        if (p.without_milestones() != lacking) {
          fail(i, "without_milestones does not say whether it is");
        }
        round.plan = p;
        round.awaiting_plan = false;
        break;
      }
      case v1::Event::kPlanAssessed: {
        const v1::PlanAssessed& a = e.plan_assessed();
        stamped(a.assessed_on());
        if (!round.plan.has_value() || round.awaiting_plan) {
          fail(i, "an assessment without a plan");
          break;
        }
        if (a.round() != round_number || a.revision() != revision) {
          fail(i, "assessed another revision than the latest");
        }
        if (a.step() != step) fail(i, "assessed at another step");
        if (round.approved) fail(i, "assessed again after the approval");
        switch (a.assessment().decision()) {
          case v1::ASSESSMENT_DECISION_APPROVED: {
            const std::string why =
                WhyNotApprovable(a.assessment(), round.plan->plan());
            if (!why.empty()) fail(i, why);
            round.approved = true;
            for (const v1::PlannedAction& action :
                 round.plan->plan().actions()) {
              round.actions[action.number()] = false;
            }
            failure = v1::STEP_FAILURE_UNSPECIFIED;
            break;
          }
          case v1::ASSESSMENT_DECISION_REVISION_REQUIRED:
            if (a.assessment().findings().empty()) {
              fail(i, "a non-approval names no failing criteria");
            }
            round.submit_due = DayOf(a.assessment().new_submit_by());
            round.awaiting_plan = true;
            if (round.submit_due <= day) fail(i, "a revision due in the past");
            break;
          default:
            if (a.assessment().findings().empty()) {
              fail(i, "a non-approval names no failing criteria");
            }
            round.plan.reset();
            break;
        }
        break;
      }
      case v1::Event::kActionProgressReported:
        stamped(e.action_progress_reported().reported_on());
        action_of_plan(e.action_progress_reported().action_number());
        break;
      case v1::Event::kActionCompleted:
        stamped(e.action_completed().completed_on());
        action_of_plan(e.action_completed().action_number());
        round.actions[e.action_completed().action_number()] = true;
        break;
      case v1::Event::kActionWithdrawn:
        stamped(e.action_withdrawn().withdrawn_on());
        action_of_plan(e.action_withdrawn().action_number());
        round.actions[e.action_withdrawn().action_number()] = true;
        break;
      case v1::Event::kImplementationReported: {
        const v1::ImplementationReported& r = e.implementation_reported();
        stamped(r.reported_on());
        if (!round.approved) fail(i, "implemented without an approved plan");
        for (const auto& [number, done] : round.actions) {
          if (!done) {
            fail(i, absl::StrCat("implemented while action ", number,
                                 " is neither completed nor withdrawn"));
          }
        }
        if (round.request.has_value() &&
            r.late() != (day > DayOf(round.request->request().complete_by()))) {
          fail(i, "a late report not recorded as late, or the reverse");
        }
        if (kCheckLateArrivalFailsTheStep && r.late() &&
            !round.implementation_overdue) {
          fail(i, "a late report that did not fail the step (missed deadline)");
        }
        round.implementation_reported = true;
        break;
      }
      case v1::Event::kMilestoneRecorded:
        stamped(e.milestone_recorded().recorded_on());
        if (!round.approved) fail(i, "a milestone without an approved plan");
        break;
      case v1::Event::kFollowUpScheduled:
        if (!round.approved) fail(i, "a follow-up without an approved plan");
        if (round.request.has_value() &&
            round.request->request().follow_up_not_needed()) {
          fail(i, "a follow-up scheduled although none is needed");
        }
        round.follow_up_planned = DayOf(e.follow_up_scheduled().planned_on());
        break;
      case v1::Event::kFollowUpRecorded: {
        const v1::FollowUpRecorded& f = e.follow_up_recorded();
        if (!round.approved) fail(i, "a follow-up without an approved plan");
        if (round.request.has_value() &&
            round.request->request().follow_up_not_needed()) {
          fail(i, "a follow-up recorded although none is needed");
        }
        if (DayOf(f.performed_on()) > day ||
            (round.request.has_value() &&
             DayOf(f.performed_on()) < DayOf(round.request->requested_on()))) {
          fail(i, "performed in the future or before the request");
        }
        if (f.result() == v1::FOLLOW_UP_RESULT_RESOLVED &&
            (next == nullptr || !next->has_case_closed() ||
             next->case_closed().closure() != v1::CASE_CLOSURE_RESOLVED)) {
          fail(i, "a resolved follow-up that does not close the case");
        }
        round.followed_up = true;
        if (f.result() != v1::FOLLOW_UP_RESULT_RESOLVED) round.approved = false;
        break;
      }
      case v1::Event::kPlanSubmissionOverdue: {
        const v1::PlanSubmissionOverdue& o = e.plan_submission_overdue();
        if (!round.awaiting_plan) fail(i, "overdue while no plan is awaited");
        if (o.round() != round_number || o.revision() != revision + 1) {
          fail(i, "names another round or revision");
        }
        overdue(o.due_on(), round.submit_due);
        round.submission_overdue_for = DayOf(o.due_on());
        break;
      }
      case v1::Event::kImplementationOverdue:
        if (!round.approved || round.implementation_reported) {
          fail(i, "overdue while nothing is being implemented");
        }
        if (round.request.has_value()) {
          overdue(e.implementation_overdue().due_on(),
                  DayOf(round.request->request().complete_by()));
        }
        round.implementation_overdue = true;
        break;
      case v1::Event::kFollowUpOverdue:
        if (!round.follow_up_planned.has_value() || round.followed_up) {
          fail(i, "overdue while no follow-up is awaited");
        } else {
          overdue(e.follow_up_overdue().due_on(), *round.follow_up_planned);
        }
        break;
      case v1::Event::kImplementationReportAccepted:
        stamped(e.implementation_report_accepted().accepted_on());
        if (!round.implementation_reported || !round.request.has_value() ||
            !round.request->request().follow_up_not_needed()) {
          fail(i,
               "a report accepted that was not reported or needs a "
               "follow-up");
        }
        if (next == nullptr || !next->has_case_closed() ||
            next->case_closed().closure() !=
                v1::CASE_CLOSURE_IMPLEMENTATION_ACCEPTED) {
          fail(i, "an accepted report that does not close the case");
        }
        break;
      case v1::Event::kPlannedMeasurementRecorded:
        stamped(e.planned_measurement_recorded().recorded_on());
        if (!round.approved) {
          fail(i, "a planned measurement without an approved plan");
        }
        break;
      case v1::Event::kStartOverdue:
        if (!round.approved || !round.request.has_value()) {
          fail(i, "a start overdue without an approved plan");
        } else {
          overdue(e.start_overdue().due_on(),
                  DayOf(round.request->request().start_by()));
        }
        break;
      case v1::Event::kMilestoneOverdue:
      case v1::Event::kPlannedExtraMeasurementOverdue:
        if (!round.approved) {
          fail(i, "a planned date overdue without an approved plan");
        }
        break;
      case v1::Event::kEscalationProposed:
      case v1::Event::kCaseEscalated: {
        const bool decided = e.has_case_escalated();
        const v1::EscalationStep from =
            decided ? e.case_escalated().from_step()
                    : e.escalation_proposed().from_step();
        const v1::EscalationStep to = decided
                                          ? e.case_escalated().to_step()
                                          : e.escalation_proposed().to_step();
        const v1::StepFailure named = decided
                                          ? e.case_escalated().failure()
                                          : e.escalation_proposed().failure();
        if (system_level) fail(i, "escalation of a system-level case");
        if (failure == v1::STEP_FAILURE_UNSPECIFIED) {
          fail(i,
               "escalation without a failed step since the last plan "
               "request, approval or escalation");
        } else if (named != failure) {
          fail(i, absl::StrCat(
                      "names the failure ", v1::StepFailure_Name(named),
                      " but the last was ", v1::StepFailure_Name(failure)));
        }
        if (from != step) fail(i, "escalates from another step");
        if (to != NextStep(regiform, step)) {
          fail(i, absl::StrCat("escalates to ", v1::EscalationStep_Name(to),
                               " off the ", v1::Regiform_Name(regiform),
                               " staircase"));
        }
        if (!StepExists(regiform, to)) {
          fail(i, "a step the regiform does not have");
        }
        if (!decided) break;
        const v1::CaseEscalated& c = e.case_escalated();
        if (c.reason().empty() || c.decision().decision_maker().empty()) {
          fail(i, "an escalation without its reason and decision maker");
        }
        if (DayOf(c.decision().decided_on()) > day) {
          fail(i, "a decision dated in the future");
        }
        step = to;
        plan_limit.reset();
        if (to == v1::ESCALATION_STEP_1B) {
          if (domain::IsUnset(c.plan_limit())) {
            fail(i, "step 1b without the plan's time limit");
          } else {
            plan_limit = DayOf(c.plan_limit());
          }
        }
        round = Round{};
        failure = v1::STEP_FAILURE_UNSPECIFIED;
        break;
      }
      case v1::Event::kConsequenceDecided: {
        const v1::ConsequenceDecided& c = e.consequence_decided();
        if (step != v1::ESCALATION_STEP_4) fail(i, "consequences before 4");
        if (regiform == v1::REGIFORM_MUNICIPAL &&
            (c.care_director_decision().decision_maker().empty() ||
             c.administration_director_decision().decision_maker().empty())) {
          fail(i, "a municipal unit's consequences without both decisions");
        }
        if (next == nullptr || !next->has_case_closed() ||
            next->case_closed().closure() !=
                v1::CASE_CLOSURE_CONSEQUENCE_DECIDED) {
          fail(i, "consequences decided without closing the case");
        }
        break;
      }
      case v1::Event::kCaseClosed: {
        const v1::CaseClosed& c = e.case_closed();
        const v1::Event* previous = i > 0 ? &events[i - 1] : nullptr;
        stamped(c.closed_on());
        closed = true;
        switch (c.closure()) {
          case v1::CASE_CLOSURE_RESOLVED:
            if (previous == nullptr || !previous->has_follow_up_recorded()) {
              fail(i, "resolved without a follow-up");
            }
            break;
          case v1::CASE_CLOSURE_CONSEQUENCE_DECIDED:
            if (previous == nullptr || !previous->has_consequence_decided()) {
              fail(i, "closed on consequences never decided");
            }
            break;
          case v1::CASE_CLOSURE_SYSTEM_LEVEL_HANDLED:
            if (!system_level) fail(i, "not a system-level case");
            break;
          case v1::CASE_CLOSURE_IMPLEMENTATION_ACCEPTED:
            if (previous == nullptr ||
                !previous->has_implementation_report_accepted()) {
              fail(i, "closed on a report never accepted");
            }
            break;
          case v1::CASE_CLOSURE_REGISTERED_IN_ERROR:
            if (round_number != 0) {
              fail(i, "in error after a plan was requested");
            }
            break;
          case v1::CASE_CLOSURE_CONTRACT_TERMINATED: {
            const domain::ContractState contract =
                world.Contract(TenantOf(stream_id), c.contract_id());
            if (regiform != v1::REGIFORM_PRIVATE) {
              fail(i, "a municipal case closed by a contract");
            }
            if (contract.status != domain::ContractState::Status::kTerminated ||
                contract.provider_id() !=
                    registration.deficiency().provider_id()) {
              fail(i, "closed by a contract of its provider never terminated");
            }
            break;
          }
          default:
            fail(i, "an unknown closure");
        }
        break;
      }
      default:
        fail(i, "not a case event");
        break;
    }
  }

  // The folded state agrees with what the history allows.
  const domain::CaseState s =
      std::get<domain::CaseState>(Fold(stream_id, events));
  auto fail_state = [&](absl::string_view what) {
    out.push_back(absl::StrCat(stream_id, " (", domain::StatusName(s.status),
                               " at ", v1::EscalationStep_Name(s.step),
                               "): ", what));
  };
  if (s.status == domain::CaseStatus::kImplementing ||
      s.status == domain::CaseStatus::kImplemented) {
    if (!s.assessment.has_value()) {
      fail_state("implementing without an assessment");
    } else {
      const std::string why =
          WhyNotApprovable(s.assessment->assessment(), s.plan.plan());
      if (!why.empty()) fail_state(why);
      if (s.assessment->round() != s.round ||
          s.assessment->revision() != s.revision) {
        fail_state("implementing a plan other than the one approved");
      }
    }
  }
  if (!StepExists(s.regiform, s.step)) {
    fail_state("a step its regiform's staircase does not have");
  }
  if (s.step != step) fail_state("the state's step is not the history's");
  if ((s.status == domain::CaseStatus::kAwaitingConsequence) !=
      (s.step == v1::ESCALATION_STEP_4 &&
       s.status != domain::CaseStatus::kClosed)) {
    fail_state("step 4 and awaiting consequences do not go together");
  }
  if ((s.status == domain::CaseStatus::kClosed) != s.closed.has_value()) {
    fail_state("closed without a closure, or the reverse");
  }
  if (s.failures != FailureEvents(events)) {
    fail_state(absl::StrCat("counts ", s.failures,
                            " failures in a history with ",
                            FailureEvents(events)));
  }
  if (s.failure != failure) {
    fail_state(absl::StrCat("the state's failure ",
                            v1::StepFailure_Name(s.failure),
                            " is not the history's last one since the last "
                            "plan request, approval or escalation"));
  }
  // A system-level case has no plan round under way: marked before a
  // request, between rounds, or closing the round its plan revealed it in.
  if (s.system_level && s.status != domain::CaseStatus::kOpen &&
      s.status != domain::CaseStatus::kClosed) {
    fail_state("a system-level case on the staircase");
  }
}

// ---- Contract, series, care-plan and provider streams ----------------------

void CheckContractStream(const Simulation& sim, const std::string& stream_id,
                         Violations& out) {
  const World& world = sim.world();
  const std::vector<v1::Event>& events = world.Stream(stream_id);
  const std::vector<absl::CivilDay>& days = sim.AppendDays(stream_id);
  auto fail = [&](size_t i, absl::string_view what) {
    out.push_back(absl::StrCat(stream_id, " event ", i + 1, " (",
                               domain::EventType(events[i]), "): ", what));
  };
  if (events.empty()) return;
  if (!events[0].has_contract_registered()) return fail(0, "not registered");
  const v1::ContractTerms& terms = events[0].contract_registered().terms();
  if (world.Provider(TenantOf(stream_id), terms.provider_id()).regiform() !=
      v1::REGIFORM_PRIVATE) {
    fail(0, "a contract for a provider that is not private");
  }
  auto on_ladder = [&](v1::SanctionKind kind, int index) {
    return index >= 0 && index < terms.ladder_size() &&
           terms.ladder(index).kind() == kind;
  };
  auto any_on_ladder = [&](v1::SanctionKind kind) {
    for (const v1::SanctionLadderStep& s : terms.ladder()) {
      if (s.kind() == kind) return true;
    }
    return false;
  };
  absl::CivilDay ends = DayOf(terms.ends_on());
  bool ended = false;
  bool declined = false;
  // The ladder's rungs used so far, and the cases sanctioned.
  std::set<int> used_rungs;
  std::set<std::string> sanctioned;
  for (size_t i = 0; i < events.size(); ++i) {
    const v1::Event& e = events[i];
    if (ended) fail(i, "a contract event after termination or expiry");
    switch (e.event_case()) {
      case v1::Event::kContractRegistered:
        if (i > 0) fail(i, "registered twice");
        break;
      case v1::Event::kContractExtended:
        if (declined) fail(i, "extended after the option was declined");
        if (DayOf(e.contract_extended().ends_on()) <= ends) {
          fail(i, "an extension that does not extend");
        }
        ends = DayOf(e.contract_extended().ends_on());
        break;
      case v1::Event::kContractNotExtended:
        declined = true;
        break;
      case v1::Event::kSanctionImposed: {
        const v1::SanctionImposed& s = e.sanction_imposed();
        if (!on_ladder(s.kind(), s.ladder_index())) {
          fail(i, "a sanction off the contract's ladder");
        }
        if (s.kind() == v1::SANCTION_KIND_TERMINATION_WITH_NOTICE ||
            s.kind() == v1::SANCTION_KIND_IMMEDIATE_TERMINATION) {
          fail(i, "a termination recorded as a sanction");
        }
        if (s.case_ids().empty()) fail(i, "a sanction resting on no case");
        if (s.decision().decision_maker().empty() ||
            s.decision().delegation_basis().empty() ||
            s.decision().reference_number().empty()) {
          fail(i, "a sanction without its decision maker and delegation");
        }
        for (int rung = 0; rung < s.ladder_index(); ++rung) {
          if (!used_rungs.contains(rung) &&
              s.rung_skip_justification().empty()) {
            fail(i, "a rung of the ladder skipped without a justification");
          }
        }
        used_rungs.insert(s.ladder_index());
        sanctioned.insert(s.case_ids().begin(), s.case_ids().end());
        break;
      }
      case v1::Event::kNoSanctionDecided: {
        const v1::NoSanctionDecided& n = e.no_sanction_decided();
        if (sanctioned.contains(n.case_id())) {
          fail(i, "no sanction decided for a case already sanctioned");
        }
        if (n.reason().empty() || n.decision().decision_maker().empty() ||
            n.decision().delegation_basis().empty() ||
            n.decision().reference_number().empty()) {
          fail(i, "no sanction decided without a reason and a decision");
        }
        break;
      }
      case v1::Event::kContractTerminated: {
        const v1::ContractTerminated& t = e.contract_terminated();
        if (!any_on_ladder(t.kind()) ||
            (t.kind() != v1::SANCTION_KIND_TERMINATION_WITH_NOTICE &&
             t.kind() != v1::SANCTION_KIND_IMMEDIATE_TERMINATION)) {
          fail(i, "terminated by a kind not on the ladder");
        }
        if (t.case_ids().empty()) fail(i, "a termination resting on no case");
        if (t.decision().decision_maker().empty() ||
            t.decision().delegation_basis().empty() ||
            t.decision().reference_number().empty()) {
          fail(i, "a termination without its decision maker and delegation");
        }
        ended = true;
        break;
      }
      case v1::Event::kContractExpired:
        if (DayOf(e.contract_expired().ended_on()) != ends) {
          fail(i, "expired on another day than its end");
        }
        if (days[i] <= ends) fail(i, "expired on or before its end");
        ended = true;
        break;
      default:
        fail(i, "not a contract event");
    }
  }
}

void CheckSeriesStream(const Simulation& sim, const std::string& stream_id,
                       Violations& out) {
  const std::vector<v1::Event>& events = sim.world().Stream(stream_id);
  const std::vector<absl::CivilDay>& days = sim.AppendDays(stream_id);
  std::map<std::string, v1::MeasurementRecorded> measurements;
  std::set<std::string> overdue;
  for (size_t i = 0; i < events.size(); ++i) {
    const v1::Event& e = events[i];
    if (e.has_extra_measurement_required()) {
      // A red result obliges an extra measurement within six months.
      const auto it =
          measurements.find(e.extra_measurement_required().measurement_id());
      if (it == measurements.end() ||
          it->second.result() != v1::MEASUREMENT_RESULT_RED ||
          DayOf(e.extra_measurement_required().due_on()) !=
              WithinMonths(DayOf(it->second.measurement().measured_on()), 6)) {
        out.push_back(absl::StrCat(stream_id, " event ", i + 1,
                                   ": an extra measurement not due six "
                                   "months after a red one"));
      }
    }
    if (e.has_extra_measurement_overdue() &&
        days[i] <= DayOf(e.extra_measurement_overdue().due_on())) {
      out.push_back(absl::StrCat(stream_id, " event ", i + 1,
                                 ": overdue on or before its date"));
    }
    if (e.has_measurement_recorded()) {
      measurements[e.measurement_recorded().measurement_id()] =
          e.measurement_recorded();
      const v1::Measurement& m = e.measurement_recorded().measurement();
      const bool green = m.higher_is_better() ? m.value() >= m.approved_level()
                                              : m.value() <= m.approved_level();
      if (e.measurement_recorded().result() !=
          (green ? v1::MEASUREMENT_RESULT_GREEN : v1::MEASUREMENT_RESULT_RED)) {
        out.push_back(absl::StrCat(stream_id, " event ", i + 1,
                                   ": green and red mixed up"));
      }
    }
    if (e.has_extra_measurement_overdue() &&
        !overdue.insert(e.SerializeAsString()).second) {
      out.push_back(absl::StrCat(stream_id, " event ", i + 1,
                                 ": a deadline event emitted twice"));
    }
  }
}

void CheckCarePlanStream(const Simulation& sim, const std::string& stream_id,
                         Violations& out) {
  const std::vector<v1::Event>& events = sim.world().Stream(stream_id);
  const std::vector<absl::CivilDay>& days = sim.AppendDays(stream_id);
  std::set<std::string> overdue;
  for (size_t i = 0; i < events.size(); ++i) {
    const v1::Event& e = events[i];
    if (e.has_care_plan_review_recorded()) {
      const v1::CarePlanReviewRecorded& r = e.care_plan_review_recorded();
      if (DayOf(r.next_review_due()) !=
          WithinMonths(DayOf(r.review().reviewed_on()), 1)) {
        out.push_back(absl::StrCat(stream_id, " event ", i + 1,
                                   ": the next review is not due in a month"));
      }
    }
    if (e.has_care_plan_review_overdue() &&
        days[i] <= DayOf(e.care_plan_review_overdue().due_on())) {
      out.push_back(absl::StrCat(stream_id, " event ", i + 1,
                                 ": overdue on or before its date"));
    }
    if (e.has_care_plan_action_overdue() &&
        days[i] <= DayOf(e.care_plan_action_overdue().due_on())) {
      out.push_back(absl::StrCat(stream_id, " event ", i + 1,
                                 ": overdue on or before its date"));
    }
    if ((e.has_care_plan_review_overdue() ||
         e.has_care_plan_action_overdue()) &&
        !overdue.insert(e.SerializeAsString()).second) {
      out.push_back(absl::StrCat(stream_id, " event ", i + 1,
                                 ": a deadline event emitted twice"));
    }
    if (i > 0 && events[i - 1].has_care_plan_ended()) {
      out.push_back(absl::StrCat(stream_id, " event ", i + 1,
                                 ": an event after the plan ended"));
    }
  }
}

// Who appended the events of this step: nobody writes outside its tenant,
// read-only roles write nothing, a provider writes only in its own cases
// and care plans, SYSTEM only deadlines and policies' commands.
void CheckWriters(const Simulation& sim, size_t from, Violations& out) {
  const std::vector<WorldEvent>& log = sim.world().Log();
  for (size_t i = from; i < log.size(); ++i) {
    const WorldEvent& e = log[i];
    const domain::Principal& actor = sim.ActorOf(i);
    const std::string who =
        absl::StrCat(PrincipalName(actor), " appended ",
                     domain::EventType(e.event), " to ", e.stream_id, ": ");
    if (TenantOf(e.stream_id) != actor.tenant) {
      out.push_back(who + "another tenant's stream");
    }
    switch (actor.role) {
      case v1::ROLE_AUDITOR:
      case v1::ROLE_SUPERVISOR:
      case v1::ROLE_OPERATOR:
      case v1::ROLE_UNSPECIFIED:
        out.push_back(who + "a role that may not write");
        break;
      case v1::ROLE_PROVIDER: {
        const domain::AggregateKind kind = KindOfStream(e.stream_id);
        std::string owner;
        if (kind == domain::AggregateKind::kCase) {
          owner = ProviderOfCase(sim.world().Stream(e.stream_id));
        } else if (kind == domain::AggregateKind::kCarePlan ||
                   kind == domain::AggregateKind::kSelfInspection ||
                   kind == domain::AggregateKind::kComplaints) {
          const std::string id = IdOfStream(e.stream_id);
          // A care plan's id is "<provider>/<unit>/<client>", a unit's
          // self-inspection or complaint counts "<provider>/<unit>/...".
          owner = id.substr(0, id.find('/'));
        }
        if (owner != actor.provider_id) {
          out.push_back(who + "not its own provider's case or care plan");
        }
        break;
      }
      case v1::ROLE_SYSTEM:
        switch (e.event.event_case()) {
          case v1::Event::kPlanSubmissionOverdue:
          case v1::Event::kImplementationOverdue:
          case v1::Event::kFollowUpOverdue:
          case v1::Event::kContractExpired:
          case v1::Event::kExtraMeasurementOverdue:
          case v1::Event::kCarePlanReviewOverdue:
          case v1::Event::kCarePlanActionOverdue:
          case v1::Event::kStartOverdue:
          case v1::Event::kMilestoneOverdue:
          case v1::Event::kPlannedExtraMeasurementOverdue:
          case v1::Event::kCaseRegistered:
          // Noting a measurement's result, and what it reveals, decides
          // nothing: a policy opens the case.
          case v1::Event::kUnitResultNoted:
          case v1::Event::kLowGoalFulfilmentDetected:
          // The follow-up plan's deadline and what its policies record.
          case v1::Event::kPlannedFollowUpOverdue:
          case v1::Event::kPlannedFollowUpAdded:
          case v1::Event::kPlannedFollowUpFulfilled:
          case v1::Event::kUnplannedFollowUpRecorded:
            break;
          case v1::Event::kCaseClosed:
            if (e.event.case_closed().closure() !=
                v1::CASE_CLOSURE_CONTRACT_TERMINATED) {
              out.push_back(who + "SYSTEM closed a case on its own");
            }
            break;
          default:
            out.push_back(who + "SYSTEM made a decision");
        }
        break;
      default:
        break;
    }
    // A sanction or termination rests on cases of the contract's provider
    // whose steps failed, as they stand when it is decided.
    const google::protobuf::RepeatedPtrField<std::string>* cases = nullptr;
    if (e.event.has_sanction_imposed()) {
      cases = &e.event.sanction_imposed().case_ids();
    } else if (e.event.has_contract_terminated()) {
      cases = &e.event.contract_terminated().case_ids();
    }
    if (cases == nullptr) continue;
    const std::string provider =
        sim.world()
            .Contract(TenantOf(e.stream_id), IdOfStream(e.stream_id))
            .provider_id();
    for (const std::string& id : *cases) {
      const std::vector<v1::Event>& history = sim.world().Stream(
          actor.tenant, {.kind = domain::AggregateKind::kCase, .id = id});
      if (ProviderOfCase(history) != provider) {
        out.push_back(who + "rests on case " + id + " of another provider");
      } else if (FailureEvents(history) == 0) {
        out.push_back(who + "rests on case " + id + ", which never failed");
      }
    }
  }
}

// A follow-up plan: every item overdue at most once, after its date, and
// only items on the plan fulfilled or overdue.
void CheckFollowUpPlanStream(const Simulation& sim,
                             const std::string& stream_id, Violations& out) {
  const std::vector<v1::Event>& events = sim.world().Stream(stream_id);
  const std::vector<absl::CivilDay>& days = sim.AppendDays(stream_id);
  std::set<std::string> planned;
  std::set<std::string> overdue;
  for (size_t i = 0; i < events.size(); ++i) {
    const v1::Event& e = events[i];
    if (e.has_planned_follow_up_added()) {
      planned.insert(e.planned_follow_up_added().item().obligation_id());
    }
    std::string named;
    if (e.has_planned_follow_up_fulfilled()) {
      named = e.planned_follow_up_fulfilled().obligation_id();
    }
    if (e.has_planned_follow_up_overdue()) {
      named = e.planned_follow_up_overdue().obligation_id();
      if (days[i] <= DayOf(e.planned_follow_up_overdue().due_on())) {
        out.push_back(absl::StrCat(stream_id, " event ", i + 1,
                                   ": overdue on or before its date"));
      }
      if (!overdue.insert(named).second) {
        out.push_back(absl::StrCat(stream_id, " event ", i + 1,
                                   ": an item overdue twice"));
      }
    }
    if (!named.empty() && !planned.contains(named)) {
      out.push_back(absl::StrCat(stream_id, " event ", i + 1,
                                 ": names an item not on the plan"));
    }
  }
}

Violations CheckStreams(const Simulation& sim, size_t from) {
  Violations out;
  CheckWriters(sim, from, out);
  std::set<std::string> touched;
  for (size_t i = from; i < sim.world().Log().size(); ++i) {
    touched.insert(sim.world().Log()[i].stream_id);
  }
  for (const std::string& stream : touched) {
    switch (KindOfStream(stream)) {
      case domain::AggregateKind::kCase:
        CheckCaseStream(sim, stream, out);
        break;
      case domain::AggregateKind::kContract:
        CheckContractStream(sim, stream, out);
        break;
      case domain::AggregateKind::kIndicatorSeries:
        CheckSeriesStream(sim, stream, out);
        break;
      case domain::AggregateKind::kCarePlan:
        CheckCarePlanStream(sim, stream, out);
        break;
      case domain::AggregateKind::kFollowUpPlan:
        CheckFollowUpPlanStream(sim, stream, out);
        break;
      case domain::AggregateKind::kProvider:
      case domain::AggregateKind::kPolicySettings:
      case domain::AggregateKind::kUnitResults:
      case domain::AggregateKind::kSelfInspection:
      case domain::AggregateKind::kComplaints:
      case domain::AggregateKind::kOrganisation:
        break;
    }
  }
  return out;
}

STAIRCASE_PROP(InvariantProperty, NoSequenceReachesAnImpossibleState) {
  const std::vector<Step> steps = *GenSteps();
  Simulation sim;
  for (const Step& step : steps) {
    const Action action = sim.Materialise(step);
    const size_t log_before = sim.world().Log().size();
    switch (action.type) {
      case Action::Type::kNothing:
        continue;
      case Action::Type::kDeadlines:
        sim.RunDeadlines();
        break;
      case Action::Type::kPolicies:
        sim.RunPolicies();
        break;
      case Action::Type::kCommand:
        (void)sim.Execute(action);
        break;
    }
    const Violations violations = CheckStreams(sim, log_before);
    PROPERTY_CHECK(violations.empty(), sim, absl::StrJoin(violations, "\n"));
  }
  int escalations = 0;
  for (const WorldEvent& e : sim.world().Log()) {
    escalations += e.event.has_case_escalated() ? 1 : 0;
  }
  coverage.Record(sim);
  RC_TAG(escalations == 0  ? "no escalation"
         : escalations < 3 ? "1-2 escalations"
         : escalations < 6 ? "3-5 escalations"
                           : "6 or more escalations");
}

}  // namespace
}  // namespace atgard::testing
