#include "services/app/event_codec.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "atgard/v1/limits.pb.h"
#include "google/protobuf/descriptor.h"
#include "services/app/message_checks.h"
#include "services/domain/decider.h"

namespace atgard::app {
namespace {

// The member of v1::Event whose message is named `event_type`.
const google::protobuf::FieldDescriptor* MemberOf(
    absl::string_view event_type) {
  const google::protobuf::OneofDescriptor* oneof =
      v1::Event::descriptor()->FindOneofByName("event");
  for (int i = 0; i < oneof->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = oneof->field(i);
    if (field->message_type()->name() == event_type) return field;
  }
  return nullptr;
}

}  // namespace

uint32_t SchemaVersion(absl::string_view event_type) {
  const google::protobuf::FieldDescriptor* member = MemberOf(event_type);
  if (member == nullptr) return 0;
  const uint32_t declared = member->options().GetExtension(v1::schema_version);
  return declared == 0 ? 1 : declared;
}

absl::StatusOr<eventstore::NewEvent> EncodeEvent(const v1::Event& event) {
  std::string type = domain::EventType(event);
  absl::StatusOr<std::string> payload = EventPayload(event, type);
  if (!payload.ok()) return payload.status();
  const uint32_t version = SchemaVersion(type);
  return eventstore::NewEvent{.event_type = std::move(type),
                              .schema_version = version,
                              .payload = *std::move(payload)};
}

void EventUpcasters::Register(std::string event_type, uint32_t version,
                              Upcast upcast) {
  upcasters_[{std::move(event_type), version}] = std::move(upcast);
}

absl::StatusOr<v1::Event> EventUpcasters::Decode(
    const v1::EventEnvelope& envelope) const {
  const uint32_t today = schema_version_(envelope.event_type());
  const uint32_t stored =
      envelope.schema_version() == 0 ? 1 : envelope.schema_version();
  if (stored < today || today == 0) {
    auto it = upcasters_.find({envelope.event_type(), stored});
    if (it != upcasters_.end()) return it->second(envelope);
    if (today == 0) {
      return absl::DataLossError(
          absl::StrCat("the event at position ", envelope.global_position(),
                       " is of an unknown type ", envelope.event_type()));
    }
    return absl::FailedPreconditionError(absl::StrCat(
        "the event at position ", envelope.global_position(), " is ",
        envelope.event_type(), " version ", stored,
        ", and this server has no upcaster from it to version ", today));
  }
  if (stored > today) {
    return absl::FailedPreconditionError(
        absl::StrCat("the event at position ", envelope.global_position(),
                     " is ", envelope.event_type(), " version ", stored,
                     ", newer than this server's version ", today,
                     ": the log was written by a newer release"));
  }
  v1::Event event;
  if (!event.ParseFromString(envelope.payload())) {
    return absl::DataLossError(
        absl::StrCat("the event at position ", envelope.global_position(),
                     " does not decode as atgard.v1.Event"));
  }
  if (domain::EventType(event) != envelope.event_type()) {
    return absl::DataLossError(absl::StrCat(
        "the event at position ", envelope.global_position(), " is stored as ",
        envelope.event_type(), " but holds ",
        domain::EventType(event).empty() ? std::string("no event")
                                         : domain::EventType(event)));
  }
  return event;
}

const EventUpcasters& EventUpcasters::Default() {
  static const EventUpcasters* const upcasters = new EventUpcasters();
  return *upcasters;
}

absl::StatusOr<v1::Event> DecodeEvent(const v1::EventEnvelope& envelope) {
  return EventUpcasters::Default().Decode(envelope);
}

}  // namespace atgard::app
