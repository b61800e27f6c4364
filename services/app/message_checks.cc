#include "services/app/message_checks.h"

#include <cstddef>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "atgard/v1/limits.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/unknown_field_set.h"

namespace atgard::app {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

std::string Join(absl::string_view path, absl::string_view field) {
  return path.empty() ? std::string(field) : absl::StrCat(path, ".", field);
}

std::string Indexed(absl::string_view path, int index) {
  return absl::StrCat(path, "[", index, "]");
}

// The bounds a field must declare: a number of elements if it is repeated,
// a number of bytes (of each element) if it holds text or bytes.
bool NeedsMaxItems(const FieldDescriptor& field) { return field.is_repeated(); }
bool NeedsMaxBytes(const FieldDescriptor& field) {
  return field.type() == FieldDescriptor::TYPE_STRING ||
         field.type() == FieldDescriptor::TYPE_BYTES;
}

// The declared bounds, read from the field's options (parsed once, when
// the descriptor is built; the lookup is a search among the one or two
// options a field has). A field without the option gets 0: nothing may be
// sent in it.
size_t MaxItems(const FieldDescriptor& field) {
  return field.options().GetExtension(v1::max_items);
}
size_t MaxBytes(const FieldDescriptor& field) {
  return field.options().GetExtension(v1::max_bytes);
}

// Walks `message` depth first; bounds are checked only when
// `check_bounds`, unknown fields always.
absl::Status Walk(const Message& message, const std::string& path,
                  absl::string_view what, bool check_bounds) {
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
    if (check_bounds && NeedsMaxItems(*field)) {
      const size_t max = MaxItems(*field);
      const int size = reflection->FieldSize(message, field);
      if (static_cast<size_t>(size) > max) {
        return absl::InvalidArgumentError(
            absl::StrCat(field_path, ": must have at most ", max,
                         " elements (has ", size, ")"));
      }
    }
    if (check_bounds && NeedsMaxBytes(*field)) {
      const size_t max = MaxBytes(*field);
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
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (field->is_repeated()) {
      const int size = reflection->FieldSize(message, field);
      for (int i = 0; i < size; ++i) {
        absl::Status s = Walk(reflection->GetRepeatedMessage(message, field, i),
                              Indexed(field_path, i), what, check_bounds);
        if (!s.ok()) return s;
      }
    } else {
      absl::Status s = Walk(reflection->GetMessage(message, field), field_path,
                            what, check_bounds);
      if (!s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

void CollectUndeclared(const Descriptor& message,
                       absl::flat_hash_set<const Descriptor*>& seen,
                       std::vector<std::string>& out) {
  if (!seen.insert(&message).second) return;
  for (int i = 0; i < message.field_count(); ++i) {
    const FieldDescriptor& field = *message.field(i);
    if (NeedsMaxItems(field) && MaxItems(field) == 0) {
      out.push_back(
          absl::StrCat(field.full_name(), " has no (atgard.v1.max_items)"));
    }
    if (NeedsMaxBytes(field) && MaxBytes(field) == 0) {
      out.push_back(
          absl::StrCat(field.full_name(), " has no (atgard.v1.max_bytes)"));
    }
    if (field.message_type() != nullptr) {
      CollectUndeclared(*field.message_type(), seen, out);
    }
  }
}

}  // namespace

absl::Status CheckRequest(const Message& request) {
  return Walk(request, "", "request", /*check_bounds=*/true);
}

std::vector<std::string> UndeclaredBounds(const Descriptor& request) {
  absl::flat_hash_set<const Descriptor*> seen;
  std::vector<std::string> out;
  CollectUndeclared(request, seen, out);
  return out;
}

absl::Status CheckNoUnknownFields(const Message& message,
                                  absl::string_view what) {
  return Walk(message, "", what, /*check_bounds=*/false);
}

absl::StatusOr<std::string> EventPayload(const Message& event,
                                         absl::string_view type) {
  if (absl::Status s = CheckNoUnknownFields(event, "event"); !s.ok()) {
    return absl::InternalError(
        absl::StrCat(type, " was not written: ", s.message()));
  }
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  event.SerializeToCodedStream(&coded);
  coded.Trim();
  return out;
}

}  // namespace atgard::app
