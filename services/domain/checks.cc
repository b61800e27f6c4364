#include "services/domain/checks.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "eventstore/base/status_macros.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/domain/calendar.h"
#include "services/domain/dates.h"
#include "services/domain/errors.h"
#include "services/domain/read_access.h"

namespace atgard::domain {

absl::Status CheckName(absl::string_view field, absl::string_view text) {
  return CheckText(field, text, kShortText);
}

absl::Status CheckText(absl::string_view field, absl::string_view text) {
  return CheckText(field, text, kLongText);
}

absl::Status CheckOptionalText(absl::string_view field,
                               absl::string_view text) {
  if (text.empty()) return absl::OkStatus();
  return CheckText(field, text);
}

absl::Status CheckEnum(absl::string_view field, int value,
                       bool (*is_valid)(int)) {
  if (value == 0) return InvalidArgument(field, "is required");
  if (!is_valid(value)) return InvalidArgument(field, "is not a known value");
  return absl::OkStatus();
}

absl::StatusOr<absl::CivilDay> CheckDate(absl::string_view field,
                                         const v1::Date& date) {
  if (IsUnset(date)) return InvalidArgument(field, "is required");
  return MakeDate(field, date.year(), date.month(), date.day());
}

absl::StatusOr<absl::CivilDay> CheckPastDate(absl::string_view field,
                                             const v1::Date& date,
                                             absl::CivilDay today) {
  ASSIGN_OR_RETURN(absl::CivilDay day, CheckDate(field, date));
  if (day > today) {
    return InvalidArgument(field, absl::StrCat("must not be after today (",
                                               FormatDay(today), ")"));
  }
  return day;
}

absl::Status CheckDecision(absl::string_view field,
                           const v1::Decision& decision, absl::CivilDay today) {
  RETURN_IF_ERROR(CheckName(absl::StrCat(field, ".decision_maker"),
                            decision.decision_maker()));
  RETURN_IF_ERROR(CheckName(absl::StrCat(field, ".delegation_basis"),
                            decision.delegation_basis()));
  RETURN_IF_ERROR(CheckReference(absl::StrCat(field, ".reference_number"),
                                 decision.reference_number()));
  return CheckPastDate(absl::StrCat(field, ".decided_on"),
                       decision.decided_on(), today)
      .status();
}

absl::Status RequireRole(const Principal& principal,
                         const std::vector<v1::Role>& roles,
                         absl::string_view what) {
  for (v1::Role role : roles) {
    if (principal.role == role) return absl::OkStatus();
  }
  std::string allowed =
      roles.empty()
          ? std::string("no role")
          : absl::StrJoin(roles, ", ", [](std::string* out, v1::Role r) {
              absl::StrAppend(out, RoleName(r));
            });
  return PermissionDenied(
      "", absl::StrCat("role ", RoleName(principal.role), " may not ", what,
                       " (allowed: ", allowed, ")"));
}

absl::Status RequireOwnProvider(const Principal& principal,
                                absl::string_view provider_id) {
  if (ActsForProvider(principal, provider_id)) return absl::OkStatus();
  return PermissionDenied(
      "", "a provider may act only for its own provider and units");
}

bool SameContent(const google::protobuf::Message& a,
                 const google::protobuf::Message& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

absl::StatusOr<Creation> CreateOnce(absl::string_view field,
                                    const google::protobuf::Message* existing,
                                    const google::protobuf::Message& created,
                                    absl::string_view conflict) {
  return CreateOnce(field, existing != nullptr,
                    existing != nullptr && SameContent(*existing, created),
                    conflict);
}

absl::StatusOr<Creation> CreateOnce(absl::string_view field, bool exists,
                                    bool same_content,
                                    absl::string_view conflict) {
  if (!exists) return Creation::kNew;
  if (same_content) return Creation::kRepeat;
  return AlreadyExists(field, conflict);
}

}  // namespace atgard::domain
