// atgard-server: the gRPC server of atgard. See README.md and --help; its
// settings are the table in settings.h.
#include <grpc/support/log.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "services/common/files.h"
#include "services/common/log.h"
#include "services/server/command_line.h"
#include "services/server/server.h"
#include "services/server/server_config.h"
#include "services/server/service_manager.h"
#include "services/server/settings.h"

namespace atgard::server {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitStartFailed = 1;
constexpr int kExitUsage = 2;

// Reports a start-up failure once: as a log line (readable text on a
// terminal, JSON for a collector), and on stderr only when a person may be
// watching stderr while the log goes elsewhere.
int Fail(int code, absl::string_view event, const absl::Status& status) {
  log::Error(event, {{"error", status.message()}});
  if (!isatty(STDOUT_FILENO) && isatty(STDERR_FILENO)) {
    std::fprintf(stderr, "atgard-server: %s\n",
                 std::string(status.message()).c_str());
  }
  return code;
}

// gRPC's own diagnostics go through our structured log as well.
void GrpcLog(gpr_log_func_args* args) {
  log::Level level = log::Level::kDebug;
  if (args->severity == GPR_LOG_SEVERITY_ERROR) {
    level = log::Level::kError;
  } else if (args->severity == GPR_LOG_SEVERITY_INFO) {
    level = log::Level::kInfo;
  }
  log::Log(level, "grpc",
           {{"message", args->message},
            {"source", absl::StrCat(args->file, ":", args->line)}});
}

// The service manager only learns the server's state: if it cannot be told,
// the server keeps serving and logs why.
void NotifyServiceManager(const absl::Status& status) {
  if (!status.ok()) {
    log::Warn("service_manager_notify_failed", {{"error", status.message()}});
  }
}

int Run(const ServerConfig& config) {
  if (absl::Status s = Validate(config); !s.ok()) {
    return Fail(kExitUsage, "invalid_configuration", s);
  }
  absl::StatusOr<std::unique_ptr<Server>> server = Server::Start(config);
  if (!server.ok()) {
    const int code = absl::IsInvalidArgument(server.status())
                         ? kExitUsage
                         : kExitStartFailed;
    return Fail(code, "start_failed", server.status());
  }
  if (!config.port_file.empty()) {
    if (absl::Status s = WriteFileAtomically(
            config.port_file,
            absl::StrCat((*server)->port(), "\n", (*server)->metrics_port(),
                         "\n", (*server)->health_port(), "\n"));
        !s.ok()) {
      return Fail(kExitStartFailed, "port_file_failed", s);
    }
  }
  const std::string serving =
      absl::StrCat("serving gRPC on ", config.listen_address, " (port ",
                   (*server)->port(), ")");
  NotifyServiceManager(service_manager::NotifyReady(serving));

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  int signal_number = 0;
  // SIGHUP re-reads the authentication files (key rotation); a failed
  // reload is logged by the server and changes nothing.
  for (;;) {
    if (sigwait(&signals, &signal_number) != 0) continue;
    if (signal_number != SIGHUP) break;
    log::Info("authentication_reload_requested", {{"signal", "SIGHUP"}});
    NotifyServiceManager(
        service_manager::NotifyReloading("reloading authentication"));
    const bool reloaded = (*server)->ReloadAuthentication().ok();
    NotifyServiceManager(service_manager::NotifyReady(absl::StrCat(
        serving, reloaded ? "; authentication reloaded"
                          : "; authentication reload failed, old keys kept")));
  }
  NotifyServiceManager(service_manager::NotifyStopping("draining"));
  log::Info("shutdown_started",
            {{"signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT"},
             {"grace_ms", absl::ToInt64Milliseconds(config.shutdown_grace)}});
  (*server)->Shutdown(config.drain_delay, config.shutdown_grace);
  server->reset();
  log::Info("shutdown_complete");
  return kExitOk;
}

}  // namespace
}  // namespace atgard::server

int main(int argc, char** argv) {
  // Block the shutdown and reload signals before any thread starts, so that
  // every gRPC thread inherits the mask and only sigwait() in Run() sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Debian builds abseil with assertions, which makes every Mutex lock
  // record lock order in a global graph (a few percent of the server's CPU
  // under load). The unit and integration tests keep that check on; the
  // served binary does not pay for it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  // The settings table reads the command line (services/server/settings.h);
  // an error in it is a configuration error, exit code 2, which systemd is
  // told not to restart on.
  absl::StatusOr<atgard::server::Invocation> invocation =
      atgard::server::ParseCommandLine(
          std::vector<std::string>(argv + 1, argv + argc));
  if (!invocation.ok()) {
    std::fprintf(stderr, "atgard-server: %s\n",
                 std::string(invocation.status().message()).c_str());
    return atgard::server::kExitUsage;
  }
  switch (invocation->action) {
    case atgard::server::Invocation::Action::kHelp:
      std::fputs(atgard::server::HelpText().c_str(), stdout);
      return atgard::server::kExitOk;
    case atgard::server::Invocation::Action::kVersion:
      std::puts("atgard-server 0.1.0");
      return atgard::server::kExitOk;
    case atgard::server::Invocation::Action::kServe:
      break;
  }
  const atgard::server::ServerConfig& config = invocation->config;
  atgard::log::Init(config.log_level, config.log_format);
  gpr_set_log_function(atgard::server::GrpcLog);

  return atgard::server::Run(config);
}
