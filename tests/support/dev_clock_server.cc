#include "tests/support/dev_clock_server.h"

#include <grpcpp/client_context.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "atgard/v1/event_store_service.grpc.pb.h"
#include "atgard/v1/operator_service.grpc.pb.h"
#include "gtest/gtest.h"

namespace atgard::testing {

absl::StatusOr<std::unique_ptr<ServerProcess>> StartOnDevClock(
    const TempDir& tmp, absl::Time clock, std::vector<std::string> extra_args) {
  extra_args.push_back(absl::StrCat(
      "--dev_clock=",
      absl::FormatTime(absl::RFC3339_sec, clock, absl::UTCTimeZone())));
  return ServerProcess::Start({.data_dir = tmp.Join("data"),
                               .extra_args = std::move(extra_args),
                               .work_dir = tmp.path()});
}

grpc::Status SetDevClock(const GrpcClient& client, absl::Time now,
                         absl::Time* answered, const domain::Principal& as) {
  v1::SetDevelopmentClockRequest request;
  request.mutable_now()->set_seconds(absl::ToUnixSeconds(now));
  v1::SetDevelopmentClockResponse response;
  const grpc::Status status =
      v1::OperatorService::NewStub(client.channel())
          ->SetDevelopmentClock(client.Context(as).get(), request, &response);
  if (answered != nullptr) {
    *answered = absl::FromUnixSeconds(response.now().seconds()) +
                absl::Nanoseconds(response.now().nanos());
  }
  return status;
}

std::vector<v1::RecordedEvent> ReadStreamEvents(const GrpcClient& client,
                                                const std::string& stream_id) {
  v1::ReadStreamRequest request;
  request.set_stream_id(stream_id);
  request.set_max_count(1000);
  v1::ReadStreamResponse response;
  const grpc::Status status =
      v1::EventStoreService::NewStub(client.channel())
          ->ReadStream(client.Context(FollowUpOfficer()).get(), request,
                       &response);
  EXPECT_TRUE(status.ok()) << Describe(status);
  return {response.events().begin(), response.events().end()};
}

}  // namespace atgard::testing
