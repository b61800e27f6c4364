// Writes the store that tests/integration/app/event_schema_test.cc reads:
// a short history through the real command path (providers, a contract,
// two cases — one taken through its plan — and a missed deadline), closed
// cleanly so that every event is in tables. Run it only to add the stored
// form of a release, never to refresh the committed one:
//
//   export ATGARD_FIXTURE_DIR=tests/fixtures/store-<release>
//   build/tests/schema_fixture_writer
//
// then delete the RocksDB LOG files from that directory (they name the
// machine's paths) and commit it.
#include <cstdlib>
#include <filesystem>

#include "services/domain/dates.h"
#include "services/jobs/deadline_scheduler.h"
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
  // The plan of arende-2 is never submitted: its deadline passes.
  env.AdvanceDays(60);
  size_t due = 0;
  const absl::Status done = jobs::AppendDueDeadlines(
      env.log(), env.repository(), CommandEnv::CaseStream("arende-2"),
      env.day(), &due);
  ASSERT_TRUE(done.ok()) << done;
  ASSERT_GT(due, 0u);
  env.Close();
  std::filesystem::copy(env.store_path(), target,
                        std::filesystem::copy_options::recursive);
}

}  // namespace
}  // namespace atgard::testing
