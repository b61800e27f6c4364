// A private provider's contract (avtal) with its own sanction ladder:
// state and decider. A terminated or expired contract accepts nothing more.
//
// Pure: no storage, no clock, no logging.
#ifndef ATGARD_SERVICES_DOMAIN_CONTRACT_DECIDER_H_
#define ATGARD_SERVICES_DOMAIN_CONTRACT_DECIDER_H_

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

struct CaseState;
struct ProviderState;

struct ContractState {
  enum class Status { kNone, kActive, kTerminated, kExpired };
  Status status = Status::kNone;
  std::string contract_id;
  v1::ContractTerms terms;
  // The current end date, moved by extensions.
  absl::CivilDay ends_on;
  std::vector<v1::ContractExtended> extensions;
  std::optional<v1::ContractNotExtended> not_extended;
  std::map<std::string, v1::SanctionImposed> sanctions;
  std::optional<v1::ContractTerminated> termination;
  std::optional<v1::ContractExpired> expiry;

  bool exists() const { return status != Status::kNone; }
  const std::string& provider_id() const { return terms.provider_id(); }
};

// What the contract decider needs to know about other aggregates.
struct ContractReferences {
  // RegisterContract: the provider in the terms.
  const ProviderState* provider = nullptr;
  // ImposeSanction, TerminateContract: the referenced cases, by id.
  std::map<std::string, const CaseState*> cases;
};

void EvolveContract(ContractState& state, const v1::Event& event);

// Decides RegisterContract, ExtendContract, DeclineContractExtension,
// ImposeSanction and TerminateContract. Errors as in case_decider.h; a
// terminated or expired contract refuses every command with
// FAILED_PRECONDITION, except an exact repeat of its termination.
[[nodiscard]] absl::StatusOr<std::vector<v1::Event>> DecideContract(
    const v1::Command& command, const ContractState& state,
    const CommandContext& context, const ContractReferences& references);

// ContractExpired when `today` is past the end date of an active contract.
std::vector<v1::Event> DueContractDeadlines(const ContractState& state,
                                            absl::CivilDay today);

}  // namespace atgard::domain

#endif  // ATGARD_SERVICES_DOMAIN_CONTRACT_DECIDER_H_
