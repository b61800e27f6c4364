// Who starts and who writes: the unit's own plan before any request, who
// requests and who assesses at a municipal unit, the joint authors of the
// step-1b plan, the care director's share of step 3, and deficiencies
// reserved to health care.
// services/domain/RULES_CASE.md#who-starts-and-who-writes.
#include <gmock/gmock.h>
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/domain/calendar.h"
#include "services/domain/dates.h"
#include "services/domain/deadline_dates.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/given_when_then.h"
#include "tests/unit/domain/case_scenarios.h"

namespace atgard::testing {
namespace {

using absl::StatusCode;
using ::testing::HasSubstr;

constexpr v1::Role kOfficer = v1::ROLE_FOLLOW_UP_OFFICER;
constexpr v1::Role kCareDirector = v1::ROLE_CARE_DIRECTOR;
constexpr v1::Role kAdminDirector = v1::ROLE_ADMINISTRATION_DIRECTOR;
constexpr v1::Role kProvider = v1::ROLE_PROVIDER;

v1::Event EventFromText(const std::string& text) {
  v1::Event event;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &event))
      << text;
  return event;
}

v1::Command SubmitOwnPlan(absl::string_view case_id, absl::CivilDay start_by,
                          absl::CivilDay complete_by) {
  v1::Command c;
  v1::SubmitOwnPlan* s = c.mutable_submit_own_plan();
  s->set_case_id(std::string(case_id));
  *s->mutable_start_by() = D(start_by);
  *s->mutable_complete_by() = D(complete_by);
  *s->mutable_plan() = Plan(complete_by);
  return c;
}

class OwnPlanTest : public CaseTest {
 protected:
  // A municipal case registered on 2026-02-10; today() is 2026-02-11.
  CaseDriver Registered(bool private_case = false) {
    CaseDriver driver(world_, kCase, private_case);
    driver.Register();
    return driver;
  }
};

// Seed 001: "the unit that falls short should itself start improving":
// the unit manager opens step 1 with a plan of its own. It is recorded as a
// round on the provider's own initiative with its dates, and the plan as
// the round's first submission, never late.
TEST_F(OwnPlanTest, TheUnitOpensStep1WithItsOwnPlan) {
  const CaseDriver driver = Registered();
  const absl::CivilDay today = driver.today();  // 2026-02-11
  v1::Event submitted = EventFromText(R"pb(
    plan_submitted {
      case_id: "brist-1"
      round: 1
      revision: 0
      submitted_on { year: 2026 month: 2 day: 11 }
      due_on { year: 2026 month: 2 day: 11 }
    }
  )pb");
  *submitted.mutable_plan_submitted()->mutable_plan() = Plan(Day(2026, 4, 30));
  Given(world_)
      .As(ProviderStaff(kMunicipalProvider))
      .On(today)
      .When(SubmitOwnPlan(kCase, Day(2026, 2, 16), Day(2026, 4, 30)))
      .Then({EventFromText(R"pb(
               own_plan_started {
                 case_id: "brist-1"
                 round: 1
                 step: ESCALATION_STEP_1
                 start_by { year: 2026 month: 2 day: 16 }
                 complete_by { year: 2026 month: 4 day: 30 }
                 started_on { year: 2026 month: 2 day: 11 }
                 complete_by_limit { year: 2026 month: 5 day: 11 }
               }
             )pb"),
             submitted});
}

// Its start is due like a requested round's: the scheduler's calendar
// holds start_by, so a missed start is found the day after it.
TEST_F(OwnPlanTest, ItsStartIsOnTheDeadlineCalendar) {
  const v1::Event started = EventFromText(R"pb(
    own_plan_started {
      case_id: "brist-1"
      start_by { year: 2026 month: 2 day: 16 }
      complete_by { year: 2026 month: 4 day: 30 }
    }
  )pb");
  EXPECT_THAT(domain::DeadlineDatesOf(started),
              ::testing::ElementsAre(Day(2026, 2, 16), Day(2026, 4, 30)));
}

// "... and then assessed by the step's assessor like any plan": the care
// director approves it, and the follow-up may use any method, since no
// request named one.
TEST_F(OwnPlanTest, IsAssessedAndFollowedUpLikeARequestedPlan) {
  CaseDriver driver = Registered();
  world_.MustRun(ProviderStaff(kMunicipalProvider), driver.today(),
                 SubmitOwnPlan(kCase, driver.today(), Day(2026, 4, 30)));
  driver.Wait(1);
  EXPECT_EQ(CaseState().status, domain::CaseStatus::kPlanSubmitted);
  ASSERT_TRUE(CaseState().own_plan.has_value());
  Given(world_)
      .As(FollowUpOfficer())
      .On(driver.today())
      .When(AssessPlan(kCase, Approval()))
      .ThenFails(StatusCode::kPermissionDenied);
  driver.Approve();
  EXPECT_EQ(CaseState().status, domain::CaseStatus::kImplementing);
  driver.CompleteAllActions().ReportImplementation();
  world_.MustRun(
      FollowUpOfficer(), driver.today(),
      RecordFollowUp(kCase, driver.today(), v1::FOLLOW_UP_RESULT_RESOLVED,
                     v1::FOLLOW_UP_METHOD_OBSERVATION_VISIT));
  EXPECT_EQ(CaseState().status, domain::CaseStatus::kClosed);
}

TEST_F(OwnPlanTest, OnlyTheCasesOwnProviderStartsIt) {
  const CaseDriver driver = Registered();
  ExpectOnlyRoles(world_, {kProvider}, kMunicipalProvider, driver.today(),
                  SubmitOwnPlan(kCase, driver.today(), Day(2026, 4, 30)));
  Given(world_)
      .As(ProviderStaff(kPrivateProvider))
      .On(driver.today())
      .When(SubmitOwnPlan(kCase, driver.today(), Day(2026, 4, 30)))
      .ThenFails(StatusCode::kPermissionDenied);
}

TEST_F(OwnPlanTest, ARepeatWritesNothing) {
  CaseDriver driver = Registered();
  const v1::Command own =
      SubmitOwnPlan(kCase, driver.today(), Day(2026, 4, 30));
  world_.MustRun(ProviderStaff(kMunicipalProvider), driver.today(), own);
  Given(world_)
      .As(ProviderStaff(kMunicipalProvider))
      .On(driver.today())
      .When(own)
      .ThenNothing();
}

// The provider's dates: start not before today, complete within the
// step's normal time (three calendar months), start not after complete.
TEST_F(OwnPlanTest, DatesMustFitTheStepsNormalTime) {
  const CaseDriver driver = Registered();
  const absl::CivilDay today = driver.today();
  struct Bad {
    absl::CivilDay start_by;
    absl::CivilDay complete_by;
    const char* field;
  };
  for (const Bad& bad : {Bad{today - 1, Day(2026, 4, 30), "start_by"},
                         Bad{today, today, "complete_by"},
                         Bad{today, Day(2026, 5, 12), "complete_by"},
                         Bad{Day(2026, 5, 1), Day(2026, 4, 30), "start_by"}}) {
    SCOPED_TRACE(bad.field);
    Given(world_)
        .As(ProviderStaff(kMunicipalProvider))
        .On(today)
        .When(SubmitOwnPlan(kCase, bad.start_by, bad.complete_by))
        .ThenFails(StatusCode::kInvalidArgument, bad.field);
  }
  // The last day of the normal time is within it.
  EXPECT_TRUE(Given(world_)
                  .As(ProviderStaff(kMunicipalProvider))
                  .On(today)
                  .When(SubmitOwnPlan(kCase, today, Day(2026, 5, 11)))
                  .result()
                  .ok());
}

TEST_F(OwnPlanTest, TheActionsMeetThePlanRulesAgainstItsDates) {
  const CaseDriver driver = Registered();
  v1::Command own = SubmitOwnPlan(kCase, driver.today(), Day(2026, 4, 30));
  *own.mutable_submit_own_plan()
       ->mutable_plan()
       ->mutable_actions(1)
       ->mutable_due_on() = D(Day(2026, 5, 1));
  Given(world_)
      .As(ProviderStaff(kMunicipalProvider))
      .On(driver.today())
      .When(own)
      .ThenFails(StatusCode::kInvalidArgument, "plan.actions[1].due_on");
}

// Only before any request: once a plan was requested (or after a failed
// round), the plan is the requested one's.
TEST_F(OwnPlanTest, RefusedAfterARequest) {
  CaseDriver driver = Registered();
  driver.RequestPlan();
  Given(world_)
      .As(ProviderStaff(kMunicipalProvider))
      .On(driver.today())
      .When(SubmitOwnPlan(kCase, driver.today(), Day(2026, 4, 30)))
      .ThenFails(StatusCode::kFailedPrecondition, "case_id");
  driver.SubmitPlan().Reject();
  const absl::StatusOr<std::vector<v1::Event>> after_rejection =
      Given(world_)
          .As(ProviderStaff(kMunicipalProvider))
          .On(driver.today())
          .When(SubmitOwnPlan(kCase, driver.today(), Day(2026, 4, 30)))
          .result();
  ASSERT_EQ(after_rejection.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(after_rejection.status().message(),
              HasSubstr("before any request"));
}

TEST_F(OwnPlanTest, RefusedAboveStep1AndForSystemLevelCases) {
  CaseDriver at2 = CaseAtStep(world_, "brist-2", false, v1::ESCALATION_STEP_2);
  Given(world_)
      .As(ProviderStaff(kMunicipalProvider))
      .On(at2.today())
      .When(SubmitOwnPlan("brist-2", at2.today(), at2.today() + 30))
      .ThenFails(StatusCode::kFailedPrecondition, "case_id");
  world_.MustRun(FollowUpOfficer(), Day(2026, 2, 10),
                 RegisterSystemLevelCase("brist-3", Day(2026, 2, 3)));
  Given(world_)
      .As(ProviderStaff(kPrivateProvider))
      .On(Day(2026, 2, 11))
      .When(SubmitOwnPlan("brist-3", Day(2026, 2, 11), Day(2026, 4, 30)))
      .ThenFails(StatusCode::kFailedPrecondition, "case_id");
}

// ---- Who requests at a municipal unit --------------------------------------

// Seed 001: "Även förvaltningschef och avdelning U & U kan påkalla
// åtgärder": the administration director and U&U may request the plan too,
// and whoever requested it, the care director assesses it at step 1.
TEST_F(CaseTest, AtAMunicipalUnitTheAdministrationDirectorAndUUMayRequest) {
  for (const domain::Principal& requester :
       {AdministrationDirector(), FollowUpOfficer(), CareDirector()}) {
    SCOPED_TRACE(requester.subject);
    World world;
    SeedProviders(world);
    CaseDriver driver(world, kCase, false);
    driver.Register();
    world.MustRun(requester, driver.today(),
                  RequestPlan(kCase, Request(driver.today())));
    driver.Wait(1).SubmitPlan();
    for (const domain::Principal& not_assessor :
         {AdministrationDirector(), FollowUpOfficer()}) {
      Given(world)
          .As(not_assessor)
          .On(driver.today())
          .When(AssessPlan(kCase, Approval()))
          .ThenFails(StatusCode::kPermissionDenied);
    }
    world.MustRun(CareDirector(), driver.today(),
                  AssessPlan(kCase, Approval()));
  }
}

// ---- Step 1b: U&U and the provider write the plan together ----------------

class JointAuthorsTest : public CaseTest {
 protected:
  void SetUp() override {
    CaseTest::SetUp();
    driver_.emplace(CaseAtStep(world_, kCase, /*private_case=*/true,
                               v1::ESCALATION_STEP_1B));
    driver_->RequestPlan();
  }
  v1::Command Submit() const {
    return SubmitPlan(
        kCase, Plan(domain::DayOf(CaseState().request.request().complete_by()),
                    /*with_milestones=*/true));
  }
  std::optional<CaseDriver> driver_;
};

TEST_F(JointAuthorsTest, EitherMaySubmitAndBothAreRecorded) {
  const absl::StatusOr<std::vector<v1::Event>> by_officer =
      Given(world_)
          .As(FollowUpOfficer())
          .On(driver_->today())
          .When(Submit())
          .result();
  ASSERT_TRUE(by_officer.ok()) << by_officer.status();
  ASSERT_EQ(by_officer->size(), 1u);
  EXPECT_EQ(by_officer->back().plan_submitted().submitted_by(), kOfficer);
  EXPECT_EQ(by_officer->back().plan_submitted().drawn_up_with(), kProvider);

  const absl::StatusOr<std::vector<v1::Event>> by_provider =
      Given(world_)
          .As(ProviderStaff(kPrivateProvider))
          .On(driver_->today())
          .When(Submit())
          .result();
  ASSERT_TRUE(by_provider.ok()) << by_provider.status();
  EXPECT_EQ(by_provider->back().plan_submitted().submitted_by(), kProvider);
  EXPECT_EQ(by_provider->back().plan_submitted().drawn_up_with(), kOfficer);

  ExpectOnlyRoles(world_, {kOfficer, kProvider}, kPrivateProvider,
                  driver_->today(), Submit());
}

// At step 1 a private provider's plan is its own: U&U assesses it and does
// not write it, and the event keeps the shape it always had.
TEST_F(CaseTest, AtPrivateStep1OnlyTheProviderWritesThePlan) {
  CaseDriver driver(world_, kCase, true);
  driver.Register().RequestPlan();
  const v1::Command submit = SubmitPlan(
      kCase, Plan(domain::DayOf(CaseState().request.request().complete_by())));
  ExpectOnlyRoles(world_, {kProvider}, kPrivateProvider, driver.today(),
                  submit);
  const absl::StatusOr<std::vector<v1::Event>> events =
      Given(world_)
          .As(ProviderStaff(kPrivateProvider))
          .On(driver.today())
          .When(submit)
          .result();
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_EQ(events->back().plan_submitted().submitted_by(),
            v1::ROLE_UNSPECIFIED);
  EXPECT_EQ(events->back().plan_submitted().drawn_up_with(),
            v1::ROLE_UNSPECIFIED);
}

// ---- Step 3: the care director prepares, and carries out with the unit ----

class Step3AuthorsTest : public CaseTest {
 protected:
  void SetUp() override {
    CaseTest::SetUp();
    driver_.emplace(CaseAtStep(world_, kCase, /*private_case=*/false,
                               v1::ESCALATION_STEP_3));
    driver_->RequestPlan();
  }
  v1::Command Submit() const {
    return SubmitPlan(
        kCase, Plan(domain::DayOf(CaseState().request.request().complete_by()),
                    /*with_milestones=*/true));
  }
  std::optional<CaseDriver> driver_;
};

TEST_F(Step3AuthorsTest, TheCareDirectorPreparesThePlan) {
  ExpectOnlyRoles(world_, {kCareDirector, kProvider}, kMunicipalProvider,
                  driver_->today(), Submit());
  const absl::StatusOr<std::vector<v1::Event>> events =
      Given(world_)
          .As(CareDirector())
          .On(driver_->today())
          .When(Submit())
          .result();
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_EQ(events->back().plan_submitted().submitted_by(), kCareDirector);
  EXPECT_EQ(events->back().plan_submitted().drawn_up_with(),
            v1::ROLE_UNSPECIFIED);
}

TEST_F(Step3AuthorsTest, CareDirectorAndUnitManagerCarryItOutTogether) {
  world_.MustRun(CareDirector(), driver_->today(), Submit());
  driver_->Wait(1).Approve();
  const absl::CivilDay day = driver_->today();
  ExpectOnlyRoles(world_, {kCareDirector, kProvider}, kMunicipalProvider, day,
                  ReportProgress(kCase, 1, v1::TRAFFIC_LIGHT_YELLOW));
  ExpectOnlyRoles(world_, {kCareDirector, kProvider}, kMunicipalProvider, day,
                  CompleteAction(kCase, 1));
  world_.MustRun(CareDirector(), day, CompleteAction(kCase, 1));
  world_.MustRun(ProviderStaff(kMunicipalProvider), day,
                 CompleteAction(kCase, 2));
  ExpectOnlyRoles(world_, {kCareDirector, kProvider}, kMunicipalProvider, day,
                  ReportImplementation(kCase));
  world_.MustRun(CareDirector(), day, ReportImplementation(kCase));
  EXPECT_EQ(CaseState().status, domain::CaseStatus::kImplemented);
}

// Below step 3 the unit manager alone reports on the work.
TEST_F(CaseTest, BelowStep3OnlyTheUnitReportsProgress) {
  CaseDriver driver(world_, kCase, false);
  driver.Register().RequestPlan().SubmitPlan().Approve();
  ExpectOnlyRoles(world_, {kProvider}, kMunicipalProvider, driver.today(),
                  ReportProgress(kCase, 1, v1::TRAFFIC_LIGHT_YELLOW));
  Given(world_)
      .As(CareDirector())
      .On(driver.today())
      .When(ReportImplementation(kCase))
      .ThenFails(StatusCode::kPermissionDenied);
}

// ---- Health care: MAS/MAR only where the deficiency is marked so ----------

v1::Command HealthCareCase(absl::string_view id, bool health_care) {
  v1::Command c =
      RegisterCase(id, kMunicipalProvider, kMunicipalUnit, Day(2026, 2, 3));
  c.mutable_register_case()->mutable_deficiency()->set_health_care(health_care);
  return c;
}

TEST_F(CaseTest, AMedicalOfficerRegistersOnlyHealthCareDeficiencies) {
  Given(world_)
      .As(MedicalOfficer())
      .On(Day(2026, 2, 10))
      .When(HealthCareCase(kCase, false))
      .ThenFails(StatusCode::kPermissionDenied, "deficiency.health_care");
  const absl::StatusOr<std::vector<v1::Event>> events =
      Given(world_)
          .As(MedicalOfficer())
          .On(Day(2026, 2, 10))
          .When(HealthCareCase(kCase, true))
          .result();
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_TRUE(events->back().case_registered().deficiency().health_care());
  // U&U registers either kind.
  world_.MustRun(FollowUpOfficer(), Day(2026, 2, 10),
                 HealthCareCase(kCase, false));
}

TEST_F(CaseTest, AMedicalOfficerFollowsUpOnlyHealthCareDeficiencies) {
  for (bool health_care : {false, true}) {
    SCOPED_TRACE(health_care);
    const std::string id = health_care ? "brist-hsl" : "brist-annan";
    world_.MustRun(FollowUpOfficer(), Day(2026, 2, 10),
                   HealthCareCase(id, health_care));
    world_.MustRun(CareDirector(), Day(2026, 2, 11),
                   RequestPlan(id, Request(Day(2026, 2, 11))));
    world_.MustRun(
        ProviderStaff(kMunicipalProvider), Day(2026, 2, 12),
        SubmitPlan(id, Plan(domain::AddCalendarMonths(Day(2026, 2, 11), 2))));
    world_.MustRun(CareDirector(), Day(2026, 2, 13),
                   AssessPlan(id, Approval()));
    const Outcome outcome = Given(world_)
                                .As(MedicalOfficer())
                                .On(Day(2026, 2, 14))
                                .When(ScheduleFollowUp(id, Day(2026, 4, 1)));
    if (health_care) {
      EXPECT_TRUE(outcome.result().ok()) << outcome.result().status();
    } else {
      outcome.ThenFails(StatusCode::kPermissionDenied,
                        "deficiency.health_care");
    }
  }
}

// A case registered before the rule (its CaseRegistered does not say it
// was scoped) stays open to every MEDICAL_OFFICER, as it was: stored
// history keeps its meaning.
TEST_F(CaseTest, ACaseRegisteredBeforeTheRuleStaysOpenToMedicalOfficers) {
  const std::string id = "brist-tidigare";
  world_.MustRun(FollowUpOfficer(), Day(2026, 2, 10),
                 HealthCareCase(id, false));
  world_.MustRun(CareDirector(), Day(2026, 2, 11),
                 RequestPlan(id, Request(Day(2026, 2, 11))));
  world_.MustRun(
      ProviderStaff(kMunicipalProvider), Day(2026, 2, 12),
      SubmitPlan(id, Plan(domain::AddCalendarMonths(Day(2026, 2, 11), 2))));
  world_.MustRun(CareDirector(), Day(2026, 2, 13), AssessPlan(id, Approval()));
  std::vector<v1::Event> history =
      world_.Stream(kTenant, {domain::AggregateKind::kCase, id});
  ASSERT_TRUE(history.front().has_case_registered());
  ASSERT_TRUE(history.front().case_registered().health_care_scoped());
  history.front().mutable_case_registered()->clear_health_care_scoped();
  const Outcome outcome = Given(history, &world_)
                              .As(MedicalOfficer())
                              .On(Day(2026, 2, 14))
                              .When(ScheduleFollowUp(id, Day(2026, 4, 1)));
  EXPECT_TRUE(outcome.result().ok()) << outcome.result().status();
}

}  // namespace
}  // namespace atgard::testing
