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

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "atgard/v1/commands.pb.h"
#include "atgard/v1/events.pb.h"
#include "services/domain/care_plan_decider.h"
#include "services/domain/case_decider.h"
#include "services/domain/contract_decider.h"
#include "services/domain/measurement_decider.h"
#include "services/domain/principal.h"
#include "services/domain/provider_decider.h"
#include "services/domain/streams.h"

namespace atgard::domain {

using AggregateState = std::variant<ProviderState, ContractState, CaseState,
                                    IndicatorSeriesState, CarePlanState>;

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
};
ReferenceKeys ReferencesOf(const v1::Command& command);

// Their folded states, as loaded (absent if the stream has no events).
struct References {
  std::optional<ProviderState> provider;
  std::optional<ContractState> contract;
  std::map<std::string, CaseState> cases;
};

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
