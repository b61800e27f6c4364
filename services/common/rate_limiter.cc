#include "services/common/rate_limiter.h"

#include <algorithm>
#include <utility>

#include "absl/time/clock.h"

namespace atgard {

RateLimiter::RateLimiter(double per_second, double burst,
                         std::function<absl::Time()> clock)
    : per_second_(std::max(per_second, 1.0)),
      burst_(std::max(burst, 1.0)),
      clock_(clock ? std::move(clock) : [] { return absl::Now(); }),
      tokens_(burst_),
      last_(clock_()) {}

bool RateLimiter::Admit(uint64_t* suppressed) {
  const absl::Time now = clock_();
  absl::MutexLock lock(&mu_);
  // A clock that steps back refills nothing rather than draining.
  if (now > last_) {
    const double elapsed = absl::ToDoubleSeconds(now - last_);
    tokens_ = std::min(burst_, tokens_ + elapsed * per_second_);
    last_ = now;
  }
  if (tokens_ < 1.0) {
    ++suppressed_;
    return false;
  }
  tokens_ -= 1.0;
  if (suppressed != nullptr) *suppressed = suppressed_;
  suppressed_ = 0;
  return true;
}

}  // namespace atgard
