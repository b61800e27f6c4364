// Reading the JSON configuration files of authentication (the principal
// map, the claim map) strictly: unknown members and wrongly typed values
// are errors that name where in the file they are, e.g.
// `--mtls_principals /etc/atgard/principals.json: principals[2]: "role" is
// required`.
//
// Thread-safe: free functions without state.
#ifndef ATGARD_SERVICES_AUTH_JSON_CONFIG_H_
#define ATGARD_SERVICES_AUTH_JSON_CONFIG_H_

#include <initializer_list>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace atgard::auth::json_config {

// INVALID_ARGUMENT "<where>: <what>".
absl::Status Invalid(absl::string_view where, absl::string_view what);

// OK if every member of `object` is one of `allowed`; INVALID_ARGUMENT
// naming the first other member and the allowed ones otherwise.
absl::Status OnlyMembers(const nlohmann::json& object,
                         std::initializer_list<absl::string_view> allowed,
                         absl::string_view where);

// The string member `name` of `object` into *out; if it is absent, *out is
// left as it is. INVALID_ARGUMENT if it is present but not a non-empty
// string.
absl::Status StringMember(const nlohmann::json& object, const char* name,
                          absl::string_view where, std::string* out);

// As StringMember, and INVALID_ARGUMENT if it is absent.
absl::Status RequiredStringMember(const nlohmann::json& object,
                                  const char* name, absl::string_view where,
                                  std::string* out);

}  // namespace atgard::auth::json_config

#endif  // ATGARD_SERVICES_AUTH_JSON_CONFIG_H_
