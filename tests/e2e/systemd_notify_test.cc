// The real atgard-server speaks systemd's notify protocol (Type=notify):
// the test plays the service manager on a unix datagram socket named by
// NOTIFY_SOCKET and checks READY=1 once the server answers health,
// RELOADING=1 then READY=1 around SIGHUP, STOPPING=1 on SIGTERM.
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/health_client.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace atgard::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The service manager's end: a bound unix datagram socket.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (fd_ < 0 || path.size() >= sizeof(addr.sun_path)) return;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    bound_ = bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~NotifySocket() {
    if (fd_ >= 0) close(fd_);
  }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  bool bound() const { return bound_; }
  std::string env() const { return absl::StrCat("NOTIFY_SOCKET=", path_); }

  // The next datagram, or DEADLINE_EXCEEDED after `timeout`.
  absl::StatusOr<std::string> Receive(
      absl::Duration timeout = absl::Seconds(30)) {
    pollfd p{.fd = fd_, .events = POLLIN, .revents = 0};
    const int ready = poll(&p, 1, absl::ToInt64Milliseconds(timeout));
    if (ready <= 0) {
      return absl::DeadlineExceededError("no notification arrived");
    }
    char buffer[4096];
    const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
    if (n < 0) return absl::InternalError("recv failed");
    return std::string(buffer, static_cast<size_t>(n));
  }

  // True if a datagram is waiting right now.
  bool Pending() {
    pollfd p{.fd = fd_, .events = POLLIN, .revents = 0};
    return poll(&p, 1, 0) > 0;
  }

 private:
  std::string path_;
  int fd_ = -1;
  bool bound_ = false;
};

std::shared_ptr<grpc::Channel> Connect(const ServerProcess& server) {
  return grpc::CreateChannel(server.address(),
                             grpc::InsecureChannelCredentials());
}

TEST(SystemdNotify, ReadyReloadingStoppingInOrder) {
  TempDir tmp;
  NotifySocket manager(tmp.Join("notify.sock"));
  ASSERT_TRUE(manager.bound()) << "cannot bind " << tmp.Join("notify.sock");
  auto server = ServerProcess::Start({.data_dir = tmp.Join("data"),
                                      .work_dir = tmp.path(),
                                      .environment = {manager.env()}});
  ASSERT_TRUE(server.ok()) << server.status();

  // The first thing the manager hears is READY=1, naming where it serves,
  // and by then the server answers health.
  absl::StatusOr<std::string> ready = manager.Receive();
  ASSERT_TRUE(ready.ok()) << ready.status() << (*server)->Output();
  EXPECT_THAT(*ready, HasSubstr("READY=1"));
  EXPECT_THAT(*ready, HasSubstr(absl::StrCat("STATUS=serving gRPC on ",
                                             "127.0.0.1:0 (port ",
                                             (*server)->port(), ")")));
  auto health = CheckHealth(Connect(**server));
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(*health, ServingStatus::kServing);
  EXPECT_FALSE(manager.Pending());

  // SIGHUP: RELOADING=1 (with the monotonic time), then READY=1 again.
  (*server)->Signal(SIGHUP);
  absl::StatusOr<std::string> reloading = manager.Receive();
  ASSERT_TRUE(reloading.ok()) << reloading.status() << (*server)->Output();
  EXPECT_THAT(*reloading, HasSubstr("RELOADING=1"));
  EXPECT_THAT(*reloading, HasSubstr("MONOTONIC_USEC="));
  absl::StatusOr<std::string> reloaded = manager.Receive();
  ASSERT_TRUE(reloaded.ok()) << reloaded.status() << (*server)->Output();
  EXPECT_THAT(*reloaded, HasSubstr("READY=1"));
  EXPECT_THAT(*reloaded, HasSubstr("authentication reloaded"));

  // SIGTERM: STOPPING=1 as the drain begins, then a clean exit.
  (*server)->Signal(SIGTERM);
  absl::StatusOr<std::string> stopping = manager.Receive();
  ASSERT_TRUE(stopping.ok()) << stopping.status() << (*server)->Output();
  EXPECT_THAT(*stopping, HasSubstr("STOPPING=1"));
  EXPECT_THAT(*stopping, Not(HasSubstr("READY=1")));
  auto result = (*server)->Wait(absl::Seconds(30));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 0) << result->output;
  EXPECT_FALSE(manager.Pending());
}

TEST(SystemdNotify, ReadyComesOnlyWhenServing) {
  TempDir tmp;
  NotifySocket manager(tmp.Join("notify.sock"));
  ASSERT_TRUE(manager.bound());
  // A store another server holds open: this one never serves, so it must
  // never say READY=1 (systemd would otherwise report a started unit).
  auto first = ServerProcess::Start(
      {.data_dir = tmp.Join("data"), .work_dir = tmp.path()});
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = ServerProcess::Start({.data_dir = tmp.Join("data"),
                                      .work_dir = tmp.path(),
                                      .environment = {manager.env()}});
  EXPECT_FALSE(second.ok());
  EXPECT_FALSE(manager.Pending());
}

TEST(SystemdNotify, AMissingManagerDoesNotStopTheServer) {
  TempDir tmp;
  auto server = ServerProcess::Start(
      {.data_dir = tmp.Join("data"),
       .work_dir = tmp.path(),
       .environment = {"NOTIFY_SOCKET=" + tmp.Join("nobody-listens")}});
  ASSERT_TRUE(server.ok()) << server.status();
  auto health = CheckHealth(Connect(**server));
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(*health, ServingStatus::kServing);
  (*server)->Signal(SIGHUP);
  auto result = (*server)->Stop();
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 0) << result->output;
  EXPECT_THAT(result->output, HasSubstr("service_manager_notify_failed"));
}

}  // namespace
}  // namespace atgard::testing
