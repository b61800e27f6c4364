// The state of every kind of aggregate, complete: what a caller of
// decider.h needs to hold an AggregateState or to fill References. Plain
// values, safe to copy; not synchronised.
#ifndef ATGARD_SERVICES_DOMAIN_AGGREGATE_STATES_H_
#define ATGARD_SERVICES_DOMAIN_AGGREGATE_STATES_H_

#include <map>
#include <optional>
#include <string>

#include "services/domain/care_plan_decider.h"
#include "services/domain/case_decider.h"
#include "services/domain/complaints_decider.h"
#include "services/domain/contract_decider.h"
#include "services/domain/decider.h"
#include "services/domain/follow_up_plan_decider.h"
#include "services/domain/measurement_decider.h"
#include "services/domain/organisation_decider.h"
#include "services/domain/policy_settings.h"
#include "services/domain/provider_decider.h"
#include "services/domain/self_inspection_decider.h"
#include "services/domain/unit_results_decider.h"

namespace atgard::domain {

// The folded states of the aggregates a command must consult
// (ReferencesOf), as loaded: absent if the stream has no events.
struct References {
  std::optional<ProviderState> provider;
  std::optional<ContractState> contract;
  std::map<std::string, CaseState> cases;
  std::optional<PolicySettingsState> policy_settings;
  // The tenant's register of areas, for every case command.
  std::optional<OrganisationState> organisation;
  // Every provider of the tenant, by id (ReferenceKeys::all_providers).
  std::map<std::string, ProviderState> providers;
  // The follow-up plan of ReferenceKeys::follow_up_plan_year.
  std::optional<FollowUpPlanState> follow_up_plan;
};

}  // namespace atgard::domain

#endif  // ATGARD_SERVICES_DOMAIN_AGGREGATE_STATES_H_
