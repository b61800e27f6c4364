// The escalation staircase (trappa): the steps per regiform, escalation
// only after a failed step, by the right decision maker, and how step 4
// ends. services/domain/RULES_CASE.md#staircase and #step-4.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/domain/calendar.h"
#include "services/domain/dates.h"
#include "services/domain/streams.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/given_when_then.h"
#include "tests/unit/domain/case_scenarios.h"

namespace atgard::testing {
namespace {

using absl::StatusCode;
using v1::ESCALATION_STEP_1;
using v1::ESCALATION_STEP_1B;
using v1::ESCALATION_STEP_2;
using v1::ESCALATION_STEP_3;
using v1::ESCALATION_STEP_4;
constexpr v1::Role kOfficer = v1::ROLE_FOLLOW_UP_OFFICER;
constexpr v1::Role kCareDirector = v1::ROLE_CARE_DIRECTOR;
constexpr v1::Role kAdminDirector = v1::ROLE_ADMINISTRATION_DIRECTOR;
constexpr v1::Role kMedical = v1::ROLE_MEDICAL_OFFICER;

// An escalation of `id` to `to` decided on `day` (with a step-1b limit
// four months on).
v1::Command EscalateTo(absl::string_view id, v1::EscalationStep to,
                       absl::CivilDay day) {
  return Escalate(id, to, day, domain::AddCalendarMonths(day, 4));
}

class StaircaseTest : public CaseTest {
 protected:
  // Fails the current step of the driver's case by rejecting a plan.
  static void FailStep(CaseDriver& driver) {
    driver.RequestPlan().SubmitPlan().Reject();
  }

  struct Rung {
    v1::EscalationStep at;
    v1::EscalationStep next;
  };
  // Climbs the driver's case rung by rung: at each, after a failed step,
  // every target but the next one is refused, and the next one is taken.
  void Climb(CaseDriver& driver, const std::vector<Rung>& rungs) {
    for (const Rung& rung : rungs) {
      SCOPED_TRACE(rung.at);
      ASSERT_EQ(CaseState().step, rung.at);
      FailStep(driver);
      for (v1::EscalationStep to :
           {ESCALATION_STEP_1, ESCALATION_STEP_1B, ESCALATION_STEP_2,
            ESCALATION_STEP_3, ESCALATION_STEP_4}) {
        if (to == rung.next) continue;
        SCOPED_TRACE(to);
        Given(world_)
            .As(AdministrationDirector())
            .On(driver.today())
            .When(EscalateTo(kCase, to, driver.today()))
            .ThenFails(StatusCode::kInvalidArgument, "to_step");
      }
      world_.MustRun(AdministrationDirector(), driver.today(),
                     EscalateTo(kCase, rung.next, driver.today()));
      driver.Wait(1);
    }
  }
};

// "names the reason and the decision maker": the escalation keeps the
// failure of the step it leaves, the reason, the decision and (1b) the
// plan's time limit; the case is open at the new step.
TEST_F(StaircaseTest, EscalationRecordsFailureReasonAndDecision) {
  CaseDriver driver(world_, kCase, true);
  driver.Register();
  FailStep(driver);
  const v1::Command command =
      EscalateTo(kCase, ESCALATION_STEP_1B, driver.today());
  v1::Event expected;
  v1::CaseEscalated* e = expected.mutable_case_escalated();
  e->set_case_id(kCase);
  e->set_from_step(ESCALATION_STEP_1);
  e->set_to_step(ESCALATION_STEP_1B);
  e->set_failure(v1::STEP_FAILURE_PLAN_REJECTED);
  e->set_reason(command.escalate_case().reason());
  *e->mutable_decision() = command.escalate_case().decision();
  *e->mutable_plan_limit() = command.escalate_case().plan_limit();
  Given(world_)
      .As(AdministrationDirector())
      .On(driver.today())
      .When(command)
      .Then({expected});
  world_.MustRun(AdministrationDirector(), driver.today(), command);
  EXPECT_EQ(CaseState().step, ESCALATION_STEP_1B);
  EXPECT_EQ(CaseState().status, domain::CaseStatus::kOpen);
  EXPECT_EQ(CaseState().failure, v1::STEP_FAILURE_UNSPECIFIED);
}

// "municipal 1 → 2 → 3 → 4".
TEST_F(StaircaseTest, MunicipalUnitsClimbOneStepAtATime) {
  CaseDriver driver(world_, kCase, false);
  driver.Register();
  ASSERT_NO_FATAL_FAILURE(
      Climb(driver, {{ESCALATION_STEP_1, ESCALATION_STEP_2},
                     {ESCALATION_STEP_2, ESCALATION_STEP_3},
                     {ESCALATION_STEP_3, ESCALATION_STEP_4}}));
  EXPECT_EQ(CaseState().step, ESCALATION_STEP_4);
  EXPECT_EQ(CaseState().status, domain::CaseStatus::kAwaitingConsequence);
}

// "private 1 → 1b → 4 only": steps 2 and 3 are municipal.
TEST_F(StaircaseTest, PrivateProvidersClimbOneTo1bTo4) {
  CaseDriver driver(world_, kCase, true);
  driver.Register();
  ASSERT_NO_FATAL_FAILURE(
      Climb(driver, {{ESCALATION_STEP_1, ESCALATION_STEP_1B},
                     {ESCALATION_STEP_1B, ESCALATION_STEP_4}}));
  EXPECT_EQ(CaseState().step, ESCALATION_STEP_4);
}

// Step 4 is the top: nothing escalates from it.
TEST_F(StaircaseTest, NothingEscalatesFromStep4) {
  for (bool private_case : {true, false}) {
    const std::string id = private_case ? "privat" : "kommunal";
    CaseDriver driver = CaseAtStep(world_, id, private_case, ESCALATION_STEP_4);
    Given(world_)
        .As(AdministrationDirector())
        .On(driver.today())
        .When(EscalateTo(id, ESCALATION_STEP_4, driver.today()))
        .ThenFails(StatusCode::kFailedPrecondition, "case_id");
    Given(world_)
        .As(FollowUpOfficer())
        .On(driver.today())
        .When(ProposeEscalation(id))
        .ThenFails(StatusCode::kFailedPrecondition, "case_id");
  }
}

// "escalation happens only when the current step failed": in every status
// of a step that has not failed, it is refused.
TEST_F(StaircaseTest, NoEscalationWithoutAFailedStep) {
  CaseDriver driver(world_, kCase, true);
  const std::vector<std::pair<const char*, std::function<void()>>> steps = {
      {"Open", [&] { driver.Register(); }},
      {"PlanRequested", [&] { driver.RequestPlan(); }},
      {"PlanSubmitted", [&] { driver.SubmitPlan(); }},
      {"RevisionRequested",
       [&] {
         world_.MustRun(
             FollowUpOfficer(), driver.today(),
             AssessPlan(kCase, RevisionRequired(driver.today() + 5)));
       }},
      {"PlanSubmitted again", [&] { driver.SubmitPlan(); }},
      {"Implementing", [&] { driver.Approve(); }},
      {"Implemented",
       [&] { driver.CompleteAllActions().ReportImplementation(); }},
  };
  for (const auto& [status, arrange] : steps) {
    SCOPED_TRACE(status);
    arrange();
    ASSERT_EQ(CaseState().failure, v1::STEP_FAILURE_UNSPECIFIED);
    Given(world_)
        .As(AdministrationDirector())
        .On(driver.today())
        .When(EscalateTo(kCase, ESCALATION_STEP_1B, driver.today()))
        .ThenFails(StatusCode::kFailedPrecondition, "case_id");
    Given(world_)
        .As(FollowUpOfficer())
        .On(driver.today())
        .When(ProposeEscalation(kCase))
        .ThenFails(StatusCode::kFailedPrecondition, "case_id");
  }
}

// ---- Every kind of failure opens the way up -------------------------------

struct FailureCase {
  const char* name;
  v1::StepFailure failure;
  // Fails the case's current step (private provider).
  std::function<void(World&, CaseDriver&)> fail;
};

class FailureKindTest : public StaircaseTest,
                        public ::testing::WithParamInterface<FailureCase> {};

// "plan rejected, follow-up not resolved, or a deadline missed" and, at
// steps 1b and 3, a missed milestone: each fails the step, and each is
// named in the proposal and the escalation.
TEST_P(FailureKindTest, AllowsProposalAndEscalationNamingTheFailure) {
  CaseDriver driver(world_, kCase, true);
  driver.Register();
  GetParam().fail(world_, driver);
  ASSERT_EQ(CaseState().failure, GetParam().failure);
  const domain::CaseState before = CaseState();
  const v1::EscalationStep next =
      before.step == ESCALATION_STEP_1 ? ESCALATION_STEP_1B : ESCALATION_STEP_4;

  v1::Event proposed;
  v1::EscalationProposed* p = proposed.mutable_escalation_proposed();
  p->set_case_id(kCase);
  p->set_from_step(before.step);
  p->set_to_step(next);
  p->set_failure(GetParam().failure);
  p->set_reason(ProposeEscalation(kCase).propose_escalation().reason());
  Given(world_)
      .As(FollowUpOfficer())
      .On(driver.today())
      .When(ProposeEscalation(kCase))
      .Then({proposed});

  Outcome escalated = Given(world_)
                          .As(AdministrationDirector())
                          .On(driver.today())
                          .When(EscalateTo(kCase, next, driver.today()));
  ASSERT_TRUE(escalated.result().ok()) << escalated.result().status();
  ASSERT_EQ(escalated.result()->size(), 1u);
  EXPECT_EQ((*escalated.result())[0].case_escalated().failure(),
            GetParam().failure);
}

INSTANTIATE_TEST_SUITE_P(
    EveryFailure, FailureKindTest,
    ::testing::Values(
        FailureCase{"PlanRejected", v1::STEP_FAILURE_PLAN_REJECTED,
                    [](World&, CaseDriver& d) {
                      d.RequestPlan().SubmitPlan().Reject();
                    }},
        FailureCase{"FollowUpNotResolved",
                    v1::STEP_FAILURE_FOLLOW_UP_NOT_RESOLVED,
                    [](World&, CaseDriver& d) {
                      d.RequestPlan()
                          .SubmitPlan()
                          .Approve()
                          .CompleteAllActions()
                          .ReportImplementation()
                          .FollowUp(v1::FOLLOW_UP_RESULT_PARTLY_RESOLVED);
                    }},
        FailureCase{
            "PlanSubmissionOverdue", v1::STEP_FAILURE_PLAN_SUBMISSION_OVERDUE,
            [](World& w, CaseDriver& d) {
              d.RequestPlan();
              const absl::CivilDay due =
                  domain::DayOf(d.State().request.request().submit_by());
              ASSERT_EQ(w.RunDeadlines(kTenant, due + 1).size(), 1u);
              d.Wait(static_cast<int>(due + 1 - d.today()));
            }},
        FailureCase{
            "ImplementationOverdue", v1::STEP_FAILURE_IMPLEMENTATION_OVERDUE,
            [](World& w, CaseDriver& d) {
              d.RequestPlan().SubmitPlan().Approve();
              // Started in time: only the implementation is overdue.
              w.MustRun(
                  d.Staff(), d.today(),
                  ReportProgress(d.case_id(), 1, v1::TRAFFIC_LIGHT_YELLOW));
              const absl::CivilDay due =
                  domain::DayOf(d.State().request.request().complete_by());
              ASSERT_EQ(w.RunDeadlines(kTenant, due + 1).size(), 1u);
              d.Wait(static_cast<int>(due + 1 - d.today()));
            }},
        FailureCase{"StartOverdue", v1::STEP_FAILURE_START_OVERDUE,
                    [](World& w, CaseDriver& d) {
                      d.RequestPlan().SubmitPlan().Approve();
                      const absl::CivilDay due =
                          domain::DayOf(d.State().request.request().start_by());
                      ASSERT_EQ(w.RunDeadlines(kTenant, due + 1).size(), 1u);
                      d.Wait(static_cast<int>(due + 1 - d.today()));
                    }},
        FailureCase{"MilestoneMissedAt1b", v1::STEP_FAILURE_MILESTONE_MISSED,
                    [](World& w, CaseDriver& d) {
                      ClimbTo(d, ESCALATION_STEP_1B);
                      d.RequestPlan().SubmitPlan().Approve();
                      w.MustRun(FollowUpOfficer(), d.today(),
                                RecordMilestone(kCase, 1, false));
                    }}),
    [](const ::testing::TestParamInfo<FailureCase>& info) {
      return std::string(info.param.name);
    });

// A met milestone is no failure.
TEST_F(StaircaseTest, AMetMilestoneDoesNotFailTheStep) {
  CaseDriver driver = CaseAtStep(world_, kCase, true, ESCALATION_STEP_1B);
  driver.RequestPlan().SubmitPlan().Approve();
  world_.MustRun(FollowUpOfficer(), driver.today(),
                 RecordMilestone(kCase, 1, true));
  EXPECT_EQ(CaseState().failure, v1::STEP_FAILURE_UNSPECIFIED);
  Given(world_)
      .As(AdministrationDirector())
      .On(driver.today())
      .When(EscalateTo(kCase, ESCALATION_STEP_4, driver.today()))
      .ThenFails(StatusCode::kFailedPrecondition, "case_id");
}

// Milestones are recorded against the approved plan's milestones, once;
// a missed one says why.
TEST_F(StaircaseTest, MilestonesOfTheApprovedPlanAreRecordedOnce) {
  CaseDriver driver = CaseAtStep(world_, kCase, true, ESCALATION_STEP_1B);
  driver.RequestPlan().SubmitPlan().Approve();
  const absl::CivilDay today = driver.today();
  Given(world_)
      .As(FollowUpOfficer())
      .On(today)
      .When(RecordMilestone(kCase, 2, true))
      .ThenFails(StatusCode::kInvalidArgument, "milestone_number");
  v1::Command missed = RecordMilestone(kCase, 1, false);
  missed.mutable_record_milestone()->clear_note();
  Given(world_)
      .As(FollowUpOfficer())
      .On(today)
      .When(missed)
      .ThenFails(StatusCode::kInvalidArgument, "note");
  v1::Event expected;
  v1::MilestoneRecorded* e = expected.mutable_milestone_recorded();
  e->set_case_id(kCase);
  e->set_round(CaseState().round);
  e->set_milestone_number(1);
  e->set_met(true);
  *e->mutable_recorded_on() = D(today);
  Given(world_)
      .As(FollowUpOfficer())
      .On(today)
      .When(RecordMilestone(kCase, 1, true))
      .Then({expected});
  world_.MustRun(FollowUpOfficer(), today, RecordMilestone(kCase, 1, true));
  Given(world_)
      .As(FollowUpOfficer())
      .On(today)
      .When(RecordMilestone(kCase, 1, false))
      .ThenFails(StatusCode::kFailedPrecondition, "milestone_number");
}

// ---- The decision ---------------------------------------------------------

// The decision names who decided, on which delegation, under which
// reference number, and when (not in the future); the reason is required.
TEST_F(StaircaseTest, EscalationNeedsAReasonAndACompleteDecision) {
  CaseDriver driver(world_, kCase, true);
  driver.Register();
  FailStep(driver);
  const absl::CivilDay today = driver.today();
  struct Part {
    const char* field;
    std::function<void(v1::EscalateCase&)> change;
  };
  const Part parts[] = {
      {"reason", [](v1::EscalateCase& c) { c.clear_reason(); }},
      {"to_step", [](v1::EscalateCase& c) { c.clear_to_step(); }},
      {"decision.decision_maker",
       [](v1::EscalateCase& c) { c.clear_decision(); }},
      {"decision.decision_maker",
       [](v1::EscalateCase& c) {
         c.mutable_decision()->clear_decision_maker();
       }},
      {"decision.delegation_basis",
       [](v1::EscalateCase& c) {
         c.mutable_decision()->clear_delegation_basis();
       }},
      {"decision.reference_number",
       [](v1::EscalateCase& c) {
         c.mutable_decision()->clear_reference_number();
       }},
      {"decision.decided_on",
       [](v1::EscalateCase& c) { c.mutable_decision()->clear_decided_on(); }},
      {"decision.decided_on",
       [today](v1::EscalateCase& c) {
         *c.mutable_decision()->mutable_decided_on() = D(today + 1);
       }},
  };
  for (const Part& part : parts) {
    SCOPED_TRACE(part.field);
    v1::Command command = EscalateTo(kCase, ESCALATION_STEP_1B, today);
    part.change(*command.mutable_escalate_case());
    Given(world_)
        .As(AdministrationDirector())
        .On(today)
        .When(command)
        .ThenFails(StatusCode::kInvalidArgument, part.field);
  }
}

// Step 1b: "set in the decision" — required, in the future, and only
// there.
TEST_F(StaircaseTest, OnlyTheStep1bDecisionSetsAPlanLimit) {
  CaseDriver driver(world_, kCase, true);
  driver.Register();
  FailStep(driver);
  const absl::CivilDay today = driver.today();
  v1::Command no_limit = EscalateTo(kCase, ESCALATION_STEP_1B, today);
  no_limit.mutable_escalate_case()->clear_plan_limit();
  Given(world_)
      .As(AdministrationDirector())
      .On(today)
      .When(no_limit)
      .ThenFails(StatusCode::kInvalidArgument, "plan_limit");
  Given(world_)
      .As(AdministrationDirector())
      .On(today)
      .When(Escalate(kCase, ESCALATION_STEP_1B, today, today))
      .ThenFails(StatusCode::kInvalidArgument, "plan_limit");

  CaseDriver municipal(world_, "kommunal", false);
  municipal.Register();
  FailStep(municipal);
  v1::Command with_limit =
      EscalateTo("kommunal", ESCALATION_STEP_2, municipal.today());
  *with_limit.mutable_escalate_case()->mutable_plan_limit() =
      D(municipal.today() + 60);
  Given(world_)
      .As(CareDirector())
      .On(municipal.today())
      .When(with_limit)
      .ThenFails(StatusCode::kInvalidArgument, "plan_limit");
}

// ProposeEscalation records that someone asks for the next step; the
// decision stays with the escalation decider. A reason is required.
TEST_F(StaircaseTest, ProposalNeedsAReasonAndDecidesNothing) {
  CaseDriver driver(world_, kCase, false);
  driver.Register();
  FailStep(driver);
  v1::Command no_reason = ProposeEscalation(kCase);
  no_reason.mutable_propose_escalation()->clear_reason();
  Given(world_)
      .As(CareDirector())
      .On(driver.today())
      .When(no_reason)
      .ThenFails(StatusCode::kInvalidArgument, "reason");
  world_.MustRun(CareDirector(), driver.today(), ProposeEscalation(kCase));
  EXPECT_EQ(CaseState().step, ESCALATION_STEP_1);
  EXPECT_EQ(CaseState().status, domain::CaseStatus::kOpen);
}

// ---- Who decides, step by step --------------------------------------------

struct StepRoles {
  const char* name;
  bool private_case;
  v1::EscalationStep step;
  // Who requests the step's plan, who assesses it (and consents to
  // withdrawing an action), and who escalates from the step.
  std::vector<v1::Role> requesters;
  std::vector<v1::Role> assessors;
  std::vector<v1::Role> escalators;
};

// Who acts at each step (services/domain/RULES_CASE.md#staircase): the
// step-1b plan is requested by U&U (it draws up the larger plan with the
// provider) and decided by the administration director, who decides the
// measures; at a municipal unit the administration director and U&U may
// request a plan too (whoever requests, the step's assessor assesses); the
// escalation into a step is decided by the director who
// owns that step or above (1 → 2: care director or administration
// director; every later escalation: administration director).
const StepRoles kStepRoles[] = {
    {"Municipal1",
     false,
     ESCALATION_STEP_1,
     {kCareDirector, kAdminDirector, kOfficer},
     {kCareDirector},
     {kCareDirector, kAdminDirector}},
    {"Municipal2",
     false,
     ESCALATION_STEP_2,
     {kCareDirector, kAdminDirector, kOfficer},
     {kCareDirector},
     {kAdminDirector}},
    {"Municipal3",
     false,
     ESCALATION_STEP_3,
     {kAdminDirector, kOfficer},
     {kAdminDirector},
     {kAdminDirector}},
    {"Private1",
     true,
     ESCALATION_STEP_1,
     {kOfficer},
     {kOfficer},
     {kAdminDirector}},
    {"Private1b",
     true,
     ESCALATION_STEP_1B,
     {kOfficer},
     {kAdminDirector},
     {kAdminDirector}},
};

class StepRolesTest : public CaseTest,
                      public ::testing::WithParamInterface<StepRoles> {
 protected:
  void SetUp() override {
    CaseTest::SetUp();
    driver_ = std::make_unique<CaseDriver>(
        CaseAtStep(world_, kCase, GetParam().private_case, GetParam().step));
  }
  void Only(const std::vector<v1::Role>& roles, const v1::Command& command) {
    ExpectOnlyRoles(world_, roles, driver_->provider_id(), driver_->today(),
                    command);
  }
  // Submits a plan with a milestone at any step (milestones are allowed at
  // every step, required at 1b and 3) and approves it.
  void ApproveAPlanWithMilestones() {
    driver_->RequestPlan();
    world_.MustRun(
        driver_->Staff(), driver_->today(),
        SubmitPlan(kCase, Plan(domain::DayOf(
                                   CaseState().request.request().complete_by()),
                               /*with_milestones=*/true)));
    driver_->Approve();
  }
  std::vector<v1::Role> FollowUpRoles() const {
    std::vector<v1::Role> roles = {kOfficer, kMedical};
    for (v1::Role r : GetParam().assessors) {
      if (std::find(roles.begin(), roles.end(), r) == roles.end()) {
        roles.push_back(r);
      }
    }
    return roles;
  }
  std::unique_ptr<CaseDriver> driver_;
};

// Step 1: the unit manager presents the plan to the care director
// (municipal) or U&U (private); step 2 the care director, step 3 the
// administration director; at a municipal unit also the administration
// director and U&U call for measures.
TEST_P(StepRolesTest, RequestPlan) {
  v1::PlanRequest request = Request(driver_->today());
  if (CaseState().plan_limit.has_value()) {
    *request.mutable_complete_by() = D(*CaseState().plan_limit);
  }
  Only(GetParam().requesters, RequestPlan(kCase, request));
}

TEST_P(StepRolesTest, AssessPlan) {
  driver_->RequestPlan().SubmitPlan();
  Only(GetParam().assessors, AssessPlan(kCase, Approval()));
  Only(GetParam().assessors, AssessPlan(kCase, Rejection()));
}

// "explicitly withdrawn with the commissioner's consent": the step's
// commissioner, never the provider.
TEST_P(StepRolesTest, WithdrawAction) {
  driver_->RequestPlan().SubmitPlan().Approve();
  Only(GetParam().assessors, WithdrawAction(kCase, 1));
}

// "The commissioner schedules and records the follow-up"; U&U and MAS/MAR
// take part in follow-up everywhere.
TEST_P(StepRolesTest, FollowUpAndMilestones) {
  ApproveAPlanWithMilestones();
  const absl::CivilDay today = driver_->today();
  Only(FollowUpRoles(), ScheduleFollowUp(kCase, today + 10));
  Only(FollowUpRoles(),
       RecordFollowUp(kCase, today, v1::FOLLOW_UP_RESULT_NOT_RESOLVED));
  Only(FollowUpRoles(), RecordMilestone(kCase, 1, false));
}

// "care director and administration director decide whether a deficiency
// moves up a step".
TEST_P(StepRolesTest, EscalateCase) {
  driver_->RequestPlan().SubmitPlan().Reject();
  const v1::EscalationStep next =
      domain::FindStep(CaseState().regiform, GetParam().step)->next;
  Only(GetParam().escalators, EscalateTo(kCase, next, driver_->today()));
}

// The care director "may propose escalation", and so may U&U.
TEST_P(StepRolesTest, ProposeEscalation) {
  driver_->RequestPlan().SubmitPlan().Reject();
  Only({kCareDirector, kOfficer}, ProposeEscalation(kCase));
}

INSTANTIATE_TEST_SUITE_P(EveryStepWithAPlan, StepRolesTest,
                         ::testing::ValuesIn(kStepRoles),
                         [](const ::testing::TestParamInfo<StepRoles>& info) {
                           return std::string(info.param.name);
                         });

// ---- Step 4 ----------------------------------------------------------------

class Step4Test : public CaseTest {};

// Municipal: "consequences decided by the care director together with the
// administration director" — both decisions kept, and the case closes.
TEST_F(Step4Test, MunicipalConsequencesNeedBothDecisionsAndCloseTheCase) {
  CaseDriver driver = CaseAtStep(world_, kCase, false, ESCALATION_STEP_4);
  const absl::CivilDay today = driver.today();
  const v1::Command decide = DecideConsequence(kCase, today, true);
  v1::Event decided;
  v1::ConsequenceDecided* d = decided.mutable_consequence_decided();
  d->set_case_id(kCase);
  *d->mutable_care_director_decision() =
      decide.decide_consequence().care_director_decision();
  *d->mutable_administration_director_decision() =
      decide.decide_consequence().administration_director_decision();
  d->set_consequences(decide.decide_consequence().consequences());
  v1::Event closed;
  v1::CaseClosed* c = closed.mutable_case_closed();
  c->set_case_id(kCase);
  c->set_closure(v1::CASE_CLOSURE_CONSEQUENCE_DECIDED);
  c->set_note(decide.decide_consequence().consequences());
  *c->mutable_closed_on() = D(today);
  Given(world_)
      .As(CareDirector())
      .On(today)
      .When(decide)
      .Then({decided, closed});

  v1::Command without_care = decide;
  without_care.mutable_decide_consequence()->clear_care_director_decision();
  Given(world_)
      .As(AdministrationDirector())
      .On(today)
      .When(without_care)
      .ThenFails(StatusCode::kInvalidArgument,
                 "care_director_decision.decision_maker");
  v1::Command without_admin = decide;
  without_admin.mutable_decide_consequence()
      ->clear_administration_director_decision();
  Given(world_)
      .As(CareDirector())
      .On(today)
      .When(without_admin)
      .ThenFails(StatusCode::kInvalidArgument,
                 "administration_director_decision.decision_maker");
  v1::Command no_text = decide;
  no_text.mutable_decide_consequence()->clear_consequences();
  Given(world_)
      .As(CareDirector())
      .On(today)
      .When(no_text)
      .ThenFails(StatusCode::kInvalidArgument, "consequences");
  v1::Command incomplete = decide;
  incomplete.mutable_decide_consequence()
      ->mutable_care_director_decision()
      ->clear_reference_number();
  Given(world_)
      .As(CareDirector())
      .On(today)
      .When(incomplete)
      .ThenFails(StatusCode::kInvalidArgument,
                 "care_director_decision.reference_number");

  ExpectOnlyRoles(world_, {kCareDirector, kAdminDirector}, kMunicipalProvider,
                  today, decide);
}

// Interpretation: a private provider's step 4 may also end in a consequence
// decision, the administration director's alone.
TEST_F(Step4Test, PrivateConsequencesAreTheAdministrationDirectorsAlone) {
  CaseDriver driver = CaseAtStep(world_, kCase, true, ESCALATION_STEP_4);
  const absl::CivilDay today = driver.today();
  ExpectOnlyRoles(world_, {kAdminDirector}, kPrivateProvider, today,
                  DecideConsequence(kCase, today, false));
  Given(world_)
      .As(AdministrationDirector())
      .On(today)
      .When(DecideConsequence(kCase, today, true))
      .ThenFails(StatusCode::kInvalidArgument, "care_director_decision");
}

// Consequences are decided at step 4 only.
TEST_F(Step4Test, ConsequencesOnlyAtStep4) {
  CaseDriver driver = CaseAtStep(world_, kCase, false, ESCALATION_STEP_3);
  driver.RequestPlan().SubmitPlan().Reject();
  Given(world_)
      .As(CareDirector())
      .On(driver.today())
      .When(DecideConsequence(kCase, driver.today(), true))
      .ThenFails(StatusCode::kFailedPrecondition, "case_id");
}

class ContractTerminationTest : public CaseTest {
 protected:
  // A private case escalated to step 4 after failed plans, and its
  // provider's contract terminated referencing it.
  void Arrange(bool terminate = true) {
    driver_ = std::make_unique<CaseDriver>(
        CaseAtStep(world_, kCase, true, ESCALATION_STEP_4));
    if (terminate) {
      world_.MustRun(AdministrationDirector(), today(),
                     TerminateContract(kContract, {kCase}, today()));
    }
  }
  absl::CivilDay today() const { return driver_->today(); }
  std::unique_ptr<CaseDriver> driver_;
};

// Private step 4: "the contract may be terminated"; the case closes on the
// terminated contract.
TEST_F(ContractTerminationTest, ClosesOnTheTerminatedContract) {
  Arrange();
  const v1::Command close =
      CloseCase(kCase, v1::CASE_CLOSURE_CONTRACT_TERMINATED, kContract);
  v1::Event expected;
  v1::CaseClosed* c = expected.mutable_case_closed();
  c->set_case_id(kCase);
  c->set_closure(v1::CASE_CLOSURE_CONTRACT_TERMINATED);
  c->set_note(close.close_case().note());
  *c->mutable_closed_on() = D(today());
  c->set_contract_id(kContract);
  Given(world_)
      .As(AdministrationDirector())
      .On(today())
      .When(close)
      .Then({expected});
  // The administration director records it; the policy does so as SYSTEM.
  ExpectOnlyRoles(world_, {kAdminDirector, v1::ROLE_SYSTEM}, kPrivateProvider,
                  today(), close);
}

// The policy on ContractTerminated closes every referenced case.
TEST_F(ContractTerminationTest, TheTerminationPolicyClosesTheCase) {
  Arrange();
  std::vector<v1::Event> closed = world_.RunPolicies(kTenant, today());
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].case_closed().closure(),
            v1::CASE_CLOSURE_CONTRACT_TERMINATED);
  EXPECT_EQ(CaseState().status, domain::CaseStatus::kClosed);
}

TEST_F(ContractTerminationTest, TheContractMustBeTerminated) {
  Arrange(/*terminate=*/false);
  Given(world_)
      .As(AdministrationDirector())
      .On(today())
      .When(CloseCase(kCase, v1::CASE_CLOSURE_CONTRACT_TERMINATED, kContract))
      .ThenFails(StatusCode::kFailedPrecondition, "contract_id");
}

TEST_F(ContractTerminationTest, TheContractMustExistAndBeNamed) {
  Arrange();
  Given(world_)
      .As(AdministrationDirector())
      .On(today())
      .When(CloseCase(kCase, v1::CASE_CLOSURE_CONTRACT_TERMINATED, "okant"))
      .ThenFails(StatusCode::kNotFound, "contract_id");
  Given(world_)
      .As(AdministrationDirector())
      .On(today())
      .When(CloseCase(kCase, v1::CASE_CLOSURE_CONTRACT_TERMINATED))
      .ThenFails(StatusCode::kInvalidArgument, "contract_id");
  Given(world_)
      .As(AdministrationDirector())
      .On(today())
      .When(CloseCase(kCase, v1::CASE_CLOSURE_REGISTERED_IN_ERROR, kContract))
      .ThenFails(StatusCode::kInvalidArgument, "contract_id");
}

// "needs a terminated contract of the same provider".
TEST_F(ContractTerminationTest, TheContractMustBeTheCaseProviders) {
  Arrange(/*terminate=*/false);
  constexpr char kOtherContract[] = "avtal-annat-bolag";
  v1::Event registered;
  registered.mutable_contract_registered()->set_contract_id(kOtherContract);
  *registered.mutable_contract_registered()->mutable_terms() =
      Terms(kOtherProvider, Day(2025, 1, 1), Day(2027, 12, 31));
  v1::Event terminated;
  v1::ContractTerminated* t = terminated.mutable_contract_terminated();
  t->set_contract_id(kOtherContract);
  t->set_kind(v1::SANCTION_KIND_IMMEDIATE_TERMINATION);
  *t->mutable_effective_on() = D(today());
  *t->mutable_decision() = DecisionOn(today());
  t->set_grounds("Väsentligt avtalsbrott.");
  world_.Append(
      domain::StreamId(kTenant, {.kind = domain::AggregateKind::kContract,
                                 .id = kOtherContract}),
      {registered, terminated});
  ASSERT_EQ(world_.Contract(kTenant, kOtherContract).status,
            domain::ContractState::Status::kTerminated);
  Given(world_)
      .As(AdministrationDirector())
      .On(today())
      .When(CloseCase(kCase, v1::CASE_CLOSURE_CONTRACT_TERMINATED,
                      kOtherContract))
      .ThenFails(StatusCode::kFailedPrecondition, "contract_id");
}

// "Egen regi units have no contract".
TEST_F(ContractTerminationTest, MunicipalCasesHaveNoContract) {
  Arrange();
  CaseAtStep(world_, "kommunal", false, ESCALATION_STEP_4);
  Given(world_)
      .As(AdministrationDirector())
      .On(today())
      .When(CloseCase("kommunal", v1::CASE_CLOSURE_CONTRACT_TERMINATED,
                      kContract))
      .ThenFails(StatusCode::kFailedPrecondition, "closure");
}

// Interpretation: "a terminated contract accepts no further commands", so
// a case of the provider closes on the termination at whatever step it
// stands (the contract decider demands that the case failed a step).
TEST_F(ContractTerminationTest, ClosesTheCaseAtAnEarlierStepToo) {
  CaseDriver driver(world_, kCase, true);
  driver.Register().RequestPlan().SubmitPlan().Reject();
  world_.MustRun(AdministrationDirector(), driver.today(),
                 TerminateContract(kContract, {kCase}, driver.today()));
  ASSERT_EQ(CaseState().step, ESCALATION_STEP_1);
  const v1::Command close =
      CloseCase(kCase, v1::CASE_CLOSURE_CONTRACT_TERMINATED, kContract);
  v1::Event expected;
  v1::CaseClosed* c = expected.mutable_case_closed();
  c->set_case_id(kCase);
  c->set_closure(v1::CASE_CLOSURE_CONTRACT_TERMINATED);
  c->set_note("Avslutas enligt beslut.");
  *c->mutable_closed_on() = D(driver.today());
  c->set_contract_id(kContract);
  Given(world_)
      .As(AdministrationDirector())
      .On(driver.today())
      .When(close)
      .Then({expected});
  world_.MustRun(AdministrationDirector(), driver.today(), close);
  EXPECT_EQ(CaseState().status, domain::CaseStatus::kClosed);
  EXPECT_EQ(CaseState().step, ESCALATION_STEP_1);
}

}  // namespace
}  // namespace atgard::testing
