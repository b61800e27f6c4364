// The checks every decider shares: ids, texts, enums, dates, decisions,
// roles and scope. Each returns OK or a status naming the field (see
// errors.h); free text always passes the personal-identity guard.
#ifndef ATGARD_SERVICES_DOMAIN_CHECKS_H_
#define ATGARD_SERVICES_DOMAIN_CHECKS_H_

#include <initializer_list>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "atgard/v1/types.pb.h"
#include "google/protobuf/message.h"
#include "services/domain/principal.h"

namespace atgard::domain {

// A caller-chosen aggregate or item id (case id, unit id, …).
[[nodiscard]] absl::Status CheckId(absl::string_view field,
                                   absl::string_view id);
// A required name or short reference (≤ 200 bytes, one line).
[[nodiscard]] absl::Status CheckName(absl::string_view field,
                                     absl::string_view text);
// Required free text (≤ 10,000 bytes, may span lines).
[[nodiscard]] absl::Status CheckText(absl::string_view field,
                                     absl::string_view text);
// Optional free text: empty, or as CheckText.
[[nodiscard]] absl::Status CheckOptionalText(absl::string_view field,
                                             absl::string_view text);

// A required enum: not the zero value and a value the schema knows.
[[nodiscard]] absl::Status CheckEnum(absl::string_view field, int value,
                                     bool (*is_valid)(int));

// A required date, as a day.
[[nodiscard]] absl::StatusOr<absl::CivilDay> CheckDate(absl::string_view field,
                                                       const v1::Date& date);
// A required date that has already happened (not after `today`).
[[nodiscard]] absl::StatusOr<absl::CivilDay> CheckPastDate(
    absl::string_view field, const v1::Date& date, absl::CivilDay today);

// A decision: decision maker, delegation basis and reference number
// (diarienummer) given, decided on or before today.
[[nodiscard]] absl::Status CheckDecision(absl::string_view field,
                                         const v1::Decision& decision,
                                         absl::CivilDay today);

// PERMISSION_DENIED unless the principal has one of `roles`; `what` names
// the command (and step) for the message.
[[nodiscard]] absl::Status RequireRole(const Principal& principal,
                                       const std::vector<v1::Role>& roles,
                                       absl::string_view what);

// PERMISSION_DENIED if the principal is a PROVIDER acting for another
// provider than `provider_id`. Other roles pass.
[[nodiscard]] absl::Status RequireOwnProvider(const Principal& principal,
                                              absl::string_view provider_id);

// True if the two messages have equal content.
bool SameContent(const google::protobuf::Message& a,
                 const google::protobuf::Message& b);

}  // namespace atgard::domain

#endif  // ATGARD_SERVICES_DOMAIN_CHECKS_H_
