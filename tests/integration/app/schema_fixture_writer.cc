// Writes a store that tests/integration/app/event_schema_test.cc reads: a
// history through the real command path, closed cleanly so that every
// event is in tables. store-v1 holds providers, a contract, two cases (one
// taken through its plan) and a missed deadline; store-v2 adds every
// aggregate kind and most event types of its release: activities, a
// positive example, measurements and the cases their policies open, a
// care-plan review, a sanction, a case taken to step 1b with a milestone,
// an escalation after a missed deadline, a case closed, and the deadlines
// of all of them. Run it only to add the stored
// form of a release, never to refresh the committed one:
//
//   export ATGARD_FIXTURE_DIR=tests/fixtures/store-<release>
//   build/tests/schema_fixture_writer
//
// then delete the RocksDB LOG files from that directory (they name the
// machine's paths) and commit it.
#include <cstdlib>
#include <filesystem>
#include <set>

#include "services/domain/dates.h"
#include "services/domain/streams.h"
#include "services/jobs/deadline_scheduler.h"
#include "services/jobs/policy_runner.h"
#include "tests/integration/app/command_env.h"

namespace atgard::testing {
namespace {

TEST(SchemaFixture, Write) {
  const char* target = std::getenv("ATGARD_FIXTURE_DIR");
  ASSERT_NE(target, nullptr) << "set ATGARD_FIXTURE_DIR";
  ASSERT_TRUE(domain::LoadStockholmTimeZone().ok());
  CommandEnv env;
  env.SetDay(Day(2026, 2, 10));
  env.SeedProviders();
  env.MustRun(FollowUpOfficer(), RegisterCase("arende-1", kPrivateProvider,
                                              kPrivateUnit, env.day() - 7));
  const v1::PlanRequest request = Request(env.day());
  env.MustRun(FollowUpOfficer(), RequestPlan("arende-1", request));
  env.MustRun(
      ProviderStaff(kPrivateProvider),
      SubmitPlan("arende-1", Plan(domain::DayOf(request.complete_by()))));
  env.MustRun(FollowUpOfficer(), AssessPlan("arende-1", Approval()));
  env.MustRun(FollowUpOfficer(), RegisterCase("arende-2", kMunicipalProvider,
                                              kMunicipalUnit, env.day() - 3));
  env.MustRun(CareDirector(), RequestPlan("arende-2", Request(env.day())));

  // Follow-up activities, measurements and a care-plan review.
  env.MustRun(
      FollowUpOfficer(),
      RecordActivity("aktivitet-1", kPrivateProvider, {kPrivateUnit},
                     v1::ACTIVITY_KIND_IN_DEPTH_FOLLOW_UP, env.day() - 5));
  env.MustRun(
      FollowUpOfficer(),
      RecordActivity("aktivitet-2", kMunicipalProvider, {kMunicipalUnit},
                     v1::ACTIVITY_KIND_OBSERVATION_VISIT, env.day() - 2));
  env.MustRun(FollowUpOfficer(),
              RecordPositiveExample("exempel-1", kPrivateProvider, kPrivateUnit,
                                    env.day() - 5));
  env.MustRun(FollowUpOfficer(),
              RecordMeasurement("matning-2025", kPrivateProvider, kPrivateUnit,
                                "kontinuitet", 2025, Day(2025, 9, 15), true));
  env.MustRun(FollowUpOfficer(),
              RecordMeasurement("matning-2026", kPrivateProvider, kPrivateUnit,
                                "kontinuitet", 2026, env.day() - 1, true));
  env.MustRun(
      FollowUpOfficer(),
      RecordMeasurement("grundkrav-2026", kMunicipalProvider, kMunicipalUnit,
                        "bemotande", 2026, env.day() - 1, true, true));
  env.MustRun(
      ProviderStaff(kPrivateProvider),
      RecordCarePlanReview("genomgang-1", kPrivateProvider, kPrivateUnit,
                           "brukare-17", env.day() - 1, false));
  // The policies open the cases the measurements call for.
  jobs::PolicyRunner policies(&env.log(), &env.handler(), nullptr, {});
  absl::StatusOr<size_t> opened = policies.RunAvailable();
  ASSERT_TRUE(opened.ok()) << opened.status();
  ASSERT_EQ(*opened, 2u);

  // arende-1 is carried out, not resolved, escalated to step 1b with a
  // correction under the contract, and gets a larger plan.
  const absl::CivilDay complete_by = domain::DayOf(request.complete_by());
  env.AdvanceDays(7);
  env.MustRun(ProviderStaff(kPrivateProvider),
              ReportProgress("arende-1", 1, v1::TRAFFIC_LIGHT_YELLOW));
  env.AdvanceDays(14);
  env.MustRun(ProviderStaff(kPrivateProvider), CompleteAction("arende-1", 1));
  env.MustRun(ProviderStaff(kPrivateProvider), CompleteAction("arende-1", 2));
  env.MustRun(ProviderStaff(kPrivateProvider),
              ReportImplementation("arende-1"));
  env.MustRun(FollowUpOfficer(),
              ScheduleFollowUp("arende-1", complete_by + 14));
  env.SetDay(complete_by + 14);
  env.MustRun(
      FollowUpOfficer(),
      RecordFollowUp("arende-1", env.day(), v1::FOLLOW_UP_RESULT_NOT_RESOLVED));
  env.MustRun(AdministrationDirector(),
              Escalate("arende-1", v1::ESCALATION_STEP_1B, env.day(),
                       domain::AddCalendarMonths(env.day(), 6)));
  env.MustRun(
      AdministrationDirector(),
      ImposeSanction(kContract, "sanktion-1", v1::SANCTION_KIND_CORRECTION,
                     {"arende-1"}, env.day()));
  const v1::PlanRequest larger = Request(env.day());
  env.MustRun(FollowUpOfficer(), RequestPlan("arende-1", larger));
  env.MustRun(
      ProviderStaff(kPrivateProvider),
      SubmitPlan("arende-1", Plan(domain::DayOf(larger.complete_by()), true)));
  env.MustRun(AdministrationDirector(), AssessPlan("arende-1", Approval()));
  env.MustRun(FollowUpOfficer(), RecordMilestone("arende-1", 1, true));

  // A case registered in error, and closed.
  env.MustRun(FollowUpOfficer(), RegisterCase("arende-3", kMunicipalProvider,
                                              kMunicipalUnit, env.day()));
  env.MustRun(FollowUpOfficer(),
              CloseCase("arende-3", v1::CASE_CLOSURE_REGISTERED_IN_ERROR));

  // The plan of arende-2 was never submitted: its deadline passed, and the
  // care director escalates it to step 2.
  size_t due = 0;
  const absl::Status done = jobs::AppendDueDeadlines(
      env.log(), env.repository(), CommandEnv::CaseStream("arende-2"),
      env.day(), &due);
  ASSERT_TRUE(done.ok()) << done;
  ASSERT_GT(due, 0u);
  env.MustRun(CareDirector(),
              Escalate("arende-2", v1::ESCALATION_STEP_2, env.day()));

  // Half a year on, every aggregate's passed deadlines are appended.
  env.AdvanceDays(200);
  std::set<std::string> streams;
  for (const v1::EventEnvelope& e : env.Log()) {
    if (domain::AggregateOfStream(e.stream_id()).ok())
      streams.insert(e.stream_id());
  }
  size_t later = 0;
  for (const std::string& stream : streams) {
    const absl::Status appended = jobs::AppendDueDeadlines(
        env.log(), env.repository(), stream, env.day(), &later);
    ASSERT_TRUE(appended.ok()) << stream << ": " << appended;
  }
  ASSERT_GE(later, 3u);
  env.Close();
  std::filesystem::copy(env.store_path(), target,
                        std::filesystem::copy_options::recursive);
}

}  // namespace
}  // namespace atgard::testing
