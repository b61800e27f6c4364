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
// Bounds: every repeated field reachable from a request has its maximum in
// RequestLimits() (keyed by full field name, stated next to the field in
// the .proto); every string field is at most kMaxRequestStringBytes unless
// the table says less. The domain checks narrower rules per field (ids,
// names, texts); these bounds make sure nothing is unbounded.
#ifndef ATGARD_SERVICES_API_REQUEST_CHECKS_H_
#define ATGARD_SERVICES_API_REQUEST_CHECKS_H_

#include <cstddef>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace atgard::api {

// A string field of a request holds at most this many bytes, unless
// RequestLimits() gives a smaller bound. The longest texts the domain
// accepts are 10,000 bytes.
inline constexpr size_t kMaxRequestStringBytes = 10'000;

// The largest serialized request the server accepts (gRPC answers
// RESOURCE_EXHAUSTED naming this size above it).
inline constexpr int kMaxRequestBytes = 1024 * 1024;

// Maximum number of elements of each repeated field (and maximum bytes of
// a string field, where smaller than kMaxRequestStringBytes) a request may
// carry, by full field name (e.g. "atgard.v1.RecordFollowUpActivity.
// unit_ids"). A repeated field reachable from a request that is missing
// here is refused whatever its size, so that no list is ever unbounded.
const absl::flat_hash_map<std::string, size_t>& RequestLimits();

// OK, or INVALID_ARGUMENT naming the first problem found, depth first:
//   "request has an unknown field 99 in atgard.v1.Deficiency
//    (command.deficiency)";
//   "command.unit_ids: must have at most 50 elements (has 10000)";
//   "command.summary: must be at most 10000 bytes (is 10001)".
// Field paths start below the request ("command.deficiency").
[[nodiscard]] absl::Status CheckRequest(
    const google::protobuf::Message& request);

// OK, or the path and number of the first unknown field in `message` or
// any message within it, as "an unknown field 99 in atgard.v1.Deficiency
// (deficiency)" with `what` in front (INVALID_ARGUMENT). For anything about
// to be stored.
[[nodiscard]] absl::Status CheckNoUnknownFields(
    const google::protobuf::Message& message, absl::string_view what);

}  // namespace atgard::api

#endif  // ATGARD_SERVICES_API_REQUEST_CHECKS_H_
