// An append's arguments, checked and digested before the writer sees them.
#include "absl/strings/str_cat.h"
#include "eventstore/canonical.h"
#include "eventstore/store_core.h"

namespace atgard::eventstore::internal {

// Checks an append's arguments against the store's limits; sets *bytes to
// the size the writer accounts for.
absl::Status CheckAppend(const Options& o, absl::string_view stream_id,
                         absl::Span<const NewEvent> events,
                         absl::string_view command_id,
                         const v1::EventMetadata& metadata, size_t* bytes) {
  if (stream_id.empty()) {
    return absl::InvalidArgumentError("stream_id is empty");
  }
  if (stream_id.size() > o.max_stream_id_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "stream_id is longer than ", o.max_stream_id_bytes, " bytes"));
  }
  if (stream_id.find('\0') != absl::string_view::npos) {
    return absl::InvalidArgumentError("stream_id contains a NUL byte");
  }
  if (command_id.size() > o.max_command_id_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "command_id is longer than ", o.max_command_id_bytes, " bytes"));
  }
  if (!metadata.command_id().empty() && metadata.command_id() != command_id) {
    return absl::InvalidArgumentError(
        "metadata.command_id differs from command_id");
  }
  if (metadata.ByteSizeLong() > o.max_metadata_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "metadata is larger than ", o.max_metadata_bytes, " bytes"));
  }
  if (events.empty()) {
    return absl::InvalidArgumentError("events is empty: nothing to append");
  }
  if (events.size() > o.max_events_per_append) {
    return absl::InvalidArgumentError(
        absl::StrCat("events has ", events.size(), " events; at most ",
                     o.max_events_per_append, " per append"));
  }
  size_t total = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    const NewEvent& e = events[i];
    if (e.event_type.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("events[", i, "].event_type is empty"));
    }
    if (e.event_type.size() > o.max_stream_id_bytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("events[", i, "].event_type is longer than ",
                       o.max_stream_id_bytes, " bytes"));
    }
    if (e.payload.size() > o.max_payload_bytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("events[", i, "].payload is larger than ",
                       o.max_payload_bytes, " bytes"));
    }
    total += e.payload.size() + e.event_type.size();
  }
  if (total > o.max_append_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("events total ", total, " bytes; at most ",
                     o.max_append_bytes, " per append"));
  }
  *bytes = total + stream_id.size() * events.size();
  return absl::OkStatus();
}

}  // namespace atgard::eventstore::internal
