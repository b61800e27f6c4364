// Automatic policies: pure functions from one event to the commands it
// calls for. The process manager that runs them on the subscription
// issues each command as SYSTEM with the command id given here, derived
// from the triggering event, so running a policy twice on the same event is
// harmless (the store deduplicates the command id; the decider sees a
// repeat).
//
//   IndicatorRedTwoYearsRunning  -> RegisterCase (source MEASUREMENT)
//   BaseRequirementNotMet        -> RegisterCase (source BASE_REQUIREMENT)
//   ContractTerminated           -> CloseCase (CONTRACT_TERMINATED) for each
//                                   referenced case
//   and those of the trigger aggregates (trigger_policies.h): low goal
//   fulfilment, self-inspection, recurring complaints
//   ProviderRegistered,
//   UnitRegistered               -> AddFollowUpPlanSubject to the plan of
//                                   the registration's year (none for
//                                   events without registered_on)
//   MeasurementRecorded (red,
//     basic hygiene)             -> AddTriggeredFollowUp (hygiene round)
//   CaseRegistered (Lex Sarah)   -> AddTriggeredFollowUp (Lex Sarah
//                                   follow-up)
//   FollowUpActivityRecorded     -> RecordPlannedFollowUpFulfilment to the
//                                   plans of the activity's year and the
//                                   year before
// A plan command for a year without a plan is refused (NOT_FOUND), which
// the runner logs and passes over.
#ifndef ATGARD_SERVICES_DOMAIN_POLICIES_H_
#define ATGARD_SERVICES_DOMAIN_POLICIES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "atgard/v1/commands.pb.h"
#include "atgard/v1/events.pb.h"

namespace atgard::domain {

struct PolicyCommand {
  // Idempotency key: "policy:<policy>:<stream>@<version>[:<target>]".
  std::string command_id;
  v1::Command command;
};

// The commands `event` (at `stream_version` of `stream_id`) calls for;
// none for events no policy acts on.
std::vector<PolicyCommand> PolicyCommandsFor(absl::string_view stream_id,
                                             uint64_t stream_version,
                                             const v1::Event& event);

// The event types some policy acts on (the runner's filter).
const std::vector<std::string>& PolicyEventTypes();

// A stable, valid aggregate id derived from `seed` ("auto-" + 16 hex
// digits of FNV-1a): the same seed always gives the same id.
std::string DerivedId(absl::string_view seed);

}  // namespace atgard::domain

#endif  // ATGARD_SERVICES_DOMAIN_POLICIES_H_
