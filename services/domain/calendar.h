// The domain's calendar: dates are calendar dates in Europe/Stockholm.
//
// "Within N months of D" means on or before AddCalendarMonths(D, N); a
// deadline is met when the thing happens on or before its date
// (IsMet) and is overdue from the next day (IsOverdue). The domain never
// reads the clock: instants arrive inside commands and are turned into
// Stockholm dates with StockholmDay.
//
// All functions are thread-safe. Everything here is pure except the one
// deterministic file read of the domain: LoadStockholmTimeZone reads the
// zone from the system's time-zone database (/usr/share/zoneinfo, Debian's
// tzdata package) once per process, at start-up.
#ifndef ATGARD_SERVICES_DOMAIN_CALENDAR_H_
#define ATGARD_SERVICES_DOMAIN_CALENDAR_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace atgard::domain {

// The earliest and latest years a date in a command may have.
inline constexpr int kMinYear = 2000;
inline constexpr int kMaxYear = 2199;

// `day` plus `months` calendar months (negative goes back). When the target
// month is shorter than day.day(), the result is that month's last day:
// 2026-08-31 + 6 = 2027-02-28, 2028-01-31 + 1 = 2028-02-29. Unlike
// absl::CivilDay arithmetic, it never spills into the following month.
[[nodiscard]] absl::CivilDay AddCalendarMonths(absl::CivilDay day, int months);

// Loads Europe/Stockholm from the system's time-zone database, once; later
// calls return the first call's result without reading anything.
// Returns OK, or FAILED_PRECONDITION if the zone cannot be loaded or does
// not behave like Stockholm (CET in winter, CEST in summer), e.g. when tzdata
// is missing; abseil would otherwise fall back to UTC without a word and
// every date near midnight would be wrong. Servers call it at start-up and
// refuse to start on error.
[[nodiscard]] absl::Status LoadStockholmTimeZone();

// The Europe/Stockholm zone. Loads it on first use if
// LoadStockholmTimeZone() has not been called, and aborts the process if it
// cannot be loaded: a wrong calendar date in an immutable event is worse
// than not running. The reference stays valid for the life of the process.
const absl::TimeZone& StockholmTimeZone();

// The calendar date in Stockholm at instant `t` (CET/CEST, including the
// days daylight saving time starts and ends).
[[nodiscard]] absl::CivilDay StockholmDay(absl::Time t);

// True iff something due on `due` is overdue on `today`, i.e. today is
// after due: nothing is overdue on its due date.
[[nodiscard]] inline bool IsOverdue(absl::CivilDay due, absl::CivilDay today) {
  return today > due;
}

// True iff something due on `due` and done on `done` met its deadline, i.e.
// was done on or before the due date.
[[nodiscard]] inline bool IsMet(absl::CivilDay due, absl::CivilDay done) {
  return done <= due;
}

// A date as the three numbers of the API's Date message.
struct YearMonthDay {
  int year = 0;
  int month = 0;
  int day = 0;
};

// The date year-month-day, or INVALID_ARGUMENT naming `field` if it does
// not exist (month outside 1-12, day outside the month: 2026-02-30 is an
// error, not 2026-03-02 as absl::CivilDay would make it) or the year is
// outside kMinYear-kMaxYear.
[[nodiscard]] absl::StatusOr<absl::CivilDay> MakeDate(absl::string_view field,
                                                      int year, int month,
                                                      int day);

// The three numbers of `day`, for filling in a Date message. `day` is
// expected to lie within kMinYear-kMaxYear (every date made by MakeDate and
// moved by a few years does).
[[nodiscard]] YearMonthDay ToYearMonthDay(absl::CivilDay day);

}  // namespace atgard::domain

#endif  // ATGARD_SERVICES_DOMAIN_CALENDAR_H_
