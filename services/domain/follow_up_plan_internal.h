// Internal to the follow-up plan's decider (follow_up_plan_*.cc): the
// checks its files share and the fulfilment of planned items.
#ifndef ATGARD_SERVICES_DOMAIN_FOLLOW_UP_PLAN_INTERNAL_H_
#define ATGARD_SERVICES_DOMAIN_FOLLOW_UP_PLAN_INTERNAL_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "atgard/v1/commands.pb.h"
#include "atgard/v1/events.pb.h"
#include "services/domain/follow_up_plan_decider.h"
#include "services/domain/principal.h"

namespace atgard::domain::internal {

// INVALID_ARGUMENT naming `field` unless `year` is 2000-2100.
[[nodiscard]] absl::Status CheckYear(absl::string_view field, int year);

// NOT_FOUND naming `year` unless the plan is adopted.
[[nodiscard]] absl::Status CheckPlanExists(const FollowUpPlanState& state);

// INVALID_ARGUMENT naming `settings.<field>` for a value outside its
// bounds or a due date outside `year`.
[[nodiscard]] absl::Status CheckSettings(
    const v1::FollowUpPlanSettings& settings, int year);

// Decides RecordPlannedFollowUpFulfilment (follow_up_plan_fulfilment.cc).
[[nodiscard]] absl::StatusOr<std::vector<v1::Event>> Fulfil(
    const v1::RecordPlannedFollowUpFulfilment& command,
    const FollowUpPlanState& state, const CommandContext& context);

}  // namespace atgard::domain::internal

#endif  // ATGARD_SERVICES_DOMAIN_FOLLOW_UP_PLAN_INTERNAL_H_
