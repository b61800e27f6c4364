// Recurring complaints with the real server over gRPC, on the development
// clock, with the default settings: counts recorded for three of six months
// open exactly one case through the policy runner; a fourth month recorded
// while that case is open opens none; and restarting the server (after a crash
// that may leave the policies' checkpoint behind, and after a clean stop) runs
// the policies again without a second case.
#include <grpcpp/client_context.h>

#include <csignal>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "atgard/v1/event_store_service.grpc.pb.h"
#include "atgard/v1/operator_service.grpc.pb.h"
#include "atgard/v1/settings_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/calendar.h"
#include "tests/support/dev_clock_server.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/grpc_client.h"
#include "tests/support/remote_case.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace atgard::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::SizeIs;

class RecurringComplaintsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(domain::LoadStockholmTimeZone().ok()); }

  // Starts (or restarts) the server on the same data directory, its
  // workflow clock at `clock`.
  void Start(const std::string& clock) {
    client_.reset();
    absl::Time at;
    std::string error;
    ASSERT_TRUE(absl::ParseTime(absl::RFC3339_full, clock, &at, &error))
        << error;
    auto server = StartOnDevClock(tmp_, at, {});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    client_ =
        std::make_unique<GrpcClient>(server_->address(), tmp_.Join("data"));
  }

  void SetClock(absl::CivilDay day) {
    const grpc::Status status = SetDevClock(
        *client_, absl::FromCivil(absl::CivilSecond(day.year(), day.month(),
                                                    day.day(), 8, 0, 0),
                                  absl::UTCTimeZone()));
    ASSERT_TRUE(status.ok()) << Describe(status);
  }

  // Every event of `type` in the tenant's log.
  std::vector<v1::RecordedEvent> EventsOfType(const std::string& type) {
    std::vector<v1::RecordedEvent> out;
    uint64_t from = 1;
    while (true) {
      v1::ReadAllRequest request;
      request.set_from_position(from);
      request.set_max_count(1000);
      request.mutable_filter()->add_event_types(type);
      v1::ReadAllResponse response;
      const grpc::Status status =
          v1::EventStoreService::NewStub(client_->channel())
              ->ReadAll(client_->Context(FollowUpOfficer()).get(), request,
                        &response);
      EXPECT_TRUE(status.ok()) << Describe(status);
      if (!status.ok()) return out;
      out.insert(out.end(), response.events().begin(), response.events().end());
      if (response.next_position() > response.head_position()) return out;
      from = response.next_position();
    }
  }

  // The cases registered once the policy runner has had time to act: polls
  // until `expected` are there, then a little longer for any extra.
  std::vector<v1::RecordedEvent> CasesAfterPolicies(size_t expected) {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    std::vector<v1::RecordedEvent> cases = EventsOfType("CaseRegistered");
    while (cases.size() < expected && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(50));
      cases = EventsOfType("CaseRegistered");
    }
    // The runner polls every 100 ms: a second case would show by now.
    absl::SleepFor(absl::Seconds(1));
    return EventsOfType("CaseRegistered");
  }

  TempDir tmp_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<GrpcClient> client_;
};

TEST_F(RecurringComplaintsTest, ThreeOfSixMonthsOpenExactlyOneCase) {
  Start("2026-05-04T08:00:00Z");
  SeedProvidersRemotely(*client_);
  // Never set: the defaults are in force.
  v1::GetPolicySettingsResponse settings;
  const grpc::Status read =
      v1::SettingsService::NewStub(client_->channel())
          ->GetPolicySettings(client_->Context(FollowUpOfficer()).get(), {},
                              &settings);
  ASSERT_TRUE(read.ok()) << Describe(read);
  EXPECT_EQ(settings.version(), 0u);
  EXPECT_EQ(settings.settings().red_areas_threshold(), 3);
  EXPECT_EQ(settings.settings().failed_key_points_threshold(), 2);
  EXPECT_EQ(settings.settings().complaint_months_threshold(), 3);
  EXPECT_EQ(settings.settings().complaint_window_months(), 6);
  const domain::Principal officer = FollowUpOfficer();
  const domain::Principal staff = ProviderStaff(kPrivateProvider);
  MustRun(*client_, officer,
          RecordComplaintCounts(kPrivateProvider, kPrivateUnit, "2026-01",
                                v1::COMPLAINT_CATEGORY_COMPLAINT, 2));
  MustRun(*client_, staff,
          RecordComplaintCounts(kPrivateProvider, kPrivateUnit, "2026-02",
                                v1::COMPLAINT_CATEGORY_LEX_SARAH, 1));
  MustRun(*client_, staff,
          RecordComplaintCounts(kPrivateProvider, kPrivateUnit, "2026-03",
                                v1::COMPLAINT_CATEGORY_COMPLAINT, 1));
  EXPECT_THAT(CasesAfterPolicies(0), SizeIs(0));

  // The third month of six: one case, opened by the policy. The server is
  // killed at once, before or after the runner got to it.
  const CommandOutcome third =
      MustRun(*client_, officer,
              RecordComplaintCounts(kPrivateProvider, kPrivateUnit, "2026-04",
                                    v1::COMPLAINT_CATEGORY_COMPLAINT, 4));
  EXPECT_THAT(
      third.result.event_types(),
      ElementsAre("ComplaintCountsRecorded", "RecurringComplaintsDetected"));
  server_->Signal(SIGKILL);
  ASSERT_TRUE(server_->Wait(absl::Seconds(30)).ok());
  Start("2026-05-04T09:00:00Z");
  std::vector<v1::RecordedEvent> cases = CasesAfterPolicies(1);
  ASSERT_THAT(cases, SizeIs(1)) << server_->Output();
  const v1::CaseRegistered& opened = cases[0].event().case_registered();
  EXPECT_EQ(opened.deficiency().provider_id(), kPrivateProvider);
  EXPECT_EQ(opened.deficiency().unit_id(), kPrivateUnit);
  EXPECT_EQ(opened.deficiency().source(), v1::DEFICIENCY_SOURCE_COMPLAINT);
  EXPECT_EQ(cases[0].envelope().metadata().actor_role(), "SYSTEM");
  const std::vector<v1::RecordedEvent> detected =
      EventsOfType("RecurringComplaintsDetected");
  ASSERT_THAT(detected, SizeIs(1));
  EXPECT_EQ(opened.case_id(),
            detected[0].event().recurring_complaints_detected().case_id());

  // A fourth month a month later, the case still open: no new case.
  SetClock(absl::CivilDay(2026, 6, 3));
  const CommandOutcome fourth =
      MustRun(*client_, staff,
              RecordComplaintCounts(kPrivateProvider, kPrivateUnit, "2026-05",
                                    v1::COMPLAINT_CATEGORY_COMPLAINT, 1));
  EXPECT_THAT(fourth.result.event_types(),
              ElementsAre("ComplaintCountsRecorded"));

  // A clean restart: the policies resume and open nothing more.
  ASSERT_TRUE(server_->Stop().ok());
  Start("2026-06-03T09:00:00Z");
  EXPECT_THAT(CasesAfterPolicies(1), SizeIs(1)) << server_->Output();
  EXPECT_THAT(EventsOfType("RecurringComplaintsDetected"), SizeIs(1));
}

}  // namespace
}  // namespace atgard::testing
