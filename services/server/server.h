// atgard-server assembled: the event store, the domain's command handling,
// the gRPC services, authentication, the deadline scheduler, the policy
// runner and the metrics endpoint, started and stopped in the right order.
#ifndef ATGARD_SERVICES_SERVER_SERVER_H_
#define ATGARD_SERVICES_SERVER_SERVER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/server/server_config.h"

namespace atgard::server {

class Server {
 public:
  // Opens the store, builds everything and starts serving. Errors name the
  // flag or the directory at fault (see ServerConfig and
  // eventstore::EventStore::Open); INVALID_ARGUMENT if --data_dir or
  // --backup_dir may be read by every user (its mode has "other" bits);
  // FAILED_PRECONDITION if the Stockholm time zone cannot be loaded;
  // UNAVAILABLE if an address cannot be bound.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Server>> Start(
      const ServerConfig& config);

  // Stops, if Shutdown() has not been called.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound gRPC port, the metrics port and the plaintext health port
  // (0 for each that is off).
  int port() const;
  int metrics_port() const;
  int health_port() const;

  // Reads the authentication files again (the JWT public keys, the JWKS
  // file, the mTLS principal map; not the TLS certificates) and, if they
  // are all valid, authenticates calls that start from now on with them:
  // keys can be rotated and principals changed without a restart. Verified
  // tokens remembered from before are forgotten. On error (as
  // auth::Authenticator::Create) nothing changes and the error is logged.
  // Not concurrently with Shutdown().
  absl::Status ReloadAuthentication();

  // Health turns NOT_SERVING, new calls are still accepted for
  // `drain_delay`, then in-flight calls get `grace` before they are
  // cancelled; the scheduler and policies stop and the store is closed.
  void Shutdown(absl::Duration drain_delay, absl::Duration grace);

 private:
  struct Parts;
  explicit Server(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace atgard::server

#endif  // ATGARD_SERVICES_SERVER_SERVER_H_
