// The development clock with the real server: --dev_clock starts the
// workflow's clock at a chosen instant, OperatorService.SetDevelopmentClock
// moves it forward (never back) and wakes the deadline scheduler, so that a
// deadline months ahead is missed in seconds; a server without it refuses
// the RPC, and development tokens keep working however far it moves.
#include <grpcpp/client_context.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "atgard/v1/event_store_service.grpc.pb.h"
#include "atgard/v1/operator_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/calendar.h"
#include "services/domain/dates.h"
#include "tests/support/dev_clock_server.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/grpc_client.h"
#include "tests/support/remote_case.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace atgard::testing {
namespace {

using ::testing::HasSubstr;

absl::Time FromTimestamp(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

class DevClockTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(domain::LoadStockholmTimeZone().ok()); }

  // Starts the server with `extra_args` (besides --dev_auth); the deadline
  // scheduler's interval is an hour, so that only a wake makes it run
  // again within a test.
  void Start(std::vector<std::string> extra_args) {
    extra_args.push_back("--deadline_interval=1h");
    auto server = ServerProcess::Start({.data_dir = tmp_.Join("data"),
                                        .extra_args = std::move(extra_args),
                                        .work_dir = tmp_.path()});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    client_ =
        std::make_unique<GrpcClient>(server_->address(), tmp_.Join("data"));
  }

  grpc::Status SetClock(absl::Time now, absl::Time* answered = nullptr,
                        const domain::Principal& as = Operator()) {
    return SetDevClock(*client_, now, answered, as);
  }

  std::vector<v1::RecordedEvent> Stream(const std::string& stream_id) {
    return ReadStreamEvents(*client_, stream_id);
  }

  TempDir tmp_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<GrpcClient> client_;
};

TEST_F(DevClockTest, StartsAtItsInstantAndStampsEventsWithIt) {
  const absl::Time start = absl::FromCivil(
      absl::CivilSecond(2026, 1, 15, 8, 0, 0), absl::UTCTimeZone());
  Start({"--dev_clock=2026-01-15T08:00:00Z"});
  // The token is minted on the real clock, which is not the server's
  // workflow clock: tokens live in real time.
  MustRun(*client_, FollowUpOfficer(),
          RegisterProvider(kPrivateProvider, kPrivateOrgNumber,
                           v1::REGIFORM_PRIVATE));
  const std::vector<v1::RecordedEvent> events =
      Stream(absl::StrCat(kTenant, "/provider/", kPrivateProvider));
  ASSERT_FALSE(events.empty());
  const absl::Time recorded = FromTimestamp(events[0].envelope().recorded_at());
  EXPECT_GE(recorded, start);
  EXPECT_LT(recorded, start + absl::Minutes(10));
}

TEST_F(DevClockTest, MovedForwardTheCaseBecomesOverdueAtOnce) {
  // Started at the real time, so that the fixtures' dates (relative to
  // today) are today's on the server too.
  Start({absl::StrCat(
      "--dev_clock=",
      absl::FormatTime(absl::RFC3339_sec, absl::Now(), absl::UTCTimeZone()))});
  SeedProvidersRemotely(*client_);
  RemoteCase c(*client_, "arende-klocka", /*private_provider=*/true);
  c.Register();
  v1::PlanRequest request = Request(Today());
  *request.mutable_submit_by() = D(Today() + 10);
  MustRun(*client_, c.Requester(), RequestPlan(c.case_id(), request));
  auto overdue = [&] {
    for (const v1::RecordedEvent& e : Stream(c.stream_id())) {
      if (e.envelope().event_type() == "PlanSubmissionOverdue") return true;
    }
    return false;
  };
  EXPECT_FALSE(overdue());

  const absl::Time later = absl::Now() + absl::Hours(24 * 30);
  absl::Time answered;
  const grpc::Status moved = SetClock(later, &answered);
  ASSERT_TRUE(moved.ok()) << Describe(moved);
  EXPECT_EQ(answered, absl::FromUnixSeconds(absl::ToUnixSeconds(later)));

  // The scheduler, woken, runs for the new day well before its hour.
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (!overdue() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  ASSERT_TRUE(overdue()) << server_->Output();
  for (const v1::RecordedEvent& e : Stream(c.stream_id())) {
    if (e.envelope().event_type() != "PlanSubmissionOverdue") continue;
    EXPECT_EQ(domain::DayOf(e.event().plan_submission_overdue().due_on()),
              Today() + 10);
    EXPECT_GE(FromTimestamp(e.envelope().recorded_at()),
              absl::FromUnixSeconds(absl::ToUnixSeconds(later)));
  }

  // Never back, not even to where it was before.
  const grpc::Status back = SetClock(later - absl::Hours(24));
  EXPECT_EQ(back.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << Describe(back);
  EXPECT_THAT(back.error_message(), HasSubstr("now"));
  EXPECT_EQ(SetClock(absl::Now()).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // Only operators move it.
  EXPECT_EQ(
      SetClock(later + absl::Hours(1), nullptr, FollowUpOfficer()).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(DevClockTest, WithoutADevelopmentClockTheRpcIsRefused) {
  Start({});
  const grpc::Status status = SetClock(absl::Now() + absl::Hours(24));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << Describe(status);
  EXPECT_THAT(status.error_message(), HasSubstr("development clock is off"));
}

}  // namespace
}  // namespace atgard::testing
