// The automatic policies that keep the yearly follow-up plan current
// (policies.h lists them): new providers and units, red basic-hygiene
// measurements and Lex Sarah cases add items, and every recorded
// follow-up activity is matched against the plans. Pure.
#ifndef ATGARD_SERVICES_DOMAIN_FOLLOW_UP_PLAN_POLICIES_H_
#define ATGARD_SERVICES_DOMAIN_FOLLOW_UP_PLAN_POLICIES_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "atgard/v1/events.pb.h"
#include "services/domain/policies.h"

namespace atgard::domain {

// Appends to `out` the plan commands `event` (named `trigger`,
// "<stream>@<version>") calls for; none for other events.
void FollowUpPlanPolicyCommands(const std::string& trigger,
                                const v1::Event& event,
                                std::vector<PolicyCommand>& out);

// The event types FollowUpPlanPolicyCommands() acts on.
const std::vector<std::string>& FollowUpPlanPolicyEventTypes();

}  // namespace atgard::domain

#endif  // ATGARD_SERVICES_DOMAIN_FOLLOW_UP_PLAN_POLICIES_H_
