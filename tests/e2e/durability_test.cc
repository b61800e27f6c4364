// What the real server acknowledged survives its sudden death. Commands are
// answered only once their events are durable, so after a SIGKILL in the
// middle of a burst of commands and a restart on the same data directory:
// every acknowledged command is in the log where its answer said, a retry
// of it is answered from the record and writes nothing, a command whose
// answer was lost takes effect exactly once when retried, and the hash
// chain verifies. (A killed process loses nothing the kernel has; that the
// store syncs before it acknowledges is the store's own crash test's
// subject.)
#include <grpcpp/client_context.h>

#include <csignal>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "atgard/v1/event_store_service.grpc.pb.h"
#include "atgard/v1/operator_service.grpc.pb.h"
#include "gtest/gtest.h"
#include "services/domain/calendar.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/grpc_client.h"
#include "tests/support/remote_case.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace atgard::testing {
namespace {

// One RegisterCase sent during the burst.
struct Sent {
  v1::Command command;
  v1::CommandOptions options;
  // The answer, if one came; a call cut off by the kill has none.
  std::optional<v1::CommandResult> acknowledged;
};

// Sends RegisterCase commands from `threads` threads until a call fails
// (the server is gone); returns every command sent.
class Burst {
 public:
  Burst(const GrpcClient& client, int threads) {
    for (int t = 0; t < threads; ++t) {
      workers_.emplace_back([this, &client, t] {
        for (int n = 0;; ++n) {
          Sent sent;
          sent.command =
              RegisterCase(absl::StrCat("haveri-", t, "-", n), kPrivateProvider,
                           kPrivateUnit, Today() - 1);
          sent.options.set_command_id(FreshCommandId());
          const CommandOutcome outcome =
              client.Run(FollowUpOfficer(), sent.command, sent.options,
                         /*fresh_id=*/false);
          if (outcome.ok()) sent.acknowledged = outcome.result;
          absl::MutexLock lock(&mu_);
          sent_.push_back(std::move(sent));
          if (!outcome.ok()) return;
        }
      });
    }
  }

  ~Burst() { Join(); }

  int acknowledged() const {
    absl::MutexLock lock(&mu_);
    int n = 0;
    for (const Sent& s : sent_) n += s.acknowledged.has_value();
    return n;
  }

  std::vector<Sent> Join() {
    for (std::thread& w : workers_) {
      if (w.joinable()) w.join();
    }
    absl::MutexLock lock(&mu_);
    return sent_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<Sent> sent_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> workers_;
};

// The case stream's events, read as an auditor.
std::vector<v1::RecordedEvent> ReadCase(const GrpcClient& client,
                                        const std::string& stream_id) {
  v1::ReadStreamRequest request;
  request.set_stream_id(stream_id);
  v1::ReadStreamResponse response;
  const grpc::Status status =
      v1::EventStoreService::NewStub(client.channel())
          ->ReadStream(client.Context(Auditor()).get(), request, &response);
  EXPECT_TRUE(status.ok()) << stream_id << ": " << Describe(status);
  return {response.events().begin(), response.events().end()};
}

TEST(Durability, AcknowledgedCommandsSurviveSigkill) {
  ASSERT_TRUE(domain::LoadStockholmTimeZone().ok());
  TempDir tmp;
  const ServerOptions options{.data_dir = tmp.Join("data"),
                              .work_dir = tmp.path()};
  auto server = ServerProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  std::vector<Sent> sent;
  {
    GrpcClient client((*server)->address(), options.data_dir);
    SeedProvidersRemotely(client);
    Burst burst(client, 8);
    // Kill it while commands are in flight, after enough have been
    // answered to be worth checking.
    const absl::Time deadline = absl::Now() + absl::Seconds(20);
    while (burst.acknowledged() < 300 && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(5));
    }
    (*server)->Signal(SIGKILL);
    const absl::StatusOr<ProcessResult> killed =
        (*server)->Wait(absl::Seconds(10));
    ASSERT_TRUE(killed.ok()) << killed.status();
    ASSERT_EQ(killed->term_signal, SIGKILL) << killed->output;
    sent = burst.Join();
  }
  int acknowledged = 0;
  for (const Sent& s : sent) acknowledged += s.acknowledged.has_value();
  ASSERT_GE(acknowledged, 100) << "too few commands answered before the kill";

  server = ServerProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  GrpcClient client((*server)->address(), options.data_dir);

  for (const Sent& s : sent) {
    const std::string& case_id = s.command.register_case().case_id();
    SCOPED_TRACE(case_id);
    const CommandOutcome retry =
        client.Run(FollowUpOfficer(), s.command, s.options,
                   /*fresh_id=*/false);
    ASSERT_TRUE(retry.ok()) << Describe(retry.status);
    const std::vector<v1::RecordedEvent> events =
        ReadCase(client, retry.result.stream_id());
    // Exactly once, whether or not the first answer arrived.
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].envelope().event_type(), "CaseRegistered");
    if (s.acknowledged.has_value()) {
      // Where the answer said, and the retry is answered from the record.
      EXPECT_EQ(events[0].envelope().global_position(),
                s.acknowledged->global_position());
      EXPECT_EQ(events[0].envelope().stream_version(),
                s.acknowledged->stream_version());
      EXPECT_TRUE(retry.result.deduplicated());
      EXPECT_EQ(retry.result.global_position(),
                s.acknowledged->global_position());
    }
  }

  v1::VerifyLogResponse verified;
  const grpc::Status status =
      v1::OperatorService::NewStub(client.channel())
          ->VerifyLog(client.Context(Operator()).get(), v1::VerifyLogRequest(),
                      &verified);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_TRUE(verified.ok())
      << verified.problem() << " at " << verified.first_bad_position();
  EXPECT_GT(verified.events_checked(), static_cast<uint64_t>(acknowledged));

  const absl::StatusOr<ProcessResult> stopped = (*server)->Stop();
  ASSERT_TRUE(stopped.ok()) << stopped.status();
  EXPECT_EQ(stopped->exit_code, 0) << stopped->output;
}

}  // namespace
}  // namespace atgard::testing
