// What the crash test's child process appends and reports, shared by the
// child and the test so that the test can re-send any command exactly.
//
// The child writes one line per step to its stdout (a pipe), each with a
// single write(2) of less than PIPE_BUF bytes, so lines never interleave:
//   B <command_id> <stream_id> <expected kind> <expected version> <events>
//       before it calls Append;
//   A <command_id> <first_version> <last_version> <first_position>
//     <last_position>
//       after Append acknowledged it.
#ifndef ATGARD_TESTS_INTEGRATION_EVENTSTORE_CRASH_PROTOCOL_H_
#define ATGARD_TESTS_INTEGRATION_EVENTSTORE_CRASH_PROTOCOL_H_

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "eventstore/event_store.h"

namespace atgard::eventstore::crash {

inline std::vector<NewEvent> Events(const std::string& command_id, int count) {
  std::vector<NewEvent> events;
  for (int i = 0; i < count; ++i) {
    events.push_back(
        {.event_type = i % 2 == 0 ? "CrashTested" : "AlsoTested",
         .schema_version = 1,
         .payload = absl::StrCat("payload ", i, " of ", command_id)});
  }
  return events;
}

inline v1::EventMetadata Metadata() {
  v1::EventMetadata m;
  m.set_actor_subject("crash-child");
  m.set_actor_role("system");
  m.set_tenant("0780");
  m.set_correlation_id("crash");
  return m;
}

inline ExpectedVersion Expected(int kind, uint64_t version) {
  switch (kind) {
    case static_cast<int>(ExpectedVersion::Kind::kNoStream):
      return ExpectedVersion::NoStream();
    case static_cast<int>(ExpectedVersion::Kind::kStreamExists):
      return ExpectedVersion::StreamExists();
    case static_cast<int>(ExpectedVersion::Kind::kExact):
      return ExpectedVersion::Exact(version);
    default:
      return ExpectedVersion::Any();
  }
}

}  // namespace atgard::eventstore::crash

#endif  // ATGARD_TESTS_INTEGRATION_EVENTSTORE_CRASH_PROTOCOL_H_
