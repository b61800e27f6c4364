// The dates an event puts on its aggregate's calendar: the day after each,
// DueDeadlines() may have something to say. The deadline scheduler keeps
// an index of these so that it only folds the aggregates whose dates have
// passed, instead of every stream of every tenant.
#ifndef ATGARD_SERVICES_DOMAIN_DEADLINE_DATES_H_
#define ATGARD_SERVICES_DOMAIN_DEADLINE_DATES_H_

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "atgard/v1/events.pb.h"

namespace atgard::domain {

// The due dates `event` sets (submit_by, complete_by, a follow-up's date,
// an extra measurement's or a care-plan review's due date, a care-plan
// action's due date, a registered care plan's first review, a contract's
// end date, a planned follow-up's due date); empty for events that set none.
std::vector<absl::CivilDay> DeadlineDatesOf(const v1::Event& event);

// The event types DeadlineDatesOf() reads dates from.
const std::vector<std::string>& DeadlineEventTypes();

}  // namespace atgard::domain

#endif  // ATGARD_SERVICES_DOMAIN_DEADLINE_DATES_H_
