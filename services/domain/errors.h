// How the domain says no. Every rejection names the offending field as a
// path in the command ("request.complete_by", "plan.actions[2].due_date")
// and the rule it broke, in the message ("<field>: <rule>") and as a status
// payload that callers and tests can read without parsing text.
//
// Codes follow the API's policy: INVALID_ARGUMENT for a malformed command,
// FAILED_PRECONDITION when the workflow forbids it in this state,
// PERMISSION_DENIED when the principal may not issue it, NOT_FOUND and
// ALREADY_EXISTS for the aggregate itself.
#ifndef ATGARD_SERVICES_DOMAIN_ERRORS_H_
#define ATGARD_SERVICES_DOMAIN_ERRORS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace atgard::domain {

// Status payload type URL under which the field path is stored.
inline constexpr absl::string_view kFieldPayloadUrl =
    "type.atgard.se/atgard.v1.Field";

[[nodiscard]] absl::Status InvalidArgument(absl::string_view field,
                                           absl::string_view rule);
[[nodiscard]] absl::Status FailedPrecondition(absl::string_view field,
                                              absl::string_view rule);
[[nodiscard]] absl::Status PermissionDenied(absl::string_view field,
                                            absl::string_view rule);
[[nodiscard]] absl::Status NotFound(absl::string_view field,
                                    absl::string_view rule);
[[nodiscard]] absl::Status AlreadyExists(absl::string_view field,
                                         absl::string_view rule);

// The field path a status names, or "" if it names none.
std::string FieldOf(const absl::Status& status);

// Joins field path segments: Field("plan", "actions", 2, "due_date") is
// "plan.actions[2].due_date".
class FieldPath {
 public:
  explicit FieldPath(absl::string_view root) : path_(root) {}
  FieldPath Child(absl::string_view name) const;
  FieldPath Index(int index) const;
  const std::string& str() const { return path_; }
  operator absl::string_view() const { return path_; }

 private:
  std::string path_;
};

}  // namespace atgard::domain

#endif  // ATGARD_SERVICES_DOMAIN_ERRORS_H_
