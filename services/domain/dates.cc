#include "services/domain/dates.h"

#include "absl/strings/str_format.h"

namespace atgard::domain {

bool IsUnset(const v1::Date& date) {
  return date.year() == 0 && date.month() == 0 && date.day() == 0;
}

v1::Date ToDate(absl::CivilDay day) {
  v1::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

std::string FormatDay(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

absl::CivilDay DayOf(const v1::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

}  // namespace atgard::domain
