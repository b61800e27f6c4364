#include "services/api/grpc_call_authenticator.h"

#include <grpc/grpc_security_constants.h>
#include <grpcpp/security/auth_context.h>
#include <grpcpp/server_context.h>

#include "services/common/log.h"

namespace atgard::api {
namespace {

std::vector<std::string> Property(const grpc::AuthContext& context,
                                  const char* name) {
  std::vector<std::string> values;
  for (const grpc::string_ref& value : context.FindPropertyValues(name)) {
    values.emplace_back(value.data(), value.size());
  }
  return values;
}

const char* CredentialName(const auth::AuthRequest& request) {
  if (!request.authorization.empty()) return "bearer_token";
  if (request.client_certificate_verified) return "client_certificate";
  return "none";
}

}  // namespace

absl::StatusOr<domain::Principal> GrpcCallAuthenticator::Authenticate(
    const grpc::ServerContextBase& context) const {
  auth::AuthRequest request;
  const auto& metadata = context.client_metadata();
  for (auto [it, end] = metadata.equal_range("authorization"); it != end;
       ++it) {
    request.authorization.emplace_back(it->second.data(), it->second.size());
  }
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  // gRPC marks the peer authenticated only when a client certificate was
  // presented and verified against --tls_client_ca.
  if (auth != nullptr && auth->IsPeerAuthenticated()) {
    request.client_certificate_verified = true;
    std::vector<std::string> cn = Property(*auth, GRPC_X509_CN_PROPERTY_NAME);
    if (!cn.empty()) request.certificate.common_name = cn.front();
    request.certificate.dns_names =
        Property(*auth, GRPC_PEER_DNS_PROPERTY_NAME);
    request.certificate.uris = Property(*auth, GRPC_PEER_URI_PROPERTY_NAME);
  }
  absl::StatusOr<auth::Authentication> authenticated =
      current()->Authenticate(request);
  if (!authenticated.ok()) {
    LogRefusal(context, request, authenticated.status());
    return authenticated.status();
  }
  return std::move(authenticated->principal);
}

void GrpcCallAuthenticator::LogRefusal(const grpc::ServerContextBase& context,
                                       const auth::AuthRequest& request,
                                       const absl::Status& status) const {
  if (metrics_ != nullptr) metrics_->ObserveAuthenticationFailure();
  uint64_t suppressed = 0;
  if (!log::Enabled(log::Level::kWarn) || !refusal_log_.Admit(&suppressed)) {
    return;
  }
  // Only the refusal's message: it names the problem without the token.
  // The certificate's name is not a secret and tells operators which
  // system keeps sending bad tokens.
  const std::string client_system = request.certificate.common_name;
  log::Warn("authentication_failed", {{"reason", status.message()},
                                      {"peer", context.peer()},
                                      {"credential", CredentialName(request)},
                                      {"client_system", client_system},
                                      {"suppressed", suppressed}});
}

void GrpcCallAuthenticator::Replace(
    std::shared_ptr<const auth::Authenticator> authenticator) {
  {
    absl::MutexLock lock(&mu_);
    authenticator_.swap(authenticator);
  }
  // The old one (now in `authenticator`) goes once its last call is done,
  // outside the lock.
}

std::shared_ptr<const auth::Authenticator> GrpcCallAuthenticator::current()
    const {
  absl::ReaderMutexLock lock(&mu_);
  return authenticator_;
}

}  // namespace atgard::api
