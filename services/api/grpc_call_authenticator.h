// CallAuthenticator over the transport-free auth::Authenticator: reads the
// bearer token from the call's "authorization" metadata and the verified
// client certificate from its auth context.
//
// The authenticator can be replaced while calls are authenticated (the
// server does so when it re-reads its keys on SIGHUP): a call uses the one
// current when it started, and an old one lives until its last call ends.
//
// Every refused call is logged (warn, event "authentication_failed") with
// the refusal's message, the peer address, the kind of credential sent
// ("bearer_token", "client_certificate" or "none") and, with a verified
// client certificate, the calling system's name. The message names the
// problem and never contains the token (authenticator.h), and nothing else
// of the token is logged. At most kRefusalLogPerSecond lines a second are
// written (bursts of as many); the next line written after some were held
// back carries their number as "suppressed", so a credential-guessing
// flood cannot drown the log and still shows up in it. With Metrics, every
// refusal, logged or not, also counts in
// atgard_authentication_failures_total.
#ifndef ATGARD_SERVICES_API_GRPC_CALL_AUTHENTICATOR_H_
#define ATGARD_SERVICES_API_GRPC_CALL_AUTHENTICATOR_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "services/api/call_authenticator.h"
#include "services/api/metrics.h"
#include "services/auth/authenticator.h"
#include "services/common/rate_limiter.h"

namespace atgard::api {

inline constexpr double kRefusalLogPerSecond = 10;

class GrpcCallAuthenticator final : public CallAuthenticator {
 public:
  // `authenticator` must not be null. `metrics`, if not null, counts the
  // refusals and must outlive this object. `clock` paces the refusal log
  // (a monotonic clock if empty; see RateLimiter).
  explicit GrpcCallAuthenticator(
      std::shared_ptr<const auth::Authenticator> authenticator,
      Metrics* metrics = nullptr, std::function<absl::Time()> clock = {})
      : authenticator_(std::move(authenticator)),
        metrics_(metrics),
        refusal_log_(kRefusalLogPerSecond, kRefusalLogPerSecond,
                     std::move(clock)) {}

  absl::StatusOr<domain::Principal> Authenticate(
      const grpc::ServerContextBase& context) const override;

  // Calls that start from now on are authenticated by `authenticator`
  // (not null). Thread-safe.
  void Replace(std::shared_ptr<const auth::Authenticator> authenticator);

  // The authenticator in use.
  std::shared_ptr<const auth::Authenticator> current() const;

 private:
  // Counts the refusal and logs it, within the rate limit.
  void LogRefusal(const grpc::ServerContextBase& context,
                  const auth::AuthRequest& request,
                  const absl::Status& status) const;

  // A mutex rather than std::atomic<std::shared_ptr>: libstdc++ 12 releases
  // that one's internal lock with relaxed order after a load, which
  // ThreadSanitizer reports as a race with the next store.
  mutable absl::Mutex mu_;
  std::shared_ptr<const auth::Authenticator> authenticator_
      ABSL_GUARDED_BY(mu_);
  Metrics* const metrics_;
  mutable RateLimiter refusal_log_;
};

}  // namespace atgard::api

#endif  // ATGARD_SERVICES_API_GRPC_CALL_AUTHENTICATOR_H_
