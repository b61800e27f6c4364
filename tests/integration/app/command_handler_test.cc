// The command path against a real event store: what a command returns,
// idempotency by command id (across restarts, per tenant), optimistic
// concurrency with and without an expected version, refusals, and the
// aggregate cache in the presence of other writers.
#include "services/app/command_handler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/app/append.h"
#include "services/app/request_digest.h"
#include "services/domain/errors.h"
#include "tests/integration/app/command_env.h"

namespace atgard::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kCase[] = "arende-1";

class CommandHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(domain::LoadStockholmTimeZone().ok());
    env_.SeedProviders();
    env_.SetDay(Day(2026, 2, 10));
  }

  v1::Command Register(absl::string_view case_id = kCase) {
    return RegisterCase(case_id, kPrivateProvider, kPrivateUnit,
                        env_.day() - 7);
  }

  // Opens `case_id` and takes it to Implementing (plan approved).
  void ToImplementing(absl::string_view case_id) {
    env_.MustRun(FollowUpOfficer(), Register(case_id));
    const v1::PlanRequest request = Request(env_.day());
    env_.MustRun(FollowUpOfficer(), RequestPlan(case_id, request));
    env_.MustRun(
        ProviderStaff(kPrivateProvider),
        SubmitPlan(case_id, Plan(domain::DayOf(request.complete_by()))));
    env_.MustRun(FollowUpOfficer(), AssessPlan(case_id, Approval()));
  }

  uint64_t Head() { return env_.store().HeadPosition(); }

  CommandEnv env_;
};

TEST_F(CommandHandlerTest, SuccessSaysWhereTheEventsWent) {
  const uint64_t head = Head();
  absl::StatusOr<v1::CommandResult> result =
      env_.Run(FollowUpOfficer(), Register(), "register-1");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->stream_id(), CommandEnv::CaseStream(kCase));
  EXPECT_EQ(result->stream_version(), 1u);
  EXPECT_EQ(result->global_position(), head + 1);
  EXPECT_FALSE(result->deduplicated());
  EXPECT_THAT(result->event_types(), ElementsAre("CaseRegistered"));

  result = env_.Run(FollowUpOfficer(), RequestPlan(kCase, Request(env_.day())),
                    "request-1");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->stream_version(), 2u);
  EXPECT_EQ(result->global_position(), head + 2);
  EXPECT_THAT(result->event_types(), ElementsAre("PlanRequested"));

  // What was stored: the events, who wrote them, and under which id.
  const std::vector<v1::EventEnvelope> stream =
      env_.Stream(CommandEnv::CaseStream(kCase));
  ASSERT_EQ(stream.size(), 2u);
  EXPECT_EQ(stream[0].event_type(), "CaseRegistered");
  EXPECT_EQ(stream[0].global_position(), head + 1);
  EXPECT_EQ(stream[0].metadata().actor_subject(), FollowUpOfficer().subject);
  EXPECT_EQ(stream[0].metadata().actor_role(), "FOLLOW_UP_OFFICER");
  EXPECT_EQ(stream[0].metadata().tenant(), kTenant);
  EXPECT_EQ(stream[0].metadata().command_id(),
            absl::StrCat(kTenant, "/register-1"));
  EXPECT_TRUE(Decoded(stream[0]).has_case_registered());
  EXPECT_EQ(stream[1].event_type(), "PlanRequested");
}

TEST_F(CommandHandlerTest, SeveralEventsOfOneCommandAreReportedInOrder) {
  absl::StatusOr<v1::CommandResult> result = env_.Run(
      FollowUpOfficer(),
      RecordMeasurement("m-1", kPrivateProvider, kPrivateUnit, "kontinuitet",
                        2025, Day(2026, 1, 20), /*red=*/true,
                        /*base_requirement=*/true),
      "measurement-1");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(result->event_types(),
              ElementsAre("MeasurementRecorded", "ExtraMeasurementRequired",
                          "BaseRequirementNotMet"));
  EXPECT_EQ(result->stream_version(), 3u);
  EXPECT_EQ(result->global_position(), Head());
}

TEST_F(CommandHandlerTest, RepeatedCommandIdReturnsTheOriginalResult) {
  absl::StatusOr<v1::CommandResult> first =
      env_.Run(FollowUpOfficer(), Register(), "register-1");
  ASSERT_TRUE(first.ok()) << first.status();
  const uint64_t head = Head();

  absl::StatusOr<v1::CommandResult> again =
      env_.Run(FollowUpOfficer(), Register(), "register-1");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->deduplicated());
  EXPECT_EQ(again->stream_id(), first->stream_id());
  EXPECT_EQ(again->stream_version(), first->stream_version());
  EXPECT_EQ(again->global_position(), first->global_position());
  EXPECT_THAT(again->event_types(), IsEmpty());
  EXPECT_EQ(Head(), head);
}

TEST_F(CommandHandlerTest, RepeatedCommandIdIsRecognisedAfterReopening) {
  absl::StatusOr<v1::CommandResult> first =
      env_.Run(FollowUpOfficer(), Register(), "register-1");
  ASSERT_TRUE(first.ok()) << first.status();
  const uint64_t head = Head();

  env_.Close();
  env_.Open();
  absl::StatusOr<v1::CommandResult> again =
      env_.Run(FollowUpOfficer(), Register(), "register-1");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->deduplicated());
  EXPECT_EQ(again->stream_version(), first->stream_version());
  EXPECT_EQ(again->global_position(), first->global_position());
  EXPECT_EQ(Head(), head);
}

TEST_F(CommandHandlerTest, ARecordOfTheEarlierDigestFormStillAnswersARetry) {
  // A command stored while the request digest was protobuf's serialization
  // (services/app/request_digest.h): its retry after the change is the
  // same command.
  const domain::Principal officer = FollowUpOfficer();
  const v1::Command command = Register();
  const std::string stream = domain::StreamId(
      officer.tenant, {domain::AggregateKind::kCase, std::string(kCase)});
  absl::StatusOr<domain::References> refs =
      env_.repository().LoadReferences(officer.tenant, command);
  ASSERT_TRUE(refs.ok()) << refs.status();
  absl::StatusOr<std::vector<v1::Event>> events = domain::Decide(
      command, domain::InitialState(domain::AggregateKind::kCase),
      ContextOn(officer, env_.day()), *refs);
  ASSERT_TRUE(events.ok()) << events.status();
  absl::StatusOr<eventstore::AppendRequest> append = app::MakeAppend(
      {.actor = officer,
       .command_id = absl::StrCat(officer.tenant, "/register-1")},
      stream, eventstore::ExpectedVersion::NoStream(), *events,
      app::LegacyRequestDigest(stream, officer, command));
  ASSERT_TRUE(append.ok()) << append.status();
  absl::StatusOr<eventstore::AppendResult> stored =
      env_.store().Append(*std::move(append));
  ASSERT_TRUE(stored.ok()) << stored.status();

  absl::StatusOr<v1::CommandResult> retry =
      env_.Run(officer, command, "register-1");
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(retry->deduplicated());
  EXPECT_EQ(retry->global_position(), stored->last_position);
  EXPECT_EQ(Head(), stored->last_position);
  // Another command under that id is still refused.
  EXPECT_TRUE(absl::IsAlreadyExists(
      env_.Run(officer, Register("arende-2"), "register-1").status()));
}

TEST_F(CommandHandlerTest,
       RepeatedCommandIdReturnsTheOriginalResultAfterTheAggregateMovedOn) {
  const v1::PlanRequest request = Request(env_.day());
  absl::StatusOr<v1::CommandResult> registered =
      env_.Run(FollowUpOfficer(), Register(), "register-1");
  ASSERT_TRUE(registered.ok()) << registered.status();
  absl::StatusOr<v1::CommandResult> requested =
      env_.Run(FollowUpOfficer(), RequestPlan(kCase, request), "request-1");
  ASSERT_TRUE(requested.ok()) << requested.status();
  env_.MustRun(ProviderStaff(kPrivateProvider),
               SubmitPlan(kCase, Plan(domain::DayOf(request.complete_by()))));
  const uint64_t head = Head();

  // Both late retries get their own original answers, although the case
  // is now at version 3 and a new RequestPlan would be refused.
  for (int round = 0; round < 2; ++round) {
    absl::StatusOr<v1::CommandResult> again =
        env_.Run(FollowUpOfficer(), Register(), "register-1");
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_TRUE(again->deduplicated());
    EXPECT_EQ(again->stream_version(), 1u);
    EXPECT_EQ(again->global_position(), registered->global_position());

    again =
        env_.Run(FollowUpOfficer(), RequestPlan(kCase, request), "request-1");
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_TRUE(again->deduplicated());
    EXPECT_EQ(again->stream_version(), 2u);
    EXPECT_EQ(again->global_position(), requested->global_position());
    EXPECT_EQ(Head(), head);
    // And the same after a restart.
    env_.Close();
    env_.Open();
  }
}

TEST_F(CommandHandlerTest, CommandIdReusedForAnotherCommandIsAlreadyExists) {
  ASSERT_TRUE(env_.Run(FollowUpOfficer(), Register(), "register-1").ok());
  const uint64_t head = Head();

  auto expect_refused = [&](const domain::Principal& principal,
                            const v1::Command& command) {
    absl::StatusOr<v1::CommandResult> result =
        env_.Run(principal, command, "register-1");
    EXPECT_TRUE(absl::IsAlreadyExists(result.status())) << result.status();
    EXPECT_EQ(domain::FieldOf(result.status()), "options.command_id");
    EXPECT_THAT(result.status().message(), HasSubstr("options.command_id"));
  };
  // Another case.
  expect_refused(FollowUpOfficer(), Register("arende-2"));
  // The same case with other content.
  v1::Command changed = Register();
  changed.mutable_register_case()->mutable_deficiency()->set_description(
      "En annan beskrivning av bristen.");
  expect_refused(FollowUpOfficer(), changed);
  // The same command by someone else.
  expect_refused(MedicalOfficer(), Register());
  EXPECT_EQ(Head(), head);
  // Nothing was written for the refused ones, after a restart too.
  env_.Close();
  env_.Open();
  expect_refused(FollowUpOfficer(), Register("arende-2"));
  EXPECT_EQ(Head(), head);
  EXPECT_THAT(env_.Stream(CommandEnv::CaseStream("arende-2")), IsEmpty());
}

TEST_F(CommandHandlerTest, CommandIdsBelongToTheirTenant) {
  env_.SetDay(Day(2026, 1, 15));
  env_.SeedProviders(kOtherTenant);
  env_.SetDay(Day(2026, 2, 10));

  absl::StatusOr<v1::CommandResult> ours =
      env_.Run(FollowUpOfficer(kTenant), Register(), "shared-id");
  ASSERT_TRUE(ours.ok()) << ours.status();
  absl::StatusOr<v1::CommandResult> theirs =
      env_.Run(FollowUpOfficer(kOtherTenant), Register(), "shared-id");
  ASSERT_TRUE(theirs.ok()) << theirs.status();
  EXPECT_FALSE(theirs->deduplicated());
  EXPECT_EQ(theirs->stream_id(), CommandEnv::CaseStream(kCase, kOtherTenant));
  EXPECT_EQ(theirs->stream_version(), 1u);
  EXPECT_GT(theirs->global_position(), ours->global_position());

  // Each tenant's repeat is answered from its own record.
  absl::StatusOr<v1::CommandResult> again =
      env_.Run(FollowUpOfficer(kOtherTenant), Register(), "shared-id");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->deduplicated());
  EXPECT_EQ(again->global_position(), theirs->global_position());
  again = env_.Run(FollowUpOfficer(kTenant), Register(), "shared-id");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->deduplicated());
  EXPECT_EQ(again->global_position(), ours->global_position());
}

TEST_F(CommandHandlerTest, WrongExpectedVersionIsAbortedAndWritesNothing) {
  env_.MustRun(FollowUpOfficer(), Register());
  const uint64_t head = Head();
  for (uint64_t wrong : {0u, 2u, 7u}) {
    absl::StatusOr<v1::CommandResult> result =
        env_.Run(FollowUpOfficer(), RequestPlan(kCase, Request(env_.day())),
                 absl::StrCat("request-", wrong), wrong);
    EXPECT_TRUE(absl::IsAborted(result.status())) << result.status();
    EXPECT_THAT(result.status().message(),
                HasSubstr("options.expected_version"));
    EXPECT_EQ(Head(), head);
  }
  // The id of a refused command is still free; the right version works.
  absl::StatusOr<v1::CommandResult> result =
      env_.Run(FollowUpOfficer(), RequestPlan(kCase, Request(env_.day())),
               "request-2", 1u);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->stream_version(), 2u);
}

TEST_F(CommandHandlerTest, ExpectedVersionZeroMeansTheAggregateIsNew) {
  absl::StatusOr<v1::CommandResult> result =
      env_.Run(FollowUpOfficer(), Register(), "register-1", 0u);
  ASSERT_TRUE(result.ok()) << result.status();
  result = env_.Run(FollowUpOfficer(), Register("arende-2"), "register-2", 1u);
  EXPECT_TRUE(absl::IsAborted(result.status())) << result.status();
  EXPECT_THAT(env_.Stream(CommandEnv::CaseStream("arende-2")), IsEmpty());
}

// Many callers on one aggregate without an expected version: every
// conflict is decided again, so that every command lands once.
TEST_F(CommandHandlerTest, ConcurrentCommandsOnOneAggregateAllLand) {
  constexpr int kThreads = 16;
  constexpr int kPerThread = 8;
  const std::string provider = CommandEnv::ProviderStream(kPrivateProvider);
  const uint64_t version_before = env_.Stream(provider).size();

  std::vector<std::thread> threads;
  std::vector<std::vector<absl::Status>> outcomes(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string id = absl::StrCat("exempel-", t, "-", i);
        absl::StatusOr<v1::CommandResult> result =
            env_.Run(FollowUpOfficer(),
                     RecordPositiveExample(id, kPrivateProvider, kPrivateUnit,
                                           Day(2026, 2, 1)),
                     absl::StrCat("example-", t, "-", i));
        outcomes[t].push_back(result.status());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int t = 0; t < kThreads; ++t) {
    for (const absl::Status& s : outcomes[t]) EXPECT_TRUE(s.ok()) << s;
  }

  // No lost update: every example is in the stream once, the versions are
  // gap-free, and a fresh fold (no cache) sees all of them.
  const std::vector<v1::EventEnvelope> stream = env_.Stream(provider);
  ASSERT_EQ(stream.size(), version_before + kThreads * kPerThread);
  std::set<std::string> examples;
  for (size_t i = 0; i < stream.size(); ++i) {
    EXPECT_EQ(stream[i].stream_version(), i + 1);
    const v1::Event event = Decoded(stream[i]);
    if (event.has_positive_example_recorded()) {
      EXPECT_TRUE(
          examples.insert(event.positive_example_recorded().example_id())
              .second);
    }
  }
  EXPECT_EQ(examples.size(), size_t{kThreads * kPerThread});
  app::AggregateRepository fresh(&env_.log(), 0);
  absl::StatusOr<app::LoadedAggregate> loaded =
      fresh.Load(provider, domain::AggregateKind::kProvider);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(std::get<domain::ProviderState>(*loaded->state).examples.size(),
            size_t{kThreads * kPerThread});
}

TEST_F(CommandHandlerTest, ConcurrentProgressReportsOnOneCaseAllLand) {
  ToImplementing(kCase);
  const std::string stream = CommandEnv::CaseStream(kCase);
  const uint64_t version_before = env_.Stream(stream).size();
  constexpr int kThreads = 16;
  constexpr int kPerThread = 5;
  const v1::TrafficLight lights[] = {
      v1::TRAFFIC_LIGHT_GREEN, v1::TRAFFIC_LIGHT_YELLOW, v1::TRAFFIC_LIGHT_RED};

  std::vector<std::thread> threads;
  std::vector<std::vector<absl::Status>> outcomes(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        absl::StatusOr<v1::CommandResult> result =
            env_.Run(ProviderStaff(kPrivateProvider),
                     ReportProgress(kCase, 1 + (t % 2), lights[i % 3],
                                    absl::StrCat("Rapport ", t, "-", i)),
                     absl::StrCat("progress-", t, "-", i));
        outcomes[t].push_back(result.status());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int t = 0; t < kThreads; ++t) {
    for (const absl::Status& s : outcomes[t]) EXPECT_TRUE(s.ok()) << s;
  }
  const std::vector<v1::EventEnvelope> events = env_.Stream(stream);
  ASSERT_EQ(events.size(), version_before + kThreads * kPerThread);
  std::set<std::string> notes;
  for (size_t i = version_before; i < events.size(); ++i) {
    const v1::Event event = Decoded(events[i]);
    ASSERT_TRUE(event.has_action_progress_reported()) << event.DebugString();
    notes.insert(event.action_progress_reported().note());
  }
  EXPECT_EQ(notes.size(), size_t{kThreads * kPerThread});
}

// A client that retries while its first attempt is still under way: one
// command, written once, and every answer says where it went.
TEST_F(CommandHandlerTest, SameCommandFromManyCallersAtOnceLandsOnce) {
  constexpr int kThreads = 16;
  const v1::Command example = RecordPositiveExample(
      "exempel-1", kPrivateProvider, kPrivateUnit, Day(2026, 2, 1));
  const uint64_t head = Head();
  std::vector<absl::StatusOr<v1::CommandResult>> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      results[t] = env_.Run(FollowUpOfficer(), example, "example-1");
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(Head(), head + 1);
  int originals = 0;
  for (const absl::StatusOr<v1::CommandResult>& r : results) {
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->global_position(), head + 1);
    originals += r->deduplicated() ? 0 : 1;
  }
  EXPECT_EQ(originals, 1);
}

TEST_F(CommandHandlerTest, DomainRefusalWritesNothing) {
  const uint64_t head = Head();
  // A plan for a case that does not exist.
  absl::StatusOr<v1::CommandResult> result = env_.Run(
      FollowUpOfficer(), RequestPlan(kCase, Request(env_.day())), "request-1");
  EXPECT_TRUE(absl::IsNotFound(result.status()) ||
              absl::IsFailedPrecondition(result.status()))
      << result.status();
  // A role that may not register cases.
  result = env_.Run(ProviderStaff(kPrivateProvider), Register(), "register-1");
  EXPECT_TRUE(absl::IsPermissionDenied(result.status())) << result.status();
  // A unit the provider does not have.
  result = env_.Run(
      FollowUpOfficer(),
      RegisterCase(kCase, kPrivateProvider, "finns-inte", env_.day() - 1),
      "register-2");
  EXPECT_TRUE(absl::IsNotFound(result.status())) << result.status();
  EXPECT_EQ(Head(), head);
  EXPECT_THAT(env_.Stream(CommandEnv::CaseStream(kCase)), IsEmpty());

  // A refused command's id is not used up: once the command is valid, the
  // same id carries it out.
  result = env_.Run(FollowUpOfficer(), Register(), "register-1");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->deduplicated());
  EXPECT_EQ(Head(), head + 1);
}

TEST_F(CommandHandlerTest, DomainRepeatWritesNothingAndReportsTheCurrentHead) {
  const std::string provider = CommandEnv::ProviderStream(kPrivateProvider);
  const v1::Command example = RecordPositiveExample(
      "exempel-1", kPrivateProvider, kPrivateUnit, Day(2026, 2, 1));
  absl::StatusOr<v1::CommandResult> first =
      env_.Run(FollowUpOfficer(), example, "example-1");
  ASSERT_TRUE(first.ok()) << first.status();

  // The same command under a new id: already in effect, nothing to write.
  absl::StatusOr<v1::CommandResult> repeat =
      env_.Run(FollowUpOfficer(), example, "example-2");
  ASSERT_TRUE(repeat.ok()) << repeat.status();
  EXPECT_FALSE(repeat->deduplicated());
  EXPECT_THAT(repeat->event_types(), IsEmpty());
  EXPECT_EQ(repeat->stream_version(), first->stream_version());
  EXPECT_EQ(repeat->global_position(), first->global_position());
  const uint64_t head = Head();

  // After the aggregate moved on, a repeat reports where it is now.
  env_.MustRun(FollowUpOfficer(), RegisterUnit(kPrivateProvider, "ny-enhet"));
  const std::vector<v1::EventEnvelope> now = env_.Stream(provider);
  repeat = env_.Run(FollowUpOfficer(), example, "example-3");
  ASSERT_TRUE(repeat.ok()) << repeat.status();
  EXPECT_THAT(repeat->event_types(), IsEmpty());
  EXPECT_EQ(repeat->stream_version(), now.back().stream_version());
  EXPECT_EQ(repeat->global_position(), now.back().global_position());
  EXPECT_EQ(Head(), head + 1);
  // A repeat writes no idempotency record either; asking again under the
  // same id answers the same.
  absl::StatusOr<v1::CommandResult> again =
      env_.Run(FollowUpOfficer(), example, "example-3");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->stream_version(), now.back().stream_version());
  EXPECT_EQ(Head(), head + 1);
}

// Two handlers with caches of their own on one store, as two server
// processes would be: neither may decide on a state the other has moved.
TEST_F(CommandHandlerTest, CacheIsNotStaleAfterAnotherHandlerWrote) {
  app::AggregateRepository other_repository(&env_.log(), 1000);
  std::unique_ptr<app::CommandHandler> other =
      env_.NewHandler(&other_repository);
  const v1::PlanRequest request = Request(env_.day());

  // Both caches know the case at version 1.
  env_.MustRun(FollowUpOfficer(), Register());
  ASSERT_TRUE(
      other_repository
          .Load(CommandEnv::CaseStream(kCase), domain::AggregateKind::kCase)
          .ok());
  // The other one requests the plan; ours must see it to accept the plan.
  ASSERT_TRUE(env_.Run(FollowUpOfficer(), RequestPlan(kCase, request),
                       "request-1", std::nullopt, other.get())
                  .ok());
  absl::StatusOr<v1::CommandResult> submitted =
      env_.Run(ProviderStaff(kPrivateProvider),
               SubmitPlan(kCase, Plan(domain::DayOf(request.complete_by()))),
               "submit-1");
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  EXPECT_EQ(submitted->stream_version(), 3u);
  // And the other way round, with an expected version that only a fresh
  // state satisfies.
  absl::StatusOr<v1::CommandResult> assessed =
      env_.Run(FollowUpOfficer(), AssessPlan(kCase, Approval()), "assess-1", 3u,
               other.get());
  ASSERT_TRUE(assessed.ok()) << assessed.status();
  EXPECT_EQ(assessed->stream_version(), 4u);

  // Ours last saw the case at version 3 (plan submitted), where a progress
  // report is refused; the other handler's approval makes it valid.
  absl::StatusOr<v1::CommandResult> progress =
      env_.Run(ProviderStaff(kPrivateProvider),
               ReportProgress(kCase, 1, v1::TRAFFIC_LIGHT_GREEN), "progress-1");
  ASSERT_TRUE(progress.ok()) << progress.status();
  EXPECT_EQ(progress->stream_version(), 5u);
}

// The deadline scheduler and the access log write without the handler:
// the cache must notice appends it did not make.
TEST_F(CommandHandlerTest, CacheIsNotStaleAfterDirectAppends) {
  const std::string provider = CommandEnv::ProviderStream(kPrivateProvider);
  app::AggregateRepository& repository = env_.repository();
  absl::StatusOr<app::LoadedAggregate> before =
      repository.Load(provider, domain::AggregateKind::kProvider);
  ASSERT_TRUE(before.ok()) << before.status();

  // A unit appended straight to the store.
  v1::Event unit;
  unit.mutable_unit_registered()->set_provider_id(kPrivateProvider);
  unit.mutable_unit_registered()->set_unit_id("direkt-enhet");
  unit.mutable_unit_registered()->set_name("Direkt registrerad enhet");
  unit.mutable_unit_registered()->set_care_area(v1::CARE_AREA_ELDERLY_CARE);
  eventstore::AppendRequest append;
  append.stream_id = provider;
  append.expected = eventstore::ExpectedVersion::Exact(before->version);
  append.events.push_back(
      {.event_type = "UnitRegistered", .payload = unit.SerializeAsString()});
  append.metadata.set_actor_subject("test");
  append.metadata.set_actor_role("SYSTEM");
  append.metadata.set_tenant(kTenant);
  ASSERT_TRUE(env_.store().Append(std::move(append)).ok());

  absl::StatusOr<app::LoadedAggregate> after =
      repository.Load(provider, domain::AggregateKind::kProvider);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->version, before->version + 1);
  EXPECT_NE(
      std::get<domain::ProviderState>(*after->state).FindUnit("direkt-enhet"),
      nullptr);

  // Commands on the provider (the target) and referring to it (a case on
  // the new unit) see the unit.
  absl::StatusOr<v1::CommandResult> example =
      env_.Run(FollowUpOfficer(),
               RecordPositiveExample("exempel-1", kPrivateProvider,
                                     "direkt-enhet", Day(2026, 2, 1)),
               "example-1");
  ASSERT_TRUE(example.ok()) << example.status();
  EXPECT_EQ(example->stream_version(), before->version + 2);
  absl::StatusOr<v1::CommandResult> registered = env_.Run(
      FollowUpOfficer(),
      RegisterCase(kCase, kPrivateProvider, "direkt-enhet", env_.day() - 1),
      "register-1");
  EXPECT_TRUE(registered.ok()) << registered.status();
}

// The handler decides on the state it remembers without reading the store
// first; when another writer has appended meanwhile, the append conflicts
// (or the answer would be a refusal) and the command is decided again on
// the store's state, without using up an attempt.
TEST_F(CommandHandlerTest, CommandOnAStaleMemoryIsDecidedAgain) {
  const std::string provider = CommandEnv::ProviderStream(kPrivateProvider);
  app::AggregateRepository repository(&env_.log(), 1000);
  app::CommandHandler handler(
      &env_.log(), &repository,
      app::CommandHandler::Options{.max_attempts = 1, .clock = env_.Clock()});
  ASSERT_TRUE(env_.Run(FollowUpOfficer(),
                       RegisterUnit(kPrivateProvider, "enhet-a"), "unit-a",
                       std::nullopt, &handler)
                  .ok());
  auto append_unit = [&](absl::string_view unit_id) {
    v1::Event unit;
    unit.mutable_unit_registered()->set_provider_id(kPrivateProvider);
    unit.mutable_unit_registered()->set_unit_id(std::string(unit_id));
    unit.mutable_unit_registered()->set_name("Annan skrivares enhet");
    unit.mutable_unit_registered()->set_care_area(v1::CARE_AREA_ELDERLY_CARE);
    v1::EventMetadata metadata;
    metadata.set_actor_subject("other-server");
    metadata.set_actor_role("FOLLOW_UP_OFFICER");
    metadata.set_tenant(kTenant);
    ASSERT_TRUE(
        env_.store()
            .Append(provider, eventstore::ExpectedVersion::Any(),
                    {eventstore::NewEvent{.event_type = "UnitRegistered",
                                          .payload = unit.SerializeAsString()}},
                    "", metadata)
            .ok());
  };

  // Refused on the remembered state (no such unit), valid on the store's.
  append_unit("enhet-b");
  absl::StatusOr<v1::CommandResult> result =
      env_.Run(FollowUpOfficer(),
               RecordPositiveExample("exempel-1", kPrivateProvider, "enhet-b",
                                     Day(2026, 2, 1)),
               "example-1", std::nullopt, &handler);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(result->event_types(), ElementsAre("PositiveExampleRecorded"));

  // Valid on both: the append expecting the remembered version conflicts.
  append_unit("enhet-c");
  result = env_.Run(FollowUpOfficer(),
                    RecordPositiveExample("exempel-2", kPrivateProvider,
                                          "enhet-a", Day(2026, 2, 1)),
                    "example-2", std::nullopt, &handler);
  ASSERT_TRUE(result.ok()) << result.status();
  const std::vector<v1::EventEnvelope> events = env_.Stream(provider);
  EXPECT_EQ(result->stream_version(), events.size());
  EXPECT_EQ(events.back().event_type(), "PositiveExampleRecorded");

  // A wrong expected version on the remembered state is checked too: the
  // caller's version is right for the store.
  append_unit("enhet-d");
  result = env_.Run(FollowUpOfficer(),
                    RecordPositiveExample("exempel-3", kPrivateProvider,
                                          "enhet-d", Day(2026, 2, 1)),
                    "example-3", events.size() + 1, &handler);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->stream_version(), events.size() + 2);
}

TEST_F(CommandHandlerTest, InvalidCommandIdIsRefusedBeforeAnythingIsRead) {
  for (const std::string& id :
       {std::string(), std::string(129, 'x'), std::string("med mellanslag"),
        std::string("tab\there")}) {
    absl::StatusOr<v1::CommandResult> result =
        env_.Run(FollowUpOfficer(), Register(), id);
    EXPECT_TRUE(absl::IsInvalidArgument(result.status())) << result.status();
    EXPECT_EQ(domain::FieldOf(result.status()), "options.command_id");
  }
  EXPECT_THAT(env_.Stream(CommandEnv::CaseStream(kCase)), IsEmpty());
}

// Unknown fields would be copied by the decider into the event and so
// into the hash chain: the command is refused and nothing is written.
TEST_F(CommandHandlerTest, CommandWithUnknownFieldsWritesNothing) {
  const uint64_t head = Head();
  v1::Command command = Register("med-okant-falt");
  google::protobuf::Message* deficiency =
      command.mutable_register_case()->mutable_deficiency();
  deficiency->GetReflection()
      ->MutableUnknownFields(deficiency)
      ->AddLengthDelimited(99, "19121212-1212");
  absl::StatusOr<v1::CommandResult> result =
      env_.Run(FollowUpOfficer(), command, "okant-falt-1");
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(),
              HasSubstr("unknown field 99 in atgard.v1.Deficiency"));
  EXPECT_EQ(Head(), head);
}

TEST_F(CommandHandlerTest, ReadOnlyRolesAreRefusedBeforeTheCommandIsRead) {
  for (const domain::Principal& role : {Auditor(), Supervisor(), Operator()}) {
    // An invalid command id would otherwise be reported first.
    absl::StatusOr<v1::CommandResult> result =
        env_.Run(role, v1::Command(), "bad id!");
    EXPECT_EQ(result.status().code(), absl::StatusCode::kPermissionDenied)
        << result.status();
  }
}

}  // namespace
}  // namespace atgard::testing
