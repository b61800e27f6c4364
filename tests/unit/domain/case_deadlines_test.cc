// The case's deadline events: plan submission, implementation and
// follow-up overdue, each once per due date, carrying that date, from the
// day after it (met on the day itself).
// services/domain/RULES_CASE.md#deadlines and
// services/domain/RULES.md#calendar.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "services/domain/case_decider.h"
#include "services/domain/dates.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/given_when_then.h"
#include "tests/unit/domain/case_scenarios.h"

namespace atgard::testing {
namespace {

v1::Event SubmissionOverdue(int round, int revision, absl::CivilDay due) {
  v1::Event event;
  v1::PlanSubmissionOverdue* e = event.mutable_plan_submission_overdue();
  e->set_case_id(kCase);
  e->set_round(round);
  e->set_revision(revision);
  *e->mutable_due_on() = D(due);
  return event;
}

v1::Event ImplementationOverdue(int round, absl::CivilDay due) {
  v1::Event event;
  v1::ImplementationOverdue* e = event.mutable_implementation_overdue();
  e->set_case_id(kCase);
  e->set_round(round);
  *e->mutable_due_on() = D(due);
  return event;
}

v1::Event FollowUpOverdue(int round, absl::CivilDay due) {
  v1::Event event;
  v1::FollowUpOverdue* e = event.mutable_follow_up_overdue();
  e->set_case_id(kCase);
  e->set_round(round);
  *e->mutable_due_on() = D(due);
  return event;
}

class DeadlinesTest : public CaseTest {
 protected:
  // The scheduler's run on `day`: the events appended.
  std::vector<v1::Event> Run(absl::CivilDay day) {
    return world_.RunDeadlines(kTenant, day);
  }
  // What is due for the case on `day`, without appending.
  std::vector<v1::Event> Due(absl::CivilDay day) const {
    return domain::DueCaseDeadlines(CaseState(), day);
  }
  // Checks that the scheduler run on `day` appends exactly `expected`.
  void ExpectRun(absl::CivilDay day, const std::vector<v1::Event>& expected) {
    Outcome(Run(day)).Then(expected);
  }
  absl::CivilDay SubmitBy() const {
    return domain::DayOf(CaseState().request.request().submit_by());
  }
  absl::CivilDay CompleteBy() const {
    return domain::DayOf(CaseState().request.request().complete_by());
  }

  // Reports an action started today, so that the start is not overdue
  // (case_norms_test.cc) beside the deadline a test is about.
  void StartInTime() {
    world_.MustRun(driver_.Staff(), driver_.today(),
                   ReportProgress(kCase, 1, v1::TRAFFIC_LIGHT_YELLOW));
  }

  CaseDriver driver_{world_, kCase, true};
};

// Plan submission overdue: nothing on submit_by, the event the day after,
// and only once.
TEST_F(DeadlinesTest, PlanSubmissionIsOverdueTheDayAfterSubmitByOnce) {
  driver_.Register().RequestPlan();
  ExpectRun(SubmitBy() - 1, {});
  ExpectRun(SubmitBy(), {});
  ExpectRun(SubmitBy() + 1, {SubmissionOverdue(1, 0, SubmitBy())});
  ExpectRun(SubmitBy() + 1, {});
  ExpectRun(SubmitBy() + 2, {});
  ExpectRun(SubmitBy() + 30, {});
  EXPECT_EQ(CaseState().failure, v1::STEP_FAILURE_PLAN_SUBMISSION_OVERDUE);
}

// A scheduler that did not run for days emits one event, with the due date
// (not the day it ran).
TEST_F(DeadlinesTest, ALateSchedulerRunStillCarriesTheDueDate) {
  driver_.Register().RequestPlan();
  ExpectRun(SubmitBy() + 10, {SubmissionOverdue(1, 0, SubmitBy())});
}

// A plan that arrived, even late, before the scheduler ran leaves nothing
// overdue: the late flag on the submission records it.
TEST_F(DeadlinesTest, NoSubmissionOverdueOnceThePlanArrived) {
  driver_.Register().RequestPlan();
  world_.MustRun(ProviderStaff(kPrivateProvider), SubmitBy(),
                 SubmitPlan(kCase, Plan(CompleteBy())));
  ExpectRun(SubmitBy() + 1, {});
}

// "a new due date (revision's new_submit_by)": the revision's own deadline
// gives its own event, once.
TEST_F(DeadlinesTest, ARevisionsNewSubmitByIsANewDeadline) {
  driver_.Register().RequestPlan();
  const absl::CivilDay first_due = SubmitBy();
  ExpectRun(first_due + 1, {SubmissionOverdue(1, 0, first_due)});
  world_.MustRun(ProviderStaff(kPrivateProvider), first_due + 2,
                 SubmitPlan(kCase, Plan(CompleteBy())));
  const absl::CivilDay new_due = first_due + 10;
  world_.MustRun(FollowUpOfficer(), first_due + 3,
                 AssessPlan(kCase, RevisionRequired(new_due)));
  ExpectRun(new_due, {});
  ExpectRun(new_due + 1, {SubmissionOverdue(1, 1, new_due)});
  ExpectRun(new_due + 2, {});
}

// A new plan round has its own submit_by.
TEST_F(DeadlinesTest, ANewRoundHasItsOwnSubmissionDeadline) {
  driver_.Register().RequestPlan();
  ExpectRun(SubmitBy() + 1, {SubmissionOverdue(1, 0, SubmitBy())});
  world_.MustRun(ProviderStaff(kPrivateProvider), SubmitBy() + 1,
                 SubmitPlan(kCase, Plan(CompleteBy())));
  world_.MustRun(FollowUpOfficer(), SubmitBy() + 2,
                 AssessPlan(kCase, Rejection()));
  world_.MustRun(FollowUpOfficer(), SubmitBy() + 3,
                 RequestPlan(kCase, Request(SubmitBy() + 3)));
  const absl::CivilDay new_due = SubmitBy();
  ExpectRun(new_due, {});
  ExpectRun(new_due + 1, {SubmissionOverdue(2, 0, new_due)});
  ExpectRun(new_due + 2, {});
}

// Implementation overdue: the actions were not carried out (no
// implementation report) by complete_by.
TEST_F(DeadlinesTest, ImplementationIsOverdueTheDayAfterCompleteByOnce) {
  driver_.Register().RequestPlan().SubmitPlan().Approve();
  StartInTime();
  ExpectRun(CompleteBy(), {});
  ExpectRun(CompleteBy() + 1, {ImplementationOverdue(1, CompleteBy())});
  ExpectRun(CompleteBy() + 2, {});
  EXPECT_EQ(CaseState().failure, v1::STEP_FAILURE_IMPLEMENTATION_OVERDUE);
}

// All actions done but no report: still overdue (the report is what
// shows the plan was implemented).
TEST_F(DeadlinesTest, CompletedActionsWithoutAReportAreOverdue) {
  driver_.Register().RequestPlan().SubmitPlan().Approve().CompleteAllActions();
  ExpectRun(CompleteBy() + 1, {ImplementationOverdue(1, CompleteBy())});
}

TEST_F(DeadlinesTest, NoImplementationOverdueAfterTheReport) {
  driver_.Register()
      .RequestPlan()
      .SubmitPlan()
      .Approve()
      .CompleteAllActions()
      .ReportImplementation();
  ExpectRun(CompleteBy() + 1, {});
}

// Follow-up overdue: the scheduled follow-up was not recorded by its day.
TEST_F(DeadlinesTest, FollowUpIsOverdueTheDayAfterItsPlannedDayOnce) {
  driver_.Register()
      .RequestPlan()
      .SubmitPlan()
      .Approve()
      .CompleteAllActions()
      .ReportImplementation();
  const absl::CivilDay planned = driver_.today() + 20;
  world_.MustRun(FollowUpOfficer(), driver_.today(),
                 ScheduleFollowUp(kCase, planned));
  ExpectRun(planned, {});
  ExpectRun(planned + 1, {FollowUpOverdue(1, planned)});
  ExpectRun(planned + 2, {});
  // Interpretation: the municipality's own lateness does not fail the
  // provider's step.
  EXPECT_EQ(CaseState().failure, v1::STEP_FAILURE_UNSPECIFIED);
}

// "a new due date (... rescheduled follow-up)": the new day gives a new
// event, once.
TEST_F(DeadlinesTest, ARescheduledFollowUpIsANewDeadline) {
  driver_.Register()
      .RequestPlan()
      .SubmitPlan()
      .Approve()
      .CompleteAllActions()
      .ReportImplementation();
  const absl::CivilDay planned = driver_.today() + 20;
  world_.MustRun(FollowUpOfficer(), driver_.today(),
                 ScheduleFollowUp(kCase, planned));
  ExpectRun(planned + 1, {FollowUpOverdue(1, planned)});
  const absl::CivilDay moved = planned + 14;
  world_.MustRun(FollowUpOfficer(), planned + 2,
                 ScheduleFollowUp(kCase, moved));
  ExpectRun(moved, {});
  ExpectRun(moved + 1, {FollowUpOverdue(1, moved)});
  ExpectRun(moved + 5, {});
}

// Moving the follow-up before it fell due: only the new day counts.
TEST_F(DeadlinesTest, AFollowUpMovedInTimeIsNotOverdue) {
  driver_.Register()
      .RequestPlan()
      .SubmitPlan()
      .Approve()
      .CompleteAllActions()
      .ReportImplementation();
  const absl::CivilDay planned = driver_.today() + 20;
  world_.MustRun(FollowUpOfficer(), driver_.today(),
                 ScheduleFollowUp(kCase, planned));
  world_.MustRun(FollowUpOfficer(), driver_.today() + 1,
                 ScheduleFollowUp(kCase, planned + 7));
  ExpectRun(planned + 1, {});
  ExpectRun(planned + 8, {FollowUpOverdue(1, planned + 7)});
}

TEST_F(DeadlinesTest, NoFollowUpOverdueOnceRecorded) {
  driver_.Register()
      .RequestPlan()
      .SubmitPlan()
      .Approve()
      .CompleteAllActions()
      .ReportImplementation();
  const absl::CivilDay planned = driver_.today() + 20;
  world_.MustRun(FollowUpOfficer(), driver_.today(),
                 ScheduleFollowUp(kCase, planned));
  world_.MustRun(
      FollowUpOfficer(), planned,
      RecordFollowUp(kCase, planned, v1::FOLLOW_UP_RESULT_NOT_RESOLVED));
  ExpectRun(planned + 1, {});
}

// While the actions are under way, implementation and follow-up can fall
// due on the same run: both events, each once.
TEST_F(DeadlinesTest, SeveralDeadlinesOnOneRunEachOnce) {
  driver_.Register().RequestPlan().SubmitPlan().Approve();
  StartInTime();
  const absl::CivilDay planned = driver_.today() + 5;
  world_.MustRun(FollowUpOfficer(), driver_.today(),
                 ScheduleFollowUp(kCase, planned));
  ExpectRun(CompleteBy() + 1, {ImplementationOverdue(1, CompleteBy()),
                               FollowUpOverdue(1, planned)});
  ExpectRun(CompleteBy() + 2, {});
}

// The scheduler's question is pure: asking twice without appending gives
// the same answer; nothing is due for a closed or a system-level case, or
// for a case with nothing under way.
TEST_F(DeadlinesTest, DueDeadlinesArePure) {
  driver_.Register().RequestPlan();
  EXPECT_EQ(Due(SubmitBy() + 1).size(), 1u);
  EXPECT_EQ(Due(SubmitBy() + 1).size(), 1u);
  EXPECT_TRUE(Due(SubmitBy()).empty());
}

TEST_F(DeadlinesTest, NothingIsDueForAnOpenSystemLevelOrClosedCase) {
  driver_.Register();
  EXPECT_TRUE(Due(Day(2027, 6, 1)).empty());
  world_.MustRun(FollowUpOfficer(), Day(2026, 2, 12),
                 RegisterSystemLevelCase("system", Day(2026, 2, 10)));
  EXPECT_TRUE(
      domain::DueCaseDeadlines(world_.Case(kTenant, "system"), Day(2027, 6, 1))
          .empty());
  CaseDriver resolved(world_, "resolved", true);
  resolved.Register()
      .RequestPlan()
      .SubmitPlan()
      .Approve()
      .CompleteAllActions()
      .ReportImplementation()
      .FollowUp(v1::FOLLOW_UP_RESULT_RESOLVED);
  EXPECT_TRUE(domain::DueCaseDeadlines(world_.Case(kTenant, "resolved"),
                                       Day(2027, 6, 1))
                  .empty());
  EXPECT_TRUE(
      domain::DueCaseDeadlines(domain::CaseState{}, Day(2027, 6, 1)).empty());
}

// After an escalation the old round's deadlines no longer apply.
TEST_F(DeadlinesTest, EscalationEndsTheOldRoundsDeadlines) {
  driver_.Register().RequestPlan();
  ExpectRun(SubmitBy() + 1, {SubmissionOverdue(1, 0, SubmitBy())});
  const absl::CivilDay complete_by = CompleteBy();
  world_.MustRun(AdministrationDirector(), SubmitBy() + 2,
                 Escalate(kCase, v1::ESCALATION_STEP_1B, SubmitBy() + 2,
                          SubmitBy() + 120));
  ExpectRun(complete_by + 1, {});
}

}  // namespace
}  // namespace atgard::testing
