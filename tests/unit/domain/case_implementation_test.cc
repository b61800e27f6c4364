// The implementation (genomförande): traffic lights, completed and
// withdrawn actions, and the implementation report.
// services/domain/RULES_CASE.md#implementation.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "services/domain/dates.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/given_when_then.h"
#include "tests/unit/domain/case_scenarios.h"

namespace atgard::testing {
namespace {

using absl::StatusCode;

class ImplementationTest : public CaseTest {
 protected:
  // A private case whose step-1 plan (actions 1 and 2) was approved.
  void SetUp() override {
    CaseTest::SetUp();
    driver_.Register().RequestPlan().SubmitPlan().Approve();
  }
  absl::CivilDay today() const { return driver_.today(); }
  absl::CivilDay CompleteBy() const {
    return domain::DayOf(CaseState().request.request().complete_by());
  }
  Outcome AsStaff(const v1::Command& command, absl::CivilDay on) const {
    return Given(world_)
        .As(ProviderStaff(kPrivateProvider))
        .On(on)
        .When(command);
  }
  Outcome AsStaff(const v1::Command& command) const {
    return AsStaff(command, today());
  }
  void Staff(const v1::Command& command) {
    world_.MustRun(ProviderStaff(kPrivateProvider), today(), command);
  }

  CaseDriver driver_{world_, kCase, true};
};

// "The provider reports progress per action as a traffic light: green,
// yellow, red, with a note."
TEST_F(ImplementationTest, ProgressIsATrafficLightWithANote) {
  for (v1::TrafficLight light :
       {v1::TRAFFIC_LIGHT_GREEN, v1::TRAFFIC_LIGHT_YELLOW,
        v1::TRAFFIC_LIGHT_RED}) {
    SCOPED_TRACE(light);
    v1::Event expected;
    v1::ActionProgressReported* e = expected.mutable_action_progress_reported();
    e->set_case_id(kCase);
    e->set_round(1);
    e->set_action_number(2);
    e->set_light(light);
    e->set_note("Introduktionen har startat för hälften av de nyanställda.");
    *e->mutable_reported_on() = D(today());
    AsStaff(ReportProgress(kCase, 2, light, e->note())).Then({expected});
  }
}

// The worked example: action 2 yellow, then green.
TEST_F(ImplementationTest, EachReportIsKeptAndTheLatestCounts) {
  Staff(ReportProgress(kCase, 2, v1::TRAFFIC_LIGHT_YELLOW, "Påbörjad."));
  Staff(ReportProgress(kCase, 2, v1::TRAFFIC_LIGHT_GREEN, "Klar."));
  EXPECT_EQ(CaseState().actions.at(2).light, v1::TRAFFIC_LIGHT_GREEN);
  int reports = 0;
  for (const v1::Event& e : CaseStream()) {
    reports += e.has_action_progress_reported();
  }
  EXPECT_EQ(reports, 2);
}

TEST_F(ImplementationTest, ProgressNeedsALightAndANote) {
  AsStaff(ReportProgress(kCase, 1, v1::TRAFFIC_LIGHT_UNSPECIFIED))
      .ThenFails(StatusCode::kInvalidArgument, "light");
  AsStaff(ReportProgress(kCase, 1, static_cast<v1::TrafficLight>(4)))
      .ThenFails(StatusCode::kInvalidArgument, "light");
  AsStaff(ReportProgress(kCase, 1, v1::TRAFFIC_LIGHT_GREEN, ""))
      .ThenFails(StatusCode::kInvalidArgument, "note");
}

// Progress, completion and withdrawal concern actions of the approved plan.
TEST_F(ImplementationTest, UnknownActionIsRefused) {
  AsStaff(ReportProgress(kCase, 3, v1::TRAFFIC_LIGHT_GREEN))
      .ThenFails(StatusCode::kInvalidArgument, "action_number");
  AsStaff(CompleteAction(kCase, 0))
      .ThenFails(StatusCode::kInvalidArgument, "action_number");
  Given(world_)
      .As(FollowUpOfficer())
      .On(today())
      .When(WithdrawAction(kCase, 3))
      .ThenFails(StatusCode::kInvalidArgument, "action_number");
}

// Implementation begins with the approval and ends with the report.
TEST_F(ImplementationTest, OnlyWhileImplementing) {
  CaseDriver(world_, "ny", true).Register().RequestPlan().SubmitPlan();
  for (const v1::Command& command :
       {ReportProgress("ny", 1, v1::TRAFFIC_LIGHT_GREEN),
        CompleteAction("ny", 1), ReportImplementation("ny")}) {
    SCOPED_TRACE(command.ShortDebugString());
    AsStaff(command).ThenFails(StatusCode::kFailedPrecondition, "case_id");
  }
  Given(world_)
      .As(FollowUpOfficer())
      .On(today())
      .When(WithdrawAction("ny", 1))
      .ThenFails(StatusCode::kFailedPrecondition, "case_id");
}

// "marks actions completed".
TEST_F(ImplementationTest, CompletingAnActionIsRecorded) {
  v1::Event expected;
  v1::ActionCompleted* e = expected.mutable_action_completed();
  e->set_case_id(kCase);
  e->set_round(1);
  e->set_action_number(1);
  *e->mutable_completed_on() = D(today());
  AsStaff(CompleteAction(kCase, 1)).Then({expected});
}

// "explicitly withdrawn with the commissioner's consent": the step's
// commissioner (here U&U, who assesses private step-1 plans) withdraws.
TEST_F(ImplementationTest, TheCommissionerWithdrawsAnAction) {
  const v1::Command withdraw = WithdrawAction(kCase, 2);
  v1::Event expected;
  v1::ActionWithdrawn* e = expected.mutable_action_withdrawn();
  e->set_case_id(kCase);
  e->set_round(1);
  e->set_action_number(2);
  e->set_reason(withdraw.withdraw_action().reason());
  *e->mutable_withdrawn_on() = D(today());
  Given(world_)
      .As(FollowUpOfficer())
      .On(today())
      .When(withdraw)
      .Then({expected});
}

// The provider cannot withdraw its own actions.
TEST_F(ImplementationTest, TheProviderCannotWithdraw) {
  AsStaff(WithdrawAction(kCase, 2)).ThenFails(StatusCode::kPermissionDenied);
}

TEST_F(ImplementationTest, WithdrawalNeedsAReason) {
  v1::Command withdraw = WithdrawAction(kCase, 2);
  withdraw.mutable_withdraw_action()->clear_reason();
  Given(world_)
      .As(FollowUpOfficer())
      .On(today())
      .When(withdraw)
      .ThenFails(StatusCode::kInvalidArgument, "reason");
}

// An action ends either completed or withdrawn, not both; a withdrawn
// action gets no more progress.
TEST_F(ImplementationTest, CompletedAndWithdrawnExcludeEachOther) {
  Staff(CompleteAction(kCase, 1));
  world_.MustRun(FollowUpOfficer(), today(), WithdrawAction(kCase, 2));
  Given(world_)
      .As(FollowUpOfficer())
      .On(today())
      .When(WithdrawAction(kCase, 1))
      .ThenFails(StatusCode::kFailedPrecondition, "action_number");
  AsStaff(CompleteAction(kCase, 2))
      .ThenFails(StatusCode::kFailedPrecondition, "action_number");
  AsStaff(ReportProgress(kCase, 2, v1::TRAFFIC_LIGHT_GREEN))
      .ThenFails(StatusCode::kFailedPrecondition, "action_number");
}

// "Actions that were planned as a combination must all be carried out: the
// plan counts as implemented only when every action is completed or
// explicitly withdrawn."
TEST_F(ImplementationTest, ImplementedOnlyWhenEveryActionIsDoneOrWithdrawn) {
  AsStaff(ReportImplementation(kCase))
      .ThenFails(StatusCode::kFailedPrecondition, "case_id");
  Staff(CompleteAction(kCase, 1));
  AsStaff(ReportImplementation(kCase))
      .ThenFails(StatusCode::kFailedPrecondition, "case_id");
  world_.MustRun(FollowUpOfficer(), today(), WithdrawAction(kCase, 2));
  Outcome outcome = AsStaff(ReportImplementation(kCase));
  EXPECT_TRUE(outcome.result().ok()) << outcome.result().status();
}

// A green light is progress, not completion.
TEST_F(ImplementationTest, GreenLightsDoNotCompleteActions) {
  Staff(ReportProgress(kCase, 1, v1::TRAFFIC_LIGHT_GREEN));
  Staff(ReportProgress(kCase, 2, v1::TRAFFIC_LIGHT_GREEN));
  AsStaff(ReportImplementation(kCase))
      .ThenFails(StatusCode::kFailedPrecondition, "case_id");
}

// "By complete_by the unit manager reports how the work was done": on time
// on complete_by, recorded as late after it.
TEST_F(ImplementationTest, ImplementationReportIsLateAfterCompleteBy) {
  Staff(CompleteAction(kCase, 1));
  Staff(CompleteAction(kCase, 2));
  const v1::Command report = ReportImplementation(kCase);
  for (absl::CivilDay day : {CompleteBy(), CompleteBy() + 1}) {
    v1::Event expected;
    v1::ImplementationReported* e = expected.mutable_implementation_reported();
    e->set_case_id(kCase);
    e->set_round(1);
    e->set_report(report.report_implementation().report());
    *e->mutable_reported_on() = D(day);
    e->set_late(day > CompleteBy());
    if (day > CompleteBy()) {
      // The missed date is recorded with the late report.
      v1::Event overdue;
      v1::ImplementationOverdue* o = overdue.mutable_implementation_overdue();
      o->set_case_id(kCase);
      o->set_round(1);
      *o->mutable_due_on() = D(CompleteBy());
      AsStaff(report, day).Then({overdue, expected});
    } else {
      AsStaff(report, day).Then({expected});
    }
  }
  world_.MustRun(ProviderStaff(kPrivateProvider), CompleteBy(), report);
  EXPECT_EQ(CaseState().status, domain::CaseStatus::kImplemented);
}

TEST_F(ImplementationTest, ImplementationReportIsRequired) {
  Staff(CompleteAction(kCase, 1));
  Staff(CompleteAction(kCase, 2));
  v1::Command report = ReportImplementation(kCase);
  report.mutable_report_implementation()->clear_report();
  AsStaff(report).ThenFails(StatusCode::kInvalidArgument, "report");
}

}  // namespace
}  // namespace atgard::testing
