#include "services/app/request_digest.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "absl/base/internal/raw_logging.h"
#include "eventstore/canonical.h"
#include "eventstore/keys.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/message.h"

namespace atgard::app {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

void PutU64(std::string* out, uint64_t value) {
  eventstore::keys::PutFixed64(out, value);
}

uint64_t DoubleBits(double value) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

// value(x) of element `index` of a repeated field, or of a singular field
// when `index` is -1.
void PutValue(const Message& message, const FieldDescriptor& field, int index,
              std::string* out) {
  const Reflection& r = *message.GetReflection();
  const bool rep = index >= 0;
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      PutU64(out, static_cast<uint64_t>(static_cast<int64_t>(
                      rep ? r.GetRepeatedInt32(message, &field, index)
                          : r.GetInt32(message, &field))));
      return;
    case FieldDescriptor::CPPTYPE_INT64:
      PutU64(out, static_cast<uint64_t>(
                      rep ? r.GetRepeatedInt64(message, &field, index)
                          : r.GetInt64(message, &field)));
      return;
    case FieldDescriptor::CPPTYPE_UINT32:
      PutU64(out, rep ? r.GetRepeatedUInt32(message, &field, index)
                      : r.GetUInt32(message, &field));
      return;
    case FieldDescriptor::CPPTYPE_UINT64:
      PutU64(out, rep ? r.GetRepeatedUInt64(message, &field, index)
                      : r.GetUInt64(message, &field));
      return;
    case FieldDescriptor::CPPTYPE_ENUM:
      PutU64(out, static_cast<uint64_t>(static_cast<int64_t>(
                      rep ? r.GetRepeatedEnumValue(message, &field, index)
                          : r.GetEnumValue(message, &field))));
      return;
    case FieldDescriptor::CPPTYPE_BOOL:
      out->push_back((rep ? r.GetRepeatedBool(message, &field, index)
                          : r.GetBool(message, &field))
                         ? 1
                         : 0);
      return;
    case FieldDescriptor::CPPTYPE_FLOAT:
      PutU64(out, DoubleBits(rep ? r.GetRepeatedFloat(message, &field, index)
                                 : r.GetFloat(message, &field)));
      return;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      PutU64(out, DoubleBits(rep ? r.GetRepeatedDouble(message, &field, index)
                                 : r.GetDouble(message, &field)));
      return;
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& bytes =
          rep ? r.GetRepeatedStringReference(message, &field, index, &scratch)
              : r.GetStringReference(message, &field, &scratch);
      eventstore::PutLengthPrefixed(out, bytes);
      return;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      std::string nested;
      AppendCanonicalMessage(rep ? r.GetRepeatedMessage(message, &field, index)
                                 : r.GetMessage(message, &field),
                             &nested);
      eventstore::PutLengthPrefixed(out, nested);
      return;
    }
  }
}

}  // namespace

void AppendCanonicalMessage(const Message& message, std::string* out) {
  const Reflection& r = *message.GetReflection();
  // ListFields() gives exactly the present fields (as defined in the
  // header) in field-number order.
  std::vector<const FieldDescriptor*> fields;
  r.ListFields(message, &fields);
  eventstore::PutFixed32(out, static_cast<uint32_t>(fields.size()));
  for (const FieldDescriptor* field : fields) {
    if (field->is_map()) {
      ABSL_RAW_LOG(FATAL, "canonical encoding of map field %s is undefined",
                   field->full_name().c_str());
    }
    eventstore::PutFixed32(out, static_cast<uint32_t>(field->number()));
    if (field->is_repeated()) {
      const int n = r.FieldSize(message, field);
      eventstore::PutFixed32(out, static_cast<uint32_t>(n));
      for (int i = 0; i < n; ++i) PutValue(message, *field, i, out);
    } else {
      PutValue(message, *field, -1, out);
    }
  }
}

std::string RequestDigest(absl::string_view stream_id,
                          const domain::Principal& principal,
                          const v1::Command& command) {
  std::string canonical;
  eventstore::PutLengthPrefixed(&canonical, "atgard.request.v1");
  eventstore::PutLengthPrefixed(&canonical, stream_id);
  eventstore::PutLengthPrefixed(&canonical, principal.subject);
  eventstore::PutLengthPrefixed(&canonical, domain::RoleName(principal.role));
  std::string command_bytes;
  AppendCanonicalMessage(command, &command_bytes);
  eventstore::PutLengthPrefixed(&canonical, command_bytes);
  const eventstore::keys::Hash digest = eventstore::Sha256(canonical);
  return std::string(digest.begin(), digest.end());
}

std::string LegacyRequestDigest(absl::string_view stream_id,
                                const domain::Principal& principal,
                                const v1::Command& command) {
  auto put = [](std::string* out, absl::string_view field) {
    PutU64(out, field.size());
    out->append(field.data(), field.size());
  };
  std::string serialized;
  {
    google::protobuf::io::StringOutputStream stream(&serialized);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    command.SerializeToCodedStream(&coded);
    coded.Trim();
  }
  std::string canonical;
  put(&canonical, stream_id);
  put(&canonical, principal.subject);
  put(&canonical, domain::RoleName(principal.role));
  put(&canonical, serialized);
  const eventstore::keys::Hash digest = eventstore::Sha256(canonical);
  return std::string(digest.begin(), digest.end());
}

}  // namespace atgard::app
