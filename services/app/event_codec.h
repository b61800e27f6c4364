// Events between the domain's messages and the log's bytes. Every writer
// encodes through EncodeEvent() and every reader — the repository, the
// jobs, the gRPC reads, the projections — decodes through an
// EventUpcasters (DecodeEvent() uses today's), so that how a stored event
// becomes today's message is decided in one place.
//
// The log is immutable and kept for decades while event schemas change:
// an event is stored with its type's schema version of the day
// (SchemaVersion()), and an event stored at an older version is brought
// to today's message by the upcaster registered for that type and
// version. The rules for changing an event type are in
// services/app/EVENT_SCHEMAS.md.
//
// Thread-safe once built: EventUpcasters is filled before use and only
// read afterwards.
#ifndef ATGARD_SERVICES_APP_EVENT_CODEC_H_
#define ATGARD_SERVICES_APP_EVENT_CODEC_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "atgard/v1/event_envelope.pb.h"
#include "atgard/v1/events.pb.h"
#include "eventstore/types.h"

namespace atgard::app {

// The schema version today's writers store for `event_type` (the
// (atgard.v1.schema_version) option of its member of v1::Event, 1 when
// absent); 0 for a name that is no event type.
uint32_t SchemaVersion(absl::string_view event_type);

// The event as the log stores it: its type name, its schema version and
// its payload, serialized deterministically. INTERNAL, naming the type, if
// the event carries fields its schema does not declare: the log keeps
// whatever it is given for ever, so such an event is a bug upstream and
// never written.
[[nodiscard]] absl::StatusOr<eventstore::NewEvent> EncodeEvent(
    const v1::Event& event);

class EventUpcasters {
 public:
  // Turns an envelope stored at an older schema version into today's
  // message (of any type: an upcaster may also rename).
  using Upcast =
      std::function<absl::StatusOr<v1::Event>(const v1::EventEnvelope&)>;

  // `schema_version` tells today's version of a type: SchemaVersion(),
  // unless a test declares a type changed without editing events.proto.
  explicit EventUpcasters(
      std::function<uint32_t(absl::string_view)> schema_version = SchemaVersion)
      : schema_version_(std::move(schema_version)) {}

  // Registers the upcaster from `version` (below today's) of `event_type`.
  // Registering a pair twice replaces the first.
  void Register(std::string event_type, uint32_t version, Upcast upcast);

  // The stored event as today's message:
  //   at today's version (0 is read as 1): the payload parsed, which must
  //   hold the member `event_type` names;
  //   at an older version: the registered upcaster's result.
  // Errors, naming the position: DATA_LOSS if the payload does not parse
  // or holds another type than it is stored as, or the type is unknown;
  // FAILED_PRECONDITION if the version is newer than this server's (the
  // log was written by a newer release) or older without an upcaster.
  [[nodiscard]] absl::StatusOr<v1::Event> Decode(
      const v1::EventEnvelope& envelope) const;

  // Today's upcasters (none yet: no event type has changed).
  static const EventUpcasters& Default();

 private:
  std::function<uint32_t(absl::string_view)> schema_version_;
  std::map<std::pair<std::string, uint32_t>, Upcast> upcasters_;
};

// EventUpcasters::Default().Decode(envelope).
[[nodiscard]] absl::StatusOr<v1::Event> DecodeEvent(
    const v1::EventEnvelope& envelope);

}  // namespace atgard::app

#endif  // ATGARD_SERVICES_APP_EVENT_CODEC_H_
