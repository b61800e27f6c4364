// Regressions found by the property-based tests (property_*_test.cc),
// minimised to plain Given-When-Then tests.
#include <gtest/gtest.h>

#include <vector>

#include "services/domain/dates.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/given_when_then.h"

namespace atgard::testing {
namespace {

constexpr char kCase[] = "sen-plan";

class PropertyRegression : public ::testing::Test {
 protected:
  void SetUp() override {
    SeedProviders(world_);
    world_.MustRun(
        FollowUpOfficer(), Day(2026, 2, 2),
        RegisterCase(kCase, kPrivateProvider, kPrivateUnit, Day(2026, 2, 1)));
    request_ = Request(Day(2026, 2, 2));
    world_.MustRun(FollowUpOfficer(), Day(2026, 2, 2),
                   RequestPlan(kCase, request_));
  }

  absl::CivilDay submit_by() const {
    return domain::DayOf(request_.submit_by());
  }
  absl::CivilDay complete_by() const {
    return domain::DayOf(request_.complete_by());
  }

  World world_;
  v1::PlanRequest request_;
};

// A step may be escalated only after it failed, and a missed deadline is
// a failure; a late plan is accepted and recorded as late
// (services/domain/RULES_CASE.md#staircase and #plan-submission). A plan
// recorded as late missed its deadline, whether or not the deadline
// scheduler ran before it arrived.
TEST_F(PropertyRegression, LatePlanBeforeTheSchedulerRanFailsTheStep) {
  // The provider submits three days late; the scheduler has not run.
  const absl::CivilDay late = submit_by() + 3;
  std::vector<v1::Event> submitted =
      world_.MustRun(ProviderStaff(kPrivateProvider), late,
                     SubmitPlan(kCase, Plan(complete_by())));
  // The missed deadline is recorded with the late plan.
  ASSERT_EQ(submitted.size(), 2u);
  EXPECT_TRUE(submitted[0].has_plan_submission_overdue());
  ASSERT_TRUE(submitted[1].plan_submitted().late());

  const Outcome outcome =
      Given(world_)
          .As(AdministrationDirector())
          .On(late)
          .When(Escalate(kCase, v1::ESCALATION_STEP_1B, late, late + 90));
  ASSERT_TRUE(outcome.result().ok()) << outcome.result().status();
  ASSERT_EQ(outcome.result()->size(), 1u);
  EXPECT_EQ((*outcome.result())[0].case_escalated().failure(),
            v1::STEP_FAILURE_PLAN_SUBMISSION_OVERDUE);
}

// The same for the implementation: "By complete_by the unit manager reports
// how the work was done"; a report after complete_by is recorded as late,
// and the missed deadline fails the step.
TEST_F(PropertyRegression,
       LateImplementationBeforeTheSchedulerRanFailsTheStep) {
  world_.MustRun(ProviderStaff(kPrivateProvider), Day(2026, 2, 10),
                 SubmitPlan(kCase, Plan(complete_by())));
  world_.MustRun(FollowUpOfficer(), Day(2026, 2, 11),
                 AssessPlan(kCase, Approval()));
  world_.MustRun(ProviderStaff(kPrivateProvider), Day(2026, 2, 12),
                 CompleteAction(kCase, 1));
  world_.MustRun(ProviderStaff(kPrivateProvider), Day(2026, 2, 12),
                 CompleteAction(kCase, 2));
  // The report comes a week after complete_by; the scheduler has not run.
  const absl::CivilDay late = complete_by() + 7;
  std::vector<v1::Event> reported = world_.MustRun(
      ProviderStaff(kPrivateProvider), late, ReportImplementation(kCase));
  ASSERT_EQ(reported.size(), 2u);
  EXPECT_TRUE(reported[0].has_implementation_overdue());
  ASSERT_TRUE(reported[1].implementation_reported().late());

  const Outcome outcome =
      Given(world_)
          .As(AdministrationDirector())
          .On(late)
          .When(Escalate(kCase, v1::ESCALATION_STEP_1B, late, late + 90));
  ASSERT_TRUE(outcome.result().ok()) << outcome.result().status();
  ASSERT_EQ(outcome.result()->size(), 1u);
  EXPECT_EQ((*outcome.result())[0].case_escalated().failure(),
            v1::STEP_FAILURE_IMPLEMENTATION_OVERDUE);
}

}  // namespace
}  // namespace atgard::testing
