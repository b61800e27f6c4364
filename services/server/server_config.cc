#include "services/server/server_config.h"

#include <arpa/inet.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "services/server/settings.h"

namespace atgard::server {

absl::StatusOr<std::string> ListenHost(absl::string_view address,
                                       absl::string_view flag) {
  if (absl::StartsWith(address, "unix:")) return std::string();
  absl::string_view host;
  absl::string_view port;
  if (absl::StartsWith(address, "[")) {
    const size_t close = address.find(']');
    if (close == absl::string_view::npos || close + 1 >= address.size() ||
        address[close + 1] != ':') {
      return absl::InvalidArgumentError(
          absl::StrCat(flag, " \"", address, "\" must be [ipv6]:port"));
    }
    host = address.substr(1, close - 1);
    port = address.substr(close + 2);
  } else {
    const size_t colon = address.rfind(':');
    if (colon == absl::string_view::npos || address.find(':') != colon) {
      return absl::InvalidArgumentError(absl::StrCat(
          flag, " \"", address, "\" must be host:port (IPv6 in brackets)"));
    }
    host = address.substr(0, colon);
    port = address.substr(colon + 1);
  }
  uint32_t port_number = 0;
  if (!absl::SimpleAtoi(port, &port_number) || port_number > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " \"", address, "\" has no valid port (0-65535)"));
  }
  if (host.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " \"", address, "\" has no host"));
  }
  return std::string(host);
}

bool IsLoopbackHost(absl::string_view host) {
  if (host.empty() || host == "localhost") return true;
  const std::string h(host);
  in_addr v4{};
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, h.c_str(), &v6) == 1) {
    return IN6_IS_ADDR_LOOPBACK(&v6);
  }
  return false;
}

absl::Status Validate(const ServerConfig& config) {
  // Each setting on its own first, so that the rules below see values in
  // range.
  RETURN_IF_ERROR(CheckRanges(config));
  ASSIGN_OR_RETURN(const std::string host, ListenHost(config.listen_address));
  if (!config.health_listen.empty() &&
      config.health_listen == config.listen_address &&
      !absl::EndsWith(config.listen_address, ":0")) {
    return absl::InvalidArgumentError(
        "--health_listen must be another address than --listen: it serves "
        "health alone, without TLS");
  }
  if (config.tls_cert_file.empty() != config.tls_key_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls_cert and --tls_key must be given together");
  }
  if (!config.tls_client_ca_file.empty() && !config.tls_enabled()) {
    return absl::InvalidArgumentError(
        "--tls_client_ca needs --tls_cert and --tls_key");
  }
  if (!config.tls_enabled() && !IsLoopbackHost(host)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--listen ", config.listen_address,
        " is reachable from other machines and needs TLS: give --tls_cert "
        "and --tls_key (and --tls_client_ca for client certificates), or "
        "listen on 127.0.0.1"));
  }
  if (config.auth.dev_auth && !IsLoopbackHost(host)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--dev_auth is only allowed when --listen is a loopback address "
        "(127.0.0.1, ::1, localhost or a unix socket): anyone who can reach ",
        config.listen_address,
        " could present development tokens, which are not for production"));
  }
  if (!config.dev_clock.empty() && !config.auth.dev_auth) {
    // A clock that can be moved would let a caller date decisions at will:
    // only where every token is a developer's own.
    return absl::InvalidArgumentError(
        "--dev_clock is only allowed with --dev_auth (development mode): a "
        "production server runs on the system clock");
  }
  if (!config.auth.mtls_principals_file.empty() &&
      config.tls_client_ca_file.empty()) {
    return absl::InvalidArgumentError(
        "--mtls_principals maps client certificates, which the server only "
        "verifies with --tls_client_ca");
  }
  if (!config.backup_dir.empty() && config.backup_dir == config.data_dir) {
    return absl::InvalidArgumentError(
        "--backup_dir must not be the --data_dir itself");
  }
  return auth::CheckCombination(config.auth);
}

}  // namespace atgard::server
