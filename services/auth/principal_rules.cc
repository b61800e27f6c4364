#include "services/auth/principal_rules.h"

#include <cstdint>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "services/domain/validation.h"

namespace atgard::auth {
namespace {

constexpr absl::string_view kRolePrefix = "ROLE_";

bool IsExternal(v1::Role role) {
  return role != v1::ROLE_UNSPECIFIED && role != v1::ROLE_SYSTEM;
}

// The accepted names, read from the enum so that a new role needs no change
// here.
std::string AcceptedRoleNames() {
  std::vector<std::string> names;
  const google::protobuf::EnumDescriptor* d = v1::Role_descriptor();
  for (int i = 0; i < d->value_count(); ++i) {
    const auto role = static_cast<v1::Role>(d->value(i)->number());
    if (IsExternal(role)) names.push_back(ExternalRoleName(role));
  }
  return absl::StrJoin(names, ", ");
}

// Valid UTF-8 without control characters: subjects and provider ids end
// up in log lines and event metadata, where neither may do harm.
bool IsCleanText(absl::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<uint8_t>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f) return false;
      ++i;
      continue;
    }
    // Lead byte: length and the range of the first continuation byte, which
    // excludes overlong forms, surrogates and values above U+10FFFF.
    size_t length = 0;
    uint8_t low = 0x80;
    uint8_t high = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      length = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      length = 3;
      if (c == 0xe0) low = 0xa0;
      if (c == 0xed) high = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      length = 4;
      if (c == 0xf0) low = 0x90;
      if (c == 0xf4) high = 0x8f;
    } else {
      return false;
    }
    if (i + length > s.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      const auto d = static_cast<uint8_t>(s[i + k]);
      if (d < (k == 1 ? low : 0x80) || d > (k == 1 ? high : 0xbf)) return false;
    }
    // U+0080..U+009F are control characters too.
    if (c == 0xc2 && static_cast<uint8_t>(s[i + 1]) < 0xa0) return false;
    i += length;
  }
  return true;
}

}  // namespace

std::string Quote(absl::string_view value) {
  constexpr size_t kMax = 64;
  const bool cut = value.size() > kMax;
  if (cut) value = value.substr(0, kMax);
  return absl::StrCat("\"", absl::CHexEscape(value), cut ? "...\"" : "\"");
}

absl::StatusOr<v1::Role> ParseExternalRole(absl::string_view name) {
  v1::Role role = v1::ROLE_UNSPECIFIED;
  // Role_Parse would also take "ROLE_..." spelled out and numbers never;
  // only the bare upper-case name is a role here.
  if (!name.empty() && !absl::StartsWith(name, kRolePrefix) &&
      v1::Role_Parse(absl::StrCat(kRolePrefix, name), &role) &&
      IsExternal(role)) {
    return role;
  }
  if (role == v1::ROLE_SYSTEM) {
    return absl::InvalidArgumentError(
        "role \"SYSTEM\" is reserved for the server itself and cannot be "
        "asserted by a client");
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "role ", Quote(name), " is not one of ", AcceptedRoleNames()));
}

std::string ExternalRoleName(v1::Role role) {
  const std::string& full = v1::Role_Name(role);
  absl::string_view view(full);
  if (absl::StartsWith(view, kRolePrefix))
    view.remove_prefix(kRolePrefix.size());
  return std::string(view);
}

absl::Status CheckPrincipal(const domain::Principal& p) {
  if (p.subject.empty()) {
    return absl::InvalidArgumentError("subject is empty");
  }
  if (p.subject.size() > kMaxSubjectBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("subject is longer than ", kMaxSubjectBytes, " bytes"));
  }
  if (!IsCleanText(p.subject)) {
    return absl::InvalidArgumentError(
        "subject must be UTF-8 text without control characters");
  }
  if (absl::Status s = domain::CheckTenant("tenant", p.tenant); !s.ok()) {
    // The domain's message ("tenant: <rule>") never repeats the value; the
    // one who configured or sent it is told what it was.
    return absl::InvalidArgumentError(absl::StrCat(
        "tenant ", Quote(p.tenant),
        " is not a kommunkod: ", absl::StripPrefix(s.message(), "tenant: ")));
  }
  if (!IsExternal(p.role)) {
    return ParseExternalRole(ExternalRoleName(p.role)).status();
  }
  if (p.role == v1::ROLE_PROVIDER) {
    if (p.provider_id.empty()) {
      return absl::InvalidArgumentError(
          "provider_id is required for role PROVIDER");
    }
    if (p.provider_id.size() > domain::kMaxIdBytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          "provider_id is longer than ", domain::kMaxIdBytes, " bytes"));
    }
    if (!IsCleanText(p.provider_id)) {
      return absl::InvalidArgumentError(
          "provider_id must be UTF-8 text without control characters");
    }
  } else if (!p.provider_id.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("provider_id is only for role PROVIDER, not ",
                     ExternalRoleName(p.role)));
  }
  if (!p.area_id.empty()) {
    if (p.role != v1::ROLE_CARE_DIRECTOR) {
      return absl::InvalidArgumentError(
          absl::StrCat("area is only for role CARE_DIRECTOR, not ",
                       ExternalRoleName(p.role)));
    }
    if (p.area_id.size() > domain::kMaxIdBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("area is longer than ", domain::kMaxIdBytes, " bytes"));
    }
    if (!IsCleanText(p.area_id)) {
      return absl::InvalidArgumentError(
          "area must be UTF-8 text without control characters");
    }
  }
  return absl::OkStatus();
}

}  // namespace atgard::auth
