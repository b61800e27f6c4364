// The unit's register of care plans with the real server on the
// development clock: a plan registered and never reviewed is overdue once a
// month after it was established, and an action for missing parts not put
// right by its date is overdue once, each recorded by the deadline
// scheduler when the clock is moved past the date.
#include <grpcpp/client_context.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "atgard/v1/event_store_service.grpc.pb.h"
#include "atgard/v1/operator_service.grpc.pb.h"
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

constexpr char kNeverReviewed[] = "klient-aldrig-granskad";
constexpr char kActionMissed[] = "klient-atgard-missad";

class CarePlanRegisterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(domain::LoadStockholmTimeZone().ok());
    // Started at the real time, so that the fixtures' dates (relative to
    // today) are today's on the server too; the scheduler's interval is an
    // hour, so that only moving the clock makes it run within the test.
    auto server = StartOnDevClock(tmp_, absl::Now());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    client_ =
        std::make_unique<GrpcClient>(server_->address(), tmp_.Join("data"));
  }

  void MoveClockTo(absl::Time now) {
    const grpc::Status status = SetDevClock(*client_, now);
    ASSERT_TRUE(status.ok()) << Describe(status);
  }

  // The events of `type` in the care plan of `client`.
  std::vector<v1::Event> EventsOf(absl::string_view client,
                                  absl::string_view type) {
    std::vector<v1::Event> events;
    for (const v1::RecordedEvent& e : ReadStreamEvents(
             *client_, absl::StrCat(kTenant, "/careplan/", kPrivateProvider,
                                    "/", kPrivateUnit, "/", client))) {
      if (e.envelope().event_type() == type) events.push_back(e.event());
    }
    return events;
  }

  // Waits (for the woken scheduler) until the plan of `client` has an
  // event of `type`.
  void AwaitEvent(absl::string_view client, absl::string_view type) {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (EventsOf(client, type).empty() && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(50));
    }
    ASSERT_FALSE(EventsOf(client, type).empty()) << server_->Output();
  }

  TempDir tmp_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<GrpcClient> client_;
};

TEST_F(CarePlanRegisterTest, NeverReviewedPlanAndMissedActionAreOverdueOnce) {
  SeedProvidersRemotely(*client_);
  const absl::CivilDay today = Today();
  const domain::Principal staff = ProviderStaff(kPrivateProvider);
  // One plan registered and never reviewed; one registered by the
  // follow-up officer and reviewed today with a part missing, its action
  // due in two weeks and never put right.
  MustRun(
      *client_, staff,
      RegisterCarePlan(kPrivateProvider, kPrivateUnit, kNeverReviewed, today));
  MustRun(
      *client_, FollowUpOfficer(),
      RegisterCarePlan(kPrivateProvider, kPrivateUnit, kActionMissed, today));
  v1::Command review =
      RecordCarePlanReview("genomgang-1", kPrivateProvider, kPrivateUnit,
                           kActionMissed, today, /*complete=*/false);
  review.mutable_record_care_plan_review()->mutable_review()->set_kind(
      v1::CARE_PLAN_REVIEW_KIND_ESTABLISHED);
  MustRun(*client_, staff, review);
  EXPECT_TRUE(EventsOf(kNeverReviewed, "CarePlanReviewOverdue").empty());
  EXPECT_TRUE(EventsOf(kActionMissed, "CarePlanActionOverdue").empty());

  // Fifteen days on, the action is overdue; the unreviewed plan not yet.
  const absl::Time start = absl::Now();
  MoveClockTo(start + absl::Hours(24 * 15));
  AwaitEvent(kActionMissed, "CarePlanActionOverdue");
  EXPECT_TRUE(EventsOf(kNeverReviewed, "CarePlanReviewOverdue").empty());

  // Past a month, the plan never reviewed is overdue with the date a
  // month after it was established.
  MoveClockTo(start + absl::Hours(24 * 33));
  AwaitEvent(kNeverReviewed, "CarePlanReviewOverdue");
  // The action's plan was reviewed today, so its review is due the same
  // day: its overdue event shows that this run has been made too.
  AwaitEvent(kActionMissed, "CarePlanReviewOverdue");

  const std::vector<v1::Event> review_overdue =
      EventsOf(kNeverReviewed, "CarePlanReviewOverdue");
  ASSERT_EQ(review_overdue.size(), 1u);
  EXPECT_EQ(
      domain::DayOf(review_overdue[0].care_plan_review_overdue().due_on()),
      domain::AddCalendarMonths(today, 1));
  const std::vector<v1::Event> action_overdue =
      EventsOf(kActionMissed, "CarePlanActionOverdue");
  ASSERT_EQ(action_overdue.size(), 1u);
  EXPECT_EQ(
      domain::DayOf(action_overdue[0].care_plan_action_overdue().due_on()),
      today + 14);
  EXPECT_EQ(action_overdue[0].care_plan_action_overdue().review_id(),
            "genomgang-1");
}

}  // namespace
}  // namespace atgard::testing
