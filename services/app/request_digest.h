// What makes two requests "the same command" for idempotency, kept by the
// store for the command id's retention (30 days) and compared on every
// retry. It must not change when protobuf or the schema changes under an
// honest retry, so it is computed from a documented canonical encoding on
// the conventions of eventstore/canonical.h (u32/u64 big-endian, lp(x) a
// u32 length and the bytes), never from protobuf's serialization:
//
// Request digest = SHA-256 of
//   lp("atgard.request.v1") lp(stream_id) lp(principal.subject)
//   lp(role name, e.g. "FOLLOW_UP_OFFICER") lp(canon(command))
//
// canon(message) = u32 number of fields present, then each present field in
// ascending field-number order:
//   u32 field number
//   for a singular field: value(field)
//   for a repeated field: u32 count, then value(element) for each in order
// A field is present when it has explicit presence (a message field, a
// oneof member, `optional`) and is set, or has implicit presence and holds
// a value other than its default, or is repeated and non-empty — so a
// field added to a schema later changes no digest of a request without it.
// value(x) by field type:
//   int32 int64 sint32 sint64 sfixed32 sfixed64 enum: u64 two's complement
//   uint32 uint64 fixed32 fixed64: u64
//   bool: u8 0 or 1
//   float double: u64 IEEE-754 bits of the value as a double (presence too
//     goes by the bits: -0.0 is present, and differs from 0.0)
//   string bytes: lp(bytes)
//   message: lp(canon(message))
// Maps are refused (the command schemas have none, and their order would
// need a rule of its own); unknown fields never reach here (commands with
// them are refused first).
//
// Thread-safe (pure functions).
#ifndef ATGARD_SERVICES_APP_REQUEST_DIGEST_H_
#define ATGARD_SERVICES_APP_REQUEST_DIGEST_H_

#include <string>

#include "absl/strings/string_view.h"
#include "atgard/v1/commands.pb.h"
#include "services/domain/principal.h"

namespace google::protobuf {
class Message;
}

namespace atgard::app {

// Appends canon(message) to *out. A map field aborts: see above.
void AppendCanonicalMessage(const google::protobuf::Message& message,
                            std::string* out);

// The digest above, as 32 raw bytes.
std::string RequestDigest(absl::string_view stream_id,
                          const domain::Principal& principal,
                          const v1::Command& command);

// The digest this server kept before the canonical one: SHA-256 over the
// same fields with the command in protobuf's deterministic serialization
// and u64 length prefixes. Records stored in that form are honoured until
// they pass the retention (CommandHandler compares a refused retry against
// it), after which it can go.
std::string LegacyRequestDigest(absl::string_view stream_id,
                                const domain::Principal& principal,
                                const v1::Command& command);

}  // namespace atgard::app

#endif  // ATGARD_SERVICES_APP_REQUEST_DIGEST_H_
