// The norms of a step over real gRPC, on a server running on the
// development clock: a plan request beyond the step's normal time is
// accepted with a written justification and flagged in its event, and a
// start_by that passes with nothing started gives exactly one StartOverdue,
// read back through the event-log RPC, also after a restart.
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

class CaseNormsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(domain::LoadStockholmTimeZone().ok()); }

  // Starts the server on the development clock at `clock`; the deadline
  // scheduler's interval is an hour, so that within a test it runs at
  // start and when the clock is moved.
  void Start(absl::Time clock) {
    auto server = StartOnDevClock(tmp_, clock);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    client_ =
        std::make_unique<GrpcClient>(server_->address(), tmp_.Join("data"));
  }

  void Restart(absl::Time clock) {
    client_.reset();
    ASSERT_TRUE(server_->Stop().ok()) << server_->Output();
    Start(clock);
  }

  void MoveClock(absl::Time now) {
    const grpc::Status status = SetDevClock(*client_, now);
    ASSERT_TRUE(status.ok()) << Describe(status);
  }

  // The events of `stream_id`, through EventStoreService.ReadStream.
  std::vector<v1::RecordedEvent> Stream(const std::string& stream_id) {
    return ReadStreamEvents(*client_, stream_id);
  }

  // The events of `type` in `stream_id`.
  std::vector<v1::Event> EventsOf(const std::string& stream_id,
                                  absl::string_view type) {
    std::vector<v1::Event> events;
    for (const v1::RecordedEvent& e : Stream(stream_id)) {
      if (e.envelope().event_type() == type) events.push_back(e.event());
    }
    return events;
  }

  // Waits (at most 30 s) until `stream_id` holds an event of `type`.
  bool AwaitEvent(const std::string& stream_id, absl::string_view type) {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (absl::Now() < deadline) {
      if (!EventsOf(stream_id, type).empty()) return true;
      absl::SleepFor(absl::Milliseconds(50));
    }
    return false;
  }

  // Requests a plan for `c` whose work must start `start_in` days from
  // today, then submits and approves it.
  void ApprovePlanStartingIn(RemoteCase& c, int start_in) {
    v1::PlanRequest request = Request(Today());
    *request.mutable_start_by() = D(Today() + start_in);
    MustRun(*client_, c.Requester(), RequestPlan(c.case_id(), request));
    MustRun(
        *client_, c.Staff(),
        SubmitPlan(c.case_id(), Plan(domain::DayOf(request.complete_by()))));
    MustRun(*client_, c.Assessor(), AssessPlan(c.case_id(), Approval()));
  }

  TempDir tmp_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<GrpcClient> client_;
};

TEST_F(CaseNormsTest, RequestBeyondTheNormalTimeNeedsAJustification) {
  Start(absl::Now());
  SeedProvidersRemotely(*client_);
  RemoteCase c(*client_, "arende-normaltid", /*private_provider=*/true);
  c.Register();
  v1::PlanRequest request = Request(Today());
  *request.mutable_complete_by() =
      D(domain::AddCalendarMonths(Today(), 3) + 20);

  const CommandOutcome refused =
      client_->Run(c.Requester(), RequestPlan(c.case_id(), request));
  EXPECT_EQ(refused.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << Describe(refused.status);
  EXPECT_THAT(refused.status.error_message(), HasSubstr("complete_by"));

  request.set_beyond_normal_time_justification(
      "Nattpersonalen utbildas av regionen först i höst.");
  MustRun(*client_, c.Requester(), RequestPlan(c.case_id(), request));
  const std::vector<v1::Event> requested =
      EventsOf(c.stream_id(), "PlanRequested");
  ASSERT_EQ(requested.size(), 1u);
  EXPECT_TRUE(requested[0].plan_requested().beyond_normal_time());
  EXPECT_EQ(requested[0]
                .plan_requested()
                .request()
                .beyond_normal_time_justification(),
            request.beyond_normal_time_justification());
  EXPECT_EQ(domain::DayOf(requested[0].plan_requested().complete_by_limit()),
            domain::AddCalendarMonths(Today(), 3));
}

TEST_F(CaseNormsTest, StartByPassingWithNothingStartedIsOverdueOnce) {
  const absl::Time start = absl::Now();
  Start(start);
  SeedProvidersRemotely(*client_);
  RemoteCase first(*client_, "arende-start-1", /*private_provider=*/true);
  first.Register();
  ApprovePlanStartingIn(first, 30);
  // A second case whose start is due later shows when the scheduler has
  // run again after the restart.
  RemoteCase second(*client_, "arende-start-2", /*private_provider=*/true);
  second.Register();
  ApprovePlanStartingIn(second, 45);
  EXPECT_TRUE(EventsOf(first.stream_id(), "StartOverdue").empty());

  MoveClock(start + absl::Hours(24 * 40));
  ASSERT_TRUE(AwaitEvent(first.stream_id(), "StartOverdue"))
      << server_->Output();
  std::vector<v1::Event> overdue = EventsOf(first.stream_id(), "StartOverdue");
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_EQ(domain::DayOf(overdue[0].start_overdue().due_on()), Today() + 30);
  EXPECT_EQ(overdue[0].start_overdue().round(), 1);
  EXPECT_TRUE(EventsOf(second.stream_id(), "StartOverdue").empty());

  // After a restart (whose first run looks at every calendar again) and a
  // later day, the first case's start is not overdue a second time.
  Restart(start + absl::Hours(24 * 41));
  MoveClock(start + absl::Hours(24 * 50));
  ASSERT_TRUE(AwaitEvent(second.stream_id(), "StartOverdue"))
      << server_->Output();
  EXPECT_EQ(EventsOf(first.stream_id(), "StartOverdue").size(), 1u);
  EXPECT_EQ(EventsOf(second.stream_id(), "StartOverdue").size(), 1u);
  // A missed start fails the step: the case may now be escalated. (The
  // RemoteCase helpers speak to the client from before the restart.)
  const CommandOutcome escalated =
      client_->Run(first.Escalator(),
                   Escalate(first.case_id(), v1::ESCALATION_STEP_1B, Today(),
                            domain::AddCalendarMonths(Today(), 4)));
  EXPECT_TRUE(escalated.ok()) << Describe(escalated.status);
}

}  // namespace
}  // namespace atgard::testing
