// Which stream of the event store an aggregate lives in. Stream ids are
// "<tenant>/<kind>/<id>", so that one prefix selects a tenant ("0780/") or
// one kind of aggregate in it ("0780/case/") — tenant isolation and
// category filters are both prefix matches.
#ifndef ATGARD_SERVICES_DOMAIN_STREAMS_H_
#define ATGARD_SERVICES_DOMAIN_STREAMS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace atgard::domain {

// The longest stream id anything accepts or refers to: "<tenant>/<kind>/"
// and an id of at most kMaxIdBytes (validation.h) fit with room to spare.
inline constexpr std::size_t kMaxStreamIdBytes = 512;

enum class AggregateKind {
  kProvider,         // a provider with its units, activities, examples
  kContract,         // a private provider's contract
  kCase,             // a deficiency case
  kIndicatorSeries,  // measurements of one indicator at one unit
  kCarePlan,         // care-plan reviews of one client at one unit
  kPolicySettings,   // the tenant's thresholds for the automatic policies
  kUnitResults,      // one unit's results by year and quality area
  kSelfInspection,   // one unit's self-inspection of one year
  kComplaints,       // one unit's monthly counts of complaints and deviations
  kOrganisation,     // the tenant's register of areas (one, id "areas")
  kFollowUpPlan,     // the follow-up plan (årshjul) of one year
};

// "provider", "contract", "case", "indicator", "careplan", "settings",
// "unitresults", "selfinspection", "complaints", "organisation",
// "followupplan".
absl::string_view KindName(AggregateKind kind);

struct AggregateRef {
  AggregateKind kind;
  // The aggregate's id within its tenant and kind; may contain '/'.
  std::string id;
};

// "<tenant>/<kind>/<id>".
std::string StreamId(absl::string_view tenant, const AggregateRef& ref);

// "<tenant>/<kind>/": the prefix of every stream of that kind.
std::string StreamPrefix(absl::string_view tenant, AggregateKind kind);

// "<tenant>/": the prefix of every stream of the tenant.
std::string TenantPrefix(absl::string_view tenant);

// "<tenant>/access/<YYYY-MM-DD>": the read log (läslogg) of one day.
std::string AccessStreamId(absl::string_view tenant, absl::CivilDay day);

// What a stream id names: the inverse of StreamId() and AccessStreamId().
struct StreamName {
  std::string tenant;
  // The aggregate kind; nullopt for the read log.
  std::optional<AggregateKind> kind;
  // The aggregate's id (may contain '/'), or the read log's day.
  std::string id;
};

// INVALID_ARGUMENT, naming `stream_id`, unless it is "<tenant>/<kind>/<id>"
// with a known kind (or "access") and non-empty parts.
[[nodiscard]] absl::StatusOr<StreamName> ParseStreamId(
    absl::string_view stream_id);

// The aggregate a stream holds: NOT_FOUND ("holds no aggregate") for the
// read log and for ids ParseStreamId() refuses.
[[nodiscard]] absl::StatusOr<AggregateRef> AggregateOfStream(
    absl::string_view stream_id);

// "<stream>@<version>": one event, as a causation id names it.
std::string EventReference(absl::string_view stream_id, uint64_t version);

}  // namespace atgard::domain

#endif  // ATGARD_SERVICES_DOMAIN_STREAMS_H_
