// A token bucket that keeps a flood of similar log lines (e.g. refused
// credentials from a scanner) from drowning the log, and counts what it
// held back so that the next line it lets through can say so.
//
//   RateLimiter limiter(/*per_second=*/10, /*burst=*/10);
//   uint64_t suppressed;
//   if (limiter.Admit(&suppressed)) log::Warn("...", {{"suppressed",
//   suppressed}});
//
// Thread-safe: Admit() may be called concurrently.
#ifndef ATGARD_SERVICES_COMMON_RATE_LIMITER_H_
#define ATGARD_SERVICES_COMMON_RATE_LIMITER_H_

#include <cstdint>
#include <functional>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace atgard {

class RateLimiter {
 public:
  // Admits on average `per_second` events per second and at most `burst`
  // in a row; the bucket starts full. Both are clamped to at least 1 (a
  // limiter that never admits would hide that anything happened).
  // `clock` gives the time; only differences between its readings matter.
  // If empty, a monotonic clock (std::chrono::steady_clock) is used, so
  // that setting the wall clock neither stalls nor floods the log; tests
  // inject their own. A reading earlier than the previous one counts as no
  // time passed, and refilling goes on from the earlier reading.
  RateLimiter(double per_second, double burst,
              std::function<absl::Time()> clock = {});

  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // True if this event may be logged. Then *suppressed (if not null) is
  // the number of events refused since the previous admitted one, and the
  // count starts again from zero. False (and *suppressed untouched) if the
  // bucket is empty; the event is counted.
  bool Admit(uint64_t* suppressed = nullptr);

 private:
  const double per_second_;
  const double burst_;
  const std::function<absl::Time()> clock_;
  absl::Mutex mu_;
  double tokens_ ABSL_GUARDED_BY(mu_);
  absl::Time last_ ABSL_GUARDED_BY(mu_);
  uint64_t suppressed_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace atgard

#endif  // ATGARD_SERVICES_COMMON_RATE_LIMITER_H_
