// One private provider's case end to end through the pure deciders, with
// fixed dates: from the deficiency at Hemtjänst Norr to the terminated
// contract (services/domain/RULES_CASE.md#worked-example).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/domain/calendar.h"
#include "services/domain/dates.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/given_when_then.h"

namespace atgard::testing {
namespace {

using ::testing::SizeIs;

class WorkedExample : public ::testing::Test {
 protected:
  void SetUp() override { SeedProviders(world_); }
  World world_;
};

TEST_F(WorkedExample, FromDeficiencyToTerminatedContract) {
  constexpr char kCase[] = "hemtjanst-norr-kontinuitet";
  // 2026-02-10: the follow-up unit registers the deficiency.
  world_.MustRun(
      FollowUpOfficer(), Day(2026, 2, 10),
      RegisterCase(kCase, kPrivateProvider, kPrivateUnit, Day(2026, 2, 10)));

  // 2026-03-02: it requests a plan; the step-1 limit is 2026-06-02.
  v1::PlanRequest request = Request(Day(2026, 3, 2));
  *request.mutable_submit_by() = D(Day(2026, 3, 23));
  *request.mutable_start_by() = D(Day(2026, 4, 1));
  *request.mutable_complete_by() = D(Day(2026, 6, 1));
  std::vector<v1::Event> requested = world_.MustRun(
      FollowUpOfficer(), Day(2026, 3, 2), RequestPlan(kCase, request));
  ASSERT_THAT(requested, SizeIs(1));
  EXPECT_EQ(domain::DayOf(requested[0].plan_requested().complete_by_limit()),
            Day(2026, 6, 2));

  // 2026-03-20: the unit manager submits, on time.
  std::vector<v1::Event> submitted =
      world_.MustRun(ProviderStaff(kPrivateProvider), Day(2026, 3, 20),
                     SubmitPlan(kCase, Plan(Day(2026, 6, 1))));
  ASSERT_THAT(submitted, SizeIs(1));
  EXPECT_FALSE(submitted[0].plan_submitted().late());

  // 2026-03-27: approved.
  world_.MustRun(FollowUpOfficer(), Day(2026, 3, 27),
                 AssessPlan(kCase, Approval()));

  // April-May: progress; both actions completed; 2026-06-01 report.
  world_.MustRun(ProviderStaff(kPrivateProvider), Day(2026, 4, 15),
                 ReportProgress(kCase, 1, v1::TRAFFIC_LIGHT_GREEN));
  world_.MustRun(ProviderStaff(kPrivateProvider), Day(2026, 4, 15),
                 ReportProgress(kCase, 2, v1::TRAFFIC_LIGHT_YELLOW));
  world_.MustRun(ProviderStaff(kPrivateProvider), Day(2026, 4, 30),
                 CompleteAction(kCase, 1));
  world_.MustRun(ProviderStaff(kPrivateProvider), Day(2026, 5, 31),
                 ReportProgress(kCase, 2, v1::TRAFFIC_LIGHT_GREEN));
  world_.MustRun(ProviderStaff(kPrivateProvider), Day(2026, 5, 31),
                 CompleteAction(kCase, 2));
  world_.MustRun(ProviderStaff(kPrivateProvider), Day(2026, 6, 1),
                 ReportImplementation(kCase));

  // 2026-09-15: follow-up by extra measurement: still red.
  world_.MustRun(FollowUpOfficer(), Day(2026, 9, 15),
                 RecordFollowUp(kCase, Day(2026, 9, 15),
                                v1::FOLLOW_UP_RESULT_NOT_RESOLVED));
  EXPECT_EQ(world_.Case(kTenant, kCase).failure,
            v1::STEP_FAILURE_FOLLOW_UP_NOT_RESOLVED);

  // 2026-09-20: the administration director escalates to step 1b.
  world_.MustRun(AdministrationDirector(), Day(2026, 9, 20),
                 Escalate(kCase, v1::ESCALATION_STEP_1B, Day(2026, 9, 20),
                          Day(2027, 2, 28)));
  v1::PlanRequest larger = Request(Day(2026, 9, 21));
  *larger.mutable_complete_by() = D(Day(2027, 2, 28));
  world_.MustRun(FollowUpOfficer(), Day(2026, 9, 21),
                 RequestPlan(kCase, larger));
  world_.MustRun(
      ProviderStaff(kPrivateProvider), Day(2026, 10, 1),
      SubmitPlan(kCase, Plan(Day(2027, 2, 28), /*with_milestones=*/true)));
  world_.MustRun(AdministrationDirector(), Day(2026, 10, 5),
                 AssessPlan(kCase, Approval()));

  // 2027-02-01: a milestone missed; a fine under the ladder.
  world_.MustRun(FollowUpOfficer(), Day(2027, 2, 1),
                 RecordMilestone(kCase, 1, false));
  world_.MustRun(AdministrationDirector(), Day(2027, 2, 1),
                 ImposeSanction(kContract, "vite-1", v1::SANCTION_KIND_FINE,
                                {kCase}, Day(2027, 2, 1), 4000));

  // 2027-03-15: the board decides to terminate; the director records it.
  world_.MustRun(AdministrationDirector(), Day(2027, 3, 15),
                 Escalate(kCase, v1::ESCALATION_STEP_4, Day(2027, 3, 15)));
  world_.MustRun(AdministrationDirector(), Day(2027, 3, 15),
                 TerminateContract(kContract, {kCase}, Day(2027, 3, 15)));
  std::vector<v1::Event> closed = world_.RunPolicies(kTenant, Day(2027, 3, 15));
  ASSERT_THAT(closed, SizeIs(1));
  EXPECT_EQ(closed[0].case_closed().closure(),
            v1::CASE_CLOSURE_CONTRACT_TERMINATED);

  // Every later command on that contract is refused.
  Given(world_)
      .As(AdministrationDirector())
      .On(Day(2027, 3, 20))
      .When(ExtendContract(kContract, Day(2028, 12, 31), Day(2027, 3, 20)))
      .ThenFails(absl::StatusCode::kFailedPrecondition, "contract_id");
  Given(world_)
      .As(AdministrationDirector())
      .On(Day(2027, 3, 20))
      .When(ImposeSanction(kContract, "vite-2", v1::SANCTION_KIND_FINE, {kCase},
                           Day(2027, 3, 20), 500))
      .ThenFails(absl::StatusCode::kFailedPrecondition, "contract_id");
}

}  // namespace
}  // namespace atgard::testing
