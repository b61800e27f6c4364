// Canonical encodings that are hashed: THESE ARE PART OF THE STORAGE FORMAT.
//
// Protobuf serialization is not canonical (field order, unknown fields and
// default values may vary between writers), so hashes are computed over the
// encodings below instead. Integers are fixed-width big-endian; a signed
// integer is its two's complement. `lp(x)` is a u32 byte length followed by
// the bytes of x. Text fields are hashed as the bytes stored.
//
// Event hash (EventEnvelope.hash) = SHA-256 of
//   lp("atgard.event.v1")
//   u64 global_position
//   lp(stream_id)
//   u64 stream_version
//   lp(event_type)
//   u32 schema_version
//   lp(payload)
//   lp(metadata.actor_subject)  lp(metadata.actor_role)  lp(metadata.tenant)
//   lp(metadata.correlation_id) lp(metadata.causation_id)
//   lp(metadata.command_id)
//   i64 recorded_at.seconds  u32 recorded_at.nanos
//   lp(previous_hash)           32 bytes; 32 zero bytes before position 1
//
// Command digest (idempotency content, never stored in an event) = SHA-256
// of what the caller supplied to Append, and nothing the server assigns:
//   lp("atgard.command.v1")
//   lp(stream_id)
//   u8 expected-version kind (0 any, 1 no stream, 2 stream exists, 3 exact)
//   u64 expected version (0 unless exact)
//   u32 number of events, then per event:
//     lp(event_type) u32 schema_version lp(payload)
//   lp(metadata.actor_subject)  lp(metadata.actor_role)  lp(metadata.tenant)
//   lp(metadata.correlation_id) lp(metadata.causation_id)
// The command id itself is the record's key, so it is not part of it.
#ifndef ATGARD_EVENTSTORE_CANONICAL_H_
#define ATGARD_EVENTSTORE_CANONICAL_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "atgard/v1/event_envelope.pb.h"
#include "eventstore/keys.h"
#include "eventstore/types.h"

namespace atgard::eventstore {

// The building blocks of every encoding here, for encodings defined
// elsewhere on the same conventions (services/app/request_digest.h):
// u32 big-endian, and lp(x).
void PutFixed32(std::string* out, uint32_t value);
void PutLengthPrefixed(std::string* out, absl::string_view bytes);

// Appends the canonical encoding of `event` (all fields but `hash`) to *out.
void AppendCanonicalEvent(const v1::EventEnvelope& event, std::string* out);

// SHA-256 of the canonical encoding of `event`. `scratch` is reused as the
// encoding buffer so that a loop does not allocate per event.
keys::Hash EventHash(const v1::EventEnvelope& event, std::string* scratch);

// Appends the canonical encoding of an Append call's content to *out.
void AppendCanonicalCommand(absl::string_view stream_id,
                            const ExpectedVersion& expected,
                            absl::Span<const NewEvent> events,
                            const v1::EventMetadata& metadata,
                            std::string* out);

// SHA-256 of AppendCanonicalCommand.
keys::Hash CommandDigest(absl::string_view stream_id,
                         const ExpectedVersion& expected,
                         absl::Span<const NewEvent> events,
                         const v1::EventMetadata& metadata);

// SHA-256 of `data`.
// What an idempotency record keeps of an append: when the caller gives its
// own request digest, SHA-256 of the bytes "atgard.request-digest", a NUL
// byte and request_digest; else CommandDigest() of the append's content.
// Every EventLog keeps it so, the store and the in-memory one alike.
keys::Hash RecordDigest(absl::string_view stream_id,
                        const ExpectedVersion& expected,
                        absl::Span<const NewEvent> events,
                        const v1::EventMetadata& metadata,
                        absl::string_view request_digest);

keys::Hash Sha256(absl::string_view data);

// Lower-case hex, for messages and tests.
std::string HexHash(const keys::Hash& hash);

}  // namespace atgard::eventstore

#endif  // ATGARD_EVENTSTORE_CANONICAL_H_
