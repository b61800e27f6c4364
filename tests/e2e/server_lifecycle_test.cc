// The real atgard-server binary: start, health over gRPC, clean shutdown,
// and every refused start-up with its message and exit code.
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/health_client.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace atgard::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::shared_ptr<grpc::Channel> Connect(const ServerProcess& server) {
  return grpc::CreateChannel(server.address(),
                             grpc::InsecureChannelCredentials());
}

// Every line the server writes in JSON mode is one JSON object with an
// event name: a collector must never choke on it.
void ExpectStructuredLog(const std::string& output) {
  for (absl::string_view line :
       absl::StrSplit(output, '\n', absl::SkipEmpty())) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << "not JSON: " << line;
    EXPECT_TRUE(j.contains("ts") && j.contains("level") && j.contains("event"))
        << line;
  }
}

TEST(ServerLifecycle, ServesHealthAndStopsCleanlyOnSigterm) {
  TempDir tmp;
  auto server = ServerProcess::Start(
      {.data_dir = tmp.Join("data"), .work_dir = tmp.path()});
  ASSERT_TRUE(server.ok()) << server.status();

  auto health = CheckHealth(Connect(**server));
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(*health, ServingStatus::kServing);

  auto result = (*server)->Stop();
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 0) << result->output;
  EXPECT_THAT(result->output, HasSubstr("\"event\":\"server_started\""));
  EXPECT_THAT(result->output, HasSubstr("\"event\":\"shutdown_complete\""));
  ExpectStructuredLog(result->output);

  // The store was closed cleanly: the next server opens it at once.
  auto again = ServerProcess::Start(
      {.data_dir = tmp.Join("data"), .work_dir = tmp.path()});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ((*again)->Stop()->exit_code, 0);
}

TEST(ServerLifecycle, SigintAlsoStopsCleanly) {
  TempDir tmp;
  auto server = ServerProcess::Start(
      {.data_dir = tmp.Join("data"), .work_dir = tmp.path()});
  ASSERT_TRUE(server.ok()) << server.status();
  (*server)->Signal(SIGINT);
  auto result = (*server)->Wait(absl::Seconds(30));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 0) << result->output;
  EXPECT_THAT(result->output, HasSubstr("\"signal\":\"SIGINT\""));
}

TEST(ServerLifecycle, WritesReadableTextLogsOnRequest) {
  TempDir tmp;
  auto server = ServerProcess::Start({.data_dir = tmp.Join("data"),
                                      .extra_args = {"--log_format=text"},
                                      .work_dir = tmp.path()});
  ASSERT_TRUE(server.ok()) << server.status();
  auto result = (*server)->Stop();
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(result->output,
              HasSubstr(" info server_started listen=127.0.0.1:"));
  EXPECT_THAT(result->output, ::testing::Not(HasSubstr("{\"")));
}

TEST(ServerLifecycle, ReportsNotServingWhileDraining) {
  TempDir tmp;
  auto server = ServerProcess::Start({.data_dir = tmp.Join("data"),
                                      .extra_args = {"--drain_delay=3s"},
                                      .work_dir = tmp.path()});
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel = Connect(**server);
  ASSERT_EQ(*CheckHealth(channel), ServingStatus::kServing);

  (*server)->Signal(SIGTERM);
  // During the drain delay the server still answers, but NOT_SERVING.
  absl::StatusOr<ServingStatus> status;
  const absl::Time deadline = absl::Now() + absl::Seconds(3);
  do {
    status = CheckHealth(channel);
  } while (status.ok() && *status == ServingStatus::kServing &&
           absl::Now() < deadline);
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(*status, ServingStatus::kNotServing);
  auto result = (*server)->Wait(absl::Seconds(30));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 0) << result->output;
}

TEST(ServerLifecycle, HelpDescribesTheFlags) {
  TempDir tmp;
  auto result = RunServerToExit({"--help"}, tmp.path());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 0) << result->output;
  // The server's own flags only: no library's, no source files.
  EXPECT_THAT(result->output, Not(HasSubstr(".cc")));
  EXPECT_THAT(result->output, Not(HasSubstr("--flagfile=\"\"")));
  EXPECT_THAT(result->output, Not(HasSubstr("atgard-server: atgard-server")));
  EXPECT_THAT(result->output, Not(HasSubstr("--helpfull")));
  EXPECT_THAT(result->output, HasSubstr("--health_listen"));
  for (const char* flag :
       {"--listen", "--data_dir", "--tls_cert", "--tls_key", "--tls_client_ca",
        "--log_level", "--shutdown_grace"}) {
    EXPECT_THAT(result->output, HasSubstr(flag));
  }
  EXPECT_THAT(result->output, HasSubstr("flagfile"));

  // abseil's other usage flags give the same help, never its own.
  for (const char* flag :
       {"-h", "--help=true", "--helpfull", "-helpshort", "--helpon=server"}) {
    auto other = RunServerToExit({flag}, tmp.path());
    ASSERT_TRUE(other.ok()) << other.status();
    EXPECT_EQ(other->exit_code, 0) << flag << other->output;
    EXPECT_THAT(other->output, HasSubstr("--health_listen")) << flag;
    EXPECT_THAT(other->output, Not(HasSubstr(".cc"))) << flag;
  }
}

struct BadStart {
  std::string name;
  std::vector<std::string> args;  // {dir} is replaced by the data directory
  int exit_code;
  std::string message;
};

void PrintTo(const BadStart& b, std::ostream* os) { *os << b.name; }

class ServerRefusesToStart : public ::testing::TestWithParam<BadStart> {};

TEST_P(ServerRefusesToStart, WithAClearMessage) {
  TempDir tmp;
  const std::string dir = tmp.Join("data");
  std::filesystem::create_directories(dir);
  std::filesystem::permissions(dir, GetParam().name == "WorldReadableDataDir"
                                        ? std::filesystem::perms(0755)
                                        : std::filesystem::perms::owner_all);
  std::vector<std::string> args;
  for (std::string arg : GetParam().args) {
    if (size_t at = arg.find("{dir}"); at != std::string::npos) {
      arg.replace(at, 5, dir);
    }
    args.push_back(arg);
  }
  if (GetParam().name == "NotAStore") {
    std::ofstream(dir + "/thesis.docx") << "precious";
  }
  auto result = RunServerToExit(args, tmp.path());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->term_signal, 0) << result->output;
  EXPECT_EQ(result->exit_code, GetParam().exit_code) << result->output;
  EXPECT_THAT(result->output, HasSubstr(GetParam().message));
  // Reported once, not on stderr and again in the log.
  size_t count = 0;
  for (size_t at = result->output.find(GetParam().message);
       at != std::string::npos;
       at = result->output.find(GetParam().message, at + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 1u) << result->output;
  if (GetParam().name == "NotAStore") {
    EXPECT_FALSE(std::filesystem::exists(dir + "/CURRENT"));
  }
  if (GetParam().name != "NotAStore" && GetParam().name != "DataDirIsAFile") {
    // A start refused for its configuration leaves no store behind.
    EXPECT_TRUE(std::filesystem::is_empty(dir)) << GetParam().name;
  }
}

INSTANTIATE_TEST_SUITE_P(
    BadStarts, ServerRefusesToStart,
    ::testing::Values(
        BadStart{"PlaintextOnAllInterfaces",
                 {"--listen=0.0.0.0:0", "--data_dir={dir}"},
                 2,
                 "needs TLS"},
        BadStart{"PlaintextOnPublicIpv6",
                 {"--listen=[::]:0", "--data_dir={dir}"},
                 2,
                 "needs TLS"},
        BadStart{"MissingCertificate",
                 {"--listen=0.0.0.0:0", "--data_dir={dir}",
                  "--tls_cert=/nonexistent/cert.pem",
                  "--tls_key=/nonexistent/key.pem",
                  "--jwt_issuer=https://idp.example.se",
                  "--jwt_jwks=/nonexistent/jwks.json"},
                 2,
                 "--tls_cert: cannot read"},
        BadStart{"MalformedListen",
                 {"--listen=50051", "--data_dir={dir}"},
                 2,
                 "--listen"},
        BadStart{"UnknownLogLevel",
                 {"--log_level=chatty", "--data_dir={dir}"},
                 2,
                 "--log_level"},
        BadStart{"UnknownFlag", {"--no_such_flag=1"}, 2, "no_such_flag"},
        BadStart{"WorldReadableDataDir",
                 {"--listen=127.0.0.1:0", "--data_dir={dir}", "--dev_auth"},
                 2,
                 "has mode 0755: other users may read it"},
        BadStart{"WorldReadableBackupDir",
                 {"--listen=127.0.0.1:0", "--data_dir={dir}", "--dev_auth",
                  "--backup_dir=/tmp"},
                 2,
                 "--backup_dir /tmp has mode 1777"},
        // A movable clock only in development mode.
        BadStart{"DevClockWithoutDevAuth",
                 {"--listen=127.0.0.1:0", "--data_dir={dir}",
                  "--dev_clock=2026-01-15"},
                 2,
                 "--dev_clock is only allowed with --dev_auth"},
        BadStart{"HealthOnTheGrpcPort",
                 {"--listen=127.0.0.1:50999", "--health_listen=127.0.0.1:50999",
                  "--data_dir={dir}", "--dev_auth"},
                 2,
                 "--health_listen must be another address"},
        BadStart{"MalformedHealthListen",
                 {"--health_listen=8081", "--data_dir={dir}", "--dev_auth"},
                 2,
                 "8081\\\" must be host:port"},
        BadStart{"NoAuthentication",
                 {"--listen=127.0.0.1:0", "--data_dir={dir}"},
                 2,
                 "no authentication"},
        BadStart{"NotAStore",
                 {"--listen=127.0.0.1:0", "--data_dir={dir}", "--dev_auth"},
                 1,
                 "holds no atgard store"},
        BadStart{
            "DataDirIsAFile",
            {"--listen=127.0.0.1:0", "--data_dir=/etc/hostname", "--dev_auth"},
            1,
            "is not a directory"}),
    [](const ::testing::TestParamInfo<BadStart>& info) {
      return info.param.name;
    });

// The kubelet's probe speaks neither TLS nor client certificates: the
// health service alone, in plaintext, on a port of its own.
TEST(ServerLifecycle, ServesHealthAloneOnTheHealthPort) {
  TempDir tmp;
  auto server = ServerProcess::Start({.data_dir = tmp.Join("data"),
                                      .extra_args = {"--health_listen="
                                                     "127.0.0.1:0",
                                                     "--drain_delay=3s"},
                                      .work_dir = tmp.path()});
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_GT((*server)->health_port(), 0);
  ASSERT_NE((*server)->health_port(), (*server)->port());
  auto health =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*server)->health_port()),
                          grpc::InsecureChannelCredentials());
  EXPECT_EQ(*CheckHealth(health), ServingStatus::kServing);

  // Every registered service is known to health by its full name, on both
  // ports; a name that is not a service is not.
  for (const char* service :
       {"atgard.v1.CaseService", "atgard.v1.ProviderService",
        "atgard.v1.ContractService", "atgard.v1.MeasurementService",
        "atgard.v1.CarePlanService", "atgard.v1.EventStoreService",
        "atgard.v1.DiagnosticsService", "atgard.v1.OperatorService",
        "atgard.v1.ImportService"}) {
    EXPECT_EQ(*CheckHealth(health, service), ServingStatus::kServing)
        << service;
    EXPECT_EQ(*CheckHealth(Connect(**server), service), ServingStatus::kServing)
        << service;
  }
  auto unknown = CheckHealth(health, "atgard.v1.NoSuchService");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);

  // Nothing else is served there.
  grpc::GenericStub stub(health);
  grpc::ClientContext context;
  grpc::Slice empty_message("");
  const grpc::ByteBuffer request(&empty_message, 1);
  grpc::ByteBuffer response;
  grpc::Status status;
  absl::Notification done;
  stub.UnaryCall(&context, "/atgard.v1.DiagnosticsService/Ping", {}, &request,
                 &response, [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  // Not even reflection, which would describe the API to anyone here. (A
  // bidirectional stream: the call fails as soon as it is started.)
  grpc::ClientContext reflection_context;
  grpc::CompletionQueue queue;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> reflection =
      stub.PrepareCall(&reflection_context,
                       "/grpc.reflection.v1alpha.ServerReflection/"
                       "ServerReflectionInfo",
                       &queue);
  reflection->StartCall(reinterpret_cast<void*>(1));
  grpc::Status reflection_status;
  reflection->Finish(&reflection_status, reinterpret_cast<void*>(2));
  void* tag = nullptr;
  bool ok = false;
  for (int events = 0; events < 2 && queue.Next(&tag, &ok);) {
    ++events;
  }
  EXPECT_EQ(reflection_status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }

  // While draining, both ports say NOT_SERVING.
  (*server)->Signal(SIGTERM);
  absl::StatusOr<ServingStatus> draining;
  const absl::Time deadline = absl::Now() + absl::Seconds(3);
  do {
    draining = CheckHealth(health);
  } while (draining.ok() && *draining == ServingStatus::kServing &&
           absl::Now() < deadline);
  ASSERT_TRUE(draining.ok()) << draining.status();
  EXPECT_EQ(*draining, ServingStatus::kNotServing);
  EXPECT_EQ((*server)->Wait(absl::Seconds(30))->exit_code, 0);
}

TEST(ServerLifecycle, CreatesThePrivateDataDirectoryWhateverTheUmask) {
  TempDir tmp;
  const mode_t old_umask = umask(0);
  auto server = ServerProcess::Start(
      {.data_dir = tmp.Join("new/data"), .work_dir = tmp.path()});
  umask(old_umask);
  ASSERT_TRUE(server.ok()) << server.status();
  struct stat st {};
  ASSERT_EQ(stat(tmp.Join("new/data").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(stat(tmp.Join("new/data.dev-auth").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(stat(tmp.Join("new/data.dev-auth/signing-key.pem").c_str(), &st),
            0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ((*server)->Stop()->exit_code, 0);

  // Group access is allowed (a volume shared through a group).
  ASSERT_EQ(chmod(tmp.Join("new/data").c_str(), 0750), 0);
  auto again = ServerProcess::Start(
      {.data_dir = tmp.Join("new/data"), .work_dir = tmp.path()});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ((*again)->Stop()->exit_code, 0);
}

TEST(ServerLifecycle, RefusesADataDirectoryInUse) {
  TempDir tmp;
  auto first = ServerProcess::Start(
      {.data_dir = tmp.Join("data"), .work_dir = tmp.path()});
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = RunServerToExit(
      {"--listen=127.0.0.1:0", absl::StrCat("--data_dir=", tmp.Join("data")),
       "--dev_auth", "--metrics_listen="},
      tmp.path());
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->exit_code, 1) << second->output;
  EXPECT_THAT(second->output, HasSubstr("in use by another process"));
  // The first server is unharmed.
  EXPECT_EQ(*CheckHealth(Connect(**first)), ServingStatus::kServing);
  EXPECT_EQ((*first)->Stop()->exit_code, 0);
}

TEST(ServerLifecycle, RefusesAnUnwritableDataDirectory) {
  TempDir tmp;
  const std::string dir = tmp.Join("readonly");
  std::filesystem::create_directories(dir);
  ASSERT_EQ(chmod(dir.c_str(), 0550), 0);
  // As root, permissions bind only once the server runs as another user.
  ASSERT_EQ(chmod(tmp.path().c_str(), 0755), 0);
  auto result =
      RunServerToExit({"--listen=127.0.0.1:0", absl::StrCat("--data_dir=", dir),
                       "--dev_auth", "--metrics_listen="},
                      tmp.path(), /*drop_privileges=*/true);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 1) << result->output;
  EXPECT_THAT(result->output, HasSubstr("not writable"));
}

TEST(ServerLifecycle, RefusesAPortInUse) {
  TempDir tmp;
  auto first =
      ServerProcess::Start({.data_dir = tmp.Join("a"), .work_dir = tmp.path()});
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = RunServerToExit({absl::StrCat("--listen=", (*first)->address()),
                                 absl::StrCat("--data_dir=", tmp.Join("b")),
                                 "--dev_auth", "--metrics_listen="},
                                tmp.path());
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->exit_code, 1) << second->output;
  EXPECT_THAT(second->output, HasSubstr("cannot listen"));
}

}  // namespace
}  // namespace atgard::testing
