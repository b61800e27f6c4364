// How the domain says no. Every rejection names the offending field as a
// path in the command ("request.complete_by", "plan.actions[2].due_date")
// and the rule it broke, in the message ("<field>: <rule>") and as a status
// payload that callers and tests can read without parsing text.
//
// Codes follow the API's policy: INVALID_ARGUMENT for a malformed command,
// FAILED_PRECONDITION when the workflow forbids it in this state,
// PERMISSION_DENIED when the principal may not issue it, NOT_FOUND and
// ALREADY_EXISTS for the aggregate itself.
//
// Besides the field, every rejection carries a reason: a stable
// UPPER_SNAKE_CASE code a client can switch on (the table of them is
// services/api/ERRORS.md; a published reason is never renamed nor given
// another meaning). The constructors below derive it from the code, the
// field and the rule they are given; DetailOf() falls back to one derived
// from the code for statuses made elsewhere (the store, authentication).
// The gRPC adapter turns these payloads into google.rpc error details; the
// domain itself knows nothing of gRPC.
#ifndef ATGARD_SERVICES_DOMAIN_ERRORS_H_
#define ATGARD_SERVICES_DOMAIN_ERRORS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace atgard::domain {

// Status payload type URLs (plain strings, not Any-packed messages) under
// which the field path, the reason and the subject are stored.
inline constexpr absl::string_view kFieldPayloadUrl =
    "type.atgard.se/atgard.v1.Field";
inline constexpr absl::string_view kReasonPayloadUrl =
    "type.atgard.se/atgard.v1.Reason";
inline constexpr absl::string_view kSubjectPayloadUrl =
    "type.atgard.se/atgard.v1.Subject";

// The domain of every reason (google.rpc.ErrorInfo.domain).
inline constexpr absl::string_view kErrorDomain = "atgard.se";

// The message is "<field>: <rule>" (just "<rule>" when field is empty); the
// field payload is set when field is not empty, the reason payload always.
// Reasons derived here:
//   InvalidArgument     FIELD_REQUIRED (rule "is required…", "must not be
//                       empty"), FIELD_INVALID otherwise, REQUEST_INVALID
//                       without a field;
//   FailedPrecondition  CASE_STATUS_FORBIDS (field case_id or closure),
//                       CONTRACT_STATUS_FORBIDS (field contract_id),
//                       WORKFLOW_STATE_FORBIDS otherwise;
//   PermissionDenied    ROLE_NOT_ALLOWED (rule "role …"), NOT_OWN_PROVIDER
//                       (rule "a provider …"), OTHER_TENANT (a rule about
//                       the tenant), PERMISSION_DENIED otherwise;
//   NotFound            NOT_FOUND;
//   AlreadyExists       COMMAND_ID_REUSED (field options.command_id),
//                       ID_TAKEN otherwise.
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

// `status` with its reason set to `reason` (UPPER_SNAKE_CASE, listed in
// services/api/ERRORS.md). OK stays OK: an OK status carries no payload.
[[nodiscard]] absl::Status WithReason(absl::Status status,
                                      absl::string_view reason);

// `status` naming `subject` (e.g. the stream a refused command addressed)
// unless it names one already. OK stays OK.
[[nodiscard]] absl::Status WithSubject(absl::Status status,
                                       absl::string_view subject);

// The field path a status names, or "" if it names none.
std::string FieldOf(const absl::Status& status);

// What a client can act on besides the code and the message.
struct ErrorDetail {
  // Never empty for a status that is not OK.
  std::string reason;
  // The field path, or "". Without a field payload, an INVALID_ARGUMENT or
  // ABORTED status whose message starts with "<field path>: " (the format
  // of every refusal that names a field) names that field.
  std::string field;
  // FAILED_PRECONDITION only: what kind of state forbade it, i.e.
  // CASE_STATUS, CONTRACT_STATUS, WORKFLOW_STATE, or SERVER_STATE (the
  // server's own set-up, e.g. no backup directory); "" otherwise.
  std::string precondition_type;
  // What was refused: the subject payload, else "".
  std::string subject;
};

// The detail of `status`; for OK all fields are empty. A status without a
// reason payload gets the one its code implies: ABORTED is VERSION_CONFLICT
// (the only ABORTED the server answers), RESOURCE_EXHAUSTED is DISK_RESERVE
// (likewise), INVALID_ARGUMENT is FIELD_INVALID with a field and
// REQUEST_INVALID without, FAILED_PRECONDITION is WORKFLOW_STATE_FORBIDS
// with a field; every other code, and FAILED_PRECONDITION without a field,
// is its own name (NOT_FOUND, UNAUTHENTICATED, UNAVAILABLE, …).
ErrorDetail DetailOf(const absl::Status& status);

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
