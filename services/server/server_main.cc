// atgard-server: the gRPC server of atgard. See README.md and --help.
#include <grpc/support/log.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <signal.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "eventstore/event_store.h"
#include "services/common/files.h"
#include "services/common/log.h"
#include "services/common/status_macros.h"
#include "services/domain/calendar.h"
#include "services/server/server_config.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "gRPC address to listen on: host:port, [ipv6]:port or unix:/path. "
          "Port 0 picks a free port (see --port_file). Any address other "
          "machines can reach requires --tls_cert and --tls_key.");
ABSL_FLAG(std::string, data_dir, "./data",
          "Directory of the event store (RocksDB). Created if missing; a "
          "non-empty directory that is not an atgard store is refused.");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM file with the server certificate chain. Enables TLS.");
ABSL_FLAG(std::string, tls_key, "",
          "PEM file with the private key of --tls_cert.");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM file with the CA(s) that sign client certificates. When set, "
          "every client must present a valid certificate (mutual TLS).");
ABSL_FLAG(std::string, log_level, "info",
          "Least severe log level written: trace, debug, info, warn, error.");
ABSL_FLAG(std::string, log_format, "auto",
          "Log line format: json, text, or auto (JSON unless stdout is a "
          "terminal).");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(10),
          "After SIGTERM/SIGINT, how long in-flight calls may still finish "
          "before they are cancelled (e.g. 10s, 500ms).");
ABSL_FLAG(absl::Duration, drain_delay, absl::ZeroDuration(),
          "After SIGTERM/SIGINT, how long to keep accepting calls while "
          "health reports NOT_SERVING, so load balancers stop sending first.");
ABSL_FLAG(std::string, port_file, "",
          "If set, the bound port is written to this file once serving.");

namespace atgard::server {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitStartFailed = 1;
constexpr int kExitUsage = 2;

// Prints a start-up failure for the person at the terminal and as a log
// line for the collector, then gives the exit code.
int Fail(int code, absl::string_view event, const absl::Status& status) {
  std::fprintf(stderr, "atgard-server: %s\n",
               std::string(status.message()).c_str());
  log::Error(event, {{"error", status.message()}});
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

ServerConfig ConfigFromFlags() {
  ServerConfig c;
  c.listen_address = absl::GetFlag(FLAGS_listen);
  c.data_dir = absl::GetFlag(FLAGS_data_dir);
  c.tls_cert_file = absl::GetFlag(FLAGS_tls_cert);
  c.tls_key_file = absl::GetFlag(FLAGS_tls_key);
  c.tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca);
  c.shutdown_grace = absl::GetFlag(FLAGS_shutdown_grace);
  c.drain_delay = absl::GetFlag(FLAGS_drain_delay);
  c.port_file = absl::GetFlag(FLAGS_port_file);
  return c;
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeCredentials(
    const ServerConfig& config) {
  if (!config.tls_enabled()) return grpc::InsecureServerCredentials();
  ASSIGN_OR_RETURN(std::string cert,
                   ReadFileToString(config.tls_cert_file, "--tls_cert"));
  ASSIGN_OR_RETURN(std::string key,
                   ReadFileToString(config.tls_key_file, "--tls_key"));
  grpc::SslServerCredentialsOptions options(
      GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  if (!config.tls_client_ca_file.empty()) {
    ASSIGN_OR_RETURN(
        options.pem_root_certs,
        ReadFileToString(config.tls_client_ca_file, "--tls_client_ca"));
    options.client_certificate_request =
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  options.pem_key_cert_pairs.push_back({std::move(key), std::move(cert)});
  return grpc::SslServerCredentials(options);
}

int Run(const ServerConfig& config) {
  if (absl::Status s = Validate(config); !s.ok()) {
    return Fail(kExitUsage, "invalid_configuration", s);
  }
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      MakeCredentials(config);
  if (!credentials.ok()) {
    return Fail(kExitUsage, "invalid_configuration", credentials.status());
  }

  // Every date the domain records is a Stockholm date; without the zone
  // database it would silently be a UTC date.
  if (absl::Status s = domain::LoadStockholmTimeZone(); !s.ok()) {
    return Fail(kExitStartFailed, "time_zone_unavailable", s);
  }

  log::Info("store_opening", {{"data_dir", config.data_dir}});
  absl::StatusOr<std::unique_ptr<eventstore::EventStore>> store =
      eventstore::EventStore::Open({.path = config.data_dir});
  if (!store.ok())
    return Fail(kExitStartFailed, "store_open_failed", store.status());
  log::Info("store_opened", {{"data_dir", (*store)->path()}});

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  // gRPC sets SO_REUSEPORT by default, which lets a second server bind the
  // same port and silently take half the calls. One port, one server.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  int bound_port = 0;
  builder.AddListeningPort(config.listen_address, *credentials, &bound_port);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr ||
      (bound_port == 0 && !absl::StartsWith(config.listen_address, "unix:"))) {
    return Fail(kExitStartFailed, "listen_failed",
                absl::UnavailableError(
                    absl::StrCat("cannot listen on ", config.listen_address,
                                 " (address in use or not available)")));
  }
  // Storage is open before the server starts, so the first health answer
  // can already be SERVING.
  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  health->SetServingStatus(true);
  // A store whose write or sync failed acknowledges nothing more until the
  // server restarts: load balancers must stop sending at once. The store
  // calls this once, from its writer thread.
  (*store)->OnFailure([health](const absl::Status& status) {
    log::Error("store_failed", {{"error", status}});
    health->SetServingStatus(false);
  });
  if (!config.port_file.empty()) {
    if (absl::Status s = WriteFileAtomically(config.port_file,
                                             absl::StrCat(bound_port, "\n"));
        !s.ok()) {
      (*store)->OnFailure(nullptr);
      server->Shutdown();
      return Fail(kExitStartFailed, "port_file_failed", s);
    }
  }
  log::Info("server_started",
            {{"listen", config.listen_address},
             {"port", bound_port},
             {"tls", config.tls_enabled()},
             {"mutual_tls", !config.tls_client_ca_file.empty()},
             {"data_dir", config.data_dir}});

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  int signal_number = 0;
  while (sigwait(&signals, &signal_number) != 0) {
  }
  log::Info("shutdown_started",
            {{"signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT"},
             {"grace_ms", absl::ToInt64Milliseconds(config.shutdown_grace)}});
  server->GetHealthCheckService()->SetServingStatus(false);
  if (config.drain_delay > absl::ZeroDuration())
    absl::SleepFor(config.drain_delay);
  // Stops accepting, lets in-flight calls finish until the deadline, then
  // cancels what is left.
  server->Shutdown(absl::ToChronoTime(absl::Now() + config.shutdown_grace));
  server->Wait();
  // Closed before the server (and its health service) goes away.
  store->reset();
  log::Info("shutdown_complete");
  return kExitOk;
}

}  // namespace
}  // namespace atgard::server

int main(int argc, char** argv) {
  // Block the shutdown signals before any thread starts, so that every
  // gRPC thread inherits the mask and only sigwait() in Run() sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  absl::FlagsUsageConfig usage;
  usage.contains_help_flags = [](absl::string_view file) {
    return absl::StrContains(file, "services/server/");
  };
  usage.contains_helpshort_flags = usage.contains_help_flags;
  usage.normalize_filename = [](absl::string_view file) {
    const size_t at = file.find("services/");
    return std::string(at == absl::string_view::npos ? file : file.substr(at));
  };
  usage.version_string = [] { return std::string("atgard-server 0.1.0\n"); };
  absl::SetFlagsUsageConfig(usage);
  absl::SetProgramUsageMessage(
      "atgard-server: event-sourced workflow server for municipal quality "
      "follow-up (åtgärdsplaner).\n\n"
      "Serves gRPC (with health checking and server reflection) on --listen\n"
      "and keeps its event store in --data_dir. Stops cleanly on SIGTERM or\n"
      "SIGINT. Flags may also come from a file: --flagfile=/etc/atgard/"
      "atgard.flags\n\n"
      "Example: atgard-server --listen=127.0.0.1:50051 --data_dir=./data");
  const std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() > 1) {
    std::fprintf(stderr,
                 "atgard-server: unexpected argument \"%s\"; see --help\n",
                 positional[1]);
    return atgard::server::kExitUsage;
  }

  atgard::log::Level level;
  atgard::log::Format format;
  if (absl::Status s =
          atgard::log::ParseLevel(absl::GetFlag(FLAGS_log_level), &level);
      !s.ok()) {
    std::fprintf(stderr, "atgard-server: --log_level: %s\n",
                 std::string(s.message()).c_str());
    return atgard::server::kExitUsage;
  }
  if (absl::Status s =
          atgard::log::ParseFormat(absl::GetFlag(FLAGS_log_format), &format);
      !s.ok()) {
    std::fprintf(stderr, "atgard-server: --log_format: %s\n",
                 std::string(s.message()).c_str());
    return atgard::server::kExitUsage;
  }
  atgard::log::Init(level, format);
  gpr_set_log_function(atgard::server::GrpcLog);

  return atgard::server::Run(atgard::server::ConfigFromFlags());
}
