// The deadline scheduler against a real event store, with its clock moved
// by days: every kind of overdue event appears exactly once, on the day
// after its due date, also when the scheduler runs again, when two run, and
// across a restart.
#include "services/jobs/deadline_scheduler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "services/app/metrics.h"
#include "services/domain/calendar.h"
#include "services/domain/dates.h"
#include "tests/integration/app/command_env.h"

namespace atgard::testing {
namespace {

using ::testing::SizeIs;

const std::vector<std::string>& OverdueTypes() {
  static const auto* types = new std::vector<std::string>{
      "PlanSubmissionOverdue", "ImplementationOverdue",
      "FollowUpOverdue",       "ExtraMeasurementOverdue",
      "CarePlanReviewOverdue", "ContractExpired",
      "StartOverdue"};
  return *types;
}

bool IsOverdue(const v1::EventEnvelope& e) {
  for (const std::string& type : OverdueTypes()) {
    if (e.event_type() == type) return true;
  }
  return false;
}

// The due date an overdue event names.
absl::CivilDay DueOn(const v1::Event& e) {
  switch (e.event_case()) {
    case v1::Event::kPlanSubmissionOverdue:
      return domain::DayOf(e.plan_submission_overdue().due_on());
    case v1::Event::kImplementationOverdue:
      return domain::DayOf(e.implementation_overdue().due_on());
    case v1::Event::kFollowUpOverdue:
      return domain::DayOf(e.follow_up_overdue().due_on());
    case v1::Event::kExtraMeasurementOverdue:
      return domain::DayOf(e.extra_measurement_overdue().due_on());
    case v1::Event::kCarePlanReviewOverdue:
      return domain::DayOf(e.care_plan_review_overdue().due_on());
    case v1::Event::kContractExpired:
      return domain::DayOf(e.contract_expired().ended_on());
    case v1::Event::kStartOverdue:
      return domain::DayOf(e.start_overdue().due_on());
    default:
      ADD_FAILURE() << "not an overdue event: " << e.DebugString();
      return absl::CivilDay();
  }
}

class DeadlineSchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(domain::LoadStockholmTimeZone().ok());
    env_.SeedProviders();
    env_.SetDay(Day(2026, 2, 10));
  }

  std::unique_ptr<jobs::DeadlineScheduler> NewScheduler(
      app::AggregateRepository* repository = nullptr) {
    return std::make_unique<jobs::DeadlineScheduler>(
        &env_.log(), repository != nullptr ? repository : &env_.repository(),
        nullptr,
        jobs::DeadlineScheduler::Options{.interval = absl::Hours(24),
                                         .clock = env_.Clock()});
  }

  // Runs `scheduler` once on `day`; returns what it says it appended.
  size_t RunOn(jobs::DeadlineScheduler& scheduler, absl::CivilDay day) {
    env_.SetDay(day);
    absl::StatusOr<size_t> appended = scheduler.RunOnce();
    EXPECT_TRUE(appended.ok()) << appended.status();
    return appended.ok() ? *appended : 0;
  }

  std::vector<v1::EventEnvelope> Overdue() {
    std::vector<v1::EventEnvelope> out;
    for (v1::EventEnvelope& e : env_.Log()) {
      if (IsOverdue(e)) out.push_back(std::move(e));
    }
    return out;
  }

  // A case with a plan requested today; returns the request.
  v1::PlanRequest Requested(absl::string_view case_id) {
    env_.MustRun(FollowUpOfficer(), RegisterCase(case_id, kPrivateProvider,
                                                 kPrivateUnit, env_.day() - 7));
    const v1::PlanRequest request = Request(env_.day());
    env_.MustRun(FollowUpOfficer(), RequestPlan(case_id, request));
    return request;
  }

  void Submitted(absl::string_view case_id, const v1::PlanRequest& request) {
    env_.MustRun(
        ProviderStaff(kPrivateProvider),
        SubmitPlan(case_id, Plan(domain::DayOf(request.complete_by()))));
  }

  CommandEnv env_;
};

TEST_F(DeadlineSchedulerTest, PlanSubmissionOverdueOnceOnTheDayAfter) {
  const v1::PlanRequest request = Requested("arende-1");
  const absl::CivilDay submit_by = domain::DayOf(request.submit_by());
  std::unique_ptr<jobs::DeadlineScheduler> scheduler = NewScheduler();

  EXPECT_EQ(RunOn(*scheduler, env_.day()), 0u);
  EXPECT_EQ(RunOn(*scheduler, submit_by - 1), 0u);
  EXPECT_EQ(RunOn(*scheduler, submit_by), 0u);  // met on its date
  EXPECT_EQ(RunOn(*scheduler, submit_by + 1), 1u);
  EXPECT_EQ(RunOn(*scheduler, submit_by + 1), 0u);
  EXPECT_EQ(RunOn(*scheduler, submit_by + 2), 0u);
  EXPECT_EQ(RunOn(*scheduler, submit_by + 30), 0u);
  EXPECT_EQ(RunOn(*scheduler, submit_by + 400), 0u);

  const std::vector<v1::EventEnvelope> overdue = Overdue();
  ASSERT_THAT(overdue, SizeIs(1));
  EXPECT_EQ(overdue[0].event_type(), "PlanSubmissionOverdue");
  EXPECT_EQ(overdue[0].stream_id(), CommandEnv::CaseStream("arende-1"));
  EXPECT_EQ(DueOn(Decoded(overdue[0])), submit_by);
  EXPECT_EQ(overdue[0].stream_version(), 3u);
}

TEST_F(DeadlineSchedulerTest, EveryKindOfDeadlineOnceOnTheDayAfterItsDate) {
  // Case deadlines: a plan never submitted; a plan approved but never
  // started or implemented; an implemented plan whose follow-up never
  // came.
  const v1::PlanRequest late_plan = Requested("sen-plan");
  const v1::PlanRequest not_done = Requested("ej-genomford");
  Submitted("ej-genomford", not_done);
  env_.MustRun(FollowUpOfficer(), AssessPlan("ej-genomford", Approval()));
  const v1::PlanRequest no_follow_up = Requested("ingen-uppfoljning");
  Submitted("ingen-uppfoljning", no_follow_up);
  env_.MustRun(FollowUpOfficer(), AssessPlan("ingen-uppfoljning", Approval()));
  for (int action : {1, 2}) {
    env_.MustRun(ProviderStaff(kPrivateProvider),
                 CompleteAction("ingen-uppfoljning", action));
  }
  env_.MustRun(ProviderStaff(kPrivateProvider),
               ReportImplementation("ingen-uppfoljning"));
  const absl::CivilDay follow_up_on = env_.day() + 10;
  env_.MustRun(FollowUpOfficer(),
               ScheduleFollowUp("ingen-uppfoljning", follow_up_on));
  // A red measurement owes an extra measurement; a care-plan review is due
  // again; the contract (seeded) ends on 2027-12-31.
  env_.MustRun(FollowUpOfficer(),
               RecordMeasurement("matning-1", kPrivateProvider, kPrivateUnit,
                                 "kontinuitet", 2025, env_.day() - 5,
                                 /*red=*/true));
  env_.MustRun(ProviderStaff(kPrivateProvider),
               RecordCarePlanReview("granskning-1", kPrivateProvider,
                                    kPrivateUnit, "kund-4711", env_.day() - 1));

  // What each overdue event must say, by type.
  std::map<std::string, absl::CivilDay> expected_due = {
      {"PlanSubmissionOverdue", domain::DayOf(late_plan.submit_by())},
      {"ImplementationOverdue", domain::DayOf(not_done.complete_by())},
      {"FollowUpOverdue", follow_up_on},
      {"StartOverdue", domain::DayOf(not_done.start_by())},
      {"ContractExpired", Day(2027, 12, 31)}};
  for (const v1::EventEnvelope& e : env_.Log()) {
    const v1::Event event = Decoded(e);
    if (event.has_extra_measurement_required()) {
      expected_due["ExtraMeasurementOverdue"] =
          domain::DayOf(event.extra_measurement_required().due_on());
    }
    if (event.has_care_plan_review_recorded()) {
      expected_due["CarePlanReviewOverdue"] =
          domain::DayOf(event.care_plan_review_recorded().next_review_due());
    }
  }
  ASSERT_THAT(expected_due, SizeIs(OverdueTypes().size()));

  // One run a day for two years, noting the day each event appeared.
  std::unique_ptr<jobs::DeadlineScheduler> scheduler = NewScheduler();
  std::map<uint64_t, absl::CivilDay> appeared;  // position → day
  const absl::CivilDay first = env_.day();
  for (absl::CivilDay day = first; day <= Day(2028, 2, 1); ++day) {
    const size_t appended = RunOn(*scheduler, day);
    size_t found = 0;
    for (const v1::EventEnvelope& e : Overdue()) {
      if (appeared.emplace(e.global_position(), day).second) ++found;
    }
    EXPECT_EQ(appended, found) << "on " << day;
  }

  const std::vector<v1::EventEnvelope> overdue = Overdue();
  std::map<std::string, int> count;
  for (const v1::EventEnvelope& e : overdue) {
    ++count[e.event_type()];
    const absl::CivilDay due = DueOn(Decoded(e));
    EXPECT_EQ(due, expected_due[e.event_type()]) << e.event_type();
    EXPECT_EQ(appeared[e.global_position()], due + 1) << e.event_type();
    // Written by the scheduler as SYSTEM, under its idempotency key.
    EXPECT_EQ(e.metadata().actor_role(), "SYSTEM");
    EXPECT_EQ(e.metadata().actor_subject(), "deadline-scheduler");
    EXPECT_EQ(e.metadata().tenant(), kTenant);
    EXPECT_TRUE(absl::StartsWith(
        e.metadata().command_id(),
        absl::StrCat("deadline:", e.stream_id(), ":", e.event_type(), ":")))
        << e.metadata().command_id();
  }
  for (const std::string& type : OverdueTypes()) {
    EXPECT_EQ(count[type], 1) << type;
  }
  EXPECT_THAT(overdue, SizeIs(OverdueTypes().size()));
}

TEST_F(DeadlineSchedulerTest, TwoSchedulersOnOneStoreWriteEachEventOnce) {
  constexpr int kCases = 20;
  absl::CivilDay submit_by;
  for (int i = 0; i < kCases; ++i) {
    submit_by =
        domain::DayOf(Requested(absl::StrCat("arende-", i)).submit_by());
  }
  // Each with a cache of its own, as in two server processes.
  app::AggregateRepository other_repository(&env_.log(), 1000);
  std::unique_ptr<jobs::DeadlineScheduler> a = NewScheduler();
  std::unique_ptr<jobs::DeadlineScheduler> b = NewScheduler(&other_repository);
  EXPECT_EQ(RunOn(*a, env_.day()) + RunOn(*b, env_.day()), 0u);

  // Both run at the same time on the day after, several times.
  env_.SetDay(submit_by + 1);
  size_t total = 0;
  for (int round = 0; round < 3; ++round) {
    absl::StatusOr<size_t> by_a, by_b;
    std::thread ta([&] { by_a = a->RunOnce(); });
    std::thread tb([&] { by_b = b->RunOnce(); });
    ta.join();
    tb.join();
    ASSERT_TRUE(by_a.ok()) << by_a.status();
    ASSERT_TRUE(by_b.ok()) << by_b.status();
    total += *by_a + *by_b;
  }
  EXPECT_EQ(RunOn(*a, submit_by + 2) + RunOn(*b, submit_by + 2), 0u);
  EXPECT_EQ(total, size_t{kCases});
  EXPECT_THAT(Overdue(), SizeIs(kCases));
  for (int i = 0; i < kCases; ++i) {
    int in_stream = 0;
    for (const v1::EventEnvelope& e :
         env_.Stream(CommandEnv::CaseStream(absl::StrCat("arende-", i)))) {
      in_stream += IsOverdue(e);
    }
    EXPECT_EQ(in_stream, 1) << "arende-" << i;
  }
}

TEST_F(DeadlineSchedulerTest, RestartDoesNotRepeatWhatWasWritten) {
  const absl::CivilDay submit_by =
      domain::DayOf(Requested("arende-1").submit_by());
  {
    std::unique_ptr<jobs::DeadlineScheduler> scheduler = NewScheduler();
    EXPECT_EQ(RunOn(*scheduler, submit_by + 1), 1u);
  }
  const uint64_t head = env_.store().HeadPosition();
  env_.Close();
  env_.Open();
  std::unique_ptr<jobs::DeadlineScheduler> scheduler = NewScheduler();
  EXPECT_EQ(RunOn(*scheduler, submit_by + 1), 0u);
  EXPECT_EQ(RunOn(*scheduler, submit_by + 2), 0u);
  EXPECT_EQ(RunOn(*scheduler, submit_by + 100), 0u);
  EXPECT_EQ(env_.store().HeadPosition(), head);
  EXPECT_THAT(Overdue(), SizeIs(1));
}

TEST_F(DeadlineSchedulerTest, RestartBeforeTheDueDateStillWritesOnce) {
  const absl::CivilDay submit_by =
      domain::DayOf(Requested("arende-1").submit_by());
  {
    std::unique_ptr<jobs::DeadlineScheduler> scheduler = NewScheduler();
    EXPECT_EQ(RunOn(*scheduler, submit_by), 0u);
  }
  env_.Close();
  env_.Open();
  std::unique_ptr<jobs::DeadlineScheduler> scheduler = NewScheduler();
  EXPECT_EQ(RunOn(*scheduler, submit_by + 3), 1u);
  EXPECT_EQ(RunOn(*scheduler, submit_by + 4), 0u);
  EXPECT_THAT(Overdue(), SizeIs(1));
}

// Deadlines set after the scheduler started are picked up from its
// subscription, without a restart.
TEST_F(DeadlineSchedulerTest, IndexesEventsAppendedAfterItStarted) {
  std::unique_ptr<jobs::DeadlineScheduler> scheduler = NewScheduler();
  EXPECT_EQ(RunOn(*scheduler, env_.day()), 0u);
  const absl::CivilDay submit_by =
      domain::DayOf(Requested("arende-1").submit_by());
  EXPECT_EQ(RunOn(*scheduler, submit_by), 0u);
  const absl::CivilDay submit_by_2 =
      domain::DayOf(Requested("arende-2").submit_by());
  EXPECT_EQ(RunOn(*scheduler, submit_by + 1), 1u);
  EXPECT_EQ(RunOn(*scheduler, submit_by_2 + 1), 1u);
  EXPECT_THAT(Overdue(), SizeIs(2));
}

// The thread started by Start() runs at once and then every interval.
TEST_F(DeadlineSchedulerTest, StartedSchedulerRunsOnItsOwn) {
  const absl::CivilDay submit_by =
      domain::DayOf(Requested("arende-1").submit_by());
  env_.SetDay(submit_by + 1);
  auto scheduler = std::make_unique<jobs::DeadlineScheduler>(
      &env_.log(), &env_.repository(), nullptr,
      jobs::DeadlineScheduler::Options{.interval = absl::Milliseconds(10),
                                       .clock = env_.Clock()});
  ASSERT_TRUE(scheduler->Start().ok());
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (Overdue().empty() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_THAT(Overdue(), SizeIs(1));
  // A second deadline appended while it runs is found by a later run.
  const absl::CivilDay submit_by_2 =
      domain::DayOf(Requested("arende-2").submit_by());
  env_.SetDay(submit_by_2 + 1);
  while (Overdue().size() < 2 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  scheduler.reset();  // stops the thread
  EXPECT_THAT(Overdue(), SizeIs(2));
}

// Counts the scheduler's runs, so that a test knows one has finished.
class RunCounter final : public app::Metrics {
 public:
  void Count(app::Counter counter, uint64_t n) override {
    if (counter != app::Counter::kDeadlineRuns) return;
    absl::MutexLock lock(&mu_);
    runs_ += n;
  }
  uint64_t runs() const {
    absl::MutexLock lock(&mu_);
    return runs_;
  }

 private:
  mutable absl::Mutex mu_;
  uint64_t runs_ = 0;
};

// A clock that moved (the development clock) need not wait the interval:
// RunSoon() has the started scheduler look again at once.
TEST_F(DeadlineSchedulerTest, RunSoonWakesAStartedScheduler) {
  const absl::CivilDay submit_by =
      domain::DayOf(Requested("arende-1").submit_by());
  RunCounter runs;
  auto scheduler = std::make_unique<jobs::DeadlineScheduler>(
      &env_.log(), &env_.repository(), &runs,
      jobs::DeadlineScheduler::Options{.interval = absl::Hours(24),
                                       .clock = env_.Clock()});
  ASSERT_TRUE(scheduler->Start().ok());
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (runs.runs() < 1 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_EQ(runs.runs(), 1u);  // the first run, at once, found nothing due
  EXPECT_THAT(Overdue(), SizeIs(0));
  env_.SetDay(submit_by + 1);
  scheduler->RunSoon();
  while (Overdue().empty() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_THAT(Overdue(), SizeIs(1));
  scheduler.reset();  // stops the thread
  EXPECT_EQ(runs.runs(), 2u);
}

// A deadline can become due after its date has passed: a plan approved
// after its complete_by is overdue from the approval on. The scheduler
// must not have forgotten the date when it passed without anything due.
TEST_F(DeadlineSchedulerTest, ImplementationOverdueWhenApprovedAfterTheDate) {
  const v1::PlanRequest request = Requested("arende-1");
  Submitted("arende-1", request);
  const absl::CivilDay complete_by = domain::DayOf(request.complete_by());
  std::unique_ptr<jobs::DeadlineScheduler> scheduler = NewScheduler();
  for (absl::CivilDay day = env_.day(); day <= complete_by + 3; ++day) {
    EXPECT_EQ(RunOn(*scheduler, day), 0u) << day;
  }
  env_.MustRun(FollowUpOfficer(), AssessPlan("arende-1", Approval()));
  EXPECT_EQ(RunOn(*scheduler, complete_by + 4), 1u);
  EXPECT_EQ(RunOn(*scheduler, complete_by + 5), 0u);
  std::vector<v1::EventEnvelope> overdue = Overdue();
  ASSERT_THAT(overdue, SizeIs(1));
  EXPECT_EQ(overdue[0].event_type(), "ImplementationOverdue");
  EXPECT_EQ(DueOn(Decoded(overdue[0])), complete_by);

  // A scheduler that starts afresh agrees: nothing more.
  std::unique_ptr<jobs::DeadlineScheduler> fresh = NewScheduler();
  EXPECT_EQ(RunOn(*fresh, complete_by + 6), 0u);
  EXPECT_THAT(Overdue(), SizeIs(1));
}

}  // namespace
}  // namespace atgard::testing
