// Start-up configuration of atgard-server and the rules it must satisfy
// before anything is opened or bound.
#ifndef ATGARD_SERVICES_SERVER_SERVER_CONFIG_H_
#define ATGARD_SERVICES_SERVER_SERVER_CONFIG_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "eventstore/disk_reserve.h"
#include "services/auth/authenticator.h"
#include "services/common/log.h"

namespace atgard::server {

// What the server is built from. Every field below (but auth.clock,
// auth.data_dir and auth.token_cache_capacity) is a setting of the table in
// settings.h, which holds its default, allowed range and help: the
// constructor sets each field to its table default, and the server's
// flags, --help, the configuration file and README's settings table all
// come from that table.
struct ServerConfig {
  // The table's defaults.
  ServerConfig();

  // gRPC listen address: `host:port`, `[v6]:port` or `unix:/path`.
  std::string listen_address;
  // RocksDB directory of the event store.
  std::string data_dir;
  // PEM files. Certificate and key go together; a client CA additionally
  // requires and verifies client certificates (mutual TLS).
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
  // How often the TLS files are read again, so that renewed certificates
  // (and a changed client CA) take effect without a restart.
  absl::Duration tls_refresh;
  // How long in-flight calls may run after a shutdown signal.
  absl::Duration shutdown_grace;
  // How long the server keeps answering (as NOT_SERVING) before it stops
  // accepting, so that load balancers notice the drain first.
  absl::Duration drain_delay;
  // If set, once serving the bound port is written here (and on a second
  // line the metrics port, 0 when off).
  std::string port_file;
  // Prometheus metrics on their own port ("" turns them off).
  std::string metrics_listen;
  // The standard gRPC health service alone, in plaintext, on its own port
  // ("" turns it off): for probes that speak neither TLS nor client
  // certificates, such as the kubelet's. It tells only whether the server
  // serves, so it needs no TLS even off loopback.
  std::string health_listen;
  // How often the deadline scheduler runs.
  absl::Duration deadline_interval;
  // How many aggregate states the server keeps in memory. Signed, so that
  // a negative value reaches Validate() and is refused there by name.
  int64_t aggregate_cache{};
  // Free space left on the data directory's file system: appends that
  // would go below it are refused (RESOURCE_EXHAUSTED) until space is freed.
  eventstore::DiskReserve disk_reserve;
  // Where online backups go (OperatorService.CreateBackup); none if empty.
  std::string backup_dir;
  // The log: least severe level written, and the line format.
  log::Level log_level{};
  log::Format log_format{};
  // Who may call: bearer tokens, client certificates, or (development
  // only) tokens from `atgardctl dev-token`. auth.dev_auth is allowed only
  // on a loopback listen address, so that no other machine can present
  // such a token; combining it with production credentials is refused by
  // auth::Authenticator::Create.
  auth::AuthConfig auth;
  // Development only (with auth.dev_auth): where the workflow's clock
  // starts, a day or an RFC 3339 instant (ParseClockStart in
  // services/common/clock.h); empty for the system clock.
  std::string dev_clock;

  bool tls_enabled() const { return !tls_cert_file.empty(); }
};

// Returns the host part of a listen address: "127.0.0.1" for
// "127.0.0.1:50051", "::1" for "[::1]:50051", "" for a unix socket.
// INVALID_ARGUMENT naming `flag` if the address has no port or a malformed
// bracket.
[[nodiscard]] absl::StatusOr<std::string> ListenHost(
    absl::string_view address, absl::string_view flag = "--listen");

// True for "localhost", 127.0.0.0/8 and ::1, and for unix sockets (an empty
// host): addresses that no other machine can reach.
bool IsLoopbackHost(absl::string_view host);

// Checks everything that can be checked before start-up, in one pass:
// first every setting against its allowed range in the table
// ("--aggregate_cache: -1 is out of range [0, 1000000]"; nothing is
// clamped), then the rules between settings: a health port apart from the
// gRPC port, plaintext only on loopback, certificate and key given
// together, a client CA only with TLS, development authentication only on
// loopback and alone (auth::CheckCombination), a development clock only
// with development authentication.
// INVALID_ARGUMENT naming the flag otherwise; reads no file.
[[nodiscard]] absl::Status Validate(const ServerConfig& config);

}  // namespace atgard::server

#endif  // ATGARD_SERVICES_SERVER_SERVER_CONFIG_H_
