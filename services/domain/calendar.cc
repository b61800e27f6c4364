#include "services/domain/calendar.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "services/domain/errors.h"

namespace atgard::domain {
namespace {

constexpr char kStockholm[] = "Europe/Stockholm";

absl::CivilDay LastDayOf(absl::CivilMonth month) {
  return absl::CivilDay(month + 1) - 1;
}

struct LoadedZone {
  absl::Status status;
  absl::TimeZone zone;
};

// absl::LoadTimeZone reports failure only through its return value and
// leaves UTC behind, so both that and the zone's behaviour are checked:
// a database without Stockholm's rules must not pass for one.
LoadedZone Load() {
  LoadedZone loaded;
  if (!absl::LoadTimeZone(kStockholm, &loaded.zone)) {
    loaded.status = absl::FailedPreconditionError(absl::StrCat(
        "cannot load the time zone ", kStockholm,
        " from the system's time-zone database (/usr/share/zoneinfo or "
        "$TZDIR; Debian package tzdata): dates would be wrong"));
    return loaded;
  }
  const absl::TimeZone utc = absl::UTCTimeZone();
  const absl::Time winter = absl::FromCivil(absl::CivilDay(2026, 1, 15), utc);
  const absl::Time summer = absl::FromCivil(absl::CivilDay(2026, 7, 15), utc);
  if (loaded.zone.At(winter).offset != 3600 ||
      loaded.zone.At(summer).offset != 7200) {
    loaded.status = absl::FailedPreconditionError(absl::StrCat(
        "the time zone ", kStockholm,
        " in the system's time-zone database is not UTC+1 in winter and "
        "UTC+2 in summer: the database is broken"));
  }
  return loaded;
}

const LoadedZone& Loaded() {
  // Thread-safe one-time initialisation, never destroyed.
  static const LoadedZone* const loaded = new LoadedZone(Load());
  return *loaded;
}

}  // namespace

absl::CivilDay AddCalendarMonths(absl::CivilDay day, int months) {
  const absl::CivilMonth target = absl::CivilMonth(day) + months;
  const absl::CivilDay last = LastDayOf(target);
  return day.day() <= last.day()
             ? absl::CivilDay(target.year(), target.month(), day.day())
             : last;
}

absl::Status LoadStockholmTimeZone() { return Loaded().status; }

const absl::TimeZone& StockholmTimeZone() {
  const LoadedZone& loaded = Loaded();
  if (!loaded.status.ok()) {
    const std::string message = loaded.status.ToString();
    std::fprintf(stderr, "atgard: %s\n", message.c_str());
    std::abort();
  }
  return loaded.zone;
}

absl::CivilDay StockholmDay(absl::Time t) {
  return absl::ToCivilDay(t, StockholmTimeZone());
}

absl::StatusOr<absl::CivilDay> MakeDate(absl::string_view field, int year,
                                        int month, int day) {
  if (year < kMinYear || year > kMaxYear) {
    return InvalidArgument(field, absl::StrCat("year must be between ",
                                               kMinYear, " and ", kMaxYear));
  }
  if (month < 1 || month > 12) {
    return InvalidArgument(field, "month must be between 1 and 12");
  }
  const int last = LastDayOf(absl::CivilMonth(year, month)).day();
  if (day < 1 || day > last) {
    return InvalidArgument(
        field,
        absl::StrCat("day must be between 1 and ", last, " in ",
                     absl::FormatCivilTime(absl::CivilMonth(year, month))));
  }
  return absl::CivilDay(year, month, day);
}

YearMonthDay ToYearMonthDay(absl::CivilDay day) {
  return {.year = static_cast<int>(day.year()),
          .month = day.month(),
          .day = day.day()};
}

}  // namespace atgard::domain
