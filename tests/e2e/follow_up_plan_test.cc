// The yearly follow-up plan over gRPC against the real server on the
// development clock: a year's plan is adopted, one item is done on time,
// one late and one missed; the overdue event of the missed one appears
// once, also after a restart on the same data directory.
#include <grpcpp/client_context.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "atgard/v1/event_store_service.grpc.pb.h"
#include "atgard/v1/follow_up_plan_service.grpc.pb.h"
#include "atgard/v1/operator_service.grpc.pb.h"
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

constexpr char kPlanStream[] = "0780/followupplan/2026";

class FollowUpPlanTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(domain::LoadStockholmTimeZone().ok()); }

  // Starts (or restarts) the server on the same data directory with its
  // workflow clock at `clock`; the deadline scheduler's interval is an
  // hour, so that it runs at start and when the clock is moved.
  void Start(absl::string_view clock) {
    client_.reset();
    server_.reset();
    auto server = StartOnDevClock(tmp_, Parse(clock));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    client_ =
        std::make_unique<GrpcClient>(server_->address(), tmp_.Join("data"));
  }

  static absl::Time Parse(absl::string_view rfc3339) {
    absl::Time at;
    std::string error;
    EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &at, &error))
        << error;
    return at;
  }

  void SetClock(absl::string_view rfc3339) {
    const grpc::Status status = SetDevClock(*client_, Parse(rfc3339));
    ASSERT_TRUE(status.ok()) << Describe(status);
  }

  // The plan's items by obligation id, with their outcome.
  std::map<std::string, v1::PlannedFollowUpStatus> Outcomes() {
    v1::GetFollowUpPlanRequest request;
    request.set_year(2026);
    v1::GetFollowUpPlanResponse response;
    const grpc::Status status =
        v1::FollowUpPlanService::NewStub(client_->channel())
            ->GetFollowUpPlan(client_->Context(Auditor()).get(), request,
                              &response);
    EXPECT_TRUE(status.ok()) << Describe(status);
    std::map<std::string, v1::PlannedFollowUpStatus> out;
    for (const v1::PlannedFollowUpView& item : response.plan().items()) {
      out[item.item().obligation_id()] = item.status();
    }
    return out;
  }

  // Waits until `obligation_id` has `status` (the policies and the
  // deadline scheduler run in the background).
  void AwaitStatus(const std::string& obligation_id,
                   v1::PlannedFollowUpStatus status) {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (Outcomes()[obligation_id] != status && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(50));
    }
    ASSERT_EQ(Outcomes()[obligation_id], status) << obligation_id << "\n"
                                                 << server_->Output();
  }

  // How many PlannedFollowUpOverdue events name `obligation_id`.
  int OverdueEvents(const std::string& obligation_id) {
    v1::ReadStreamRequest request;
    request.set_stream_id(kPlanStream);
    request.set_max_count(1000);
    v1::ReadStreamResponse response;
    const grpc::Status status =
        v1::EventStoreService::NewStub(client_->channel())
            ->ReadStream(client_->Context(FollowUpOfficer()).get(), request,
                         &response);
    EXPECT_TRUE(status.ok()) << Describe(status);
    int count = 0;
    for (const v1::RecordedEvent& e : response.events()) {
      if (e.event().has_planned_follow_up_overdue() &&
          e.event().planned_follow_up_overdue().obligation_id() ==
              obligation_id) {
        ++count;
      }
    }
    return count;
  }

  TempDir tmp_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<GrpcClient> client_;
};

TEST_F(FollowUpPlanTest, OnTimeLateAndMissedOverOneYear) {
  Start("2026-01-10T08:00:00Z");
  const absl::CivilDay start(2026, 1, 10);
  MustRun(*client_, FollowUpOfficer(),
          RegisterProvider(kMunicipalProvider, kMunicipalOrgNumber,
                           v1::REGIFORM_MUNICIPAL));
  MustRun(*client_, FollowUpOfficer(),
          RegisterUnit(kMunicipalProvider, kMunicipalUnit));
  // A short year: everything due by the end of March, the interim base
  // requirements by the end of February.
  v1::FollowUpPlanSettings settings;
  settings.set_observation_visits_per_year(0);
  *settings.mutable_yearly_due_on() = D(absl::CivilDay(2026, 3, 31));
  *settings.mutable_interim_due_on() = D(absl::CivilDay(2026, 2, 28));
  MustRun(*client_, AdministrationDirector(),
          AdoptFollowUpPlan(2026, start, settings));
  const std::string reconciliation = "reconciliation/vaxjo-egen-regi/ekbacken";
  const std::string interim = "base-requirements/interim";
  const std::string record_review = "record-review";
  EXPECT_EQ(Outcomes()[record_review], v1::PLANNED_FOLLOW_UP_STATUS_PLANNED);

  // On time: the reconciliation meeting today.
  MustRun(*client_, FollowUpOfficer(),
          RecordActivity("avstamning-ekbacken", kMunicipalProvider,
                         {kMunicipalUnit},
                         v1::ACTIVITY_KIND_RECONCILIATION_MEETING, start));
  AwaitStatus(reconciliation, v1::PLANNED_FOLLOW_UP_STATUS_DONE);

  // Late: the interim follow-up of the base requirements, a day after its
  // date (by then it was overdue).
  SetClock("2026-03-01T08:00:00Z");
  AwaitStatus(interim, v1::PLANNED_FOLLOW_UP_STATUS_MISSED);
  MustRun(*client_, FollowUpOfficer(),
          RecordActivity("grundkrav-delar", kMunicipalProvider, {},
                         v1::ACTIVITY_KIND_BASE_REQUIREMENT_FOLLOW_UP,
                         absl::CivilDay(2026, 3, 1)));
  AwaitStatus(interim, v1::PLANNED_FOLLOW_UP_STATUS_DONE_LATE);

  // Missed: the record review, never done.
  SetClock("2026-04-01T08:00:00Z");
  AwaitStatus(record_review, v1::PLANNED_FOLLOW_UP_STATUS_MISSED);
  EXPECT_EQ(OverdueEvents(record_review), 1);
  EXPECT_EQ(OverdueEvents(interim), 1);
  EXPECT_EQ(OverdueEvents(reconciliation), 0);

  // Once: neither the next day nor a restart says it again.
  SetClock("2026-04-02T08:00:00Z");
  Start("2026-04-03T08:00:00Z");
  SetClock("2026-04-04T08:00:00Z");
  // A later item of the same stream shows the scheduler has run.
  AwaitStatus(record_review, v1::PLANNED_FOLLOW_UP_STATUS_MISSED);
  absl::SleepFor(absl::Seconds(1));
  EXPECT_EQ(OverdueEvents(record_review), 1);
  EXPECT_EQ(OverdueEvents(interim), 1);
  const std::map<std::string, v1::PlannedFollowUpStatus> outcomes = Outcomes();
  EXPECT_EQ(outcomes.at(reconciliation), v1::PLANNED_FOLLOW_UP_STATUS_DONE);
  EXPECT_EQ(outcomes.at(interim), v1::PLANNED_FOLLOW_UP_STATUS_DONE_LATE);
  EXPECT_EQ(outcomes.at(record_review), v1::PLANNED_FOLLOW_UP_STATUS_MISSED);
}

}  // namespace
}  // namespace atgard::testing
