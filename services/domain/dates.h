// Conversions between the API's Date message and absl::CivilDay.
#ifndef ATGARD_SERVICES_DOMAIN_DATES_H_
#define ATGARD_SERVICES_DOMAIN_DATES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "atgard/v1/types.pb.h"

namespace atgard::domain {

// True if the date is unset (all parts zero).
bool IsUnset(const v1::Date& date);

// The date as a calendar day. INVALID_ARGUMENT naming `field` if it is
// unset ("is required") or not a real date.
[[nodiscard]] absl::StatusOr<absl::CivilDay> RequireDay(absl::string_view field,
                                                        const v1::Date& date);

v1::Date ToDate(absl::CivilDay day);

// "2026-03-23".
std::string FormatDay(absl::CivilDay day);

// Day of a date that the decider already validated (state, events).
absl::CivilDay DayOf(const v1::Date& date);

}  // namespace atgard::domain

#endif  // ATGARD_SERVICES_DOMAIN_DATES_H_
