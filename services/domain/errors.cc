#include "services/domain/errors.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace atgard::domain {
namespace {

absl::Status Make(absl::StatusCode code, absl::string_view field,
                  absl::string_view rule) {
  absl::Status status(code, field.empty() ? std::string(rule)
                                          : absl::StrCat(field, ": ", rule));
  if (!field.empty()) status.SetPayload(kFieldPayloadUrl, absl::Cord(field));
  return status;
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

std::string FieldOf(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(kFieldPayloadUrl);
  return payload.has_value() ? std::string(*payload) : std::string();
}

FieldPath FieldPath::Child(absl::string_view name) const {
  return FieldPath(absl::StrCat(path_, ".", name));
}

FieldPath FieldPath::Index(int index) const {
  return FieldPath(absl::StrCat(path_, "[", index, "]"));
}

}  // namespace atgard::domain
