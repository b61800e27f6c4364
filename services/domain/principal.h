// Who issues a command, as the authenticating layer established it, and
// when. The domain trusts these: a caller can never set them itself.
#ifndef ATGARD_SERVICES_DOMAIN_PRINCIPAL_H_
#define ATGARD_SERVICES_DOMAIN_PRINCIPAL_H_

#include <initializer_list>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "atgard/v1/types.pb.h"

namespace atgard::domain {

// An authenticated actor (behörig aktör).
struct Principal {
  // Stable subject: a user id, a certificate's name, "system".
  std::string subject;
  v1::Role role = v1::ROLE_UNSPECIFIED;
  // The tenant (kommunkod) the principal acts in; every stream it touches
  // belongs to this tenant.
  std::string tenant;
  // PROVIDER only: the provider it acts for.
  std::string provider_id;
  // CARE_DIRECTOR only, optional: the area (område) of the organisation
  // register the principal acts in. It narrows the director's areas to this
  // one and never widens them (organisation_decider.h).
  std::string area_id;
};

// The role's name as stored in event metadata, e.g. "FOLLOW_UP_OFFICER".
absl::string_view RoleName(v1::Role role);

// True if `role` is one of `roles`.
bool HasRole(const Principal& principal, std::initializer_list<v1::Role> roles);

// Everything a decider needs besides the command and the state: the
// principal, the instant of the command and its date in Europe/Stockholm.
// `today` is carried separately from `now` so that deciders never convert
// time zones themselves; MakeContext() derives it.
struct CommandContext {
  Principal principal;
  absl::Time now;
  absl::CivilDay today;
};

// A context for `principal` at `now`, with today's Stockholm date.
CommandContext MakeContext(Principal principal, absl::Time now);

}  // namespace atgard::domain

#endif  // ATGARD_SERVICES_DOMAIN_PRINCIPAL_H_
