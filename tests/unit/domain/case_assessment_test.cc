// The assessment (värdering): six questions answered for every decision,
// what an approval needs (no extra compensation among it), and what a
// revision or a rejection does. services/domain/RULES_CASE.md#assessment.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "absl/strings/str_cat.h"
#include "services/domain/calendar.h"
#include "services/domain/dates.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/given_when_then.h"
#include "tests/unit/domain/case_scenarios.h"

namespace atgard::testing {
namespace {

using absl::StatusCode;

void Name(v1::Assessment& a, v1::AssessmentCriterion criterion) {
  v1::AssessmentFinding* f = a.add_findings();
  f->set_criterion(criterion);
  f->set_comment("Bedömningen motiveras i värderingen.");
}

class AssessPlanTest : public CaseTest {
 protected:
  // A private case whose step-1 plan (with or without a request for extra
  // compensation) waits for its assessment.
  void Arrange(bool extra_compensation = false) {
    driver_.Register().RequestPlan();
    v1::ActionPlan plan = Plan(CompleteBy());
    if (extra_compensation) {
      plan.set_requests_extra_compensation(true);
      plan.set_extra_compensation_note("Två extra tjänster i fyra månader.");
    }
    world_.MustRun(ProviderStaff(kPrivateProvider), driver_.today(),
                   SubmitPlan(kCase, plan));
    driver_.Wait(1);
  }
  absl::CivilDay today() const { return driver_.today(); }
  absl::CivilDay CompleteBy() const {
    return domain::DayOf(CaseState().request.request().complete_by());
  }
  Outcome Assess(const v1::Assessment& a) const {
    return Given(world_)
        .As(FollowUpOfficer())
        .On(today())
        .When(AssessPlan(kCase, a));
  }
  void ExpectAccepted(const v1::Assessment& a) const {
    Outcome outcome = Assess(a);
    EXPECT_TRUE(outcome.result().ok()) << outcome.result().status();
  }

  CaseDriver driver_{world_, kCase, true};
};

// The assessment is kept with the round, the revision and the step it
// judged; an approval starts the implementation of the plan's actions.
TEST_F(AssessPlanTest, ApprovalStartsImplementation) {
  Arrange();
  v1::Event expected;
  v1::PlanAssessed* e = expected.mutable_plan_assessed();
  e->set_case_id(kCase);
  e->set_round(1);
  e->set_revision(0);
  *e->mutable_assessment() = Approval();
  *e->mutable_assessed_on() = D(today());
  e->set_step(v1::ESCALATION_STEP_1);
  Assess(Approval()).Then({expected});
  world_.MustRun(FollowUpOfficer(), today(), AssessPlan(kCase, Approval()));
  EXPECT_EQ(CaseState().status, domain::CaseStatus::kImplementing);
  EXPECT_EQ(CaseState().actions.size(), 2u);
}

// "six questions, all answered": yes/no to 1, 2, 4, 5, 6 and free text to
// 3, whatever the decision.
TEST_F(AssessPlanTest, AllSixQuestionsMustBeAnswered) {
  Arrange();
  struct Question {
    const char* field;
    std::function<void(v1::Assessment&)> clear;
  };
  const Question questions[] = {
      {"assessment.sufficient.answer",
       [](v1::Assessment& a) { a.mutable_sufficient()->clear_answer(); }},
      {"assessment.clear_effect.answer",
       [](v1::Assessment& a) { a.mutable_clear_effect()->clear_answer(); }},
      {"assessment.side_effects",
       [](v1::Assessment& a) { a.clear_side_effects(); }},
      {"assessment.realistic_resources.answer",
       [](v1::Assessment& a) {
         a.mutable_realistic_resources()->clear_answer();
       }},
      {"assessment.realistic_compensation.answer",
       [](v1::Assessment& a) {
         a.mutable_realistic_compensation()->clear_answer();
       }},
      {"assessment.external_conditions.answer",
       [](v1::Assessment& a) {
         a.mutable_external_conditions()->clear_answer();
       }},
  };
  for (const Question& q : questions) {
    for (const v1::Assessment& base : {Approval(), Rejection()}) {
      SCOPED_TRACE(absl::StrCat(q.field, " ", base.decision()));
      v1::Assessment a = base;
      q.clear(a);
      Assess(a).ThenFails(StatusCode::kInvalidArgument, q.field);
    }
  }
  v1::Assessment unknown = Approval();
  unknown.mutable_sufficient()->set_answer(static_cast<v1::Answer>(3));
  Assess(unknown).ThenFails(StatusCode::kInvalidArgument,
                            "assessment.sufficient.answer");
}

TEST_F(AssessPlanTest, DecisionIsRequired) {
  Arrange();
  v1::Assessment a = Approval();
  a.clear_decision();
  Assess(a).ThenFails(StatusCode::kInvalidArgument, "assessment.decision");
}

// "approval needs yes to 1, 2, 4, 5".
TEST_F(AssessPlanTest, ApprovalNeedsYesToQuestions1245) {
  Arrange();
  const std::function<v1::AnsweredQuestion*(v1::Assessment&)> questions[] = {
      [](v1::Assessment& a) { return a.mutable_sufficient(); },
      [](v1::Assessment& a) { return a.mutable_clear_effect(); },
      [](v1::Assessment& a) { return a.mutable_realistic_resources(); },
      [](v1::Assessment& a) { return a.mutable_realistic_compensation(); },
  };
  for (const auto& question : questions) {
    v1::Assessment a = Approval();
    question(a)->set_answer(v1::ANSWER_NO);
    SCOPED_TRACE(a.ShortDebugString());
    Assess(a).ThenFails(StatusCode::kInvalidArgument, "assessment.decision");
  }
}

// "no to 6 (or a written justification)".
TEST_F(AssessPlanTest, YesTo6NeedsAWrittenJustification) {
  Arrange();
  v1::Assessment a = Approval();
  a.mutable_external_conditions()->set_answer(v1::ANSWER_YES);
  Assess(a).ThenFails(StatusCode::kInvalidArgument, "assessment.decision");
  a.set_external_conditions_justification(
      "Rekryteringsläget påverkar, men planen har en reserv för det.");
  ExpectAccepted(a);
}

// "Reaching the quality level already agreed must not cost the
// municipality extra: a plan that asks for extra compensation cannot be
// approved as it is." Interpretation: refused as FAILED_PRECONDITION (the
// plan, not the assessment, stands in the way).
TEST_F(AssessPlanTest, PlanAskingForExtraCompensationIsNotApproved) {
  Arrange(/*extra_compensation=*/true);
  Assess(Approval())
      .ThenFails(StatusCode::kFailedPrecondition, "assessment.decision");
}

// ... and a non-approval of such a plan names the request as a failing
// criterion.
TEST_F(AssessPlanTest, NonApprovalNamesTheExtraCompensation) {
  Arrange(/*extra_compensation=*/true);
  v1::Assessment a = Rejection();
  Assess(a).ThenFails(StatusCode::kInvalidArgument, "assessment.findings");
  Name(a, v1::ASSESSMENT_CRITERION_EXTRA_COMPENSATION);
  ExpectAccepted(a);
  v1::Assessment revision = RevisionRequired(today() + 5);
  Name(revision, v1::ASSESSMENT_CRITERION_EXTRA_COMPENSATION);
  ExpectAccepted(revision);
}

TEST_F(AssessPlanTest, ApprovalNamesNoFindings) {
  Arrange();
  v1::Assessment a = Approval();
  Name(a, v1::ASSESSMENT_CRITERION_SIDE_EFFECTS);
  Assess(a).ThenFails(StatusCode::kInvalidArgument, "assessment.findings");
}

// "a non-approval names the failing questions with comments": every one.
TEST_F(AssessPlanTest, NonApprovalNamesEveryFailingQuestion) {
  Arrange();
  v1::Assessment a = Rejection();  // question 1 no, named
  a.mutable_realistic_resources()->set_answer(v1::ANSWER_NO);
  a.mutable_external_conditions()->set_answer(v1::ANSWER_YES);
  Assess(a).ThenFails(StatusCode::kInvalidArgument, "assessment.findings");
  Name(a, v1::ASSESSMENT_CRITERION_REALISTIC_RESOURCES);
  Assess(a).ThenFails(StatusCode::kInvalidArgument, "assessment.findings");
  Name(a, v1::ASSESSMENT_CRITERION_EXTERNAL_CONDITIONS);
  ExpectAccepted(a);
}

TEST_F(AssessPlanTest, NonApprovalWithoutFindingsIsRefused) {
  Arrange();
  for (v1::Assessment a : {Rejection(), RevisionRequired(today() + 5)}) {
    a.clear_findings();
    Assess(a).ThenFails(StatusCode::kInvalidArgument, "assessment.findings");
  }
}

TEST_F(AssessPlanTest, EveryFindingHasAComment) {
  Arrange();
  v1::Assessment a = Rejection();
  a.mutable_findings(0)->clear_comment();
  Assess(a).ThenFails(StatusCode::kInvalidArgument,
                      "assessment.findings[0].comment");
}

// Interpretation: a finding names a criterion that fails by the answers
// given (the free-text side-effects question may always be named), and
// each at most once.
TEST_F(AssessPlanTest, FindingsNameOnlyFailingCriteriaOnce) {
  Arrange();
  v1::Assessment a = Rejection();
  Name(a, v1::ASSESSMENT_CRITERION_CLEAR_EFFECT);
  Assess(a).ThenFails(StatusCode::kInvalidArgument,
                      "assessment.findings[1].criterion");
  a = Rejection();
  Name(a, v1::ASSESSMENT_CRITERION_SUFFICIENT);
  Assess(a).ThenFails(StatusCode::kInvalidArgument,
                      "assessment.findings[1].criterion");
  a = Rejection();
  Name(a, v1::ASSESSMENT_CRITERION_SIDE_EFFECTS);
  ExpectAccepted(a);
}

// REJECTED: "the step has failed".
TEST_F(AssessPlanTest, RejectionFailsTheStep) {
  Arrange();
  world_.MustRun(FollowUpOfficer(), today(), AssessPlan(kCase, Rejection()));
  EXPECT_EQ(CaseState().status, domain::CaseStatus::kOpen);
  EXPECT_EQ(CaseState().failure, v1::STEP_FAILURE_PLAN_REJECTED);
  EXPECT_EQ(CaseState().step, v1::ESCALATION_STEP_1);
}

// REVISION_REQUIRED "with a new submit_by": the provider submits again,
// due on that date.
TEST_F(AssessPlanTest, RevisionRequiredSetsTheNewSubmitBy) {
  Arrange();
  const absl::CivilDay new_submit_by = today() + 7;
  world_.MustRun(FollowUpOfficer(), today(),
                 AssessPlan(kCase, RevisionRequired(new_submit_by)));
  EXPECT_EQ(CaseState().status, domain::CaseStatus::kRevisionRequested);
  EXPECT_EQ(CaseState().submit_due, new_submit_by);
  EXPECT_EQ(CaseState().failure, v1::STEP_FAILURE_UNSPECIFIED);
}

// The new date is required, in the future and before complete_by (the
// plan is approved before the work is due), and only for a revision.
TEST_F(AssessPlanTest, NewSubmitByRules) {
  Arrange();
  v1::Assessment a = RevisionRequired(today() + 7);
  a.clear_new_submit_by();
  Assess(a).ThenFails(StatusCode::kInvalidArgument, "assessment.new_submit_by");
  Assess(RevisionRequired(today()))
      .ThenFails(StatusCode::kInvalidArgument, "assessment.new_submit_by");
  Assess(RevisionRequired(CompleteBy()))
      .ThenFails(StatusCode::kInvalidArgument, "assessment.new_submit_by");
  ExpectAccepted(RevisionRequired(CompleteBy() - 1));
  v1::Assessment rejection = Rejection();
  *rejection.mutable_new_submit_by() = D(today() + 7);
  Assess(rejection).ThenFails(StatusCode::kInvalidArgument,
                              "assessment.new_submit_by");
  v1::Assessment approval = Approval();
  *approval.mutable_new_submit_by() = D(today() + 7);
  Assess(approval).ThenFails(StatusCode::kInvalidArgument,
                             "assessment.new_submit_by");
}

// The revised plan is assessed as the next revision of the same round.
TEST_F(AssessPlanTest, TheRevisionIsAssessedAsSuch) {
  Arrange();
  world_.MustRun(FollowUpOfficer(), today(),
                 AssessPlan(kCase, RevisionRequired(today() + 7)));
  world_.MustRun(ProviderStaff(kPrivateProvider), today() + 3,
                 SubmitPlan(kCase, Plan(CompleteBy())));
  Outcome outcome = Given(world_)
                        .As(FollowUpOfficer())
                        .On(today() + 4)
                        .When(AssessPlan(kCase, Approval()));
  ASSERT_TRUE(outcome.result().ok()) << outcome.result().status();
  ASSERT_EQ(outcome.result()->size(), 1u);
  EXPECT_EQ((*outcome.result())[0].plan_assessed().round(), 1);
  EXPECT_EQ((*outcome.result())[0].plan_assessed().revision(), 1);
}

// A plan is assessed once it has been submitted, and once per revision.
TEST_F(AssessPlanTest, OnlyASubmittedPlanIsAssessed) {
  driver_.Register().RequestPlan();
  Given(world_)
      .As(FollowUpOfficer())
      .On(today())
      .When(AssessPlan(kCase, Approval()))
      .ThenFails(StatusCode::kFailedPrecondition, "case_id");
  world_.MustRun(ProviderStaff(kPrivateProvider), today(),
                 SubmitPlan(kCase, Plan(CompleteBy())));
  world_.MustRun(FollowUpOfficer(), today(), AssessPlan(kCase, Approval()));
  Given(world_)
      .As(FollowUpOfficer())
      .On(today())
      .When(AssessPlan(kCase, Rejection()))
      .ThenFails(StatusCode::kFailedPrecondition, "case_id");
}

}  // namespace
}  // namespace atgard::testing
