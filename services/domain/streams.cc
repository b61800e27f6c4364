#include "services/domain/streams.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/domain/dates.h"

namespace atgard::domain {

absl::string_view KindName(AggregateKind kind) {
  switch (kind) {
    case AggregateKind::kProvider:
      return "provider";
    case AggregateKind::kContract:
      return "contract";
    case AggregateKind::kCase:
      return "case";
    case AggregateKind::kIndicatorSeries:
      return "indicator";
    case AggregateKind::kCarePlan:
      return "careplan";
    case AggregateKind::kPolicySettings:
      return "settings";
    case AggregateKind::kUnitResults:
      return "unitresults";
    case AggregateKind::kSelfInspection:
      return "selfinspection";
    case AggregateKind::kComplaints:
      return "complaints";
    case AggregateKind::kOrganisation:
      return "organisation";
    case AggregateKind::kFollowUpPlan:
      return "followupplan";
  }
  return "unknown";
}

std::string StreamId(absl::string_view tenant, const AggregateRef& ref) {
  return absl::StrCat(tenant, "/", KindName(ref.kind), "/", ref.id);
}

std::string StreamPrefix(absl::string_view tenant, AggregateKind kind) {
  return absl::StrCat(tenant, "/", KindName(kind), "/");
}

std::string TenantPrefix(absl::string_view tenant) {
  return absl::StrCat(tenant, "/");
}

std::string AccessStreamId(absl::string_view tenant, absl::CivilDay day) {
  return absl::StrCat(tenant, "/access/", FormatDay(day));
}

namespace {
constexpr absl::string_view kAccessKind = "access";
constexpr AggregateKind kKinds[] = {
    AggregateKind::kProvider,    AggregateKind::kContract,
    AggregateKind::kCase,        AggregateKind::kIndicatorSeries,
    AggregateKind::kCarePlan,    AggregateKind::kPolicySettings,
    AggregateKind::kUnitResults, AggregateKind::kSelfInspection,
    AggregateKind::kComplaints,  AggregateKind::kOrganisation,
    AggregateKind::kFollowUpPlan};
}  // namespace

absl::StatusOr<StreamName> ParseStreamId(absl::string_view stream_id) {
  std::vector<absl::string_view> parts =
      absl::StrSplit(stream_id, absl::MaxSplits('/', 2));
  if (parts.size() == 3 && !parts[0].empty() && !parts[2].empty()) {
    StreamName name{.tenant = std::string(parts[0]),
                    .id = std::string(parts[2])};
    if (parts[1] == kAccessKind) return name;
    for (AggregateKind kind : kKinds) {
      if (parts[1] == KindName(kind)) {
        name.kind = kind;
        return name;
      }
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("stream_id: ", stream_id,
                   " is not <tenant>/<kind>/<id> with a known kind"));
}

absl::StatusOr<AggregateRef> AggregateOfStream(absl::string_view stream_id) {
  absl::StatusOr<StreamName> name = ParseStreamId(stream_id);
  if (!name.ok() || !name->kind.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("stream ", stream_id, " holds no aggregate"));
  }
  return AggregateRef{.kind = *name->kind, .id = std::move(name->id)};
}

std::string EventReference(absl::string_view stream_id, uint64_t version) {
  return absl::StrCat(stream_id, "@", version);
}

}  // namespace atgard::domain
