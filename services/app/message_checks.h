// Checks every request passes before any RPC acts on it, and that every
// event passes before it is appended: messages that carry fields the
// schema does not know, and requests beyond the API's declared bounds.
//
// Unknown fields matter because protobuf keeps them: a field number the
// schema does not declare (sent by a newer or hostile client) is copied
// along with the message that holds it, into events and so into the hash
// chain, where it can never be removed, and no validation ever looks at
// it (a personnummer in field 99 of a Deficiency passes every check of the
// known fields).
//
// Bounds: the .proto files are their only source. Every string (and bytes)
// field reachable from a request declares its maximum size with the field
// option (atgard.v1.max_bytes), every repeated field its maximum number of
// elements with (atgard.v1.max_items), and a repeated string both (the
// byte bound then holds for each element); see proto/atgard/v1/
// limits.proto. CheckRequest reads them from the field descriptors. A field
// that lacks the bound it needs is refused whenever it is set (its bound
// counts as 0), so nothing is ever unbounded; UndeclaredBounds() finds such
// fields from the schema alone, and the tests require it to find none. The
// domain checks narrower rules per field (ids, names, texts); these bounds
// are the most it accepts.
#ifndef ATGARD_SERVICES_APP_MESSAGE_CHECKS_H_
#define ATGARD_SERVICES_APP_MESSAGE_CHECKS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace atgard::app {

// The largest serialized request the server accepts (gRPC answers
// RESOURCE_EXHAUSTED naming this size above it).
inline constexpr int kMaxRequestBytes = 1024 * 1024;

// OK, or INVALID_ARGUMENT naming the first problem found, depth first:
//   "request has an unknown field 99 in atgard.v1.Deficiency
//    (command.deficiency)";
//   "command.unit_ids: must have at most 50 elements (has 10000)";
//   "command.summary: must be at most 10000 bytes (is 10001)".
// Field paths start below the request ("command.deficiency").
[[nodiscard]] absl::Status CheckRequest(
    const google::protobuf::Message& request);

// The fields reachable from `request` (its own and those of every message
// type within it, each type once) that lack a bound CheckRequest needs:
// "atgard.v1.RecordFollowUpActivity.unit_ids has no (atgard.v1.max_items)".
// Empty when every field declares its bounds. The walk is over the schema,
// so it covers fields no request has set.
[[nodiscard]] std::vector<std::string> UndeclaredBounds(
    const google::protobuf::Descriptor& request);

// OK, or the path and number of the first unknown field in `message` or
// any message within it, as "an unknown field 99 in atgard.v1.Deficiency
// (deficiency)" with `what` in front (INVALID_ARGUMENT). For anything about
// to be stored.
[[nodiscard]] absl::Status CheckNoUnknownFields(
    const google::protobuf::Message& message, absl::string_view what);

// The payload an application append stores for `event` of `type`:
// serialized deterministically, once CheckNoUnknownFields() has found
// nothing in it. Else INTERNAL ("<type> was not written: event has an
// unknown field ..."): an event carrying fields its schema does not
// declare is a bug upstream (e.g. copied from stored state), and the log
// would keep it for ever. Every application append (the command handler,
// the deadline scheduler, the access log; the policy runner goes through
// the command handler) builds its payloads here and nowhere else.
[[nodiscard]] absl::StatusOr<std::string> EventPayload(
    const google::protobuf::Message& event, absl::string_view type);

}  // namespace atgard::app

#endif  // ATGARD_SERVICES_APP_MESSAGE_CHECKS_H_
