// The reviews of one client's care plan (genomförandeplan) at one unit,
// and its entry in the unit's register of care plans. The contact person
// reviews each plan at least monthly; the client is known only by a
// pseudonymous reference.
//
// A plan may be reviewed without being registered: that is how plans were
// recorded before the register, and such a plan keeps exactly those
// rules. A registered plan also has a first review due a month after it
// was established, reviews that say what they did with the plan, actions
// for missing parts with a due date that the next review checks, and an
// end after which it has no deadlines.
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
  // Where the plan is, as its events name it.
  std::string unit_id;
  std::string client_reference;
  std::map<std::string, v1::CarePlanReviewRecorded> reviews;
  // The latest review's date and when the next one is due (or, before any
  // review of a registered plan, when the first one is).
  std::optional<absl::CivilDay> last_reviewed_on;
  std::optional<absl::CivilDay> next_due;
  std::optional<absl::CivilDay> overdue_emitted;
  // The register entry; unset for plans only reviewed.
  std::optional<v1::CarePlanRegistered> registration;
  std::optional<v1::CarePlanEnded> ending;
  // The action a review of a registered plan set for missing parts, until
  // a later review finds it put right. An action not put right keeps its
  // due date: a later review's action does not replace it.
  struct OpenAction {
    std::string review_id;
    absl::CivilDay due_on;
  };
  std::optional<OpenAction> open_action;
  std::optional<absl::CivilDay> action_overdue_emitted;

  bool exists() const { return registration.has_value() || !reviews.empty(); }
  bool registered() const { return registration.has_value(); }
};

// The care plan's stream id part: "<provider>/<unit>/<client reference>".
std::string CarePlanId(absl::string_view provider_id, absl::string_view unit_id,
                       absl::string_view client_reference);

// Whether a review found everything the plan must state, a plan others
// can act on, and one that matches the assignment.
bool IsComplete(const v1::CarePlanReview& review);

void EvolveCarePlan(CarePlanState& state, const v1::Event& event);

// Decides RecordCarePlanReview (PROVIDER, own units only), and
// RegisterCarePlan and EndCarePlan (PROVIDER for its own units,
// FOLLOW_UP_OFFICER). `provider` is the command's provider. Errors as in
// case_decider.h, and:
//   RecordCarePlanReview on a registered plan: FAILED_PRECONDITION
//     "review.reviewed_on" after the plan ended; INVALID_ARGUMENT
//     "review.reviewed_on" before it was established, "review.kind" unset,
//     "review.action_due_on" on a complete review or before the review,
//     "review.action_check" unset while an action awaits its check;
//     FAILED_PRECONDITION "review.action_check" when none does, and
//     "review.action_due_on" on a plan that is not registered.
//   RegisterCarePlan: ALREADY_EXISTS "client_reference" when the plan is
//     registered with another date (an exact repeat yields no events).
//   EndCarePlan: NOT_FOUND "client_reference" when no plan is registered;
//     INVALID_ARGUMENT "ended_on" before it was established;
//     FAILED_PRECONDITION "ended_on" when it already ended on another day.
[[nodiscard]] absl::StatusOr<std::vector<v1::Event>> DecideCarePlan(
    const v1::Command& command, const CarePlanState& state,
    const CommandContext& context, const ProviderState* provider);

// CarePlanReviewOverdue once, the day after the next review was due (for a
// registered plan never reviewed, the first review, a month after it was
// established); CarePlanActionOverdue once, the day after an open action
// was due. Nothing once a registered plan has ended.
std::vector<v1::Event> DueCarePlanDeadlines(const CarePlanState& state,
                                            absl::CivilDay today);

}  // namespace atgard::domain

#endif  // ATGARD_SERVICES_DOMAIN_CARE_PLAN_DECIDER_H_
