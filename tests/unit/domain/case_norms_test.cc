// Norms, not walls: a step's normal time and the milestones and extra
// measurements of a step-1b or step-3 plan may be departed from with a
// written reason, which the event flags; a request that needs no follow-up
// ends with the accepted implementation report; a start, a milestone or a
// planned extra measurement not made by its date is a missed deadline;
// a plan may reveal a deficiency to be system-level; and the plan fields
// the follow-up model asks for. services/domain/RULES_CASE.md#norms.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/domain/calendar.h"
#include "services/domain/case_decider.h"
#include "services/domain/dates.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/given_when_then.h"
#include "tests/unit/domain/case_scenarios.h"

namespace atgard::testing {
namespace {

using absl::StatusCode;

// An event written as text proto; `$D` stands for each date in `days`, in
// order ("year: 2026 month: 3 day: 13").
v1::Event Ev(std::string text, const std::vector<absl::CivilDay>& days = {}) {
  for (absl::CivilDay day : days) {
    const size_t at = text.find("$D");
    if (at == std::string::npos) break;
    text.replace(at, 2,
                 absl::StrCat("year: ", day.year(), " month: ", day.month(),
                              " day: ", day.day()));
  }
  v1::Event event;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &event))
      << text;
  return event;
}

// Whether two messages have equal content.
bool Same(const google::protobuf::Message& a,
          const google::protobuf::Message& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

constexpr char kPersonnummer[] = "Gäller 19121212-1212.";

v1::Command MarkSystemLevel(absl::string_view id) {
  v1::Command c;
  c.mutable_mark_case_system_level()->set_case_id(std::string(id));
  c.mutable_mark_case_system_level()->set_reason(
      "Planen visar att ersättningsmodellen styr schemaläggningen.");
  return c;
}

class NormsTest : public CaseTest {
 protected:
  absl::CivilDay StartBy() const {
    return domain::DayOf(CaseState().request.request().start_by());
  }
  absl::CivilDay CompleteBy() const {
    return domain::DayOf(CaseState().request.request().complete_by());
  }
  std::vector<v1::Event> Run(absl::CivilDay day) {
    return world_.RunDeadlines(kTenant, day);
  }

  CaseDriver driver_{world_, kCase, true};
};

// ---- 1. The step's time is a normal time ---------------------------------

// "a longer time is allowed only with a written justification, which is
// recorded and which every view flags."
TEST_F(NormsTest, RequestBeyondTheNormalTimeWithAJustificationIsFlagged) {
  driver_.Register();
  const absl::CivilDay today = driver_.today();
  const absl::CivilDay limit = domain::AddCalendarMonths(today, 3);
  v1::PlanRequest request = Request(today);
  *request.mutable_complete_by() = D(limit + 30);
  request.set_beyond_normal_time_justification(
      "Rekrytering av sjuksköterska tar minst fyra månader.");
  v1::Event expected = Ev(
      "plan_requested { case_id: 'brist-1' round: 1 step: ESCALATION_STEP_1 "
      "requested_on { $D } complete_by_limit { $D } beyond_normal_time: true "
      "}",
      {today, limit});
  *expected.mutable_plan_requested()->mutable_request() = request;
  Given(world_)
      .As(FollowUpOfficer())
      .On(today)
      .When(RequestPlan(kCase, request))
      .Then({expected});
}

TEST_F(NormsTest, RequestBeyondTheNormalTimeWithoutAJustificationIsRefused) {
  driver_.Register();
  const absl::CivilDay today = driver_.today();
  v1::PlanRequest request = Request(today);
  *request.mutable_complete_by() = D(domain::AddCalendarMonths(today, 3) + 1);
  Given(world_)
      .As(FollowUpOfficer())
      .On(today)
      .When(RequestPlan(kCase, request))
      .ThenFails(StatusCode::kInvalidArgument, "request.complete_by");
}

TEST_F(NormsTest, JustificationWithinTheNormalTimeIsRefused) {
  driver_.Register();
  v1::PlanRequest request = Request(driver_.today());
  request.set_beyond_normal_time_justification("Behövs inte.");
  Given(world_)
      .As(FollowUpOfficer())
      .On(driver_.today())
      .When(RequestPlan(kCase, request))
      .ThenFails(StatusCode::kInvalidArgument,
                 "request.beyond_normal_time_justification");
}

TEST_F(NormsTest, JustificationIsCheckedForPersonalIdentityNumbers) {
  driver_.Register();
  v1::PlanRequest request = Request(driver_.today());
  *request.mutable_complete_by() =
      D(domain::AddCalendarMonths(driver_.today(), 4));
  request.set_beyond_normal_time_justification(kPersonnummer);
  Given(world_)
      .As(FollowUpOfficer())
      .On(driver_.today())
      .When(RequestPlan(kCase, request))
      .ThenFails(StatusCode::kInvalidArgument,
                 "request.beyond_normal_time_justification");
}

// Step 1b: the limit of the escalation decision is a normal time too.
TEST_F(NormsTest, Step1bLimitIsANormalTimeToo) {
  CaseDriver driver =
      CaseAtStep(world_, "brist-2", true, v1::ESCALATION_STEP_1B);
  const absl::CivilDay today = driver.today();
  const absl::CivilDay limit = *driver.State().plan_limit;
  v1::PlanRequest request = Request(today);
  *request.mutable_complete_by() = D(limit + 1);
  Given(world_)
      .As(FollowUpOfficer())
      .On(today)
      .When(RequestPlan("brist-2", request))
      .ThenFails(StatusCode::kInvalidArgument, "request.complete_by");
  request.set_beyond_normal_time_justification(
      "Förvaltningschefen har beslutat om en längre tid för delmål 3.");
  Outcome accepted = Given(world_)
                         .As(FollowUpOfficer())
                         .On(today)
                         .When(RequestPlan("brist-2", request));
  ASSERT_TRUE(accepted.result().ok()) << accepted.result().status();
  EXPECT_TRUE((*accepted.result())[0].plan_requested().beyond_normal_time());
}

// ---- 1. Milestones and extra measurements: what a plan "should" have -----

class MilestoneNormTest : public NormsTest {
 protected:
  void SetUp() override {
    NormsTest::SetUp();
    step1b_.emplace(CaseAtStep(world_, kCase, true, v1::ESCALATION_STEP_1B));
    step1b_->RequestPlan();
  }
  v1::ActionPlan PlanWithoutMilestones() const {
    return Plan(CompleteBy(), false);
  }
  Outcome Submit(const v1::ActionPlan& plan) const {
    return Given(world_)
        .As(ProviderStaff(kPrivateProvider))
        .On(step1b_->today())
        .When(SubmitPlan(kCase, plan));
  }
  std::optional<CaseDriver> step1b_;
};

TEST_F(MilestoneNormTest, PlanWithoutThemIsAcceptedWithAReasonAndFlagged) {
  v1::ActionPlan plan = PlanWithoutMilestones();
  plan.set_without_milestones_reason(
      "Enheten mäts redan varje månad i kvalitetsregistret.");
  v1::Event expected = Ev(
      "plan_submitted { case_id: 'brist-1' round: 2 revision: 0 "
      "submitted_on { $D } late: false due_on { $D } without_milestones: true "
      "}",
      {step1b_->today(),
       domain::DayOf(CaseState().request.request().submit_by())});
  *expected.mutable_plan_submitted()->mutable_plan() = plan;
  // Step 1b: the provider submits the plan drawn up with the follow-up
  // unit.
  expected.mutable_plan_submitted()->set_submitted_by(v1::ROLE_PROVIDER);
  expected.mutable_plan_submitted()->set_drawn_up_with(
      v1::ROLE_FOLLOW_UP_OFFICER);
  Submit(plan).Then({expected});
}

TEST_F(MilestoneNormTest, PlanWithoutThemIsRefusedWithoutAReason) {
  Submit(PlanWithoutMilestones())
      .ThenFails(StatusCode::kInvalidArgument, "plan.milestones");
  v1::ActionPlan only_milestones = Plan(CompleteBy(), true);
  only_milestones.clear_extra_measurements();
  Submit(only_milestones)
      .ThenFails(StatusCode::kInvalidArgument, "plan.extra_measurements");
}

TEST_F(MilestoneNormTest, AReasonBesideMilestonesIsRefused) {
  v1::ActionPlan plan = Plan(CompleteBy(), true);
  plan.set_without_milestones_reason("Onödig.");
  Submit(plan).ThenFails(StatusCode::kInvalidArgument,
                         "plan.without_milestones_reason");
}

TEST_F(NormsTest, AReasonAtAStepThatAsksForNoMilestonesIsRefused) {
  driver_.Register().RequestPlan();
  v1::ActionPlan plan = Plan(CompleteBy(), false);
  plan.set_without_milestones_reason("Inga delmål i steg 1.");
  Given(world_)
      .As(ProviderStaff(kPrivateProvider))
      .On(driver_.today())
      .When(SubmitPlan(kCase, plan))
      .ThenFails(StatusCode::kInvalidArgument,
                 "plan.without_milestones_reason");
}

// ---- 5. The plan fields the follow-up model asks for ---------------------

TEST_F(NormsTest, PlanFieldsAreOptionalAndRecorded) {
  driver_.Register().RequestPlan();
  v1::ActionPlan plan = Plan(CompleteBy());
  plan.mutable_actions(0)->set_expected_effect(
      "Färre olika personal ger högre trygghet i brukarundersökningen.");
  plan.mutable_actions(0)->set_documentation(
      "Schemat sparas varje vecka; kontinuiteten räknas månadsvis.");
  plan.set_already_under_way("Introduktionen gjordes om i januari.");
  Outcome outcome = Given(world_)
                        .As(ProviderStaff(kPrivateProvider))
                        .On(driver_.today())
                        .When(SubmitPlan(kCase, plan));
  ASSERT_TRUE(outcome.result().ok()) << outcome.result().status();
  EXPECT_TRUE(Same((*outcome.result())[0].plan_submitted().plan(), plan));
  EXPECT_FALSE((*outcome.result())[0].plan_submitted().without_milestones());
}

TEST_F(NormsTest, PlanFieldsAreCheckedForPersonalIdentityNumbers) {
  driver_.Register().RequestPlan();
  struct Field {
    const char* path;
    std::function<void(v1::ActionPlan&)> set;
  };
  const Field fields[] = {
      {"plan.actions[1].expected_effect",
       [](v1::ActionPlan& p) {
         p.mutable_actions(1)->set_expected_effect(kPersonnummer);
       }},
      {"plan.actions[0].documentation",
       [](v1::ActionPlan& p) {
         p.mutable_actions(0)->set_documentation(kPersonnummer);
       }},
      {"plan.already_under_way",
       [](v1::ActionPlan& p) { p.set_already_under_way(kPersonnummer); }},
  };
  for (const Field& field : fields) {
    SCOPED_TRACE(field.path);
    v1::ActionPlan plan = Plan(CompleteBy());
    field.set(plan);
    Given(world_)
        .As(ProviderStaff(kPrivateProvider))
        .On(driver_.today())
        .When(SubmitPlan(kCase, plan))
        .ThenFails(StatusCode::kInvalidArgument, field.path);
  }
}

// ---- 2. A request that needs no follow-up --------------------------------

class NoFollowUpTest : public NormsTest {
 protected:
  // Registers, requests without follow-up, and carries the plan to an
  // implementation report.
  void ImplementWithoutFollowUp() {
    driver_.Register();
    world_.MustRun(FollowUpOfficer(), driver_.today(),
                   RequestPlan(kCase, RequestWithoutFollowUp(driver_.today())));
    driver_.Wait(1).SubmitPlan().Approve().CompleteAllActions();
    driver_.ReportImplementation();
    ASSERT_EQ(CaseState().status, domain::CaseStatus::kImplemented);
  }
};

TEST_F(NoFollowUpTest, AcceptingTheReportClosesTheCase) {
  ImplementWithoutFollowUp();
  const absl::CivilDay today = driver_.today();
  Given(world_)
      .As(FollowUpOfficer())
      .On(today)
      .When(AcceptImplementationReport(
          kCase, "Redovisningen visar att alla åtgärder gjorts."))
      .Then({Ev("implementation_report_accepted { case_id: 'brist-1' round: 1 "
                "note: 'Redovisningen visar att alla åtgärder gjorts.' "
                "accepted_on { $D } }",
                {today}),
             Ev("case_closed { case_id: 'brist-1' "
                "closure: CASE_CLOSURE_IMPLEMENTATION_ACCEPTED "
                "note: 'Redovisningen visar att alla åtgärder gjorts.' "
                "closed_on { $D } }",
                {today})});
}

TEST_F(NoFollowUpTest, AcceptingTwiceRecordsNothingMore) {
  ImplementWithoutFollowUp();
  world_.MustRun(FollowUpOfficer(), driver_.today(),
                 AcceptImplementationReport(kCase));
  ASSERT_EQ(CaseState().status, domain::CaseStatus::kClosed);
  Given(world_)
      .As(FollowUpOfficer())
      .On(driver_.today() + 1)
      .When(AcceptImplementationReport(kCase))
      .ThenNothing();
  Given(world_)
      .As(FollowUpOfficer())
      .On(driver_.today() + 1)
      .When(AcceptImplementationReport(kCase, "En annan kommentar."))
      .ThenFails(StatusCode::kFailedPrecondition, "case_id");
}

TEST_F(NoFollowUpTest, NoFollowUpCanBeScheduledOrRecorded) {
  ImplementWithoutFollowUp();
  Given(world_)
      .As(FollowUpOfficer())
      .On(driver_.today())
      .When(ScheduleFollowUp(kCase, driver_.today() + 30))
      .ThenFails(StatusCode::kFailedPrecondition, "case_id");
  Given(world_)
      .As(FollowUpOfficer())
      .On(driver_.today())
      .When(
          RecordFollowUp(kCase, driver_.today(), v1::FOLLOW_UP_RESULT_RESOLVED))
      .ThenFails(StatusCode::kFailedPrecondition, "case_id");
  // Nor does a follow-up deadline come due, however long it waits.
  EXPECT_THAT(Run(domain::AddCalendarMonths(driver_.today(), 12)),
              ::testing::IsEmpty());
}

TEST_F(NoFollowUpTest, TheReportIsAcceptedOnlyOnceItIsReported) {
  driver_.Register();
  world_.MustRun(FollowUpOfficer(), driver_.today(),
                 RequestPlan(kCase, RequestWithoutFollowUp(driver_.today())));
  driver_.Wait(1).SubmitPlan().Approve();
  Given(world_)
      .As(FollowUpOfficer())
      .On(driver_.today())
      .When(AcceptImplementationReport(kCase))
      .ThenFails(StatusCode::kFailedPrecondition, "case_id");
}

TEST_F(NoFollowUpTest, ACaseThatNeedsAFollowUpIsNotClosedByTheReport) {
  driver_.Register().RequestPlan().SubmitPlan().Approve();
  driver_.CompleteAllActions().ReportImplementation();
  Given(world_)
      .As(FollowUpOfficer())
      .On(driver_.today())
      .When(AcceptImplementationReport(kCase))
      .ThenFails(StatusCode::kFailedPrecondition, "case_id");
}

TEST_F(NoFollowUpTest, ARequestWithoutFollowUpNamesNoMethod) {
  driver_.Register();
  v1::PlanRequest request = Request(driver_.today());
  request.set_follow_up_not_needed(true);
  Given(world_)
      .As(FollowUpOfficer())
      .On(driver_.today())
      .When(RequestPlan(kCase, request))
      .ThenFails(StatusCode::kInvalidArgument, "request.follow_up");
}

// ---- 3. Missed deadlines: the start ----------------------------------------

TEST_F(NormsTest, StartIsOverdueTheDayAfterStartByOnce) {
  driver_.Register().RequestPlan().SubmitPlan().Approve();
  const absl::CivilDay start_by = StartBy();
  EXPECT_THAT(Run(start_by), ::testing::IsEmpty());
  Outcome(Run(start_by + 1))
      .Then({Ev("start_overdue { case_id: 'brist-1' round: 1 due_on { $D } }",
                {start_by})});
  EXPECT_THAT(Run(start_by + 2), ::testing::IsEmpty());
  EXPECT_EQ(CaseState().failure, v1::STEP_FAILURE_START_OVERDUE);
  // A missed deadline fails the step: it may be escalated.
  Outcome escalated =
      Given(world_)
          .As(AdministrationDirector())
          .On(start_by + 2)
          .When(Escalate(kCase, v1::ESCALATION_STEP_1B, start_by + 2,
                         domain::AddCalendarMonths(start_by + 2, 4)));
  ASSERT_TRUE(escalated.result().ok()) << escalated.result().status();
  EXPECT_EQ((*escalated.result())[0].case_escalated().failure(),
            v1::STEP_FAILURE_START_OVERDUE);
}

TEST_F(NormsTest, AStartReportedByStartByIsNotOverdue) {
  driver_.Register().RequestPlan().SubmitPlan().Approve();
  const absl::CivilDay start_by = StartBy();
  world_.MustRun(ProviderStaff(kPrivateProvider), start_by,
                 ReportProgress(kCase, 2, v1::TRAFFIC_LIGHT_YELLOW));
  EXPECT_THAT(Run(start_by + 1), ::testing::IsEmpty());
}

TEST_F(NormsTest, ALateFirstStartCarriesTheMissedDate) {
  driver_.Register().RequestPlan().SubmitPlan().Approve();
  const absl::CivilDay start_by = StartBy();
  Outcome outcome = Given(world_)
                        .As(ProviderStaff(kPrivateProvider))
                        .On(start_by + 3)
                        .When(CompleteAction(kCase, 1));
  ASSERT_TRUE(outcome.result().ok()) << outcome.result().status();
  ASSERT_EQ(outcome.result()->size(), 2u);
  EXPECT_TRUE(Same((*outcome.result())[0],
                   Ev("start_overdue { case_id: 'brist-1' round: 1 "
                      "due_on { $D } }",
                      {start_by})));
  EXPECT_TRUE((*outcome.result())[1].has_action_completed());
}

TEST_F(NormsTest, APlanApprovedAfterStartByHasNoStartDeadline) {
  driver_.Register().RequestPlan().SubmitPlan();
  const absl::CivilDay start_by = StartBy();
  world_.MustRun(FollowUpOfficer(), start_by + 1,
                 AssessPlan(kCase, Approval()));
  EXPECT_THAT(Run(start_by + 2), ::testing::IsEmpty());
}

// ---- 3. Missed deadlines: milestones and planned extra measurements -------

class PlannedDatesTest : public NormsTest {
 protected:
  void SetUp() override {
    NormsTest::SetUp();
    step1b_.emplace(CaseAtStep(world_, kCase, true, v1::ESCALATION_STEP_1B));
    step1b_->RequestPlan().SubmitPlan().Approve();
    // Started in time, so that only the dates under test come due.
    world_.MustRun(ProviderStaff(kPrivateProvider), step1b_->today(),
                   ReportProgress(kCase, 1, v1::TRAFFIC_LIGHT_GREEN));
  }
  absl::CivilDay MilestoneDue() const {
    return domain::DayOf(CaseState().plan.plan().milestones(0).due_on());
  }
  absl::CivilDay MeasurementDue() const {
    return domain::DayOf(
        CaseState().plan.plan().extra_measurements(0).due_on());
  }
  std::optional<CaseDriver> step1b_;
};

TEST_F(PlannedDatesTest, MilestoneNotRecordedByItsDateIsOverdueOnce) {
  const absl::CivilDay due = MilestoneDue();
  EXPECT_THAT(Run(due), ::testing::IsEmpty());
  Outcome(Run(due + 1))
      .Then({Ev("milestone_overdue { case_id: 'brist-1' round: 2 "
                "milestone_number: 1 due_on { $D } }",
                {due})});
  EXPECT_THAT(Run(due + 2), ::testing::IsEmpty());
  EXPECT_EQ(CaseState().failure, v1::STEP_FAILURE_MILESTONE_OVERDUE);
}

TEST_F(PlannedDatesTest, MilestoneRecordedInTimeIsNotOverdue) {
  world_.MustRun(FollowUpOfficer(), MilestoneDue(),
                 RecordMilestone(kCase, 1, true));
  EXPECT_THAT(Run(MilestoneDue() + 1), ::testing::IsEmpty());
  EXPECT_EQ(CaseState().failure, v1::STEP_FAILURE_UNSPECIFIED);
}

TEST_F(PlannedDatesTest, ALateMilestoneCarriesTheMissedDate) {
  const absl::CivilDay due = MilestoneDue();
  Outcome outcome = Given(world_)
                        .As(FollowUpOfficer())
                        .On(due + 2)
                        .When(RecordMilestone(kCase, 1, true));
  ASSERT_TRUE(outcome.result().ok()) << outcome.result().status();
  ASSERT_EQ(outcome.result()->size(), 2u);
  EXPECT_TRUE(Same((*outcome.result())[0],
                   Ev("milestone_overdue { case_id: 'brist-1' round: 2 "
                      "milestone_number: 1 due_on { $D } }",
                      {due})));
  EXPECT_TRUE((*outcome.result())[1].has_milestone_recorded());
}

TEST_F(PlannedDatesTest, PlannedMeasurementNotRecordedByItsDateIsOverdueOnce) {
  step1b_->CompleteAllActions().ReportImplementation();
  world_.MustRun(FollowUpOfficer(), MilestoneDue(),
                 RecordMilestone(kCase, 1, true));
  const absl::CivilDay due = MeasurementDue();
  EXPECT_THAT(Run(due), ::testing::IsEmpty());
  Outcome(Run(due + 1))
      .Then({Ev("planned_extra_measurement_overdue { case_id: 'brist-1' "
                "round: 2 measurement_number: 1 indicator_id: 'kontinuitet' "
                "due_on { $D } }",
                {due})});
  EXPECT_THAT(Run(due + 2), ::testing::IsEmpty());
  EXPECT_EQ(CaseState().failure, v1::STEP_FAILURE_PLANNED_MEASUREMENT_OVERDUE);
}

TEST_F(PlannedDatesTest, PlannedMeasurementIsRecordedOnceInTime) {
  step1b_->CompleteAllActions().ReportImplementation();
  world_.MustRun(FollowUpOfficer(), MilestoneDue(),
                 RecordMilestone(kCase, 1, true));
  const absl::CivilDay today = step1b_->today();
  const v1::Command record = RecordPlannedMeasurement(kCase, 1, today);
  v1::Event expected =
      Ev("planned_measurement_recorded { case_id: 'brist-1' round: 2 "
         "measurement_number: 1 measured_on { $D } recorded_on { $D } }",
         {today, today});
  expected.mutable_planned_measurement_recorded()->set_outcome(
      record.record_planned_measurement().outcome());
  Given(world_).As(FollowUpOfficer()).On(today).When(record).Then({expected});
  world_.MustRun(FollowUpOfficer(), today, record);
  Given(world_).As(FollowUpOfficer()).On(today).When(record).ThenNothing();
  v1::Command other = record;
  other.mutable_record_planned_measurement()->set_outcome("Annat utfall.");
  Given(world_)
      .As(FollowUpOfficer())
      .On(today)
      .When(other)
      .ThenFails(StatusCode::kFailedPrecondition, "measurement_number");
  EXPECT_THAT(Run(MeasurementDue() + 1), ::testing::IsEmpty());
}

TEST_F(PlannedDatesTest, PlannedMeasurementRefusals) {
  const absl::CivilDay today = step1b_->today();
  Given(world_)
      .As(FollowUpOfficer())
      .On(today)
      .When(RecordPlannedMeasurement(kCase, 2, today))
      .ThenFails(StatusCode::kInvalidArgument, "measurement_number");
  Given(world_)
      .As(FollowUpOfficer())
      .On(today)
      .When(RecordPlannedMeasurement(kCase, 1, today + 1))
      .ThenFails(StatusCode::kInvalidArgument, "measured_on");
  v1::Command no_outcome = RecordPlannedMeasurement(kCase, 1, today);
  no_outcome.mutable_record_planned_measurement()->clear_outcome();
  Given(world_)
      .As(FollowUpOfficer())
      .On(today)
      .When(no_outcome)
      .ThenFails(StatusCode::kInvalidArgument, "outcome");
  v1::Command bad_id = RecordPlannedMeasurement(kCase, 1, today);
  bad_id.mutable_record_planned_measurement()->set_measurement_id("mät ning");
  Given(world_)
      .As(FollowUpOfficer())
      .On(today)
      .When(bad_id)
      .ThenFails(StatusCode::kInvalidArgument, "measurement_id");
  // The provider's staff do not record the municipality's measurements.
  Given(world_)
      .As(ProviderStaff(kPrivateProvider))
      .On(today)
      .When(RecordPlannedMeasurement(kCase, 1, today))
      .ThenFails(StatusCode::kPermissionDenied);
}

TEST_F(PlannedDatesTest, ALatePlannedMeasurementCarriesTheMissedDate) {
  step1b_->CompleteAllActions().ReportImplementation();
  world_.MustRun(FollowUpOfficer(), MilestoneDue(),
                 RecordMilestone(kCase, 1, true));
  const absl::CivilDay due = MeasurementDue();
  Outcome outcome = Given(world_)
                        .As(FollowUpOfficer())
                        .On(due + 5)
                        .When(RecordPlannedMeasurement(kCase, 1, due + 4));
  ASSERT_TRUE(outcome.result().ok()) << outcome.result().status();
  ASSERT_EQ(outcome.result()->size(), 2u);
  EXPECT_TRUE((*outcome.result())[0].has_planned_extra_measurement_overdue());
  EXPECT_TRUE((*outcome.result())[1].has_planned_measurement_recorded());
}

// ---- 4. System-level after a plan request ----------------------------------

TEST_F(NormsTest, APlanMayRevealTheDeficiencyToBeSystemLevel) {
  driver_.Register().RequestPlan().SubmitPlan();
  Given(world_)
      .As(CareDirector())
      .On(driver_.today())
      .When(MarkSystemLevel(kCase))
      .Then({Ev("case_marked_system_level { case_id: 'brist-1' reason: "
                "'Planen visar att ersättningsmodellen styr "
                "schemaläggningen.' closed_round: 1 }")});
  world_.MustRun(CareDirector(), driver_.today(), MarkSystemLevel(kCase));
  const domain::CaseState state = CaseState();
  EXPECT_EQ(state.status, domain::CaseStatus::kOpen);
  EXPECT_TRUE(state.system_level);
  // The round is closed: no assessment, no deadlines of its own.
  Given(world_)
      .As(FollowUpOfficer())
      .On(driver_.today())
      .When(AssessPlan(kCase, Approval()))
      .ThenFails(StatusCode::kFailedPrecondition, "case_id");
  EXPECT_THAT(Run(CompleteBy() + 1), ::testing::IsEmpty());
  // It has left the staircase: no new plan, and it closes as handled.
  Given(world_)
      .As(FollowUpOfficer())
      .On(driver_.today())
      .When(RequestPlan(kCase, Request(driver_.today())))
      .ThenFails(StatusCode::kFailedPrecondition, "case_id");
  world_.MustRun(FollowUpOfficer(), driver_.today(),
                 CloseCase(kCase, v1::CASE_CLOSURE_SYSTEM_LEVEL_HANDLED));
  EXPECT_EQ(CaseState().status, domain::CaseStatus::kClosed);
}

TEST_F(NormsTest, SystemLevelDuringImplementationClosesTheRound) {
  driver_.Register().RequestPlan().SubmitPlan().Approve();
  Outcome outcome = Given(world_)
                        .As(FollowUpOfficer())
                        .On(driver_.today())
                        .When(MarkSystemLevel(kCase));
  ASSERT_TRUE(outcome.result().ok()) << outcome.result().status();
  EXPECT_EQ((*outcome.result())[0].case_marked_system_level().closed_round(),
            1);
}

TEST_F(NormsTest, AtStep4ACaseIsNotMarkedSystemLevel) {
  CaseAtStep(world_, kCase, true, v1::ESCALATION_STEP_4);
  Given(world_)
      .As(FollowUpOfficer())
      .On(Day(2027, 1, 10))
      .When(MarkSystemLevel(kCase))
      .ThenFails(StatusCode::kFailedPrecondition, "case_id");
}

}  // namespace
}  // namespace atgard::testing
