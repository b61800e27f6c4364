#include "services/common/rate_limiter.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace atgard {
namespace {

// Monotonic time as an absl::Time: meaningless as a date, but its
// differences are real elapsed time, unaffected by steps of the wall clock.
absl::Time MonotonicNow() {
  return absl::UnixEpoch() +
         absl::FromChrono(std::chrono::steady_clock::now().time_since_epoch());
}

}  // namespace

RateLimiter::RateLimiter(double per_second, double burst,
                         std::function<absl::Time()> clock)
    : per_second_(std::max(per_second, 1.0)),
      burst_(std::max(burst, 1.0)),
      clock_(clock ? std::move(clock) : MonotonicNow),
      tokens_(burst_),
      last_(clock_()) {}

bool RateLimiter::Admit(uint64_t* suppressed) {
  absl::MutexLock lock(&mu_);
  // Read under the lock so that concurrent callers' readings arrive in
  // order and a late, earlier reading cannot move last_ back.
  const absl::Time now = clock_();
  // A clock that steps back refills nothing, and refilling resumes from the
  // new reading: keeping the old one would refill nothing until the clock
  // caught up again, and hold back every line meanwhile.
  if (now > last_) {
    const double elapsed = absl::ToDoubleSeconds(now - last_);
    tokens_ = std::min(burst_, tokens_ + elapsed * per_second_);
  }
  last_ = now;
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
