// One unit's self-inspection (egenkontroll) of one year
// ("<tenant>/selfinspection/<provider>/<unit>/<year>"): recorded once,
// each point met or not, some points key points. Failing at least the
// tenant's threshold of key points gives SelfInspectionKeyPointsFailed,
// on which a policy opens a case.
//
// Pure: no storage, no clock, no logging.
#ifndef ATGARD_SERVICES_DOMAIN_SELF_INSPECTION_DECIDER_H_
#define ATGARD_SERVICES_DOMAIN_SELF_INSPECTION_DECIDER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "atgard/v1/commands.pb.h"
#include "atgard/v1/events.pb.h"
#include "services/domain/principal.h"

namespace atgard::domain {

struct PolicySettingsState;
struct ProviderState;

struct SelfInspectionState {
  std::optional<v1::SelfInspectionRecorded> recorded;

  bool exists() const { return recorded.has_value(); }
};

// The aggregate's id: "<provider>/<unit>/<year>".
std::string SelfInspectionId(absl::string_view provider_id,
                             absl::string_view unit_id, int year);

void EvolveSelfInspection(SelfInspectionState& state, const v1::Event& event);

// Decides RecordSelfInspection. PERMISSION_DENIED unless PROVIDER of the
// unit's own provider or FOLLOW_UP_OFFICER; NOT_FOUND naming provider_id
// or unit_id unless `provider` has the unit; INVALID_ARGUMENT naming year
// (after the current year), points (none), points[i].point_id (invalid or
// twice) or points[i].text (missing, too long, or holding a personnummer);
// ALREADY_EXISTS naming year when another self-inspection of the unit and
// year is recorded, and no events for an identical repeat. `settings`
// (null: never set) gives the threshold.
[[nodiscard]] absl::StatusOr<std::vector<v1::Event>> DecideSelfInspection(
    const v1::Command& command, const SelfInspectionState& state,
    const CommandContext& context, const ProviderState* provider,
    const PolicySettingsState* settings);

}  // namespace atgard::domain

#endif  // ATGARD_SERVICES_DOMAIN_SELF_INSPECTION_DECIDER_H_
