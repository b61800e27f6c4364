#include "services/api/request_checks.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/unknown_field_set.h"

namespace atgard::api {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

std::string Join(absl::string_view path, absl::string_view field) {
  return path.empty() ? std::string(field) : absl::StrCat(path, ".", field);
}

std::string Indexed(absl::string_view path, int index) {
  return absl::StrCat(path, "[", index, "]");
}

// Walks `message` depth first; `limits` is null when only unknown fields
// are checked.
absl::Status Walk(const Message& message, const std::string& path,
                  absl::string_view what,
                  const absl::flat_hash_map<std::string, size_t>* limits) {
  const Reflection* reflection = message.GetReflection();
  const google::protobuf::UnknownFieldSet& unknown =
      reflection->GetUnknownFields(message);
  if (!unknown.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " has an unknown field ", unknown.field(0).number(),
                     " in ", message.GetDescriptor()->full_name(), " (",
                     path.empty() ? std::string("top level") : path, ")"));
  }
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    const std::string field_path = Join(path, field->name());
    if (limits != nullptr) {
      const auto limit = limits->find(field->full_name());
      if (field->is_repeated()) {
        const int size = reflection->FieldSize(message, field);
        if (limit == limits->end() ||
            static_cast<size_t>(size) > limit->second) {
          return absl::InvalidArgumentError(
              absl::StrCat(field_path, ": must have at most ",
                           limit == limits->end() ? 0 : limit->second,
                           " elements (has ", size, ")"));
        }
      }
      if (field->type() == FieldDescriptor::TYPE_STRING ||
          field->type() == FieldDescriptor::TYPE_BYTES) {
        const size_t max =
            limit == limits->end() || field->is_repeated()
                ? kMaxRequestStringBytes
                : std::min(limit->second, kMaxRequestStringBytes);
        const int count =
            field->is_repeated() ? reflection->FieldSize(message, field) : 1;
        for (int i = 0; i < count; ++i) {
          std::string scratch;
          const std::string& value =
              field->is_repeated()
                  ? reflection->GetRepeatedStringReference(message, field, i,
                                                           &scratch)
                  : reflection->GetStringReference(message, field, &scratch);
          if (value.size() > max) {
            return absl::InvalidArgumentError(absl::StrCat(
                field->is_repeated() ? Indexed(field_path, i) : field_path,
                ": must be at most ", max, " bytes (is ", value.size(), ")"));
          }
        }
      }
    }
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (field->is_repeated()) {
      const int size = reflection->FieldSize(message, field);
      for (int i = 0; i < size; ++i) {
        absl::Status s = Walk(reflection->GetRepeatedMessage(message, field, i),
                              Indexed(field_path, i), what, limits);
        if (!s.ok()) return s;
      }
    } else {
      absl::Status s = Walk(reflection->GetMessage(message, field), field_path,
                            what, limits);
      if (!s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace

const absl::flat_hash_map<std::string, size_t>& RequestLimits() {
  // Keep in step with the "At most …" comments in proto/atgard/v1/.
  static const auto* const kLimits =
      new absl::flat_hash_map<std::string, size_t>{
          {"atgard.v1.RecordFollowUpActivity.unit_ids", 50},
          {"atgard.v1.ImposeSanction.case_ids", 100},
          {"atgard.v1.TerminateContract.case_ids", 100},
          {"atgard.v1.FollowUpPlan.methods", 20},
          {"atgard.v1.PlannedAction.cause_numbers", 50},
          {"atgard.v1.ActionPlan.causes", 50},
          {"atgard.v1.ActionPlan.actions", 100},
          {"atgard.v1.ActionPlan.milestones", 50},
          {"atgard.v1.ActionPlan.extra_measurements", 50},
          {"atgard.v1.Assessment.findings", 100},
          {"atgard.v1.ContractTerms.ladder", 20},
          {"atgard.v1.EventFilter.stream_prefixes", 20},
          {"atgard.v1.EventFilter.event_types", 50},
      };
  return *kLimits;
}

absl::Status CheckRequest(const Message& request) {
  return Walk(request, "", "request", &RequestLimits());
}

absl::Status CheckNoUnknownFields(const Message& message,
                                  absl::string_view what) {
  return Walk(message, "", what, nullptr);
}

}  // namespace atgard::api
