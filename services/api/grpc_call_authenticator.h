// CallAuthenticator over the transport-free auth::Authenticator: reads the
// bearer token from the call's "authorization" metadata and the verified
// client certificate from its auth context.
#ifndef ATGARD_SERVICES_API_GRPC_CALL_AUTHENTICATOR_H_
#define ATGARD_SERVICES_API_GRPC_CALL_AUTHENTICATOR_H_

#include "services/api/call_authenticator.h"
#include "services/auth/authenticator.h"

namespace atgard::api {

class GrpcCallAuthenticator final : public CallAuthenticator {
 public:
  // `authenticator` must outlive this object.
  explicit GrpcCallAuthenticator(const auth::Authenticator* authenticator)
      : authenticator_(authenticator) {}

  absl::StatusOr<domain::Principal> Authenticate(
      const grpc::ServerContextBase& context) const override;

 private:
  const auth::Authenticator* const authenticator_;
};

}  // namespace atgard::api

#endif  // ATGARD_SERVICES_API_GRPC_CALL_AUTHENTICATOR_H_
