// The follow-up (uppföljning): services/domain/RULES_CASE.md#follow-up.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "services/domain/calendar.h"
#include "services/domain/dates.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/given_when_then.h"
#include "tests/unit/domain/case_scenarios.h"

namespace atgard::testing {
namespace {

using absl::StatusCode;

class FollowUpTest : public CaseTest {
 protected:
  // A private step-1 case whose plan was implemented and reported; the
  // request named extra measurement and observation visit.
  void SetUp() override {
    CaseTest::SetUp();
    driver_.Register()
        .RequestPlan()
        .SubmitPlan()
        .Approve()
        .CompleteAllActions()
        .ReportImplementation();
  }
  absl::CivilDay today() const { return driver_.today(); }
  Outcome AsOfficer(const v1::Command& command) const {
    return Given(world_).As(FollowUpOfficer()).On(today()).When(command);
  }

  CaseDriver driver_{world_, kCase, true};
};

// "The commissioner schedules ... the follow-up with the method named in
// the request."
TEST_F(FollowUpTest, IsScheduledWithAMethodNamedInTheRequest) {
  v1::Command schedule = ScheduleFollowUp(
      kCase, today() + 30, v1::FOLLOW_UP_METHOD_OBSERVATION_VISIT);
  schedule.mutable_schedule_follow_up()->set_note("Oanmält besök.");
  v1::Event expected;
  v1::FollowUpScheduled* e = expected.mutable_follow_up_scheduled();
  e->set_case_id(kCase);
  e->set_round(1);
  *e->mutable_planned_on() = D(today() + 30);
  e->set_method(v1::FOLLOW_UP_METHOD_OBSERVATION_VISIT);
  e->set_note("Oanmält besök.");
  AsOfficer(schedule).Then({expected});
  AsOfficer(ScheduleFollowUp(kCase, today() + 30,
                             v1::FOLLOW_UP_METHOD_DOCUMENT_REVIEW))
      .ThenFails(StatusCode::kInvalidArgument, "method");
}

TEST_F(FollowUpTest, ScheduleNeedsADayNotInThePastAndAMethod) {
  v1::Command schedule = ScheduleFollowUp(kCase, today());
  Outcome on_today = AsOfficer(schedule);
  EXPECT_TRUE(on_today.result().ok()) << on_today.result().status();
  AsOfficer(ScheduleFollowUp(kCase, today() - 1))
      .ThenFails(StatusCode::kInvalidArgument, "planned_on");
  schedule.mutable_schedule_follow_up()->clear_planned_on();
  AsOfficer(schedule).ThenFails(StatusCode::kInvalidArgument, "planned_on");
  AsOfficer(ScheduleFollowUp(kCase, today(), v1::FOLLOW_UP_METHOD_UNSPECIFIED))
      .ThenFails(StatusCode::kInvalidArgument, "method");
}

// Interpretation: a follow-up may be moved; each schedule is kept.
TEST_F(FollowUpTest, MayBeRescheduled) {
  world_.MustRun(FollowUpOfficer(), today(),
                 ScheduleFollowUp(kCase, today() + 30));
  Outcome outcome = AsOfficer(ScheduleFollowUp(kCase, today() + 45));
  ASSERT_TRUE(outcome.result().ok()) << outcome.result().status();
  ASSERT_EQ(outcome.result()->size(), 1u);
  EXPECT_EQ(
      domain::DayOf((*outcome.result())[0].follow_up_scheduled().planned_on()),
      today() + 45);
}

// Interpretation: the follow-up can be scheduled while the actions are
// still under way, but not before a plan was approved.
TEST_F(FollowUpTest, IsScheduledOnceAPlanIsApproved) {
  CaseDriver other(world_, "ny", true);
  other.Register().RequestPlan().SubmitPlan();
  Given(world_)
      .As(FollowUpOfficer())
      .On(other.today())
      .When(ScheduleFollowUp("ny", other.today() + 30))
      .ThenFails(StatusCode::kFailedPrecondition, "case_id");
  other.Approve();
  Outcome outcome = Given(world_)
                        .As(FollowUpOfficer())
                        .On(other.today())
                        .When(ScheduleFollowUp("ny", other.today() + 30));
  EXPECT_TRUE(outcome.result().ok()) << outcome.result().status();
}

// "result RESOLVED ..., with the evidence. RESOLVED closes the case."
TEST_F(FollowUpTest, ResolvedClosesTheCase) {
  const v1::Command record =
      RecordFollowUp(kCase, today(), v1::FOLLOW_UP_RESULT_RESOLVED);
  v1::Event recorded;
  v1::FollowUpRecorded* r = recorded.mutable_follow_up_recorded();
  r->set_case_id(kCase);
  r->set_round(1);
  *r->mutable_performed_on() = D(today());
  r->set_method(v1::FOLLOW_UP_METHOD_EXTRA_MEASUREMENT);
  r->set_result(v1::FOLLOW_UP_RESULT_RESOLVED);
  r->set_evidence(record.record_follow_up().evidence());
  v1::Event closed;
  v1::CaseClosed* c = closed.mutable_case_closed();
  c->set_case_id(kCase);
  c->set_closure(v1::CASE_CLOSURE_RESOLVED);
  c->set_note(record.record_follow_up().evidence());
  *c->mutable_closed_on() = D(today());
  AsOfficer(record).Then({recorded, closed});
  world_.MustRun(FollowUpOfficer(), today(), record);
  EXPECT_EQ(CaseState().status, domain::CaseStatus::kClosed);
}

// "Otherwise the case may get a new plan at the same step or be
// escalated": PARTLY_RESOLVED and NOT_RESOLVED fail the step.
TEST_F(FollowUpTest, PartlyOrNotResolvedFailsTheStep) {
  for (v1::FollowUpResult result : {v1::FOLLOW_UP_RESULT_PARTLY_RESOLVED,
                                    v1::FOLLOW_UP_RESULT_NOT_RESOLVED}) {
    SCOPED_TRACE(result);
    const std::string id = v1::FollowUpResult_Name(result);
    CaseDriver other(world_, id, true);
    other.Register()
        .RequestPlan()
        .SubmitPlan()
        .Approve()
        .CompleteAllActions()
        .ReportImplementation();
    std::vector<v1::Event> events =
        world_.MustRun(FollowUpOfficer(), other.today(),
                       RecordFollowUp(id, other.today(), result));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].follow_up_recorded().result(), result);
    const domain::CaseState s = world_.Case(kTenant, id);
    EXPECT_EQ(s.status, domain::CaseStatus::kOpen);
    EXPECT_EQ(s.failure, v1::STEP_FAILURE_FOLLOW_UP_NOT_RESOLVED);
    EXPECT_EQ(s.step, v1::ESCALATION_STEP_1);

    // A new plan at the same step ...
    Outcome again = Given(world_)
                        .As(FollowUpOfficer())
                        .On(other.today())
                        .When(RequestPlan(id, Request(other.today())));
    ASSERT_TRUE(again.result().ok()) << again.result().status();
    EXPECT_EQ((*again.result())[0].plan_requested().step(),
              v1::ESCALATION_STEP_1);
    EXPECT_EQ((*again.result())[0].plan_requested().round(), 2);
    // ... or escalation.
    Outcome up = Given(world_)
                     .As(AdministrationDirector())
                     .On(other.today())
                     .When(Escalate(id, v1::ESCALATION_STEP_1B, other.today(),
                                    other.today() + 90));
    ASSERT_TRUE(up.result().ok()) << up.result().status();
    EXPECT_EQ((*up.result())[0].case_escalated().failure(),
              v1::STEP_FAILURE_FOLLOW_UP_NOT_RESOLVED);
  }
}

// A new plan round clears the failure: the step is tried again.
TEST_F(FollowUpTest, NewPlanAfterAFailedFollowUpClearsTheFailure) {
  world_.MustRun(
      FollowUpOfficer(), today(),
      RecordFollowUp(kCase, today(), v1::FOLLOW_UP_RESULT_NOT_RESOLVED));
  world_.MustRun(FollowUpOfficer(), today(),
                 RequestPlan(kCase, Request(today())));
  EXPECT_EQ(CaseState().failure, v1::STEP_FAILURE_UNSPECIFIED);
  Given(world_)
      .As(AdministrationDirector())
      .On(today())
      .When(Escalate(kCase, v1::ESCALATION_STEP_1B, today(), today() + 90))
      .ThenFails(StatusCode::kFailedPrecondition, "case_id");
}

// Recorded "with the method named in the request ... with the evidence".
TEST_F(FollowUpTest, RecordNeedsARequestedMethodResultAndEvidence) {
  AsOfficer(RecordFollowUp(kCase, today(), v1::FOLLOW_UP_RESULT_RESOLVED,
                           v1::FOLLOW_UP_METHOD_MEETING))
      .ThenFails(StatusCode::kInvalidArgument, "method");
  AsOfficer(RecordFollowUp(kCase, today(), v1::FOLLOW_UP_RESULT_RESOLVED,
                           v1::FOLLOW_UP_METHOD_UNSPECIFIED))
      .ThenFails(StatusCode::kInvalidArgument, "method");
  AsOfficer(RecordFollowUp(kCase, today(), v1::FOLLOW_UP_RESULT_UNSPECIFIED))
      .ThenFails(StatusCode::kInvalidArgument, "result");
  v1::Command no_evidence =
      RecordFollowUp(kCase, today(), v1::FOLLOW_UP_RESULT_RESOLVED);
  no_evidence.mutable_record_follow_up()->clear_evidence();
  AsOfficer(no_evidence).ThenFails(StatusCode::kInvalidArgument, "evidence");
}

// The follow-up is a fact: done today or before, and not before the plan
// was requested.
TEST_F(FollowUpTest, PerformedOnIsAPastDayOfThisRound) {
  AsOfficer(RecordFollowUp(kCase, today() + 1, v1::FOLLOW_UP_RESULT_RESOLVED))
      .ThenFails(StatusCode::kInvalidArgument, "performed_on");
  const absl::CivilDay requested =
      domain::DayOf(CaseState().request.requested_on());
  AsOfficer(RecordFollowUp(kCase, requested - 1, v1::FOLLOW_UP_RESULT_RESOLVED))
      .ThenFails(StatusCode::kInvalidArgument, "performed_on");
  Outcome on_request_day = AsOfficer(
      RecordFollowUp(kCase, requested, v1::FOLLOW_UP_RESULT_RESOLVED));
  EXPECT_TRUE(on_request_day.result().ok()) << on_request_day.result().status();
  v1::Command unset =
      RecordFollowUp(kCase, today(), v1::FOLLOW_UP_RESULT_RESOLVED);
  unset.mutable_record_follow_up()->clear_performed_on();
  AsOfficer(unset).ThenFails(StatusCode::kInvalidArgument, "performed_on");
}

// Interpretation: a follow-up may be recorded without being scheduled
// first, and before the implementation report (e.g. after it is overdue),
// but not before a plan was approved.
TEST_F(FollowUpTest, RecordedOnceAPlanIsApproved) {
  CaseDriver other(world_, "ny", true);
  other.Register().RequestPlan().SubmitPlan();
  Given(world_)
      .As(FollowUpOfficer())
      .On(other.today())
      .When(RecordFollowUp("ny", other.today(),
                           v1::FOLLOW_UP_RESULT_NOT_RESOLVED))
      .ThenFails(StatusCode::kFailedPrecondition, "case_id");
  other.Approve();
  Outcome outcome =
      Given(world_)
          .As(FollowUpOfficer())
          .On(other.today())
          .When(RecordFollowUp("ny", other.today(),
                               v1::FOLLOW_UP_RESULT_NOT_RESOLVED));
  EXPECT_TRUE(outcome.result().ok()) << outcome.result().status();
}

}  // namespace
}  // namespace atgard::testing
