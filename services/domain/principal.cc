#include "services/domain/principal.h"

#include "services/domain/calendar.h"

namespace atgard::domain {

absl::string_view RoleName(v1::Role role) {
  constexpr absl::string_view kPrefix = "ROLE_";
  const std::string& name = v1::Role_Name(role);
  absl::string_view view(name);
  if (view.substr(0, kPrefix.size()) == kPrefix)
    view.remove_prefix(kPrefix.size());
  return view;
}

bool HasRole(const Principal& principal,
             std::initializer_list<v1::Role> roles) {
  for (v1::Role r : roles) {
    if (principal.role == r) return true;
  }
  return false;
}

CommandContext MakeContext(Principal principal, absl::Time now) {
  return CommandContext{.principal = std::move(principal),
                        .now = now,
                        .today = StockholmDay(now)};
}

}  // namespace atgard::domain
