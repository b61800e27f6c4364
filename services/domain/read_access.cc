#include "services/domain/read_access.h"

#include <algorithm>
#include <string>
#include <variant>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/domain/aggregate_states.h"
#include "services/domain/errors.h"

namespace atgard::domain {
namespace {

std::string RoleList(const std::vector<v1::Role>& roles) {
  return absl::StrJoin(roles, ", ", [](std::string* out, v1::Role role) {
    absl::StrAppend(out, RoleName(role));
  });
}

bool Contains(const std::vector<v1::Role>& roles, v1::Role role) {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

// The provider named in a case's or a contract's content; null if `state`
// is not of that kind.
const std::string* ContentOwner(AggregateKind kind,
                                const AggregateState& state) {
  if (kind == AggregateKind::kCase) {
    const auto* s = std::get_if<CaseState>(&state);
    return s == nullptr ? nullptr : &s->provider_id();
  }
  const auto* s = std::get_if<ContractState>(&state);
  return s == nullptr ? nullptr : &s->provider_id();
}

// Rule 5 for a PROVIDER: is the aggregate its own? Provider streams are
// named by the provider, indicator series, care plans, unit results,
// self-inspections and complaint counts by "<provider>/<unit>/...", cases and
// contracts name it in their content.
absl::StatusOr<bool> OwnsAggregate(const Principal& principal,
                                   AggregateKind kind, absl::string_view id,
                                   const AggregateState* state) {
  if (principal.provider_id.empty()) return false;
  switch (kind) {
    case AggregateKind::kProvider:
      return id == principal.provider_id;
    case AggregateKind::kIndicatorSeries:
    case AggregateKind::kCarePlan:
    case AggregateKind::kUnitResults:
    case AggregateKind::kSelfInspection:
    case AggregateKind::kComplaints:
      return absl::StartsWith(id, absl::StrCat(principal.provider_id, "/"));
    case AggregateKind::kPolicySettings:
      // The municipality's own thresholds: no provider's to read.
      return false;
    case AggregateKind::kCase:
    case AggregateKind::kContract: {
      const std::string* owner =
          state == nullptr ? nullptr : ContentOwner(kind, *state);
      if (owner == nullptr) {
        return absl::InternalError(absl::StrCat(
            "read access to a ", KindName(kind), " needs its state"));
      }
      return ActsForProvider(principal, *owner);
    }
    case AggregateKind::kOrganisation:
      // The register of areas is the municipality's, no provider's.
    case AggregateKind::kFollowUpPlan:
      // The plan names every provider of the tenant.
      return false;
  }
  return false;
}

}  // namespace

const std::vector<v1::Role>& WorkflowReaders() {
  static const auto* roles =
      new std::vector<v1::Role>{v1::ROLE_FOLLOW_UP_OFFICER,
                                v1::ROLE_CARE_DIRECTOR,
                                v1::ROLE_ADMINISTRATION_DIRECTOR,
                                v1::ROLE_PROVIDER,
                                v1::ROLE_MEDICAL_OFFICER,
                                v1::ROLE_AUDITOR,
                                v1::ROLE_SUPERVISOR};
  return *roles;
}

const std::vector<v1::Role>& LogReaders() {
  static const auto* roles = [] {
    auto* out = new std::vector<v1::Role>(WorkflowReaders());
    std::erase(*out, v1::ROLE_PROVIDER);
    return out;
  }();
  return *roles;
}

bool ActsForProvider(const Principal& principal,
                     absl::string_view provider_id) {
  if (principal.role != v1::ROLE_PROVIDER) return true;
  return !principal.provider_id.empty() && principal.provider_id == provider_id;
}

bool ReadNeedsState(const Principal& principal, const StreamName& stream) {
  return principal.role == v1::ROLE_PROVIDER &&
         stream.tenant == principal.tenant && stream.kind.has_value() &&
         (*stream.kind == AggregateKind::kCase ||
          *stream.kind == AggregateKind::kContract);
}

absl::Status CheckStreamRead(const Principal& principal,
                             absl::string_view field, const StreamName& stream,
                             const AggregateState* state) {
  if (!Contains(WorkflowReaders(), principal.role)) {
    return PermissionDenied(
        "", absl::StrCat("role ", RoleName(principal.role),
                         " may not read workflow data (allowed: ",
                         RoleList(WorkflowReaders()), ")"));
  }
  if (stream.tenant != principal.tenant) return NotReadable(field);
  if (!stream.kind.has_value()) {
    if (Contains(LogReaders(), principal.role)) return absl::OkStatus();
    return PermissionDenied(
        "", absl::StrCat("role ", RoleName(principal.role),
                         " may not read the read log (allowed: ",
                         RoleList(LogReaders()), ")"));
  }
  if (state != nullptr && !Exists(*state)) return NotReadable(field);
  if (principal.role != v1::ROLE_PROVIDER) return absl::OkStatus();
  absl::StatusOr<bool> owns =
      OwnsAggregate(principal, *stream.kind, stream.id, state);
  if (!owns.ok()) return owns.status();
  return *owns ? absl::OkStatus() : NotReadable(field);
}

absl::Status CheckAggregateRead(const Principal& principal,
                                absl::string_view field,
                                const AggregateRef& ref,
                                const AggregateState& state) {
  return CheckStreamRead(
      principal, field,
      {.tenant = principal.tenant, .kind = ref.kind, .id = ref.id}, &state);
}

absl::Status NotReadable(absl::string_view field) {
  return NotFound(field, "does not exist, or is not the caller's to read");
}

}  // namespace atgard::domain
