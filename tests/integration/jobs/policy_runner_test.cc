// The policy process manager against a real event store: each triggering
// event leads to its commands once, as SYSTEM; a restart resumes from the
// stored checkpoint, and re-processing from an earlier position (a lost or
// reset checkpoint) writes nothing new.
#include "services/jobs/policy_runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/domain/calendar.h"
#include "tests/integration/app/command_env.h"

namespace atgard::testing {
namespace {

using ::testing::SizeIs;

class PolicyRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(domain::LoadStockholmTimeZone().ok());
    env_.SeedProviders();
    env_.SetDay(Day(2026, 2, 10));
    // The registrations call for follow-up plan commands (refused: no plan
    // is adopted); processed here, so that each test counts its own.
    seed_commands_ = RunAvailable(*NewRunner());
  }

  std::unique_ptr<jobs::PolicyRunner> NewRunner(
      std::string checkpoint = "policies") {
    return std::make_unique<jobs::PolicyRunner>(
        &env_.log(), &env_.handler(), nullptr,
        jobs::PolicyRunner::Options{.checkpoint = std::move(checkpoint),
                                    .poll = absl::Milliseconds(20)});
  }

  size_t RunAvailable(jobs::PolicyRunner& runner) {
    absl::StatusOr<size_t> issued = runner.RunAvailable();
    EXPECT_TRUE(issued.ok()) << issued.status();
    return issued.ok() ? *issued : 0;
  }

  // Records the indicator red in `year` (measured in January after it).
  void RedYear(int year, absl::string_view indicator = "kontinuitet") {
    env_.MustRun(FollowUpOfficer(),
                 RecordMeasurement(absl::StrCat(indicator, "-", year),
                                   kPrivateProvider, kPrivateUnit, indicator,
                                   year, Day(year + 1, 1, 20), /*red=*/true));
  }

  // Every event of `type` in the log.
  std::vector<v1::EventEnvelope> OfType(absl::string_view type) {
    std::vector<v1::EventEnvelope> out;
    for (v1::EventEnvelope& e : env_.Log()) {
      if (e.event_type() == type) out.push_back(std::move(e));
    }
    return out;
  }

  // A case of the private provider whose plan was rejected (a failed step,
  // which a sanction or termination must name).
  void FailedCase(absl::string_view case_id) {
    env_.MustRun(FollowUpOfficer(), RegisterCase(case_id, kPrivateProvider,
                                                 kPrivateUnit, env_.day() - 7));
    const v1::PlanRequest request = Request(env_.day());
    env_.MustRun(FollowUpOfficer(), RequestPlan(case_id, request));
    env_.MustRun(
        ProviderStaff(kPrivateProvider),
        SubmitPlan(case_id, Plan(domain::DayOf(request.complete_by()))));
    env_.MustRun(FollowUpOfficer(), AssessPlan(case_id, Rejection()));
  }

  CommandEnv env_;
  // The policy commands the seeded registrations call for.
  size_t seed_commands_ = 0;
};

TEST_F(PolicyRunnerTest, RedTwoYearsRunningOpensOneCase) {
  RedYear(2024);
  std::unique_ptr<jobs::PolicyRunner> runner = NewRunner();
  // The result is noted for the unit; one red year opens no case.
  EXPECT_EQ(RunAvailable(*runner), 1u);
  EXPECT_THAT(OfType("CaseRegistered"), SizeIs(0));

  RedYear(2025);
  const std::vector<v1::EventEnvelope> triggers =
      OfType("IndicatorRedTwoYearsRunning");
  ASSERT_THAT(triggers, SizeIs(1));
  EXPECT_EQ(RunAvailable(*runner), 2u);  // the result noted, the case
  EXPECT_EQ(RunAvailable(*runner), 0u);

  const std::vector<v1::EventEnvelope> cases = OfType("CaseRegistered");
  ASSERT_THAT(cases, SizeIs(1));
  const v1::EventEnvelope& opened = cases[0];
  EXPECT_EQ(opened.metadata().actor_role(), "SYSTEM");
  EXPECT_EQ(opened.metadata().tenant(), kTenant);
  const std::string trigger =
      absl::StrCat(triggers[0].stream_id(), "@", triggers[0].stream_version());
  EXPECT_EQ(opened.metadata().causation_id(), trigger);
  const v1::CaseRegistered registered = Decoded(opened).case_registered();
  EXPECT_EQ(registered.triggered_by(), trigger);
  EXPECT_EQ(registered.deficiency().source(),
            v1::DEFICIENCY_SOURCE_MEASUREMENT);
  EXPECT_EQ(registered.deficiency().provider_id(), kPrivateProvider);
  EXPECT_EQ(registered.deficiency().unit_id(), kPrivateUnit);
  // Past everything examined, its own case included.
  EXPECT_EQ(runner->checkpoint(), env_.store().HeadPosition());
}

TEST_F(PolicyRunnerTest, BaseRequirementNotMetOpensACase) {
  env_.MustRun(FollowUpOfficer(),
               RecordMeasurement("grundkrav-1", kPrivateProvider, kPrivateUnit,
                                 "genomforandeplan", 2025, Day(2026, 1, 20),
                                 /*red=*/true, /*base_requirement=*/true));
  std::unique_ptr<jobs::PolicyRunner> runner = NewRunner();
  EXPECT_EQ(RunAvailable(*runner), 2u);  // the result noted, the case
  const std::vector<v1::EventEnvelope> cases = OfType("CaseRegistered");
  ASSERT_THAT(cases, SizeIs(1));
  EXPECT_EQ(cases[0].metadata().actor_role(), "SYSTEM");
  const v1::CaseRegistered registered = Decoded(cases[0]).case_registered();
  EXPECT_EQ(registered.deficiency().source(),
            v1::DEFICIENCY_SOURCE_BASE_REQUIREMENT);
  EXPECT_FALSE(registered.triggered_by().empty());
}

TEST_F(PolicyRunnerTest, ContractTerminatedClosesTheCasesItNames) {
  FailedCase("arende-1");
  FailedCase("arende-2");
  FailedCase("arende-3");  // not named: stays open
  env_.MustRun(
      AdministrationDirector(),
      TerminateContract(kContract, {"arende-1", "arende-2"}, env_.day()));
  std::unique_ptr<jobs::PolicyRunner> runner = NewRunner();
  EXPECT_EQ(RunAvailable(*runner), 2u);

  const std::vector<v1::EventEnvelope> closed = OfType("CaseClosed");
  ASSERT_THAT(closed, SizeIs(2));
  std::set<std::string> streams;
  for (const v1::EventEnvelope& e : closed) {
    streams.insert(e.stream_id());
    EXPECT_EQ(e.metadata().actor_role(), "SYSTEM");
    const v1::CaseClosed c = Decoded(e).case_closed();
    EXPECT_EQ(c.closure(), v1::CASE_CLOSURE_CONTRACT_TERMINATED);
    EXPECT_EQ(c.contract_id(), kContract);
  }
  EXPECT_EQ(streams,
            (std::set<std::string>{CommandEnv::CaseStream("arende-1"),
                                   CommandEnv::CaseStream("arende-2")}));
  EXPECT_EQ(RunAvailable(*runner), 0u);
}

TEST_F(PolicyRunnerTest, RestartResumesFromTheStoredCheckpoint) {
  RedYear(2024);
  RedYear(2025);
  {
    std::unique_ptr<jobs::PolicyRunner> runner = NewRunner();
    EXPECT_EQ(RunAvailable(*runner), 3u);  // two results noted, the case
  }
  const uint64_t head = env_.store().HeadPosition();
  absl::StatusOr<uint64_t> stored = env_.store().GetCheckpoint("policies");
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(*stored, head);

  // A new runner on the same store, and one after reopening it: both
  // start at the checkpoint and have nothing to do.
  {
    std::unique_ptr<jobs::PolicyRunner> runner = NewRunner();
    EXPECT_EQ(RunAvailable(*runner), 0u);
    EXPECT_GE(runner->checkpoint(), *stored);
  }
  env_.Close();
  env_.Open();
  std::unique_ptr<jobs::PolicyRunner> runner = NewRunner();
  EXPECT_EQ(RunAvailable(*runner), 0u);
  EXPECT_EQ(env_.store().HeadPosition(), head);

  // What happens after the restart is acted on.
  env_.SetDay(Day(2027, 2, 1));
  RedYear(2026);
  EXPECT_EQ(RunAvailable(*runner), 2u);  // the result noted, the case
  EXPECT_THAT(OfType("CaseRegistered"), SizeIs(2));
}

TEST_F(PolicyRunnerTest, ProcessingAgainFromTheStartWritesNothingNew) {
  RedYear(2024);
  RedYear(2025);
  env_.MustRun(FollowUpOfficer(),
               RecordMeasurement("grundkrav-1", kPrivateProvider, kPrivateUnit,
                                 "genomforandeplan", 2025, Day(2026, 1, 20),
                                 /*red=*/true, /*base_requirement=*/true));
  FailedCase("arende-1");
  env_.MustRun(AdministrationDirector(),
               TerminateContract(kContract, {"arende-1"}, env_.day()));
  {
    std::unique_ptr<jobs::PolicyRunner> runner = NewRunner();
    // Three results noted, two cases opened, one closed.
    EXPECT_EQ(RunAvailable(*runner), 6u);
  }
  const uint64_t head = env_.store().HeadPosition();

  // The checkpoint reset to the beginning: every trigger is seen again,
  // its commands are repeats (the seed's too).
  ASSERT_TRUE(env_.store().PutCheckpoint("policies", 0).ok());
  {
    std::unique_ptr<jobs::PolicyRunner> runner = NewRunner();
    EXPECT_EQ(RunAvailable(*runner), 6u + seed_commands_);
    EXPECT_EQ(env_.store().HeadPosition(), head);
  }
  // A checkpoint that was never stored (e.g. lost), after a restart.
  env_.Close();
  env_.Open();
  std::unique_ptr<jobs::PolicyRunner> runner = NewRunner("policies-new");
  EXPECT_EQ(RunAvailable(*runner), 6u + seed_commands_);
  EXPECT_EQ(env_.store().HeadPosition(), head);
  EXPECT_THAT(OfType("CaseRegistered"), SizeIs(3));  // arende-1 + two auto
  EXPECT_THAT(OfType("CaseClosed"), SizeIs(1));
}

// The trigger aggregates' policies, run again from the start (a reset or
// lost checkpoint): recurring complaints, failed self-inspection key points
// and low goal fulfilment each open their one case, and nothing more.
TEST_F(PolicyRunnerTest, TriggerPoliciesRunAgainOpenNoSecondCase) {
  // One red area and one failed key point suffice here.
  env_.MustRun(FollowUpOfficer(), SetPolicySettings(1, 1, 0, 0));
  for (const char* month : {"2025-11", "2025-12", "2026-01"}) {
    env_.MustRun(FollowUpOfficer(),
                 RecordComplaintCounts(kPrivateProvider, kPrivateUnit, month,
                                       v1::COMPLAINT_CATEGORY_LEX_MARIA, 1));
  }
  env_.MustRun(ProviderStaff(kPrivateProvider),
               RecordSelfInspection(kPrivateProvider, kPrivateUnit, 2026,
                                    /*key_point_met=*/false));
  RedYear(2025);
  {
    std::unique_ptr<jobs::PolicyRunner> runner = NewRunner();
    // Three cases, and the measurement's result noted.
    EXPECT_EQ(RunAvailable(*runner), 4u);
  }
  const std::vector<v1::EventEnvelope> cases = OfType("CaseRegistered");
  ASSERT_THAT(cases, SizeIs(3));
  std::set<v1::DeficiencySource> sources;
  for (const v1::EventEnvelope& e : cases) {
    sources.insert(Decoded(e).case_registered().deficiency().source());
  }
  EXPECT_EQ(sources, (std::set<v1::DeficiencySource>{
                         v1::DEFICIENCY_SOURCE_SELF_INSPECTION,
                         v1::DEFICIENCY_SOURCE_MEASUREMENT,
                         v1::DEFICIENCY_SOURCE_LEX_MARIA}));
  const uint64_t head = env_.store().HeadPosition();
  ASSERT_TRUE(env_.store().PutCheckpoint("policies", 0).ok());
  env_.Close();
  env_.Open();
  std::unique_ptr<jobs::PolicyRunner> runner = NewRunner();
  // From position 1 again: the seed's policy commands too.
  EXPECT_EQ(RunAvailable(*runner), 4u + seed_commands_);
  EXPECT_EQ(env_.store().HeadPosition(), head);
  EXPECT_THAT(OfType("CaseRegistered"), SizeIs(3));
}

// A policy command whose aggregate cannot be read (an event no schema
// knows) holds the runner at its event instead of being skipped.
TEST_F(PolicyRunnerTest, UnreadableAggregateHoldsTheRunner) {
  FailedCase("arende-1");
  std::unique_ptr<jobs::PolicyRunner> runner = NewRunner();
  EXPECT_EQ(RunAvailable(*runner), 0u);
  const uint64_t before = runner->checkpoint();
  env_.MustRun(AdministrationDirector(),
               TerminateContract(kContract, {"arende-1"}, env_.day()));
  // Then the case the termination closes becomes unreadable.
  v1::EventMetadata metadata;
  metadata.set_actor_subject("other-server");
  metadata.set_actor_role("SYSTEM");
  metadata.set_tenant(kTenant);
  ASSERT_TRUE(env_.store()
                  .Append(CommandEnv::CaseStream("arende-1"),
                          eventstore::ExpectedVersion::Any(),
                          {eventstore::NewEvent{.event_type = "Unknown",
                                                .payload = ""}},
                          "", metadata)
                  .ok());
  absl::StatusOr<size_t> issued = runner->RunAvailable();
  EXPECT_TRUE(absl::IsDataLoss(issued.status())) << issued.status();
  EXPECT_EQ(runner->checkpoint(), before);
  EXPECT_THAT(OfType("CaseClosed"), SizeIs(0));
}

// A policy command that cannot be decided yet (other writers kept
// changing its aggregate) is retried, not skipped like a refusal.
TEST_F(PolicyRunnerTest, ConflictedCommandIsRetriedNotSkipped) {
  FailedCase("arende-1");
  env_.MustRun(AdministrationDirector(),
               TerminateContract(kContract, {"arende-1"}, env_.day()));
  // Another writer appends to the case between every decision and its
  // append (the handler reads its clock in between), and the handler
  // gives up at the first conflict.
  std::atomic<int> interfere{1};
  auto clock = [&] {
    if (interfere.fetch_sub(1) > 0) {
      v1::EventMetadata metadata;
      metadata.set_actor_subject("other-server");
      metadata.set_actor_role("SYSTEM");
      metadata.set_tenant(kTenant);
      // An event the case folds but that changes nothing the closing
      // decides on: a progress note on an action.
      v1::Event progress;
      progress.mutable_action_progress_reported()->set_case_id("arende-1");
      progress.mutable_action_progress_reported()->set_action_number(1);
      progress.mutable_action_progress_reported()->set_note(
          "från en annan server");
      absl::StatusOr<eventstore::AppendResult> r = env_.store().Append(
          CommandEnv::CaseStream("arende-1"),
          eventstore::ExpectedVersion::Any(),
          {eventstore::NewEvent{.event_type = "ActionProgressReported",
                                .payload = progress.SerializeAsString()}},
          "", metadata);
      EXPECT_TRUE(r.ok()) << r.status();
    }
    return env_.now();
  };
  // Without a cache every decision is on the store's state, so that the
  // one conflict counts.
  app::AggregateRepository uncached(&env_.log(), 0);
  app::CommandHandler flaky(
      &env_.log(), &uncached,
      app::CommandHandler::Options{.max_attempts = 1, .clock = clock});
  jobs::PolicyRunner runner(&env_.log(), &flaky, nullptr, {});
  absl::StatusOr<size_t> issued = runner.RunAvailable();
  EXPECT_TRUE(absl::IsAborted(issued.status())) << issued.status();
  EXPECT_THAT(OfType("CaseClosed"), SizeIs(0));
  // The next run comes back to the same event and closes the case.
  EXPECT_EQ(RunAvailable(runner), 1u);
  EXPECT_THAT(OfType("CaseClosed"), SizeIs(1));
  EXPECT_EQ(RunAvailable(runner), 0u);
}

// Started, it follows the log on its own thread.
TEST_F(PolicyRunnerTest, StartedRunnerActsOnNewEvents) {
  std::unique_ptr<jobs::PolicyRunner> runner = NewRunner();
  ASSERT_TRUE(runner->Start().ok());
  RedYear(2024);
  RedYear(2025);
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (OfType("CaseRegistered").empty() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  runner.reset();
  EXPECT_THAT(OfType("CaseRegistered"), SizeIs(1));
}

}  // namespace
}  // namespace atgard::testing
