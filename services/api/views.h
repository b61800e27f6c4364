// Aggregate states as the API's read views (views.proto).
#ifndef ATGARD_SERVICES_API_VIEWS_H_
#define ATGARD_SERVICES_API_VIEWS_H_

#include <cstdint>

#include "atgard/v1/views.pb.h"
#include "services/domain/case_decider.h"
#include "services/domain/contract_decider.h"
#include "services/domain/provider_decider.h"

namespace atgard::api {

v1::CaseView CaseViewOf(const domain::CaseState& state, uint64_t version);
v1::ProviderView ProviderViewOf(const domain::ProviderState& state,
                                uint64_t version);
v1::ContractView ContractViewOf(const domain::ContractState& state,
                                uint64_t version);

}  // namespace atgard::api

#endif  // ATGARD_SERVICES_API_VIEWS_H_
