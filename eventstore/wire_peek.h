// Reading two fields of a stored event without parsing it. Internal to the
// event store.
#ifndef ATGARD_EVENTSTORE_WIRE_PEEK_H_
#define ATGARD_EVENTSTORE_WIRE_PEEK_H_

#include "absl/strings/string_view.h"

namespace atgard::eventstore::internal {

// Reads fields 2 (stream_id) and 4 (event_type) of a serialized
// v1::EventEnvelope without parsing the rest, so that filtered scans skip
// cheaply. Walks the protobuf wire format: varint, fixed64,
// length-delimited and fixed32 fields are stepped over; a field that
// repeats wins with its last occurrence, as protobuf parsing has it.
//
// Returns true and sets both views (empty when the field is absent; they
// point into `bytes`) if `bytes` is well-formed wire format to its end.
// Returns false, with the views unspecified, for a truncated field, a
// varint longer than 10 bytes, a length beyond the end, or a wire type
// other than 0, 1, 2 and 5 (groups included). Never reads outside `bytes`.
// Thread-safe: a pure function.
bool PeekStreamAndType(absl::string_view bytes, absl::string_view* stream_id,
                       absl::string_view* event_type);

}  // namespace atgard::eventstore::internal

#endif  // ATGARD_EVENTSTORE_WIRE_PEEK_H_
