// One entry point to every aggregate's decider, for the layer that loads
// state and appends events:
//
//   1. Route(command)               -> which aggregate (stream) it targets
//   2. fold the stream with Evolve  -> its state
//   3. ReferencesOf(command, state) -> other aggregates it must consult
//   4. fold those into References
//   5. Decide(...)                  -> events to append (none for a repeat)
//
// and DueDeadlines(state, today) for the deadline scheduler. Everything
// here is pure.
#ifndef ATGARD_SERVICES_DOMAIN_DECIDER_H_
#define ATGARD_SERVICES_DOMAIN_DECIDER_H_

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "services/domain/streams.h"

// Declared only: the generated messages and the aggregates' states are
// heavy, and most includers need only some of them. Holding an
// AggregateState or filling References takes aggregate_states.h; reading a
// command or an event, the generated header.
namespace atgard::v1 {
class Command;
class Event;
}  // namespace atgard::v1

namespace atgard::domain {

struct CommandContext;
struct ProviderState;
struct ContractState;
struct CaseState;
struct IndicatorSeriesState;
struct CarePlanState;
struct PolicySettingsState;
struct UnitResultsState;
struct SelfInspectionState;
struct ComplaintsState;
struct OrganisationState;
struct FollowUpPlanState;
struct References;

using AggregateState =
    std::variant<ProviderState, ContractState, CaseState, IndicatorSeriesState,
                 CarePlanState, PolicySettingsState, UnitResultsState,
                 SelfInspectionState, ComplaintsState, OrganisationState,
                 FollowUpPlanState>;

// The aggregate a command targets. INVALID_ARGUMENT naming the field if
// the ids it is routed by are missing or malformed (they become part of a
// stream id, so they are checked before anything is read).
[[nodiscard]] absl::StatusOr<AggregateRef> Route(const v1::Command& command);

// The empty state of an aggregate kind.
AggregateState InitialState(AggregateKind kind);

// Applies one event of the aggregate's stream.
void Evolve(AggregateState& state, const v1::Event& event);

// Whether the aggregate has any event (has been created).
bool Exists(const AggregateState& state);

// Other aggregates a command must consult, by id within the tenant.
struct ReferenceKeys {
  std::optional<std::string> provider_id;
  std::optional<std::string> contract_id;
  std::vector<std::string> case_ids;
  // The tenant's policy settings (policy_settings.h).
  bool policy_settings = false;
  // The tenant's organisation register (kOrganisationId), which scopes a
  // CARE_DIRECTOR's case commands.
  bool organisation = false;
  // Every provider of the tenant (adopting a follow-up plan).
  bool all_providers = false;
  // The follow-up plan of this year (an analysis team counts against it).
  std::optional<int> follow_up_plan_year;
};
ReferenceKeys ReferencesOf(const v1::Command& command);
// ReferencesOf(command), and the aggregates that the target's own state
// names: the case a complaints aggregate opened last for a category it
// counts, to see whether that case is still open.
ReferenceKeys ReferencesOf(const v1::Command& command,
                           const AggregateState& state);

// Their folded states, as loaded: References, in aggregate_states.h.

// Decides `command` against the state of the aggregate Route() named.
// See each aggregate's decider for the errors.
[[nodiscard]] absl::StatusOr<std::vector<v1::Event>> Decide(
    const v1::Command& command, const AggregateState& state,
    const CommandContext& context, const References& references);

// The deadline events due for the aggregate on `today`.
std::vector<v1::Event> DueDeadlines(const AggregateState& state,
                                    absl::CivilDay today);

// The stored event type: the name of the event's message, e.g.
// "CaseRegistered". Empty for an event with nothing set.
std::string EventType(const v1::Event& event);

}  // namespace atgard::domain

#endif  // ATGARD_SERVICES_DOMAIN_DECIDER_H_
