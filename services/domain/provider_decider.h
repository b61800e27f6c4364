// A provider (utförare) with its units, the follow-up activities carried
// out there and the positive examples found: state and decider.
//
// Pure: no storage, no clock, no logging.
#ifndef ATGARD_SERVICES_DOMAIN_PROVIDER_DECIDER_H_
#define ATGARD_SERVICES_DOMAIN_PROVIDER_DECIDER_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "atgard/v1/commands.pb.h"
#include "atgard/v1/events.pb.h"
#include "services/domain/principal.h"

namespace atgard::domain {

struct FollowUpPlanState;

struct ProviderState {
  bool exists = false;
  v1::ProviderRegistered registration;
  std::map<std::string, v1::UnitRegistered> units;
  // By id, so that a repeated record is recognised.
  std::map<std::string, v1::FollowUpActivityRecorded> activities;
  std::map<std::string, v1::PositiveExampleRecorded> examples;
  // The latest in-depth follow-up (fördjupad uppföljning), if any.
  std::optional<absl::CivilDay> last_in_depth_follow_up;

  v1::Regiform regiform() const { return registration.regiform(); }
  const v1::UnitRegistered* FindUnit(const std::string& unit_id) const;
};

void EvolveProvider(ProviderState& state, const v1::Event& event);

// Decides RegisterProvider, RegisterUnit, RecordFollowUpActivity and
// RecordPositiveExample. Errors as in case_decider.h; a repeat of a
// command that took effect yields no events, and a different command for
// an existing id is ALREADY_EXISTS. `plan` is the follow-up plan of an
// analysis team's year (null if none is adopted): an analysis team beyond
// the plan's limit is FAILED_PRECONDITION naming `kind`
// (CheckAnalysisTeamLimit, follow_up_plan_decider.h).
[[nodiscard]] absl::StatusOr<std::vector<v1::Event>> DecideProvider(
    const v1::Command& command, const ProviderState& state,
    const CommandContext& context, const FollowUpPlanState* plan = nullptr);

// Checks that `unit_id` is a registered unit of the provider; NOT_FOUND
// naming `field` otherwise. Used by the aggregates that refer to units.
[[nodiscard]] absl::Status CheckUnitOfProvider(absl::string_view field,
                                               const ProviderState* provider,
                                               absl::string_view provider_field,
                                               absl::string_view provider_id,
                                               absl::string_view unit_id);

}  // namespace atgard::domain

#endif  // ATGARD_SERVICES_DOMAIN_PROVIDER_DECIDER_H_
