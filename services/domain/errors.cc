#include "services/domain/errors.h"

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"

namespace atgard::domain {
namespace {

// The reason a constructor's arguments imply. Derived here rather than at
// each call site, so that the deciders keep saying only what they know: the
// field and the rule (whose texts clients already compare).
std::string DeriveReason(absl::StatusCode code, absl::string_view field,
                         absl::string_view rule) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
      if (field.empty()) return "REQUEST_INVALID";
      if (absl::StartsWith(rule, "is required") ||
          absl::StartsWith(rule, "must not be empty")) {
        return "FIELD_REQUIRED";
      }
      return "FIELD_INVALID";
    case absl::StatusCode::kFailedPrecondition:
      if (field == "case_id" || field == "closure") {
        return "CASE_STATUS_FORBIDS";
      }
      if (field == "contract_id") return "CONTRACT_STATUS_FORBIDS";
      return "WORKFLOW_STATE_FORBIDS";
    case absl::StatusCode::kPermissionDenied:
      if (absl::StartsWith(rule, "role ")) return "ROLE_NOT_ALLOWED";
      if (absl::StartsWith(rule, "a provider ")) return "NOT_OWN_PROVIDER";
      if (absl::StrContains(rule, "tenant")) return "OTHER_TENANT";
      return "PERMISSION_DENIED";
    case absl::StatusCode::kAlreadyExists:
      return field == "options.command_id" ? "COMMAND_ID_REUSED" : "ID_TAKEN";
    default:
      return absl::StatusCodeToString(code);
  }
}

absl::Status Make(absl::StatusCode code, absl::string_view field,
                  absl::string_view rule) {
  absl::Status status(code, field.empty() ? std::string(rule)
                                          : absl::StrCat(field, ": ", rule));
  if (!field.empty()) status.SetPayload(kFieldPayloadUrl, absl::Cord(field));
  status.SetPayload(kReasonPayloadUrl,
                    absl::Cord(DeriveReason(code, field, rule)));
  return status;
}

std::string PayloadOf(const absl::Status& status, absl::string_view url) {
  absl::optional<absl::Cord> payload = status.GetPayload(url);
  return payload.has_value() ? std::string(*payload) : std::string();
}

// The leading "<field path>: " of a message, if it has one: lower-case
// names, digits, '_', '.' and "[n]" only, so that prose ("backup directory
// /x: …") is never taken for a field.
std::string LeadingFieldPath(absl::string_view message) {
  const size_t colon = message.find(": ");
  if (colon == 0 || colon == absl::string_view::npos) return "";
  const absl::string_view path = message.substr(0, colon);
  if (!absl::ascii_islower(static_cast<unsigned char>(path.front()))) {
    return "";
  }
  for (char c : path) {
    const auto u = static_cast<unsigned char>(c);
    if (!absl::ascii_islower(u) && !absl::ascii_isdigit(u) && c != '_' &&
        c != '.' && c != '[' && c != ']') {
      return "";
    }
  }
  return std::string(path);
}

std::string PreconditionType(absl::string_view reason) {
  if (reason == "CASE_STATUS_FORBIDS") return "CASE_STATUS";
  if (reason == "CONTRACT_STATUS_FORBIDS") return "CONTRACT_STATUS";
  if (reason == "FAILED_PRECONDITION") return "SERVER_STATE";
  return "WORKFLOW_STATE";
}

}  // namespace

absl::Status InvalidArgument(absl::string_view field, absl::string_view rule) {
  return Make(absl::StatusCode::kInvalidArgument, field, rule);
}
absl::Status FailedPrecondition(absl::string_view field,
                                absl::string_view rule) {
  return Make(absl::StatusCode::kFailedPrecondition, field, rule);
}
absl::Status PermissionDenied(absl::string_view field, absl::string_view rule) {
  return Make(absl::StatusCode::kPermissionDenied, field, rule);
}
absl::Status NotFound(absl::string_view field, absl::string_view rule) {
  return Make(absl::StatusCode::kNotFound, field, rule);
}
absl::Status AlreadyExists(absl::string_view field, absl::string_view rule) {
  return Make(absl::StatusCode::kAlreadyExists, field, rule);
}

absl::Status WithReason(absl::Status status, absl::string_view reason) {
  status.SetPayload(kReasonPayloadUrl, absl::Cord(reason));
  return status;
}

absl::Status WithSubject(absl::Status status, absl::string_view subject) {
  if (!status.GetPayload(kSubjectPayloadUrl).has_value()) {
    status.SetPayload(kSubjectPayloadUrl, absl::Cord(subject));
  }
  return status;
}

std::string FieldOf(const absl::Status& status) {
  return PayloadOf(status, kFieldPayloadUrl);
}

ErrorDetail DetailOf(const absl::Status& status) {
  ErrorDetail detail;
  if (status.ok()) return detail;
  const absl::StatusCode code = status.code();
  detail.field = FieldOf(status);
  if (detail.field.empty() && (code == absl::StatusCode::kInvalidArgument ||
                               code == absl::StatusCode::kAborted)) {
    detail.field = LeadingFieldPath(status.message());
  }
  detail.reason = PayloadOf(status, kReasonPayloadUrl);
  if (detail.reason.empty()) {
    switch (code) {
      case absl::StatusCode::kAborted:
        detail.reason = "VERSION_CONFLICT";
        break;
      case absl::StatusCode::kResourceExhausted:
        detail.reason = "DISK_RESERVE";
        break;
      case absl::StatusCode::kInvalidArgument:
        detail.reason = DeriveReason(code, detail.field, "");
        break;
      case absl::StatusCode::kFailedPrecondition:
        detail.reason = detail.field.empty() ? "FAILED_PRECONDITION"
                                             : "WORKFLOW_STATE_FORBIDS";
        break;
      default:
        detail.reason = absl::StatusCodeToString(code);
    }
  }
  if (code == absl::StatusCode::kFailedPrecondition) {
    detail.precondition_type = PreconditionType(detail.reason);
  }
  detail.subject = PayloadOf(status, kSubjectPayloadUrl);
  return detail;
}

FieldPath FieldPath::Child(absl::string_view name) const {
  return FieldPath(absl::StrCat(path_, ".", name));
}

FieldPath FieldPath::Index(int index) const {
  return FieldPath(absl::StrCat(path_, "[", index, "]"));
}

}  // namespace atgard::domain
