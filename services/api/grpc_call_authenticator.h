// CallAuthenticator over the transport-free auth::Authenticator: reads the
// bearer token from the call's "authorization" metadata and the verified
// client certificate from its auth context.
//
// The authenticator can be replaced while calls are authenticated (the
// server does so when it re-reads its keys on SIGHUP): a call uses the one
// current when it started, and an old one lives until its last call ends.
#ifndef ATGARD_SERVICES_API_GRPC_CALL_AUTHENTICATOR_H_
#define ATGARD_SERVICES_API_GRPC_CALL_AUTHENTICATOR_H_

#include <memory>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "services/api/call_authenticator.h"
#include "services/auth/authenticator.h"

namespace atgard::api {

class GrpcCallAuthenticator final : public CallAuthenticator {
 public:
  // `authenticator` must not be null.
  explicit GrpcCallAuthenticator(
      std::shared_ptr<const auth::Authenticator> authenticator)
      : authenticator_(std::move(authenticator)) {}

  absl::StatusOr<domain::Principal> Authenticate(
      const grpc::ServerContextBase& context) const override;

  // Calls that start from now on are authenticated by `authenticator`
  // (not null). Thread-safe.
  void Replace(std::shared_ptr<const auth::Authenticator> authenticator);

  // The authenticator in use.
  std::shared_ptr<const auth::Authenticator> current() const;

 private:
  // A mutex rather than std::atomic<std::shared_ptr>: libstdc++ 12 releases
  // that one's internal lock with relaxed order after a load, which
  // ThreadSanitizer reports as a race with the next store.
  mutable absl::Mutex mu_;
  std::shared_ptr<const auth::Authenticator> authenticator_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace atgard::api

#endif  // ATGARD_SERVICES_API_GRPC_CALL_AUTHENTICATOR_H_
