#include "services/auth/json_config.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/auth/principal_rules.h"

namespace atgard::auth::json_config {

absl::Status Invalid(absl::string_view where, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", what));
}

absl::Status OnlyMembers(const nlohmann::json& object,
                         std::initializer_list<absl::string_view> allowed,
                         absl::string_view where) {
  for (const auto& member : object.items()) {
    const std::string& name = member.key();
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return Invalid(where, absl::StrCat("unknown member ", Quote(name),
                                         "; expected one of ",
                                         absl::StrJoin(allowed, ", ")));
    }
  }
  return absl::OkStatus();
}

absl::Status StringMember(const nlohmann::json& object, const char* name,
                          absl::string_view where, std::string* out) {
  const auto it = object.find(name);
  if (it == object.end()) return absl::OkStatus();
  if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
    return Invalid(where,
                   absl::StrCat("\"", name, "\" must be a non-empty string"));
  }
  *out = it->get<std::string>();
  return absl::OkStatus();
}

absl::Status RequiredStringMember(const nlohmann::json& object,
                                  const char* name, absl::string_view where,
                                  std::string* out) {
  if (!object.contains(name)) {
    return Invalid(where, absl::StrCat("\"", name, "\" is required"));
  }
  return StringMember(object, name, where, out);
}

}  // namespace atgard::auth::json_config
