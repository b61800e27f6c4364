// The automatic policies of the trigger aggregates (policies.h runs them
// with the others):
//
//   MeasurementRecorded            -> NoteUnitResult on the unit's results
//   LowGoalFulfilmentDetected      -> RegisterCase (source MEASUREMENT)
//   SelfInspectionKeyPointsFailed  -> RegisterCase (source SELF_INSPECTION)
//   RecurringComplaintsDetected    -> RegisterCase (source COMPLAINT, or
//                                     LEX_SARAH / LEX_MARIA by category),
//                                     with the case id the event names
//
// Command ids are "policy:<policy>:<trigger>", the trigger being the
// triggering event's "<stream>@<version>"; case ids derive from the
// trigger (DerivedId) unless the event names one.
#ifndef ATGARD_SERVICES_DOMAIN_TRIGGER_POLICIES_H_
#define ATGARD_SERVICES_DOMAIN_TRIGGER_POLICIES_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "atgard/v1/events.pb.h"
#include "services/domain/policies.h"

namespace atgard::domain {

// The commands `event` calls for, `trigger` naming it; none for events
// these policies do not act on.
std::vector<PolicyCommand> TriggerPolicyCommandsFor(const std::string& trigger,
                                                    const v1::Event& event);

// The event types TriggerPolicyCommandsFor() acts on.
const std::vector<std::string>& TriggerPolicyEventTypes();

// The quality area in Swedish, as a case description names it ("Säker").
absl::string_view QualityAreaInSwedish(v1::QualityArea area);

}  // namespace atgard::domain

#endif  // ATGARD_SERVICES_DOMAIN_TRIGGER_POLICIES_H_
