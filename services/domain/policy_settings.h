// The tenant's thresholds for the automatic policies, one aggregate per
// tenant ("<tenant>/settings/policies"): state, decider, and the settings
// in force, defaults filled in.
//
// Pure: no storage, no clock, no logging.
#ifndef ATGARD_SERVICES_DOMAIN_POLICY_SETTINGS_H_
#define ATGARD_SERVICES_DOMAIN_POLICY_SETTINGS_H_

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "atgard/v1/commands.pb.h"
#include "atgard/v1/events.pb.h"
#include "services/domain/principal.h"

namespace atgard::domain {

// The id of the one settings aggregate of a tenant.
inline constexpr char kPolicySettingsId[] = "policies";

struct PolicySettingsState {
  // The latest change; none while the defaults apply.
  std::optional<v1::PolicySettingsChanged> last;

  // The settings exist from the start, as their defaults: reading them
  // never finds nothing.
  bool exists() const { return true; }
};

// The settings in force, every field filled: those of `state` (null: never
// set), each field left 0 replaced by its default (red areas 3, failed key
// points 2, complaints in 3 of 6 months).
v1::PolicySettings EffectiveSettings(const PolicySettingsState* state);

void EvolvePolicySettings(PolicySettingsState& state, const v1::Event& event);

// Decides SetPolicySettings: ADMINISTRATION_DIRECTOR or FOLLOW_UP_OFFICER
// (PERMISSION_DENIED otherwise); INVALID_ARGUMENT naming settings.<field>
// for a value outside its range (0 is the default), settings.
// complaint_months_threshold when it exceeds the window, decision.* for an
// incomplete decision, reason when neither a decision nor a reason is
// given. The same settings, decision and reason as in force: no events.
[[nodiscard]] absl::StatusOr<std::vector<v1::Event>> DecidePolicySettings(
    const v1::Command& command, const PolicySettingsState& state,
    const CommandContext& context);

}  // namespace atgard::domain

#endif  // ATGARD_SERVICES_DOMAIN_POLICY_SETTINGS_H_
