#include "services/auth/principal_map.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "eventstore/base/status_macros.h"
#include "services/auth/json_config.h"
#include "services/auth/principal_rules.h"
#include "services/common/files.h"

namespace atgard::auth {
namespace {

using json_config::Invalid;
using json_config::OnlyMembers;
using json_config::StringMember;
using nlohmann::json;

std::string DescribeCertificate(const PeerCertificate& cert) {
  if (!cert.common_name.empty())
    return absl::StrCat("CN=", Quote(cert.common_name));
  if (!cert.uris.empty()) return absl::StrCat("URI=", Quote(cert.uris[0]));
  if (!cert.dns_names.empty())
    return absl::StrCat("DNS=", Quote(cert.dns_names[0]));
  return "without a name";
}

}  // namespace

absl::StatusOr<std::unique_ptr<PrincipalMap>> PrincipalMap::Load(
    absl::string_view path, absl::string_view flag) {
  ASSIGN_OR_RETURN(const std::string text, ReadFileToString(path, flag));
  return Parse(text, absl::StrCat(flag, " ", path));
}

absl::StatusOr<std::unique_ptr<PrincipalMap>> PrincipalMap::Parse(
    absl::string_view text, absl::string_view source) {
  const json doc = json::parse(text.begin(), text.end(), nullptr,
                               /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Invalid(source, "not valid JSON");
  if (!doc.is_object() || !doc.contains("principals") ||
      !doc["principals"].is_array()) {
    return Invalid(source, "expected {\"principals\": [...]}");
  }
  RETURN_IF_ERROR(OnlyMembers(doc, {"principals"}, source));

  auto map = std::unique_ptr<PrincipalMap>(new PrincipalMap());
  absl::flat_hash_set<std::string> conditions;
  const json& list = doc["principals"];
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string where = absl::StrCat(source, ": principals[", i, "]");
    const json& item = list[i];
    if (!item.is_object()) return Invalid(where, "not an object");
    RETURN_IF_ERROR(OnlyMembers(
        item, {"match", "subject", "role", "tenant", "provider_id"}, where));

    Entry entry;
    const auto match = item.find("match");
    if (match == item.end() || !match->is_object()) {
      return Invalid(where, "\"match\" must be an object");
    }
    const std::string match_where = absl::StrCat(where, ".match");
    RETURN_IF_ERROR(OnlyMembers(*match, {"common_name", "san_dns", "san_uri"},
                                match_where));
    RETURN_IF_ERROR(
        StringMember(*match, "common_name", match_where, &entry.common_name));
    RETURN_IF_ERROR(
        StringMember(*match, "san_dns", match_where, &entry.san_dns));
    RETURN_IF_ERROR(
        StringMember(*match, "san_uri", match_where, &entry.san_uri));
    absl::AsciiStrToLower(&entry.san_dns);
    if (entry.common_name.empty() && entry.san_dns.empty() &&
        entry.san_uri.empty()) {
      return Invalid(match_where,
                     "needs at least one of common_name, san_dns, san_uri");
    }
    // NUL cannot occur in JSON strings we accepted as names, so it separates.
    const std::string key =
        absl::StrCat(entry.common_name, std::string(1, '\0'), entry.san_dns,
                     std::string(1, '\0'), entry.san_uri);
    if (!conditions.insert(key).second) {
      return Invalid(match_where,
                     "the same conditions as an earlier entry; a certificate "
                     "must map to one principal");
    }

    std::string role;
    RETURN_IF_ERROR(
        StringMember(item, "subject", where, &entry.principal.subject));
    RETURN_IF_ERROR(
        StringMember(item, "tenant", where, &entry.principal.tenant));
    RETURN_IF_ERROR(StringMember(item, "role", where, &role));
    RETURN_IF_ERROR(
        StringMember(item, "provider_id", where, &entry.principal.provider_id));
    for (const char* required : {"subject", "role", "tenant"}) {
      if (!item.contains(required)) {
        return Invalid(where, absl::StrCat("\"", required, "\" is required"));
      }
    }
    absl::StatusOr<v1::Role> parsed = ParseExternalRole(role);
    if (!parsed.ok()) return Invalid(where, parsed.status().message());
    entry.principal.role = *parsed;
    if (absl::Status s = CheckPrincipal(entry.principal); !s.ok()) {
      return Invalid(where, s.message());
    }

    const size_t index = map->entries_.size();
    if (!entry.common_name.empty()) {
      map->by_common_name_[entry.common_name].push_back(index);
    } else if (!entry.san_uri.empty()) {
      map->by_san_uri_[entry.san_uri].push_back(index);
    } else {
      map->by_san_dns_[entry.san_dns].push_back(index);
    }
    map->entries_.push_back(std::move(entry));
  }
  return map;
}

bool PrincipalMap::Matches(const Entry& entry,
                           const PeerCertificate& cert) const {
  if (!entry.common_name.empty() && entry.common_name != cert.common_name) {
    return false;
  }
  if (!entry.san_uri.empty() && std::find(cert.uris.begin(), cert.uris.end(),
                                          entry.san_uri) == cert.uris.end()) {
    return false;
  }
  if (!entry.san_dns.empty() &&
      std::none_of(cert.dns_names.begin(), cert.dns_names.end(),
                   [&](const std::string& name) {
                     return absl::AsciiStrToLower(name) == entry.san_dns;
                   })) {
    return false;
  }
  return true;
}

absl::StatusOr<domain::Principal> PrincipalMap::Lookup(
    const PeerCertificate& cert) const {
  std::vector<size_t> candidates;
  auto add =
      [&](const absl::flat_hash_map<std::string, std::vector<size_t>>& index,
          const std::string& name) {
        if (const auto it = index.find(name); it != index.end()) {
          candidates.insert(candidates.end(), it->second.begin(),
                            it->second.end());
        }
      };
  if (!cert.common_name.empty()) add(by_common_name_, cert.common_name);
  for (const std::string& uri : cert.uris) add(by_san_uri_, uri);
  for (const std::string& dns : cert.dns_names) {
    add(by_san_dns_, absl::AsciiStrToLower(dns));
  }
  // A certificate may name the same DNS or URI twice.
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()),
                   candidates.end());

  std::vector<size_t> matched;
  for (size_t i : candidates) {
    if (Matches(entries_[i], cert)) matched.push_back(i);
  }
  if (matched.size() == 1) return entries_[matched[0]].principal;
  if (matched.empty()) {
    return absl::UnauthenticatedError(
        absl::StrCat("client certificate ", DescribeCertificate(cert),
                     " is not mapped to a principal"));
  }
  return absl::UnauthenticatedError(
      absl::StrCat("client certificate ", DescribeCertificate(cert),
                   " matches several principals (",
                   absl::StrJoin(matched, ", ",
                                 [](std::string* out, size_t i) {
                                   absl::StrAppend(out, "principals[", i, "]");
                                 }),
                   "); the mapping must be made unambiguous"));
}

}  // namespace atgard::auth
