// The one way decided events become an append: whoever writes — the
// command handler for a person's or a policy's command, the deadline
// scheduler, the read log — names the actor, the stream, the events and
// why, and gets the store's request with the checked, deterministic
// payloads and the metadata every event carries (actor, role, tenant,
// correlation, causation, command id).
#ifndef ATGARD_SERVICES_APP_APPEND_H_
#define ATGARD_SERVICES_APP_APPEND_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "atgard/v1/events.pb.h"
#include "eventstore/types.h"
#include "services/domain/principal.h"

namespace atgard::app {

// Who writes, and why.
struct AppendOrigin {
  // The actor; its tenant is the metadata's tenant.
  domain::Principal actor;
  // The idempotency key as the store keeps it (empty: none). Commands
  // scope theirs by tenant ("<tenant>/<id>", see CommandHandler).
  std::string command_id;
  // Empty: the command id.
  std::string correlation_id;
  // What caused the write: a command's own id, an event
  // (domain::EventReference), a deadline. Empty: the command id.
  std::string causation_id;
};

// The request appending `events` to `stream_id` at `expected`, with
// `request_digest` (may be empty: the store then compares the append's
// content). INTERNAL, writing nothing, if an event carries fields its
// schema does not declare (see EventPayload()).
[[nodiscard]] absl::StatusOr<eventstore::AppendRequest> MakeAppend(
    const AppendOrigin& origin, std::string stream_id,
    eventstore::ExpectedVersion expected, absl::Span<const v1::Event> events,
    std::string request_digest = "");

}  // namespace atgard::app

#endif  // ATGARD_SERVICES_APP_APPEND_H_
