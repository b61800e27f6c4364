#include "services/common/clock.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace atgard {
namespace {

// "2026-01-15T08:00:00Z", as --dev_clock is written.
std::string Format(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

}  // namespace

absl::Time SystemClock::Now() const { return absl::Now(); }

const SystemClock* SystemClock::Get() {
  static const SystemClock* const kClock = new SystemClock();
  return kClock;
}

DevelopmentClock::DevelopmentClock(absl::Time start, const Clock* real)
    : real_(real), offset_(start - real->Now()) {}

absl::Time DevelopmentClock::Now() const {
  absl::MutexLock lock(&mu_);
  return real_->Now() + offset_;
}

absl::StatusOr<absl::Time> DevelopmentClock::AdvanceTo(absl::Time to) {
  if (to == absl::InfinitePast() || to == absl::InfiniteFuture()) {
    return absl::InvalidArgumentError("now: must be a finite instant");
  }
  absl::MutexLock lock(&mu_);
  // Read under the lock, so that two moves cannot both pass the check
  // against the same now.
  const absl::Time real = real_->Now();
  const absl::Time current = real + offset_;
  if (to < current) {
    return absl::InvalidArgumentError(absl::StrCat(
        "now: ", Format(to), " is before the development clock's current time ",
        Format(current), "; the clock only moves forward"));
  }
  offset_ = to - real;
  return to;
}

absl::StatusOr<absl::Time> ParseClockStart(absl::string_view text) {
  const std::string s(text);
  absl::Time t;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, s, &t, &error)) return t;
  absl::CivilDay day;
  if (s.size() == 10 && absl::ParseCivilTime(s, &day)) {
    return absl::FromCivil(day, absl::UTCTimeZone());
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "\"", text,
      "\" is neither a day (2026-01-15, midnight UTC) nor an RFC 3339 "
      "instant (2026-01-15T08:00:00Z)"));
}

}  // namespace atgard
