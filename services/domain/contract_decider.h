// A private provider's contract (avtal) with its own sanction ladder and
// requirements (krav): state and decider. A terminated or expired contract
// accepts nothing more.
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

// What was decided about one failed case under the contract: the
// sanctions that rest on it, and a decision not to sanction it. A case with
// neither is a sanction possibility left to erode.
struct CaseSanctionDecisions {
  // The ids of the sanctions (SanctionImposed) naming the case, in order.
  std::vector<std::string> sanction_ids;
  std::optional<v1::NoSanctionDecided> no_sanction;
};

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
  // Per case id named by a sanction or a no-sanction decision.
  std::map<std::string, CaseSanctionDecisions> case_decisions;
  std::optional<v1::ContractTerminated> termination;
  std::optional<v1::ContractExpired> expiry;

  bool exists() const { return status != Status::kNone; }
  const std::string& provider_id() const { return terms.provider_id(); }
};

// What the contract decider needs to know about other aggregates.
struct ContractReferences {
  // RegisterContract: the provider in the terms.
  const ProviderState* provider = nullptr;
  // ImposeSanction, TerminateContract, DecideNoSanction: the referenced
  // cases, by id.
  std::map<std::string, const CaseState*> cases;
};

void EvolveContract(ContractState& state, const v1::Event& event);

// Decides RegisterContract, ExtendContract, DeclineContractExtension,
// ImposeSanction, TerminateContract and DecideNoSanction. Errors as in
// case_decider.h; a terminated or expired contract refuses every command
// with FAILED_PRECONDITION, except an exact repeat of its termination.
//
// ImposeSanction also refuses: with INVALID_ARGUMENT "requirement_ids"
// when the contract lists requirements and none is named, or one is named
// twice; NOT_FOUND "requirement_ids[i]" for an id the contract does not
// list; FAILED_PRECONDITION "requirement_ids" when the contract lists none;
// FAILED_PRECONDITION "rung_skip_justification" when a rung below the
// sanction has not been used on the contract and no justification is
// given.
//
// DecideNoSanction refuses: NOT_FOUND "failed_case_id" for an unknown
// case; FAILED_PRECONDITION "failed_case_id" for a case of another
// provider, one that has not failed, or one a sanction already rests on;
// ALREADY_EXISTS "failed_case_id" when another no-sanction decision is
// recorded for the case (an exact repeat yields no events).
[[nodiscard]] absl::StatusOr<std::vector<v1::Event>> DecideContract(
    const v1::Command& command, const ContractState& state,
    const CommandContext& context, const ContractReferences& references);

// ContractExpired when `today` is past the end date of an active contract.
std::vector<v1::Event> DueContractDeadlines(const ContractState& state,
                                            absl::CivilDay today);

}  // namespace atgard::domain

#endif  // ATGARD_SERVICES_DOMAIN_CONTRACT_DECIDER_H_
