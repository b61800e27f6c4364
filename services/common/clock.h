// The server's one notion of "now" for the workflow: what the command
// handler hands the deciders, what the event store stamps as recorded_at,
// what the access log and the deadline scheduler read. Real-time
// measurements (timeouts, latencies, rate limits, log lines) do not use it:
// they stay on absl::Now.
//
// In production it is the system clock. A development server
// (--dev_auth --dev_clock=...) runs on a DevelopmentClock instead, which
// starts at a chosen instant, runs on at real speed and can be moved
// forward (OperatorService.SetDevelopmentClock), so that months of a
// workflow can be played through in minutes.
//
// Thread-safe: every Clock may be read from any thread; DevelopmentClock
// may be moved while it is read.
#ifndef ATGARD_SERVICES_COMMON_CLOCK_H_
#define ATGARD_SERVICES_COMMON_CLOCK_H_

#include <functional>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace atgard {

class Clock {
 public:
  virtual ~Clock() = default;

  // The current instant on this clock.
  virtual absl::Time Now() const = 0;

  // Now() as the std::function the lower layers take (the event store knows
  // nothing of this class). The clock must outlive the function.
  std::function<absl::Time()> AsFunction() const {
    return [this] { return Now(); };
  }
};

// absl::Now.
class SystemClock final : public Clock {
 public:
  absl::Time Now() const override;

  // One for the whole program; never destroyed.
  static const SystemClock* Get();
};

// A clock that starts at `start` and then runs at the speed of `real`
// (which must outlive it): Now() is real's now plus an offset that only
// AdvanceTo() changes. It never goes back.
class DevelopmentClock final : public Clock {
 public:
  explicit DevelopmentClock(absl::Time start,
                            const Clock* real = SystemClock::Get());

  absl::Time Now() const override;

  // Moves the clock to `to`, from where it runs on at real speed, and
  // returns the new now (`to`). INVALID_ARGUMENT naming `now` if `to` is
  // before the clock's current time (the clock never goes back: events
  // already recorded would otherwise lie in the future), or if it is not a
  // finite instant; the clock is then unchanged.
  [[nodiscard]] absl::StatusOr<absl::Time> AdvanceTo(absl::Time to);

 private:
  const Clock* const real_;
  mutable absl::Mutex mu_;
  absl::Duration offset_ ABSL_GUARDED_BY(mu_);
};

// Parses the start of a development clock: a day ("2026-01-15", midnight
// UTC) or an RFC 3339 instant ("2026-01-15T08:00:00Z",
// "2026-01-15T09:00:00+01:00"). INVALID_ARGUMENT saying what is accepted
// otherwise.
[[nodiscard]] absl::StatusOr<absl::Time> ParseClockStart(
    absl::string_view text);

}  // namespace atgard

#endif  // ATGARD_SERVICES_COMMON_CLOCK_H_
