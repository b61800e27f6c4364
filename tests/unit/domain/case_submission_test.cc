// The plan submission (the provider fills in the plan), and what the
// staircase asks of a plan at each step (milestones and extra measurements
// at 1b and 3, extra resources at 3).
// services/domain/RULES_CASE.md#plan-submission.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/domain/calendar.h"
#include "services/domain/dates.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/given_when_then.h"
#include "tests/unit/domain/case_scenarios.h"

namespace atgard::testing {
namespace {

using absl::StatusCode;

class SubmitPlanTest : public CaseTest {
 protected:
  // A private case with a plan requested at step 1.
  void SetUp() override {
    CaseTest::SetUp();
    driver_.Register().RequestPlan();
  }

  absl::CivilDay today() const { return driver_.today(); }
  absl::CivilDay SubmitBy() const {
    return domain::DayOf(CaseState().request.request().submit_by());
  }
  absl::CivilDay CompleteBy() const {
    return domain::DayOf(CaseState().request.request().complete_by());
  }
  v1::ActionPlan ValidPlan() const { return Plan(CompleteBy()); }

  Outcome Submit(const v1::ActionPlan& plan, absl::CivilDay on) const {
    return Given(world_)
        .As(ProviderStaff(kPrivateProvider))
        .On(on)
        .When(SubmitPlan(kCase, plan));
  }
  Outcome Submit(const v1::ActionPlan& plan) const {
    return Submit(plan, today());
  }
  void ExpectAccepted(const v1::ActionPlan& plan) const {
    Outcome outcome = Submit(plan);
    EXPECT_TRUE(outcome.result().ok()) << outcome.result().status();
  }

  CaseDriver driver_{world_, kCase, true};
};

v1::Event Submitted(const v1::ActionPlan& plan, int revision, absl::CivilDay on,
                    absl::CivilDay due, bool late) {
  v1::Event event;
  v1::PlanSubmitted* e = event.mutable_plan_submitted();
  e->set_case_id(kCase);
  e->set_round(1);
  e->set_revision(revision);
  *e->mutable_plan() = plan;
  *e->mutable_submitted_on() = D(on);
  e->set_late(late);
  *e->mutable_due_on() = D(due);
  return event;
}

// The plan is kept whole, with the day it came and the day it was due.
TEST_F(SubmitPlanTest, RecordsThePlanOnTime) {
  Submit(ValidPlan())
      .Then({Submitted(ValidPlan(), 0, today(), SubmitBy(), false)});
}

// "A late submission is accepted but recorded as late": on submit_by it is
// on time, the day after it is late.
// A late plan also records the missed deadline when the scheduler has not
// yet, so that the step fails whenever the scheduler runs.
TEST_F(SubmitPlanTest, LateSubmissionIsAcceptedAndRecordedAsLate) {
  Submit(ValidPlan(), SubmitBy())
      .Then({Submitted(ValidPlan(), 0, SubmitBy(), SubmitBy(), false)});
  v1::Event overdue;
  v1::PlanSubmissionOverdue* o = overdue.mutable_plan_submission_overdue();
  o->set_case_id(kCase);
  o->set_round(1);
  o->set_revision(0);
  *o->mutable_due_on() = D(SubmitBy());
  Submit(ValidPlan(), SubmitBy() + 1)
      .Then({overdue,
             Submitted(ValidPlan(), 0, SubmitBy() + 1, SubmitBy(), true)});
}

// Also after the deadline event has been appended.
TEST_F(SubmitPlanTest, LateSubmissionIsAcceptedAfterTheOverdueEvent) {
  ASSERT_EQ(world_.RunDeadlines(kTenant, SubmitBy() + 1).size(), 1u);
  Submit(ValidPlan(), SubmitBy() + 5)
      .Then({Submitted(ValidPlan(), 0, SubmitBy() + 5, SubmitBy(), true)});
}

// "The provider submits a revised plan, each revision kept": the revision
// is numbered, due on the assessment's new_submit_by, and the first
// submission stays in the history.
TEST_F(SubmitPlanTest, RevisionsAreNumberedAndKept) {
  world_.MustRun(ProviderStaff(kPrivateProvider), today(),
                 SubmitPlan(kCase, ValidPlan()));
  const absl::CivilDay new_submit_by = today() + 10;
  world_.MustRun(FollowUpOfficer(), today() + 1,
                 AssessPlan(kCase, RevisionRequired(new_submit_by)));
  v1::ActionPlan revised = ValidPlan();
  revised.mutable_actions(0)->set_description(
      "Fasta brukargrupper och gemensam planeringsdag.");
  Submit(revised, new_submit_by)
      .Then({Submitted(revised, 1, new_submit_by, new_submit_by, false)});
  world_.MustRun(ProviderStaff(kPrivateProvider), new_submit_by + 1,
                 SubmitPlan(kCase, revised));
  std::vector<v1::PlanSubmitted> submissions;
  for (const v1::Event& e : CaseStream()) {
    if (e.has_plan_submitted()) submissions.push_back(e.plan_submitted());
  }
  ASSERT_EQ(submissions.size(), 2u);
  EXPECT_EQ(submissions[0].revision(), 0);
  EXPECT_FALSE(submissions[0].late());
  EXPECT_EQ(submissions[1].revision(), 1);
  EXPECT_TRUE(submissions[1].late());
  EXPECT_EQ(domain::DayOf(submissions[1].due_on()), new_submit_by);
}

// A plan is submitted when one is asked for: not before the request, and
// not again while one waits for its assessment.
TEST_F(SubmitPlanTest, OnlyWhenAPlanIsAwaited) {
  world_.MustRun(ProviderStaff(kPrivateProvider), today(),
                 SubmitPlan(kCase, ValidPlan()));
  v1::ActionPlan other = ValidPlan();
  other.mutable_causes(1)->set_description("Brist på introduktion.");
  Submit(other).ThenFails(StatusCode::kFailedPrecondition, "case_id");

  CaseDriver(world_, "ny", true).Register();
  Given(world_)
      .As(ProviderStaff(kPrivateProvider))
      .On(today())
      .When(SubmitPlan("ny", ValidPlan()))
      .ThenFails(StatusCode::kFailedPrecondition, "case_id");
}

// "causes: numbered 1, 2, 3…".
TEST_F(SubmitPlanTest, CausesAreNumberedWithoutGapsOrRepeats) {
  for (std::vector<int> numbers :
       {std::vector<int>{1, 3}, {1, 1}, {0, 1}, {2, 3}}) {
    SCOPED_TRACE(absl::StrCat(numbers[0], ",", numbers[1]));
    v1::ActionPlan plan = ValidPlan();
    plan.mutable_causes(0)->set_number(numbers[0]);
    plan.mutable_causes(1)->set_number(numbers[1]);
    Submit(plan).ThenFails(StatusCode::kInvalidArgument, "plan.causes");
  }
  // Interpretation: the numbers count, not the order they are listed in.
  v1::ActionPlan swapped = ValidPlan();
  swapped.mutable_causes(0)->set_number(2);
  swapped.mutable_causes(1)->set_number(1);
  ExpectAccepted(swapped);
}

TEST_F(SubmitPlanTest, AtLeastOneCauseAndOneAction) {
  v1::ActionPlan no_causes = ValidPlan();
  no_causes.clear_causes();
  Submit(no_causes).ThenFails(StatusCode::kInvalidArgument, "plan.causes");
  v1::ActionPlan no_actions = ValidPlan();
  no_actions.clear_actions();
  Submit(no_actions).ThenFails(StatusCode::kInvalidArgument, "plan.actions");
}

// Each cause has "a description and the provider's own assessment".
TEST_F(SubmitPlanTest, EveryCauseIsDescribedAndAssessed) {
  v1::ActionPlan plan = ValidPlan();
  plan.mutable_causes(1)->clear_description();
  Submit(plan).ThenFails(StatusCode::kInvalidArgument,
                         "plan.causes[1].description");
  plan = ValidPlan();
  plan.mutable_causes(1)->clear_provider_assessment();
  Submit(plan).ThenFails(StatusCode::kInvalidArgument,
                         "plan.causes[1].provider_assessment");
}

// "every cause has at least one action".
TEST_F(SubmitPlanTest, EveryCauseHasAnAction) {
  v1::ActionPlan plan = ValidPlan();
  plan.mutable_actions(1)->set_cause_numbers(0, 1);
  Submit(plan).ThenFails(StatusCode::kInvalidArgument, "plan.causes[1]");
}

// "actions: numbered, each linked to one or more causes".
TEST_F(SubmitPlanTest, AnActionMayAddressSeveralCauses) {
  v1::ActionPlan plan = ValidPlan();
  plan.mutable_actions(0)->add_cause_numbers(2);
  ExpectAccepted(plan);
}

TEST_F(SubmitPlanTest, EveryActionNamesAtLeastOneCause) {
  v1::ActionPlan plan = ValidPlan();
  plan.mutable_actions(0)->clear_cause_numbers();
  Submit(plan).ThenFails(StatusCode::kInvalidArgument,
                         "plan.actions[0].cause_numbers");
}

// "every action names existing causes".
TEST_F(SubmitPlanTest, ActionsNameExistingCausesOnly) {
  for (int missing : {3, 0, -1}) {
    SCOPED_TRACE(missing);
    v1::ActionPlan plan = ValidPlan();
    plan.mutable_actions(1)->add_cause_numbers(missing);
    Submit(plan).ThenFails(StatusCode::kInvalidArgument,
                           "plan.actions[1].cause_numbers[1]");
  }
}

TEST_F(SubmitPlanTest, ActionsAreNumberedWithoutGapsOrRepeats) {
  v1::ActionPlan plan = ValidPlan();
  plan.mutable_actions(1)->set_number(3);
  Submit(plan).ThenFails(StatusCode::kInvalidArgument, "plan.actions");
  plan.mutable_actions(1)->set_number(1);
  Submit(plan).ThenFails(StatusCode::kInvalidArgument, "plan.actions");
}

// "one responsible person (name, role, contact)".
TEST_F(SubmitPlanTest, EveryActionHasOneResponsiblePerson) {
  v1::ActionPlan plan = ValidPlan();
  plan.mutable_actions(1)->clear_responsible();
  Submit(plan).ThenFails(StatusCode::kInvalidArgument,
                         "plan.actions[1].responsible");
  for (const char* part : {"name", "role", "contact"}) {
    SCOPED_TRACE(part);
    plan = ValidPlan();
    v1::ResponsiblePerson* p = plan.mutable_actions(1)->mutable_responsible();
    if (std::string(part) == "name") p->clear_name();
    if (std::string(part) == "role") p->clear_role();
    if (std::string(part) == "contact") p->clear_contact();
    Submit(plan).ThenFails(StatusCode::kInvalidArgument,
                           absl::StrCat("plan.actions[1].responsible.", part));
  }
}

// "with a description, an operational goal, ... the time and resources it
// needs, and whether it is a one-off effort or part of ordinary work".
TEST_F(SubmitPlanTest, EveryActionStatesItsParts) {
  struct Part {
    const char* field;
    std::function<void(v1::PlannedAction&)> clear;
  };
  const Part parts[] = {
      {"plan.actions[0].description",
       [](v1::PlannedAction& a) { a.clear_description(); }},
      {"plan.actions[0].operational_goal",
       [](v1::PlannedAction& a) { a.clear_operational_goal(); }},
      {"plan.actions[0].due_on",
       [](v1::PlannedAction& a) { a.clear_due_on(); }},
      {"plan.actions[0].time_and_resources",
       [](v1::PlannedAction& a) { a.clear_time_and_resources(); }},
      {"plan.actions[0].effort",
       [](v1::PlannedAction& a) { a.clear_effort(); }},
      {"plan.actions[0].order", [](v1::PlannedAction& a) { a.clear_order(); }},
  };
  for (const Part& part : parts) {
    SCOPED_TRACE(part.field);
    v1::ActionPlan plan = ValidPlan();
    part.clear(*plan.mutable_actions(0));
    Submit(plan).ThenFails(StatusCode::kInvalidArgument, part.field);
  }
  for (v1::EffortKind effort :
       {v1::EFFORT_KIND_ONE_OFF, v1::EFFORT_KIND_ORDINARY_WORK}) {
    v1::ActionPlan plan = ValidPlan();
    plan.mutable_actions(0)->set_effort(effort);
    ExpectAccepted(plan);
  }
}

// "a due date not after complete_by": on complete_by is fine.
TEST_F(SubmitPlanTest, DueDatesAreNotAfterCompleteBy) {
  v1::ActionPlan plan = ValidPlan();
  *plan.mutable_actions(1)->mutable_due_on() = D(CompleteBy());
  ExpectAccepted(plan);
  *plan.mutable_actions(1)->mutable_due_on() = D(CompleteBy() + 1);
  Submit(plan).ThenFails(StatusCode::kInvalidArgument,
                         "plan.actions[1].due_on");
}

// "orders are distinct". Interpretation: an order is a place in the
// sequence (1 or more); gaps are allowed.
TEST_F(SubmitPlanTest, OrdersAreDistinct) {
  v1::ActionPlan plan = ValidPlan();
  plan.mutable_actions(1)->set_order(1);
  Submit(plan).ThenFails(StatusCode::kInvalidArgument, "plan.actions[1].order");
  plan.mutable_actions(1)->set_order(5);
  ExpectAccepted(plan);
}

// "whether the provider asks for extra compensation": the plan is
// accepted, with a note saying what for (the assessment refuses to approve
// it, see case_assessment_test.cc).
TEST_F(SubmitPlanTest, ExtraCompensationIsAskedForWithANote) {
  v1::ActionPlan plan = ValidPlan();
  plan.set_requests_extra_compensation(true);
  Submit(plan).ThenFails(StatusCode::kInvalidArgument,
                         "plan.extra_compensation_note");
  plan.set_extra_compensation_note("Två extra tjänster under fyra månader.");
  ExpectAccepted(plan);
  plan.set_requests_extra_compensation(false);
  Submit(plan).ThenFails(StatusCode::kInvalidArgument,
                         "plan.extra_compensation_note");
}

// ---- What each step asks of the plan -------------------------------------

struct StepCase {
  const char* name;
  bool private_case;
  v1::EscalationStep step;
  bool milestones_required;
  bool extra_resources_allowed;
};

class SubmitPlanAtStepTest : public CaseTest,
                             public ::testing::WithParamInterface<StepCase> {
 protected:
  void SetUp() override {
    CaseTest::SetUp();
    driver_ = std::make_unique<CaseDriver>(
        CaseAtStep(world_, kCase, GetParam().private_case, GetParam().step));
    driver_->RequestPlan();
  }
  v1::ActionPlan FullPlan() const {
    return Plan(domain::DayOf(CaseState().request.request().complete_by()),
                /*with_milestones=*/true);
  }
  Outcome Submit(const v1::ActionPlan& plan) const {
    return Given(world_)
        .As(driver_->Staff())
        .On(driver_->today())
        .When(SubmitPlan(kCase, plan));
  }
  std::unique_ptr<CaseDriver> driver_;
};

// "milestones and extra measurements required" at 1b and 3.
TEST_P(SubmitPlanAtStepTest, MilestonesAndExtraMeasurementsWhereRequired) {
  v1::ActionPlan without_milestones = FullPlan();
  without_milestones.clear_milestones();
  v1::ActionPlan without_measurements = FullPlan();
  without_measurements.clear_extra_measurements();
  if (GetParam().milestones_required) {
    Submit(without_milestones)
        .ThenFails(StatusCode::kInvalidArgument, "plan.milestones");
    Submit(without_measurements)
        .ThenFails(StatusCode::kInvalidArgument, "plan.extra_measurements");
  } else {
    EXPECT_TRUE(Submit(without_milestones).result().ok());
    EXPECT_TRUE(Submit(without_measurements).result().ok());
  }
  EXPECT_TRUE(Submit(FullPlan()).result().ok());
}

// "extra resources may be requested" — at step 3 only.
TEST_P(SubmitPlanAtStepTest, ExtraResourcesOnlyAtStep3) {
  v1::ActionPlan plan = FullPlan();
  plan.set_requests_extra_resources(true);
  if (GetParam().extra_resources_allowed) {
    Outcome outcome = Submit(plan);
    EXPECT_TRUE(outcome.result().ok()) << outcome.result().status();
  } else {
    Submit(plan).ThenFails(StatusCode::kInvalidArgument,
                           "plan.requests_extra_resources");
  }
}

// Interpretation: milestones and extra measurements fall within the plan's
// time, like its actions.
TEST_P(SubmitPlanAtStepTest, MilestonesAndMeasurementsAreDueByCompleteBy) {
  const absl::CivilDay complete_by =
      domain::DayOf(CaseState().request.request().complete_by());
  v1::ActionPlan plan = FullPlan();
  *plan.mutable_milestones(0)->mutable_due_on() = D(complete_by + 1);
  Submit(plan).ThenFails(StatusCode::kInvalidArgument,
                         "plan.milestones[0].due_on");
  plan = FullPlan();
  *plan.mutable_extra_measurements(0)->mutable_due_on() = D(complete_by + 1);
  Submit(plan).ThenFails(StatusCode::kInvalidArgument,
                         "plan.extra_measurements[0].due_on");
}

TEST_P(SubmitPlanAtStepTest, MilestonesAndMeasurementsAreNumbered) {
  v1::ActionPlan plan = FullPlan();
  plan.mutable_milestones(0)->set_number(2);
  Submit(plan).ThenFails(StatusCode::kInvalidArgument, "plan.milestones");
  plan = FullPlan();
  plan.mutable_extra_measurements(0)->set_number(0);
  Submit(plan).ThenFails(StatusCode::kInvalidArgument,
                         "plan.extra_measurements");
  plan = FullPlan();
  plan.mutable_milestones(0)->clear_description();
  Submit(plan).ThenFails(StatusCode::kInvalidArgument,
                         "plan.milestones[0].description");
  plan = FullPlan();
  plan.mutable_extra_measurements(0)->clear_indicator_id();
  Submit(plan).ThenFails(StatusCode::kInvalidArgument,
                         "plan.extra_measurements[0].indicator_id");
}

INSTANTIATE_TEST_SUITE_P(
    EveryStepWithAPlan, SubmitPlanAtStepTest,
    ::testing::Values(
        StepCase{"Municipal1", false, v1::ESCALATION_STEP_1, false, false},
        StepCase{"Municipal2", false, v1::ESCALATION_STEP_2, false, false},
        StepCase{"Municipal3", false, v1::ESCALATION_STEP_3, true, true},
        StepCase{"Private1", true, v1::ESCALATION_STEP_1, false, false},
        StepCase{"Private1b", true, v1::ESCALATION_STEP_1B, true, false}),
    [](const ::testing::TestParamInfo<StepCase>& info) {
      return std::string(info.param.name);
    });

}  // namespace
}  // namespace atgard::testing
