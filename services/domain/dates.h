// Conversions between the API's Date message and absl::CivilDay.
#ifndef ATGARD_SERVICES_DOMAIN_DATES_H_
#define ATGARD_SERVICES_DOMAIN_DATES_H_

#include <string>

#include "absl/time/civil_time.h"
#include "atgard/v1/types.pb.h"

namespace atgard::domain {

// True if the date is unset (all parts zero).
bool IsUnset(const v1::Date& date);

v1::Date ToDate(absl::CivilDay day);

// "2026-03-23".
std::string FormatDay(absl::CivilDay day);

// Day of a date that the decider already validated (state, events).
absl::CivilDay DayOf(const v1::Date& date);

}  // namespace atgard::domain

#endif  // ATGARD_SERVICES_DOMAIN_DATES_H_
