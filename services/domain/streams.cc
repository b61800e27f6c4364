#include "services/domain/streams.h"

#include "absl/strings/str_cat.h"

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

}  // namespace atgard::domain
