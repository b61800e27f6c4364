// Who is calling: turns a gRPC call's credentials into the principal the
// domain authorises. Implementations read the bearer token from the call's
// metadata and the client certificate from its auth context.
#ifndef ATGARD_SERVICES_API_CALL_AUTHENTICATOR_H_
#define ATGARD_SERVICES_API_CALL_AUTHENTICATOR_H_

#include "absl/status/statusor.h"
#include "services/domain/principal.h"

namespace grpc {
class ServerContextBase;
}

namespace atgard::api {

class CallAuthenticator {
 public:
  virtual ~CallAuthenticator() = default;
  // The call's principal, or UNAUTHENTICATED with what was wrong.
  // Thread-safe.
  [[nodiscard]] virtual absl::StatusOr<domain::Principal> Authenticate(
      const grpc::ServerContextBase& context) const = 0;
};

}  // namespace atgard::api

#endif  // ATGARD_SERVICES_API_CALL_AUTHENTICATOR_H_
