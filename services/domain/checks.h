// The checks every decider shares: ids, texts, enums, dates, decisions,
// roles and scope. Each returns OK or a status naming the field (see
// errors.h); free text always passes the personal-identity guard.
//
// One verb per kind of check: Check* judges a value the command carries (or
// the state it meets) and returns INVALID_ARGUMENT, FAILED_PRECONDITION or
// NOT_FOUND; Require* judges the principal's right and returns
// PERMISSION_DENIED. The rules of single values (ids, texts, references,
// kommunkoder, HSA-ids) are in validation.h, included here.
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
#include "services/domain/validation.h"

namespace atgard::domain {

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

// A required date, as a day: INVALID_ARGUMENT naming `field` if it is unset
// ("is required") or not a real date.
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
// provider than `provider_id` (or for none). Other roles pass. The
// ownership is that of reads (ActsForProvider, read_access.h); where a
// read of another provider's aggregate is NOT_FOUND, a command is refused.
[[nodiscard]] absl::Status RequireOwnProvider(const Principal& principal,
                                              absl::string_view provider_id);

// True if the two messages have equal content.
bool SameContent(const google::protobuf::Message& a,
                 const google::protobuf::Message& b);

// What a command that creates something under a caller-chosen id (a case, a
// provider, a unit, a sanction, a measurement, ...) does.
enum class Creation {
  kNew,     // nothing has the id yet: create it
  kRepeat,  // this very creation was already made: no events, so that a
            // caller may retry at will
};

// The create-once rule. kNew if `existing` is null; kRepeat if it has the
// same content as `created` (SameContent), the record the command would
// make; otherwise ALREADY_EXISTS naming `field` with `conflict` as the rule
// ("a different unit with this id is registered"): an id is never reused
// for other content.
[[nodiscard]] absl::StatusOr<Creation> CreateOnce(
    absl::string_view field, const google::protobuf::Message* existing,
    const google::protobuf::Message& created, absl::string_view conflict);

// The same rule where the caller compares the content, because the stored
// record holds more than the command (a date, a derived value): kNew unless
// `exists`, then kRepeat if `same_content`, ALREADY_EXISTS otherwise.
[[nodiscard]] absl::StatusOr<Creation> CreateOnce(absl::string_view field,
                                                  bool exists,
                                                  bool same_content,
                                                  absl::string_view conflict);

// The value under `key` in `map`, or null: the `existing` of CreateOnce for
// things kept by id.
template <typename Map, typename Key>
const typename Map::mapped_type* FindOrNull(const Map& map, const Key& key) {
  const auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

}  // namespace atgard::domain

#endif  // ATGARD_SERVICES_DOMAIN_CHECKS_H_
