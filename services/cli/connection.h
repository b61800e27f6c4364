// How atgardctl reaches a running server: the address, and the credentials
// (a bearer token, and TLS with an optional client certificate) given by
// the connection flags --server, --token, --token_file, --tls_ca,
// --tls_cert and --tls_key.
#ifndef ATGARD_SERVICES_CLI_CONNECTION_H_
#define ATGARD_SERVICES_CLI_CONNECTION_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace atgard::cli {

// A channel to --server with the TLS flags applied (plaintext without
// --tls_ca). Errors name the flag whose file cannot be read.
[[nodiscard]] absl::StatusOr<std::shared_ptr<grpc::Channel>> ConnectToServer();

// Adds the bearer token of --token or --token_file (if any) to `context`.
[[nodiscard]] absl::Status AddCredentials(grpc::ClientContext* context);

// True if --server was given explicitly.
bool ServerGiven();

}  // namespace atgard::cli

#endif  // ATGARD_SERVICES_CLI_CONNECTION_H_
