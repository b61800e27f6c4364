// The plan request (begäran om åtgärdsplan) and the time limit of each
// step of the staircase. services/domain/RULES_CASE.md#plan-request.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
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

// A request made on `today` whose work is due on `complete_by`.
v1::PlanRequest RequestUntil(absl::CivilDay today, absl::CivilDay complete_by) {
  v1::PlanRequest r = Request(today);
  *r.mutable_complete_by() = D(complete_by);
  return r;
}

class RequestPlanTest : public CaseTest {
 protected:
  // A private case registered on 2026-02-10; today() is 2026-02-11.
  CaseDriver OpenPrivateCase() {
    CaseDriver driver(world_, kCase, true);
    driver.Register();
    return driver;
  }
};

// The request is recorded with its round, its step, the day it was made
// and the limit its complete_by was checked against.
TEST_F(RequestPlanTest, RecordsTheRequestWithItsRoundStepAndLimit) {
  const CaseDriver driver = OpenPrivateCase();
  const absl::CivilDay today = driver.today();
  const v1::PlanRequest request = Request(today);
  v1::Event expected;
  v1::PlanRequested* e = expected.mutable_plan_requested();
  e->set_case_id(kCase);
  e->set_round(1);
  e->set_step(v1::ESCALATION_STEP_1);
  *e->mutable_request() = request;
  *e->mutable_requested_on() = D(today);
  *e->mutable_complete_by_limit() = D(domain::AddCalendarMonths(today, 3));
  Given(world_)
      .As(FollowUpOfficer())
      .On(today)
      .When(RequestPlan(kCase, request))
      .Then({expected});
}

// "The commissioner states, all required: background; time (start_by,
// complete_by); approval (submit_by); follow-up (method and a
// description); consequences."
TEST_F(RequestPlanTest, AllFivePartsAreRequired) {
  const CaseDriver driver = OpenPrivateCase();
  struct Part {
    const char* field;
    std::function<void(v1::PlanRequest&)> clear;
  };
  const Part parts[] = {
      {"request.background", [](v1::PlanRequest& r) { r.clear_background(); }},
      {"request.start_by", [](v1::PlanRequest& r) { r.clear_start_by(); }},
      {"request.complete_by",
       [](v1::PlanRequest& r) { r.clear_complete_by(); }},
      {"request.submit_by", [](v1::PlanRequest& r) { r.clear_submit_by(); }},
      {"request.follow_up.methods",
       [](v1::PlanRequest& r) { r.mutable_follow_up()->clear_methods(); }},
      {"request.follow_up.description",
       [](v1::PlanRequest& r) { r.mutable_follow_up()->clear_description(); }},
      {"request.consequences",
       [](v1::PlanRequest& r) { r.clear_consequences(); }},
  };
  for (const Part& part : parts) {
    SCOPED_TRACE(part.field);
    v1::PlanRequest request = Request(driver.today());
    part.clear(request);
    Given(world_)
        .As(FollowUpOfficer())
        .On(driver.today())
        .When(RequestPlan(kCase, request))
        .ThenFails(StatusCode::kInvalidArgument, part.field);
  }
}

// Follow-up methods: next regular measurement, extra measurement,
// observation visit, document review, meeting — each one is accepted.
TEST_F(RequestPlanTest, AcceptsEveryFollowUpMethod) {
  const CaseDriver driver = OpenPrivateCase();
  for (int m = 1; m <= 5; ++m) {
    SCOPED_TRACE(m);
    v1::PlanRequest request = Request(driver.today());
    request.mutable_follow_up()->clear_methods();
    request.mutable_follow_up()->add_methods(
        static_cast<v1::FollowUpMethod>(m));
    Outcome outcome = Given(world_)
                          .As(FollowUpOfficer())
                          .On(driver.today())
                          .When(RequestPlan(kCase, request));
    EXPECT_TRUE(outcome.result().ok()) << outcome.result().status();
  }
}

TEST_F(RequestPlanTest, UnknownOrRepeatedFollowUpMethodIsRefused) {
  const CaseDriver driver = OpenPrivateCase();
  v1::PlanRequest unknown = Request(driver.today());
  unknown.mutable_follow_up()->add_methods(static_cast<v1::FollowUpMethod>(6));
  Given(world_)
      .As(FollowUpOfficer())
      .On(driver.today())
      .When(RequestPlan(kCase, unknown))
      .ThenFails(StatusCode::kInvalidArgument, "request.follow_up.methods[2]");
  v1::PlanRequest twice = Request(driver.today());
  twice.mutable_follow_up()->add_methods(
      v1::FOLLOW_UP_METHOD_EXTRA_MEASUREMENT);
  Given(world_)
      .As(FollowUpOfficer())
      .On(driver.today())
      .When(RequestPlan(kCase, twice))
      .ThenFails(StatusCode::kInvalidArgument, "request.follow_up.methods[2]");
}

// "submit_by < complete_by": the plan is approved before the work is due.
TEST_F(RequestPlanTest, SubmitByMustBeBeforeCompleteBy) {
  const CaseDriver driver = OpenPrivateCase();
  const absl::CivilDay today = driver.today();
  v1::PlanRequest request = Request(today);
  *request.mutable_submit_by() = request.complete_by();
  Given(world_)
      .As(FollowUpOfficer())
      .On(today)
      .When(RequestPlan(kCase, request))
      .ThenFails(StatusCode::kInvalidArgument, "request.submit_by");
  *request.mutable_submit_by() = D(domain::DayOf(request.complete_by()) - 1);
  *request.mutable_start_by() = request.submit_by();
  Outcome outcome = Given(world_)
                        .As(FollowUpOfficer())
                        .On(today)
                        .When(RequestPlan(kCase, request));
  EXPECT_TRUE(outcome.result().ok()) << outcome.result().status();
}

// "start_by <= complete_by": starting on the last day is allowed.
TEST_F(RequestPlanTest, StartByMayEqualButNotFollowCompleteBy) {
  const CaseDriver driver = OpenPrivateCase();
  const absl::CivilDay today = driver.today();
  v1::PlanRequest request = Request(today);
  *request.mutable_start_by() = request.complete_by();
  Outcome equal = Given(world_)
                      .As(FollowUpOfficer())
                      .On(today)
                      .When(RequestPlan(kCase, request));
  EXPECT_TRUE(equal.result().ok()) << equal.result().status();
  *request.mutable_start_by() = D(domain::DayOf(request.complete_by()) + 1);
  Given(world_)
      .As(FollowUpOfficer())
      .On(today)
      .When(RequestPlan(kCase, request))
      .ThenFails(StatusCode::kInvalidArgument, "request.start_by");
}

// "all in the future at request time": today is not in the future.
TEST_F(RequestPlanTest, EveryDateMustBeAfterToday) {
  const CaseDriver driver = OpenPrivateCase();
  const absl::CivilDay today = driver.today();
  {
    v1::PlanRequest r = Request(today);
    *r.mutable_start_by() = D(today);
    Given(world_)
        .As(FollowUpOfficer())
        .On(today)
        .When(RequestPlan(kCase, r))
        .ThenFails(StatusCode::kInvalidArgument, "request.start_by");
  }
  {
    v1::PlanRequest r = Request(today);
    *r.mutable_submit_by() = D(today);
    Given(world_)
        .As(FollowUpOfficer())
        .On(today)
        .When(RequestPlan(kCase, r))
        .ThenFails(StatusCode::kInvalidArgument, "request.submit_by");
  }
  {
    // complete_by today, with start_by and submit_by tomorrow: the date
    // rule is checked before the order of the dates.
    v1::PlanRequest r = Request(today);
    *r.mutable_start_by() = D(today + 1);
    *r.mutable_submit_by() = D(today + 1);
    *r.mutable_complete_by() = D(today);
    Given(world_)
        .As(FollowUpOfficer())
        .On(today)
        .When(RequestPlan(kCase, r))
        .ThenFails(StatusCode::kInvalidArgument, "request.complete_by");
  }
  {
    v1::PlanRequest r = Request(today);
    *r.mutable_start_by() = D(today + 1);
    *r.mutable_submit_by() = D(today + 1);
    *r.mutable_complete_by() = D(today + 2);
    Outcome tomorrow = Given(world_)
                           .As(FollowUpOfficer())
                           .On(today)
                           .When(RequestPlan(kCase, r));
    EXPECT_TRUE(tomorrow.result().ok()) << tomorrow.result().status();
  }
}

// A round under way is not replaced by another request.
TEST_F(RequestPlanTest, SecondRequestWhileOneIsOpenIsRefused) {
  CaseDriver driver = OpenPrivateCase();
  driver.RequestPlan();
  v1::PlanRequest other = Request(driver.today());
  Given(world_)
      .As(FollowUpOfficer())
      .On(driver.today())
      .When(RequestPlan(kCase, other))
      .ThenFails(StatusCode::kFailedPrecondition, "case_id");
}

// Each request starts a new round; a new plan after a failed step is round 2
// at the same step.
TEST_F(RequestPlanTest, NewRequestAfterARejectedPlanIsTheNextRound) {
  CaseDriver driver = OpenPrivateCase();
  driver.RequestPlan().SubmitPlan().Reject();
  Outcome outcome = Given(world_)
                        .As(FollowUpOfficer())
                        .On(driver.today())
                        .When(RequestPlan(kCase, Request(driver.today())));
  ASSERT_TRUE(outcome.result().ok()) << outcome.result().status();
  ASSERT_EQ(outcome.result()->size(), 1u);
  EXPECT_EQ((*outcome.result())[0].plan_requested().round(), 2);
  EXPECT_EQ((*outcome.result())[0].plan_requested().step(),
            v1::ESCALATION_STEP_1);
}

// ---- complete_by within the step's time limit ---------------------------

// Checks that on `today` complete_by `limit` is accepted (and recorded as
// the limit) and the day after it refused.
void ExpectLimit(const World& world, const domain::Principal& requester,
                 absl::CivilDay today, absl::CivilDay limit) {
  Given(world)
      .As(requester)
      .On(today)
      .When(RequestPlan(kCase, RequestUntil(today, limit + 1)))
      .ThenFails(StatusCode::kInvalidArgument, "request.complete_by");
  Outcome at_limit = Given(world).As(requester).On(today).When(
      RequestPlan(kCase, RequestUntil(today, limit)));
  ASSERT_TRUE(at_limit.result().ok()) << at_limit.result().status();
  ASSERT_EQ(at_limit.result()->size(), 1u);
  EXPECT_EQ(domain::DayOf(
                (*at_limit.result())[0].plan_requested().complete_by_limit()),
            limit);
}

// Step 1: "up to 3 months". The worked example: a request on 2026-03-02
// allows 2026-06-02.
TEST_F(RequestPlanTest, Step1AllowsThreeCalendarMonths) {
  CaseDriver(world_, kCase, true).Register();
  ExpectLimit(world_, FollowUpOfficer(), Day(2026, 3, 2), Day(2026, 6, 2));
}

// "when that day does not exist in the target month, the month's last day
// counts": 2026-11-30 + 3 months = 2027-02-28.
TEST_F(RequestPlanTest, Step1LimitClampsToTheEndOfTheMonth) {
  CaseDriver(world_, kCase, false).Register();
  ExpectLimit(world_, CareDirector(), Day(2026, 11, 30), Day(2027, 2, 28));
}

// Step 2: 6 calendar months; 2026-08-31 + 6 months = 2027-02-28
// (services/domain/RULES.md#calendar), so 2027-03-01 is refused.
TEST_F(RequestPlanTest, Step2AllowsSixCalendarMonthsClampedAtMonthEnd) {
  CaseAtStep(world_, kCase, false, v1::ESCALATION_STEP_2, Day(2026, 8, 20));
  ExpectLimit(world_, CareDirector(), Day(2026, 8, 31), Day(2027, 2, 28));
}

// Step 3: "up to 12 months"; from a leap day to the next February's end.
TEST_F(RequestPlanTest, Step3AllowsTwelveCalendarMonths) {
  CaseAtStep(world_, kCase, false, v1::ESCALATION_STEP_3, Day(2028, 2, 10));
  ExpectLimit(world_, AdministrationDirector(), Day(2028, 2, 29),
              Day(2029, 2, 28));
}

// Step 1b: the limit is "set in the decision" to escalate.
TEST_F(RequestPlanTest, Step1bLimitIsTheOneSetInTheEscalationDecision) {
  CaseDriver driver(world_, kCase, true);
  driver.Register().RequestPlan().SubmitPlan().Reject();
  const absl::CivilDay limit = Day(2026, 7, 15);
  world_.MustRun(
      AdministrationDirector(), driver.today(),
      Escalate(kCase, v1::ESCALATION_STEP_1B, driver.today(), limit));
  ExpectLimit(world_, FollowUpOfficer(), driver.today() + 1, limit);
}

// "an analysis team may be appointed" — at step 2 only.
TEST_F(RequestPlanTest, AnalysisTeamIsAppointedAtStep2Only) {
  struct At {
    bool private_case;
    v1::EscalationStep step;
    v1::Role requester;
    bool allowed;
  };
  const At steps[] = {
      {false, v1::ESCALATION_STEP_1, v1::ROLE_CARE_DIRECTOR, false},
      {false, v1::ESCALATION_STEP_2, v1::ROLE_CARE_DIRECTOR, true},
      {false, v1::ESCALATION_STEP_3, v1::ROLE_ADMINISTRATION_DIRECTOR, false},
      {true, v1::ESCALATION_STEP_1, v1::ROLE_FOLLOW_UP_OFFICER, false},
      {true, v1::ESCALATION_STEP_1B, v1::ROLE_FOLLOW_UP_OFFICER, false},
  };
  int n = 0;
  for (const At& at : steps) {
    const std::string id = absl::StrCat("brist-", ++n);
    SCOPED_TRACE(id);
    CaseDriver driver = CaseAtStep(world_, id, at.private_case, at.step);
    v1::PlanRequest request = Request(driver.today());
    if (driver.State().plan_limit.has_value()) {
      *request.mutable_complete_by() = D(*driver.State().plan_limit);
    }
    request.set_analysis_team_appointed(true);
    Outcome outcome = Given(world_)
                          .As(WithRole(at.requester))
                          .On(driver.today())
                          .When(RequestPlan(id, request));
    if (at.allowed) {
      EXPECT_TRUE(outcome.result().ok()) << outcome.result().status();
    } else {
      outcome.ThenFails(StatusCode::kInvalidArgument,
                        "request.analysis_team_appointed");
    }
  }
}

// Step 4 has no plan: it ends in consequences or termination, so not even
// the roles that request plans on that staircase can request one there.
TEST_F(RequestPlanTest, NoPlanIsRequestedAtStep4) {
  for (bool private_case : {true, false}) {
    const std::string id = private_case ? "privat" : "kommunal";
    CaseDriver driver =
        CaseAtStep(world_, id, private_case, v1::ESCALATION_STEP_4);
    const std::vector<v1::Role> requesters =
        private_case ? std::vector<v1::Role>{v1::ROLE_FOLLOW_UP_OFFICER}
                     : std::vector<v1::Role>{v1::ROLE_CARE_DIRECTOR,
                                             v1::ROLE_ADMINISTRATION_DIRECTOR};
    for (v1::Role role : requesters) {
      SCOPED_TRACE(absl::StrCat(id, " ", RoleLabel(role)));
      Given(world_)
          .As(WithRole(role))
          .On(driver.today())
          .When(RequestPlan(id, Request(driver.today())))
          .ThenFails(StatusCode::kFailedPrecondition, "case_id");
    }
  }
}

}  // namespace
}  // namespace atgard::testing
