#include "services/cli/connection.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/common/files.h"
#include "services/common/status_macros.h"

ABSL_FLAG(std::string, server, "",
          "verify, backup: the running server's address, host:port "
          "(e.g. 127.0.0.1:50051).");
ABSL_FLAG(std::string, token, "",
          "verify, backup: a bearer token for the server (an OPERATOR's).");
ABSL_FLAG(std::string, token_file, "",
          "verify, backup: a file holding the bearer token (keeps it out of "
          "the process list).");
ABSL_FLAG(std::string, tls_ca, "",
          "verify, backup: PEM file with the CA that signed the server's "
          "certificate; enables TLS.");
ABSL_FLAG(std::string, tls_cert, "",
          "verify, backup: PEM client certificate for mutual TLS.");
ABSL_FLAG(std::string, tls_key, "",
          "verify, backup: PEM private key of --tls_cert.");

namespace atgard::cli {

bool ServerGiven() { return !absl::GetFlag(FLAGS_server).empty(); }

absl::StatusOr<std::shared_ptr<grpc::Channel>> ConnectToServer() {
  const std::string server = absl::GetFlag(FLAGS_server);
  if (server.empty()) return absl::InvalidArgumentError("--server is required");
  std::shared_ptr<grpc::ChannelCredentials> credentials =
      grpc::InsecureChannelCredentials();
  if (!absl::GetFlag(FLAGS_tls_ca).empty()) {
    grpc::SslCredentialsOptions options;
    ASSIGN_OR_RETURN(options.pem_root_certs,
                     ReadFileToString(absl::GetFlag(FLAGS_tls_ca), "--tls_ca"));
    if (!absl::GetFlag(FLAGS_tls_cert).empty()) {
      ASSIGN_OR_RETURN(
          options.pem_cert_chain,
          ReadFileToString(absl::GetFlag(FLAGS_tls_cert), "--tls_cert"));
      ASSIGN_OR_RETURN(
          options.pem_private_key,
          ReadFileToString(absl::GetFlag(FLAGS_tls_key), "--tls_key"));
    }
    credentials = grpc::SslCredentials(options);
  }
  return grpc::CreateChannel(server, credentials);
}

absl::Status AddCredentials(grpc::ClientContext* context) {
  std::string token = absl::GetFlag(FLAGS_token);
  if (token.empty() && !absl::GetFlag(FLAGS_token_file).empty()) {
    ASSIGN_OR_RETURN(token, ReadFileToString(absl::GetFlag(FLAGS_token_file),
                                             "--token_file"));
    token = std::string(absl::StripAsciiWhitespace(token));
  }
  if (!token.empty())
    context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
  return absl::OkStatus();
}

}  // namespace atgard::cli
