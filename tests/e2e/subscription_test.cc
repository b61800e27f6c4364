// Subscriptions over real gRPC: a subscriber that disconnects mid-stream
// while others append and resumes from the position after the last event
// it processed sees every event of its filter exactly once, in order; the
// caught-up marker follows history; filters select; roles that may not read
// the log are refused.
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "atgard/v1/event_store_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/calendar.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/grpc_client.h"
#include "tests/support/remote_case.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace atgard::testing {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

const std::string& CasePrefix() {
  static const auto* prefix = new std::string(absl::StrCat(kTenant, "/case/"));
  return *prefix;
}

class Subscriptions : public ServerTest {
 protected:
  void RegisterCases(absl::string_view prefix, int count) {
    for (int i = 0; i < count; ++i) {
      MustRun(*client_, FollowUpOfficer(),
              RegisterCase(absl::StrCat(prefix, "-", i), kPrivateProvider,
                           kPrivateUnit, Today() - 1));
    }
  }

  // The global positions of every event matching `filter`, as ReadAll
  // reports them.
  std::vector<uint64_t> Positions(const v1::EventFilter& filter) {
    auto stub = v1::EventStoreService::NewStub(client_->channel());
    std::vector<uint64_t> positions;
    uint64_t from = 1;
    while (true) {
      v1::ReadAllRequest request;
      request.set_from_position(from);
      request.set_max_count(1000);
      *request.mutable_filter() = filter;
      v1::ReadAllResponse response;
      const grpc::Status status = stub->ReadAll(
          client_->Context(FollowUpOfficer()).get(), request, &response);
      EXPECT_TRUE(status.ok()) << Describe(status);
      if (!status.ok()) return positions;
      for (const v1::RecordedEvent& e : response.events()) {
        positions.push_back(e.envelope().global_position());
      }
      if (response.next_position() > response.head_position()) {
        return positions;
      }
      from = response.next_position();
    }
  }
};

v1::EventFilter CaseFilter() {
  v1::EventFilter filter;
  filter.add_stream_prefixes(CasePrefix());
  return filter;
}

TEST_F(Subscriptions, ResumesAfterADisconnectWithoutGapOrDuplicate) {
  RegisterCases("historik", 10);

  const std::string sentinel = "slutmarkering";
  std::vector<uint64_t> processed;
  std::vector<std::string> streams;
  int caught_up_markers = 0;
  size_t processed_before_disconnect = 0;
  absl::Notification history_sent;
  std::thread subscriber([&] {
    // First connection, on a channel of its own: 15 events, then the
    // client goes away mid-stream. What arrives after that point is not
    // processed.
    {
      auto channel = grpc::CreateChannel(server_->address(),
                                         grpc::InsecureChannelCredentials());
      auto context = client_->Context(Auditor(), absl::Seconds(60));
      v1::SubscribeRequest request;
      request.set_from_position(1);
      *request.mutable_filter() = CaseFilter();
      auto reader = v1::EventStoreService::NewStub(channel)->Subscribe(
          context.get(), request);
      v1::SubscribeResponse message;
      while (processed.size() < 15 && reader->Read(&message)) {
        if (message.has_caught_up()) {
          ++caught_up_markers;
          if (!history_sent.HasBeenNotified()) history_sent.Notify();
          continue;
        }
        processed.push_back(message.event().envelope().global_position());
        streams.push_back(message.event().envelope().stream_id());
      }
      processed_before_disconnect = processed.size();
      context->TryCancel();
      while (reader->Read(&message)) {
      }
      EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
    }
    // Reconnect from the position after the last event processed, until
    // the sentinel case arrives.
    auto context = client_->Context(Auditor(), absl::Seconds(60));
    v1::SubscribeRequest request;
    request.set_from_position(processed.back() + 1);
    *request.mutable_filter() = CaseFilter();
    auto reader = v1::EventStoreService::NewStub(client_->channel())
                      ->Subscribe(context.get(), request);
    v1::SubscribeResponse message;
    while (reader->Read(&message)) {
      if (message.has_caught_up()) {
        ++caught_up_markers;
        continue;
      }
      const v1::EventEnvelope& e = message.event().envelope();
      processed.push_back(e.global_position());
      streams.push_back(e.stream_id());
      if (e.stream_id() == CasePrefix() + sentinel) break;
    }
    context->TryCancel();
    while (reader->Read(&message)) {
    }
    reader->Finish();
  });

  // Once the subscriber has the history, two writers append while it
  // reads: cases (which its filter selects) and positive examples (which
  // it does not).
  EXPECT_TRUE(history_sent.WaitForNotificationWithTimeout(absl::Seconds(30)));
  std::thread cases([&] { RegisterCases("samtidig", 40); });
  std::thread examples([&] {
    for (int i = 0; i < 40; ++i) {
      MustRun(*client_, FollowUpOfficer(),
              RecordPositiveExample(absl::StrCat("exempel-", i),
                                    kPrivateProvider, kPrivateUnit, Today()));
    }
  });

  cases.join();
  examples.join();
  MustRun(*client_, FollowUpOfficer(),
          RegisterCase(sentinel, kPrivateProvider, kPrivateUnit, Today()));
  subscriber.join();

  EXPECT_EQ(processed_before_disconnect, 15u);
  EXPECT_GE(caught_up_markers, 1);
  // Exactly the events of the filter, each once, in the log's order.
  const std::vector<uint64_t> expected = Positions(CaseFilter());
  EXPECT_EQ(expected.size(), 10u + 40u + 1u);
  EXPECT_THAT(processed, ElementsAreArray(expected));
  for (const std::string& stream : streams) {
    EXPECT_TRUE(absl::StartsWith(stream, CasePrefix())) << stream;
  }
}

TEST_F(Subscriptions, CaughtUpArrivesAfterHistoryThenLiveEventsFollow) {
  RegisterCases("fore", 5);
  const std::vector<uint64_t> history = Positions(CaseFilter());
  ASSERT_EQ(history.size(), 5u);

  auto context = client_->Context(Supervisor());
  v1::SubscribeRequest request;
  request.set_from_position(1);
  *request.mutable_filter() = CaseFilter();
  auto reader = v1::EventStoreService::NewStub(client_->channel())
                    ->Subscribe(context.get(), request);
  std::vector<uint64_t> before;
  v1::SubscribeResponse message;
  ASSERT_TRUE(reader->Read(&message));
  while (message.has_event()) {
    before.push_back(message.event().envelope().global_position());
    ASSERT_TRUE(reader->Read(&message));
  }
  ASSERT_TRUE(message.has_caught_up());
  const uint64_t caught_up_at = message.caught_up().head_position();
  EXPECT_THAT(before, ElementsAreArray(history));
  EXPECT_GE(caught_up_at, history.back());

  // Live: an event appended now is the next message.
  const CommandOutcome live =
      MustRun(*client_, FollowUpOfficer(),
              RegisterCase("efter", kPrivateProvider, kPrivateUnit, Today()));
  ASSERT_TRUE(reader->Read(&message));
  ASSERT_TRUE(message.has_event());
  EXPECT_EQ(message.event().envelope().global_position(),
            live.result.global_position());
  EXPECT_GT(message.event().envelope().global_position(), caught_up_at);
  EXPECT_EQ(message.event().envelope().stream_id(), CasePrefix() + "efter");
  context->TryCancel();
  while (reader->Read(&message)) {
  }
  reader->Finish();
}

TEST_F(Subscriptions, FiltersByStreamPrefixAndEventType) {
  for (const char* id : {"filter-a", "filter-b"}) {
    RemoteCase c(*client_, id, /*private_provider=*/true);
    c.Register();
    c.RequestPlan();
    c.SubmitPlan();
  }
  v1::EventFilter filter = CaseFilter();
  filter.add_event_types("PlanRequested");
  const std::vector<uint64_t> expected = Positions(filter);
  ASSERT_EQ(expected.size(), 2u);

  auto context = client_->Context(MedicalOfficer());
  v1::SubscribeRequest request;
  request.set_from_position(1);
  *request.mutable_filter() = filter;
  auto reader = v1::EventStoreService::NewStub(client_->channel())
                    ->Subscribe(context.get(), request);
  std::vector<uint64_t> received;
  v1::SubscribeResponse message;
  while (reader->Read(&message) && message.has_event()) {
    const v1::EventEnvelope& e = message.event().envelope();
    EXPECT_EQ(e.event_type(), "PlanRequested");
    EXPECT_TRUE(message.event().event().has_plan_requested());
    EXPECT_TRUE(absl::StartsWith(e.stream_id(), CasePrefix()));
    received.push_back(e.global_position());
  }
  EXPECT_TRUE(message.has_caught_up());
  EXPECT_THAT(received, ElementsAreArray(expected));
  context->TryCancel();
  while (reader->Read(&message)) {
  }
  reader->Finish();
}

TEST_F(Subscriptions, RefusedForRolesThatDoNotReadTheLog) {
  for (const domain::Principal& caller :
       {ProviderStaff(kPrivateProvider), Operator()}) {
    SCOPED_TRACE(domain::RoleName(caller.role));
    auto context = client_->Context(caller);
    v1::SubscribeRequest request;
    request.set_from_position(1);
    auto reader = v1::EventStoreService::NewStub(client_->channel())
                      ->Subscribe(context.get(), request);
    v1::SubscribeResponse message;
    EXPECT_FALSE(reader->Read(&message));
    EXPECT_EQ(reader->Finish().error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  // A start that is no position is refused too, naming the field.
  auto context = client_->Context(Auditor());
  v1::SubscribeRequest request;
  request.set_from_position(0);
  auto reader = v1::EventStoreService::NewStub(client_->channel())
                    ->Subscribe(context.get(), request);
  v1::SubscribeResponse message;
  EXPECT_FALSE(reader->Read(&message));
  const grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << Describe(status);
  EXPECT_THAT(status.error_message(), HasSubstr("from_position"));
}

}  // namespace
}  // namespace atgard::testing
