// The read log (läslogg): every read of case contents, dossiers, reports or
// the event log, and every read by an auditor or supervisor, becomes an
// AccessRecorded event in the tenant's access streams
// ("<kommunkod>/access/<Stockholm date>"), so that reads can be reviewed
// like any other history. A read whose record cannot be stored is not
// served.
//
// Thread-safe.
#ifndef ATGARD_SERVICES_APP_ACCESS_LOG_H_
#define ATGARD_SERVICES_APP_ACCESS_LOG_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/app/event_log.h"
#include "services/domain/principal.h"

namespace atgard::app {

inline constexpr size_t kMaxResourceBytes = 200;
// What the server may add to a Requested() text (" from <position>").
inline constexpr size_t kMaxResourceSuffix = 40;
inline constexpr size_t kMaxReasonBytes = 300;

class AccessLog {
 public:
  // `log` must outlive this object.
  AccessLog(EventLog* log, std::function<absl::Time()> clock);

  // Appends one access event for a read by `principal` of `resource`
  // through `method` with `outcome` (OK or the refusal) and `items`
  // returned, and a refusal's message as the reason; calls `done` once it
  // is durable (OK) or could not be stored.
  void Record(const domain::Principal& principal, absl::string_view method,
              absl::string_view resource, const absl::Status& outcome,
              uint64_t items, std::function<void(absl::Status)> done);

  // A subscription that ended after delivering `items` events with
  // `outcome`: the closing record of what Record() opened. Best effort:
  // failures to store it are logged.
  void RecordEnd(const domain::Principal& principal, absl::string_view method,
                 absl::string_view resource, const absl::Status& outcome,
                 uint64_t items);

  // `requested` (a stream id, a filter: text the caller sent) as it may
  // appear in a record: C-escaped, cut to kMaxResourceBytes (then "..."),
  // or a placeholder naming `field` if it holds a personal identity
  // number. Every resource a read records passes through here, accepted
  // or refused.
  static std::string Requested(absl::string_view field,
                               absl::string_view requested);

  // The stream an access on `day` goes to.
  static std::string StreamFor(absl::string_view tenant, absl::Time at);

 private:
  void Append(const domain::Principal& principal, absl::string_view method,
              absl::string_view resource, const absl::Status& outcome,
              uint64_t items, bool ended,
              std::function<void(absl::Status)> done);

  EventLog* const log_;
  const std::function<absl::Time()> clock_;
};

}  // namespace atgard::app

#endif  // ATGARD_SERVICES_APP_ACCESS_LOG_H_
