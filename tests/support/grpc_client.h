// A gRPC client of a running atgard-server for end-to-end tests: a channel,
// development tokens per principal (minted with auth::MintDevToken against
// the server's data directory, as `atgardctl dev-token` does), and helpers
// that send any domain command through its RPC with a fresh command id.
//
// Commands are sent generically: the RPC that carries a v1::Command's case
// is found in the service descriptors (the request message whose `command`
// field has that type), so one helper reaches every command RPC, and a new
// RPC needs no new code here. Reads use the generated stubs.
//
// Thread-safe: calls may run concurrently; tokens are cached per principal.
#ifndef ATGARD_TESTS_SUPPORT_GRPC_CLIENT_H_
#define ATGARD_TESTS_SUPPORT_GRPC_CLIENT_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "atgard/v1/api.pb.h"
#include "atgard/v1/commands.pb.h"
#include "services/domain/principal.h"

namespace google::protobuf {
class Message;
class MethodDescriptor;
class ServiceDescriptor;
}  // namespace google::protobuf

namespace atgard::testing {

// "CODE: message", for test failure output.
std::string Describe(const grpc::Status& status);

// A command id no other call of this process has used.
std::string FreshCommandId();

// Every service of the public API (atgard.v1), from the generated
// descriptors.
std::vector<const google::protobuf::ServiceDescriptor*> ApiServices();

// "/atgard.v1.CaseService/GetCase".
std::string FullMethodName(const google::protobuf::MethodDescriptor& method);

// The command RPC whose request carries `command`'s case. NOT_FOUND if no
// RPC carries it, INVALID_ARGUMENT if no command is set.
absl::StatusOr<const google::protobuf::MethodDescriptor*> CommandMethod(
    const v1::Command& command);

// What a command RPC answered.
struct CommandOutcome {
  grpc::Status status;
  v1::CommandResult result;
  // The command id that was sent.
  std::string command_id;
  bool ok() const { return status.ok(); }
};

// The services the server at `channel` serves, by full name, as its gRPC
// server reflection lists them (the reflection and health services
// included). The call's status otherwise.
absl::StatusOr<std::vector<std::string>> ListServerServices(
    const std::shared_ptr<grpc::Channel>& channel);

class GrpcClient {
 public:
  // A plaintext channel to `address` ("127.0.0.1:<port>"); tokens are
  // minted with the development key beside `data_dir`.
  GrpcClient(const std::string& address, std::string data_dir);
  // A channel of the caller's making (e.g. TLS); tokens as above.
  GrpcClient(std::shared_ptr<grpc::Channel> channel, std::string data_dir);

  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

  // A development token for `principal`, valid for `ttl` from `issued_at`.
  // Cached when issued now with the default ttl. Errors of MintDevToken.
  absl::StatusOr<std::string> Token(const domain::Principal& principal) const;
  absl::StatusOr<std::string> Token(const domain::Principal& principal,
                                    absl::Duration ttl,
                                    absl::Time issued_at) const;

  // A context carrying "authorization: Bearer <token of principal>" and a
  // deadline. Fails the calling test (and returns a context without a
  // token) if no token can be minted.
  std::unique_ptr<grpc::ClientContext> Context(
      const domain::Principal& principal,
      absl::Duration timeout = absl::Seconds(30)) const;
  // A context with exactly `authorization` as the header's value (none if
  // empty): for garbage and forged credentials.
  static std::unique_ptr<grpc::ClientContext> ContextWithAuthorization(
      absl::string_view authorization,
      absl::Duration timeout = absl::Seconds(30));

  // Sends `command` through its RPC as `principal`. `options` are sent as
  // given, except that an empty command id is replaced by a fresh one when
  // `fresh_id` is true.
  CommandOutcome Run(const domain::Principal& principal,
                     const v1::Command& command) const;
  CommandOutcome Run(const domain::Principal& principal,
                     const v1::Command& command, v1::CommandOptions options,
                     bool fresh_id = true) const;
  // The same with a context of the caller's making (credentials as set
  // there).
  CommandOutcome RunWithContext(grpc::ClientContext* context,
                                const v1::Command& command,
                                v1::CommandOptions options) const;

  // Calls any unary RPC by its descriptor with `request` (of the method's
  // input type); the answer is parsed into `response` (its output type).
  grpc::Status CallUnary(grpc::ClientContext* context,
                         const google::protobuf::MethodDescriptor& method,
                         const google::protobuf::Message& request,
                         google::protobuf::Message* response) const;

 private:
  std::shared_ptr<grpc::Channel> channel_;
  const std::string data_dir_;
  mutable absl::Mutex mu_;
  mutable absl::flat_hash_map<std::string, std::string> tokens_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace atgard::testing

#endif  // ATGARD_TESTS_SUPPORT_GRPC_CLIENT_H_
