// How atgardctl reaches a running server: the address, and the credentials
// (a bearer token, and TLS with an optional client certificate), given by
// the connection flags --server, --token, --token_file, --tls_ca,
// --tls_cert and --tls_key of the subcommands that talk to a server.
#ifndef ATGARD_SERVICES_CLI_CONNECTION_H_
#define ATGARD_SERVICES_CLI_CONNECTION_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace CLI {
class App;
}  // namespace CLI

namespace atgard::cli {

struct ConnectionFlags {
  std::string server;
  std::string token;
  std::string token_file;
  std::string tls_ca;
  std::string tls_cert;
  std::string tls_key;
};

// Declares the connection flags on `command`, bound to `*flags`, which
// must outlive parsing. With `server_required`, --server is required.
void AddConnectionFlags(CLI::App& command, ConnectionFlags* flags,
                        bool server_required);

// A channel to --server with the TLS flags applied (plaintext without
// --tls_ca). INVALID_ARGUMENT without --server; errors naming the flag
// whose file cannot be read.
[[nodiscard]] absl::StatusOr<std::shared_ptr<grpc::Channel>> ConnectToServer(
    const ConnectionFlags& flags);

// Adds the bearer token of --token or --token_file (if any) to `context`.
// Errors name --token_file if it cannot be read.
[[nodiscard]] absl::Status AddCredentials(const ConnectionFlags& flags,
                                          grpc::ClientContext* context);

}  // namespace atgard::cli

#endif  // ATGARD_SERVICES_CLI_CONNECTION_H_
