// A command that already took effect yields no events when repeated, so
// callers may retry; a closed case accepts nothing (CaseClosed is final).
// services/domain/RULES.md#idempotency and
// services/domain/RULES_CASE.md#closing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/domain/case_decider.h"
#include "services/domain/dates.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/given_when_then.h"
#include "tests/unit/domain/case_scenarios.h"

namespace atgard::testing {
namespace {

using absl::StatusCode;

class CaseCommandRepeatTest
    : public CaseTest,
      public ::testing::WithParamInterface<CaseCommandCase> {};

// Every case command, once it took effect, yields nothing when repeated:
// at once, by the same principal, and days later (a retry after an
// outage), and the case is left as it was.
TEST_P(CaseCommandRepeatTest, RepeatingACommandThatTookEffectYieldsNothing) {
  const Situation s = GetParam().arrange(world_, kCase);
  const std::vector<v1::Event> first =
      world_.MustRun(s.actor, s.day, s.command);
  ASSERT_FALSE(first.empty());
  const size_t length = CaseStream().size();
  Given(world_).As(s.actor).On(s.day).When(s.command).ThenNothing();
  Given(world_).As(s.actor).On(s.day + 3).When(s.command).ThenNothing();
  EXPECT_EQ(CaseStream().size(), length);
}

INSTANTIATE_TEST_SUITE_P(EveryCaseCommand, CaseCommandRepeatTest,
                         ::testing::ValuesIn(EveryCaseCommand()),
                         CaseCommandName());

// A repeat is the same command: a changed one is judged afresh (here, a
// second follow-up schedule moves the day, a second progress report with
// another light is a new report).
class RepeatTest : public CaseTest {};

TEST_F(RepeatTest, AChangedCommandIsNotARepeat) {
  const Situation s =
      CaseCommandNamed("ReportActionProgress").arrange(world_, kCase);
  world_.MustRun(s.actor, s.day, s.command);
  Outcome changed = Given(world_).As(s.actor).On(s.day).When(
      ReportProgress(kCase, 1, v1::TRAFFIC_LIGHT_GREEN));
  ASSERT_TRUE(changed.result().ok()) << changed.result().status();
  EXPECT_EQ(changed.result()->size(), 1u);
}

// The step's role rule holds for a repeat too: a tenant-wide role that
// the step does not allow is refused, not told that the content matched.
TEST_F(RepeatTest, ARepeatByARoleTheStepDoesNotAllowIsRefused) {
  const Situation s = CaseCommandNamed("RequestPlan").arrange(world_, kCase);
  world_.MustRun(s.actor, s.day, s.command);
  Given(world_)
      .As(CareDirector())
      .On(s.day)
      .When(s.command)
      .ThenFails(StatusCode::kPermissionDenied);
}

// A repeated escalation is judged at the step it left: the care director
// who escalated a municipal case from step 1 to 2 may repeat it, though
// only the administration director escalates from step 2.
TEST_F(RepeatTest, ARepeatedEscalationIsJudgedAtTheStepItLeft) {
  CaseDriver driver(world_, "kommunal", /*private_provider=*/false);
  driver.Register().RequestPlan().SubmitPlan().Reject();
  const v1::Command escalate =
      Escalate("kommunal", v1::ESCALATION_STEP_2, driver.today());
  world_.MustRun(CareDirector(), driver.today(), escalate);
  Given(world_)
      .As(CareDirector())
      .On(driver.today())
      .When(escalate)
      .ThenNothing();
}

class ClosedCaseTest : public CaseTest,
                       public ::testing::WithParamInterface<CaseCommandCase> {};

// "closed cases accept nothing": given the situation in which the command
// would be accepted, followed by the case's closure, it is refused.
TEST_P(ClosedCaseTest, AcceptsNothing) {
  const Situation s = GetParam().arrange(world_, kCase);
  std::vector<v1::Event> history = CaseStream();
  v1::Event closed;
  v1::CaseClosed* c = closed.mutable_case_closed();
  c->set_case_id(kCase);
  c->set_closure(v1::CASE_CLOSURE_RESOLVED);
  c->set_note("Uppföljningen visar att bristen är åtgärdad.");
  *c->mutable_closed_on() = D(s.day);
  history.push_back(closed);
  Given(history, &world_)
      .As(s.actor)
      .On(s.day)
      .When(s.command)
      .ThenFails(StatusCode::kFailedPrecondition, "case_id");
}

std::vector<CaseCommandCase> ExistingCaseCommands() {
  std::vector<CaseCommandCase> commands;
  for (const CaseCommandCase& c : EveryCaseCommand()) {
    if (c.existing_case) commands.push_back(c);
  }
  return commands;
}

INSTANTIATE_TEST_SUITE_P(EveryCaseCommand, ClosedCaseTest,
                         ::testing::ValuesIn(ExistingCaseCommands()),
                         CaseCommandName());

// Every way of closing is final: after it, every other command is
// refused, while the closing command itself is a repeat.
class ClosureTest : public CaseTest {};

TEST_F(ClosureTest, EveryClosureIsFinal) {
  const char* closings[] = {
      "RecordFollowUpResolved",      "DecideConsequenceMunicipal",
      "DecideConsequencePrivate",    "CloseCaseRegisteredInError",
      "CloseCaseSystemLevelHandled", "CloseCaseContractTerminated"};
  int n = 0;
  for (const char* name : closings) {
    SCOPED_TRACE(name);
    const std::string id = absl::StrCat("stangd-", ++n);
    const Situation s = CaseCommandNamed(name).arrange(world_, id);
    world_.MustRun(s.actor, s.day, s.command);
    ASSERT_EQ(world_.Case(kTenant, id).status, domain::CaseStatus::kClosed);
    Given(world_).As(s.actor).On(s.day).When(s.command).ThenNothing();
    v1::Command close_again =
        CloseCase(id, v1::CASE_CLOSURE_REGISTERED_IN_ERROR);
    close_again.mutable_close_case()->set_note("Stängs på nytt.");
    Given(world_)
        .As(FollowUpOfficer())
        .On(s.day)
        .When(close_again)
        .ThenFails(StatusCode::kFailedPrecondition, "case_id");
    Given(world_)
        .As(AdministrationDirector())
        .On(s.day)
        .When(Escalate(id, v1::ESCALATION_STEP_4, s.day))
        .ThenFails(StatusCode::kFailedPrecondition, "case_id");
    Given(world_)
        .As(FollowUpOfficer())
        .On(s.day)
        .When(RecordFollowUp(id, s.day, v1::FOLLOW_UP_RESULT_NOT_RESOLVED))
        .ThenFails(StatusCode::kFailedPrecondition, "case_id");
    EXPECT_TRUE(domain::DueCaseDeadlines(world_.Case(kTenant, id), s.day + 400)
                    .empty());
  }
}

}  // namespace
}  // namespace atgard::testing
