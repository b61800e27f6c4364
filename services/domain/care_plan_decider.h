// The reviews of one client's care plan (genomförandeplan) at one unit.
// The contact person reviews each plan at least monthly; the client is
// known only by a pseudonymous reference.
//
// Pure: no storage, no clock, no logging.
#ifndef ATGARD_SERVICES_DOMAIN_CARE_PLAN_DECIDER_H_
#define ATGARD_SERVICES_DOMAIN_CARE_PLAN_DECIDER_H_

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

struct ProviderState;

struct CarePlanState {
  std::map<std::string, v1::CarePlanReviewRecorded> reviews;
  // The latest review's date and when the next one is due.
  std::optional<absl::CivilDay> last_reviewed_on;
  std::optional<absl::CivilDay> next_due;
  std::optional<absl::CivilDay> overdue_emitted;

  bool exists() const { return !reviews.empty(); }
};

// The care plan's stream id part: "<provider>/<unit>/<client reference>".
std::string CarePlanId(absl::string_view provider_id, absl::string_view unit_id,
                       absl::string_view client_reference);

// Whether a review found everything the plan must state, a plan others
// can act on, and one that matches the assignment.
bool IsComplete(const v1::CarePlanReview& review);

void EvolveCarePlan(CarePlanState& state, const v1::Event& event);

// Decides RecordCarePlanReview (PROVIDER, own units only). `provider` is
// the review's provider. Errors as in case_decider.h.
[[nodiscard]] absl::StatusOr<std::vector<v1::Event>> DecideCarePlan(
    const v1::Command& command, const CarePlanState& state,
    const CommandContext& context, const ProviderState* provider);

// CarePlanReviewOverdue once, the day after the next review was due.
std::vector<v1::Event> DueCarePlanDeadlines(const CarePlanState& state,
                                            absl::CivilDay today);

}  // namespace atgard::domain

#endif  // ATGARD_SERVICES_DOMAIN_CARE_PLAN_DECIDER_H_
