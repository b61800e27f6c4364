#include "services/app/append.h"

#include <utility>

#include "services/app/event_codec.h"
#include "services/domain/decider.h"

namespace atgard::app {

absl::StatusOr<eventstore::AppendRequest> MakeAppend(
    const AppendOrigin& origin, std::string stream_id,
    eventstore::ExpectedVersion expected, absl::Span<const v1::Event> events,
    std::string request_digest) {
  eventstore::AppendRequest append;
  append.stream_id = std::move(stream_id);
  append.expected = expected;
  for (const v1::Event& event : events) {
    absl::StatusOr<eventstore::NewEvent> encoded = EncodeEvent(event);
    if (!encoded.ok()) return encoded.status();
    append.events.push_back(*std::move(encoded));
  }
  append.command_id = origin.command_id;
  append.request_digest = std::move(request_digest);
  v1::EventMetadata& metadata = append.metadata;
  metadata.set_actor_subject(origin.actor.subject);
  metadata.set_actor_role(std::string(domain::RoleName(origin.actor.role)));
  metadata.set_tenant(origin.actor.tenant);
  metadata.set_correlation_id(origin.correlation_id.empty()
                                  ? origin.command_id
                                  : origin.correlation_id);
  metadata.set_causation_id(origin.causation_id.empty() ? origin.command_id
                                                        : origin.causation_id);
  metadata.set_command_id(origin.command_id);
  return append;
}

}  // namespace atgard::app
