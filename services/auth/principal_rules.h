// The rules every externally asserted principal obeys, whether it arrives in
// a bearer token, a client-certificate mapping or a development token: a
// subject, a tenant that is a kommunkod of an existing county (the domain's
// rule, domain::CheckTenant), a role a person or a calling system may hold,
// and a provider id exactly when the role is PROVIDER.
//
// Thread-safe: free functions without state.
#ifndef ATGARD_SERVICES_AUTH_PRINCIPAL_RULES_H_
#define ATGARD_SERVICES_AUTH_PRINCIPAL_RULES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "atgard/v1/types.pb.h"
#include "services/domain/principal.h"

namespace atgard::auth {

// The upper bound that keeps a subject fit for log lines and event metadata.
// A provider id is an aggregate id: at most domain::kMaxIdBytes.
inline constexpr size_t kMaxSubjectBytes = 256;

// Parses a role as written in tokens and configuration: the name of an
// atgard.v1.Role value without the "ROLE_" prefix, e.g. "FOLLOW_UP_OFFICER"
// (exact case). UNSPECIFIED and SYSTEM are refused: SYSTEM is the server's
// own scheduler and can never be asserted from outside.
// INVALID_ARGUMENT with a message that lists the accepted names otherwise.
[[nodiscard]] absl::StatusOr<v1::Role> ParseExternalRole(
    absl::string_view name);

// "FOLLOW_UP_OFFICER" for ROLE_FOLLOW_UP_OFFICER: the inverse of
// ParseExternalRole (also for roles it refuses).
std::string ExternalRoleName(v1::Role role);

// Checks a complete principal: non-empty subject of at most
// kMaxSubjectBytes, a tenant domain::CheckTenant accepts (a kommunkod of an
// existing county), a role ParseExternalRole accepts, and a non-empty
// provider id of at most domain::kMaxIdBytes if and only if the role is
// PROVIDER; an area (optional) only for CARE_DIRECTOR, of at most
// domain::kMaxIdBytes. Subject, provider id and area must be UTF-8
// without control characters. INVALID_ARGUMENT naming the field
// ("subject", "tenant", "role", "provider_id", "area") otherwise. Values from
// the caller are quoted in messages only after Quote().
[[nodiscard]] absl::Status CheckPrincipal(const domain::Principal& principal);

// `value` in double quotes for an error message, with control and non-ASCII
// bytes escaped and anything beyond 64 bytes cut off ("..."), so that
// whatever a client sends cannot forge log lines or flood them.
std::string Quote(absl::string_view value);

}  // namespace atgard::auth

#endif  // ATGARD_SERVICES_AUTH_PRINCIPAL_RULES_H_
