// atgard-server: the gRPC server of atgard. See README.md and --help.
#include <grpc/support/log.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "services/common/files.h"
#include "services/common/log.h"
#include "services/server/server.h"
#include "services/server/server_config.h"
#include "services/server/service_manager.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "gRPC address to listen on: host:port, [ipv6]:port or unix:/path. "
          "Port 0 picks a free port (see --port_file). Any address other "
          "machines can reach requires --tls_cert and --tls_key.");
ABSL_FLAG(std::string, data_dir, "./data",
          "Directory of the event store (RocksDB). Created if missing; a "
          "non-empty directory that is not an atgard store is refused.");
ABSL_FLAG(atgard::eventstore::DiskReserve, disk_reserve,
          atgard::eventstore::DiskReserve::Default(),
          "Free space to leave on the file system of --data_dir: appends "
          "that would go below it are refused (RESOURCE_EXHAUSTED) until "
          "space is freed, then taken again. A size (1GiB, 512MiB), a share "
          "of the file system (5%), or 0 to turn it off.");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM file with the server certificate chain. Enables TLS.");
ABSL_FLAG(std::string, tls_key, "",
          "PEM file with the private key of --tls_cert.");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM file with the CA(s) that sign client certificates. When set, "
          "every client must present a valid certificate (mutual TLS).");
ABSL_FLAG(absl::Duration, tls_refresh, absl::Minutes(1),
          "How often --tls_cert, --tls_key and --tls_client_ca are read "
          "again: renewed certificates take effect without a restart "
          "(1s to 24h). A pair that does not match is ignored until it "
          "does.");
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
          "If set, once serving the bound gRPC port is written to this file, "
          "on a second line the metrics port and on a third the health "
          "port (0 when off).");
ABSL_FLAG(std::string, metrics_listen, "127.0.0.1:9464",
          "host:port serving Prometheus metrics at /metrics (port 0 picks a "
          "free port; empty turns metrics off).");
ABSL_FLAG(std::string, health_listen, "",
          "host:port serving only the standard gRPC health service, in "
          "plaintext even off loopback (it tells nothing but whether the "
          "server serves), for probes without TLS such as the kubelet's. "
          "Empty turns it off; port 0 picks a free port (see --port_file).");
ABSL_FLAG(std::string, backup_dir, "",
          "Directory for online backups taken with `atgardctl backup` "
          "(OPERATOR); empty turns backups off. Keep it on another disk.");
ABSL_FLAG(absl::Duration, deadline_interval, absl::Minutes(5),
          "How often the deadline scheduler appends overdue events.");
ABSL_FLAG(int64_t, aggregate_cache, 10000,
          "How many aggregate states to keep in memory (checked against the "
          "store on every use).");
ABSL_FLAG(std::string, jwt_issuer, "",
          "Bearer tokens: the required issuer (iss). Needs --jwt_public_keys "
          "or --jwt_jwks.");
ABSL_FLAG(std::string, jwt_audience, "atgard",
          "Bearer tokens: the audience (aud) they must name.");
ABSL_FLAG(std::vector<std::string>, jwt_public_keys, {},
          "Bearer tokens: comma-separated PEM files with RSA (RS256) or EC "
          "P-256 (ES256) public keys.");
ABSL_FLAG(std::string, jwt_jwks, "",
          "Bearer tokens: a JWKS file with the signing keys.");
ABSL_FLAG(absl::Duration, jwt_leeway, absl::Seconds(60),
          "Bearer tokens: clock skew allowed for exp and nbf.");
ABSL_FLAG(std::string, jwt_claim_map, "",
          "Bearer tokens: a JSON file that maps the claims of identity "
          "providers' tokens (Entra ID, Inera) to principals, per issuer; "
          "its issuers are trusted besides --jwt_issuer (see "
          "deploy/claim-map.example.json).");
ABSL_FLAG(std::string, mtls_principals, "",
          "Mutual TLS: JSON file mapping client certificates to principals "
          "(see deploy/principals.example.json). Needs --tls_client_ca.");
ABSL_FLAG(bool, dev_auth, false,
          "Development only, loopback only: trust tokens minted by "
          "`atgardctl dev-token` with the key in <data_dir>.dev-auth.");

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

// True while abseil parses the command line.
std::atomic<bool> g_parsing_flags{false};

// Runs at exit(): abseil's parser exits only to report a bad flag, which
// is a configuration error. Everything it printed is flushed first.
void ExitAsUsageErrorWhileParsing() {
  if (g_parsing_flags.load()) {
    std::cout.flush();
    std::fflush(nullptr);
    std::_Exit(kExitUsage);
  }
}

// abseil's own usage flags, which it would answer itself (exit 1, every
// library's flags under source paths) or, like --only_check_args, by
// exiting 0 from within the parser.
bool IsUsageFlag(absl::string_view arg) {
  absl::ConsumePrefix(&arg, "-");
  absl::ConsumePrefix(&arg, "-");
  return absl::StartsWith(arg, "help") || arg == "h" ||
         absl::StartsWith(arg, "version") ||
         absl::StartsWith(arg, "only_check_args");
}

// Wraps `text` at `width` columns, each line indented by `indent` spaces.
std::string Wrap(absl::string_view text, size_t indent, size_t width) {
  std::string out;
  size_t column = 0;
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    if (column > 0 && column + 1 + word.size() > width) {
      out.push_back('\n');
      column = 0;
    }
    if (column == 0) {
      out.append(indent, ' ');
      column = indent;
    } else {
      out.push_back(' ');
      ++column;
    }
    absl::StrAppend(&out, word);
    column += word.size();
  }
  return out;
}

// The server's own flags, alphabetically, each with its default and help.
std::string HelpText() {
  std::string out =
      "Usage: atgard-server [--flag=value ...]\n\n"
      "The event-sourced workflow server for municipal quality follow-up\n"
      "(åtgärdsplaner). Serves gRPC, with health checking and server\n"
      "reflection, on --listen and keeps its event store in --data_dir.\n"
      "SIGTERM or SIGINT drains and stops it; SIGHUP re-reads the JWT keys,\n"
      "the JWKS file and the mTLS principal map. Flags may also come from a\n"
      "file, one per line: --flagfile=/etc/atgard/atgard.flags\n\n"
      "Exit codes: 0 stopped cleanly, 1 could not start or run, 2 a\n"
      "configuration error (a flag, a file it names, the data directory).\n\n"
      "Flags:\n";
  std::vector<const absl::CommandLineFlag*> flags;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (absl::StrContains(flag->Filename(), "services/server/")) {
      flags.push_back(flag);
    }
  }
  std::sort(flags.begin(), flags.end(),
            [](const auto* a, const auto* b) { return a->Name() < b->Name(); });
  for (const absl::CommandLineFlag* flag : flags) {
    absl::StrAppend(&out, "  --", flag->Name());
    const std::string default_value = flag->DefaultValue();
    if (!default_value.empty()) absl::StrAppend(&out, "=", default_value);
    absl::StrAppend(&out, "\n", Wrap(flag->Help(), 6, 78), "\n");
  }
  absl::StrAppend(&out,
                  "\nExample, on your own machine (see README.md):\n"
                  "  atgard-server --dev_auth --listen=127.0.0.1:50051 "
                  "--data_dir=./data\n");
  return out;
}

// The service manager only learns the server's state: if it cannot be told,
// the server keeps serving and logs why.
void NotifyServiceManager(const absl::Status& status) {
  if (!status.ok()) {
    log::Warn("service_manager_notify_failed", {{"error", status.message()}});
  }
}

ServerConfig ConfigFromFlags() {
  ServerConfig c;
  c.listen_address = absl::GetFlag(FLAGS_listen);
  c.data_dir = absl::GetFlag(FLAGS_data_dir);
  c.disk_reserve = absl::GetFlag(FLAGS_disk_reserve);
  c.tls_cert_file = absl::GetFlag(FLAGS_tls_cert);
  c.tls_key_file = absl::GetFlag(FLAGS_tls_key);
  c.tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca);
  c.shutdown_grace = absl::GetFlag(FLAGS_shutdown_grace);
  c.drain_delay = absl::GetFlag(FLAGS_drain_delay);
  c.port_file = absl::GetFlag(FLAGS_port_file);
  c.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  c.health_listen = absl::GetFlag(FLAGS_health_listen);
  c.tls_refresh = absl::GetFlag(FLAGS_tls_refresh);
  c.deadline_interval = absl::GetFlag(FLAGS_deadline_interval);
  c.backup_dir = absl::GetFlag(FLAGS_backup_dir);
  c.aggregate_cache = static_cast<size_t>(
      std::max<int64_t>(0, absl::GetFlag(FLAGS_aggregate_cache)));
  c.auth.jwt_issuer = absl::GetFlag(FLAGS_jwt_issuer);
  c.auth.jwt_audience = absl::GetFlag(FLAGS_jwt_audience);
  c.auth.jwt_public_key_files = absl::GetFlag(FLAGS_jwt_public_keys);
  c.auth.jwt_jwks_file = absl::GetFlag(FLAGS_jwt_jwks);
  c.auth.jwt_leeway = absl::GetFlag(FLAGS_jwt_leeway);
  c.auth.jwt_claim_map_file = absl::GetFlag(FLAGS_jwt_claim_map);
  c.auth.mtls_principals_file = absl::GetFlag(FLAGS_mtls_principals);
  c.auth.dev_auth = absl::GetFlag(FLAGS_dev_auth);
  return c;
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

  // Help is printed here rather than by abseil, whose --help exits 1 and
  // lists every linked library's flags under source-file headings.
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (arg == "--") break;
    if (!atgard::server::IsUsageFlag(arg)) continue;
    if (absl::StrContains(arg, "version")) {
      std::puts("atgard-server 0.1.0");
    } else if (absl::StrContains(arg, "only_check_args")) {
      std::fputs("atgard-server: --only_check_args is not supported\n", stderr);
      return atgard::server::kExitUsage;
    } else {
      std::fputs(atgard::server::HelpText().c_str(), stdout);
    }
    return atgard::server::kExitOk;
  }
  // abseil reports a bad flag (also in a --flagfile) and calls exit(1);
  // it is a configuration error, exit code 2, which systemd is told not to
  // restart on.
  std::atexit(atgard::server::ExitAsUsageErrorWhileParsing);
  atgard::server::g_parsing_flags = true;
  const std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  atgard::server::g_parsing_flags = false;
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
