#include "services/cli/connection.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "eventstore/base/status_macros.h"
#include "services/common/files.h"

namespace atgard::cli {

void AddConnectionFlags(CLI::App& command, ConnectionFlags* flags,
                        bool server_required) {
  CLI::Option* server = command.add_option(
      "--server", flags->server,
      "The running server's address, host:port (e.g. 127.0.0.1:50051).");
  if (server_required) server->required();
  command.add_option("--token", flags->token,
                     "A bearer token for the server (an OPERATOR's).");
  command.add_option("--token_file", flags->token_file,
                     "A file holding the bearer token (keeps it out of the "
                     "process list).");
  command.add_option("--tls_ca", flags->tls_ca,
                     "PEM file with the CA that signed the server's "
                     "certificate; enables TLS.");
  command.add_option("--tls_cert", flags->tls_cert,
                     "PEM client certificate for mutual TLS (with --tls_ca).");
  command.add_option("--tls_key", flags->tls_key,
                     "PEM private key of --tls_cert.");
  command.get_option("--token")->excludes("--token_file");
  // A client certificate only means anything over TLS: without --tls_ca
  // the token would travel in plaintext while the operator thinks not.
  command.get_option("--tls_cert")->needs("--tls_ca")->needs("--tls_key");
  command.get_option("--tls_key")->needs("--tls_cert");
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> ConnectToServer(
    const ConnectionFlags& flags) {
  if (flags.server.empty()) {
    return absl::InvalidArgumentError("--server is required");
  }
  std::shared_ptr<grpc::ChannelCredentials> credentials =
      grpc::InsecureChannelCredentials();
  if (!flags.tls_ca.empty()) {
    grpc::SslCredentialsOptions options;
    ASSIGN_OR_RETURN(options.pem_root_certs,
                     ReadFileToString(flags.tls_ca, "--tls_ca"));
    if (!flags.tls_cert.empty()) {
      ASSIGN_OR_RETURN(options.pem_cert_chain,
                       ReadFileToString(flags.tls_cert, "--tls_cert"));
      ASSIGN_OR_RETURN(options.pem_private_key,
                       ReadFileToString(flags.tls_key, "--tls_key"));
    }
    credentials = grpc::SslCredentials(options);
  }
  return grpc::CreateChannel(flags.server, credentials);
}

absl::Status AddCredentials(const ConnectionFlags& flags,
                            grpc::ClientContext* context) {
  std::string token = flags.token;
  if (token.empty() && !flags.token_file.empty()) {
    ASSIGN_OR_RETURN(token, ReadFileToString(flags.token_file, "--token_file"));
    token = std::string(absl::StripAsciiWhitespace(token));
  }
  if (!token.empty()) {
    context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
  }
  return absl::OkStatus();
}

}  // namespace atgard::cli
