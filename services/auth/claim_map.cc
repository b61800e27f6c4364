#include "services/auth/claim_map.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "eventstore/base/status_macros.h"
#include "services/auth/json_config.h"
#include "services/auth/principal_rules.h"
#include "services/common/files.h"

namespace atgard::auth {
namespace {

using json_config::Invalid;
using json_config::OnlyMembers;
using json_config::RequiredStringMember;
using json_config::StringMember;
using nlohmann::json;

// "tenant" or "provider_id": a literal or {"claim", "strip_prefix"}.
absl::Status SourceMember(const json& rule, const char* name,
                          absl::string_view where, ClaimMap::Source* out) {
  const json& value = rule[name];
  if (value.is_string()) return StringMember(rule, name, where, &out->literal);
  const std::string at = absl::StrCat(where, ".", name);
  if (!value.is_object()) {
    return Invalid(where, absl::StrCat("\"", name,
                                       "\" must be a string or {\"claim\": "
                                       "..., \"strip_prefix\": ...}"));
  }
  RETURN_IF_ERROR(OnlyMembers(value, {"claim", "strip_prefix"}, at));
  RETURN_IF_ERROR(RequiredStringMember(value, "claim", at, &out->claim));
  return StringMember(value, "strip_prefix", at, &out->strip_prefix);
}

// A value from the configuration (an issuer, a key id, a prefix), quoted in
// full: unlike token values it is trusted and operators need all of it to
// tell issuers apart.
std::string QuoteConfigured(absl::string_view value) {
  return absl::StrCat("\"", absl::CHexEscape(value), "\"");
}

// True if claim `value` is the string `wanted` or an array containing it.
bool Holds(const json& value, const std::string& wanted) {
  if (value.is_string()) return value.get_ref<const std::string&>() == wanted;
  if (!value.is_array()) return false;
  return std::any_of(value.begin(), value.end(), [&](const json& element) {
    return element.is_string() &&
           element.get_ref<const std::string&>() == wanted;
  });
}

absl::Status Refuse(const ClaimMap::Issuer& issuer, size_t rule,
                    absl::string_view what) {
  return absl::UnauthenticatedError(
      absl::StrCat("claim-map rules[", rule, "] of issuer ",
                   QuoteConfigured(issuer.issuer), " ", what));
}

// The value `source` gives for a token with `claims`.
absl::StatusOr<std::string> Resolve(const ClaimMap::Issuer& issuer, size_t rule,
                                    const char* field,
                                    const ClaimMap::Source& source,
                                    const json& claims) {
  if (source.claim.empty()) return source.literal;
  const auto it = claims.find(source.claim);
  if (it == claims.end() || !it->is_string()) {
    return Refuse(issuer, rule,
                  absl::StrCat("takes the ", field, " from the string claim ",
                               Quote(source.claim), ", which the token lacks"));
  }
  absl::string_view value = it->get_ref<const std::string&>();
  if (!absl::ConsumePrefix(&value, source.strip_prefix)) {
    return Refuse(
        issuer, rule,
        absl::StrCat("takes the ", field, " from claim ", Quote(source.claim),
                     ", whose value ", Quote(value), " does not start with ",
                     Quote(source.strip_prefix)));
  }
  return std::string(value);
}

}  // namespace

absl::StatusOr<std::unique_ptr<ClaimMap>> ClaimMap::Load(
    absl::string_view path, absl::string_view flag,
    absl::string_view own_issuer) {
  ASSIGN_OR_RETURN(const std::string text, ReadFileToString(path, flag));
  return Parse(text, absl::StrCat(flag, " ", path), own_issuer);
}

absl::StatusOr<std::unique_ptr<ClaimMap>> ClaimMap::Parse(
    absl::string_view text, absl::string_view source,
    absl::string_view own_issuer) {
  const json doc = json::parse(text.begin(), text.end(), nullptr,
                               /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Invalid(source, "not valid JSON");
  if (!doc.is_object() || !doc.contains("issuers") ||
      !doc["issuers"].is_array() || doc["issuers"].empty()) {
    return Invalid(source, "expected {\"issuers\": [...]} with an issuer");
  }
  RETURN_IF_ERROR(OnlyMembers(doc, {"issuers"}, source));

  auto map = std::unique_ptr<ClaimMap>(new ClaimMap());
  map->source_ = std::string(source);
  const json& issuers = doc["issuers"];
  for (size_t i = 0; i < issuers.size(); ++i) {
    const std::string where = absl::StrCat(source, ": issuers[", i, "]");
    const json& item = issuers[i];
    if (!item.is_object()) return Invalid(where, "not an object");
    RETURN_IF_ERROR(OnlyMembers(item,
                                {"issuer", "audience", "key_ids",
                                 "subject_prefix", "subject_claim", "rules"},
                                where));
    Issuer entry;
    RETURN_IF_ERROR(RequiredStringMember(item, "issuer", where, &entry.issuer));
    RETURN_IF_ERROR(StringMember(item, "audience", where, &entry.audience));
    RETURN_IF_ERROR(
        StringMember(item, "subject_claim", where, &entry.subject_claim));
    if (const auto it = item.find("key_ids"); it != item.end()) {
      if (!it->is_array() || it->empty() ||
          !std::all_of(it->begin(), it->end(), [](const json& k) {
            return k.is_string() && !k.get_ref<const std::string&>().empty();
          })) {
        return Invalid(where,
                       "\"key_ids\" must be a non-empty array of key ids");
      }
      for (const json& k : *it) entry.key_ids.push_back(k.get<std::string>());
    }
    // A key listed by two issuers could sign for both: the binding that
    // "key_ids" exists for would be void.
    for (const std::string& kid : entry.key_ids) {
      const auto owner = map->by_key_id_.find(kid);
      if (owner != map->by_key_id_.end() && owner->second != i) {
        return Invalid(where, absl::StrCat("key id ", QuoteConfigured(kid),
                                           " is already listed by issuers[",
                                           owner->second, "]"));
      }
      map->by_key_id_.emplace(kid, i);
    }
    RETURN_IF_ERROR(
        StringMember(item, "subject_prefix", where, &entry.subject_prefix));
    if (!entry.subject_prefix.empty()) {
      if (entry.subject_prefix.size() > kMaxSubjectPrefixBytes) {
        return Invalid(where, absl::StrCat("\"subject_prefix\" is longer than ",
                                           kMaxSubjectPrefixBytes, " bytes"));
      }
      domain::Principal probe;
      probe.subject = absl::StrCat(entry.subject_prefix, "subject");
      probe.role = v1::ROLE_FOLLOW_UP_OFFICER;
      probe.tenant = "0780";
      if (absl::Status s = CheckPrincipal(probe); !s.ok()) {
        return Invalid(where,
                       absl::StrCat("\"subject_prefix\": ", s.message()));
      }
      // "a:" and "a:b:" would give "a:b:x" for "b:x" of the one and "x"
      // of the other.
      for (size_t j = 0; j < map->issuers_.size(); ++j) {
        const std::string& other = map->issuers_[j].subject_prefix;
        if (other.empty()) continue;
        if (absl::StartsWith(entry.subject_prefix, other) ||
            absl::StartsWith(other, entry.subject_prefix)) {
          return Invalid(where,
                         absl::StrCat("\"subject_prefix\" ",
                                      QuoteConfigured(entry.subject_prefix),
                                      " and that of issuers[", j, "], ",
                                      QuoteConfigured(other),
                                      ", would let their subjects collide: "
                                      "neither may begin with the other"));
        }
      }
    }
    if (map->by_issuer_.contains(entry.issuer)) {
      return Invalid(where,
                     absl::StrCat("issuer ", QuoteConfigured(entry.issuer),
                                  " is listed twice"));
    }

    const auto rules = item.find("rules");
    if (rules == item.end() || !rules->is_array() || rules->empty()) {
      return Invalid(where, "\"rules\" must be a non-empty array");
    }
    for (size_t r = 0; r < rules->size(); ++r) {
      const std::string at = absl::StrCat(where, ".rules[", r, "]");
      const json& rule = (*rules)[r];
      if (!rule.is_object()) return Invalid(at, "not an object");
      RETURN_IF_ERROR(
          OnlyMembers(rule, {"when", "role", "tenant", "provider_id"}, at));
      Rule parsed;
      const auto when = rule.find("when");
      if (when == rule.end() || !when->is_object()) {
        return Invalid(at, "\"when\" must be {\"claim\": ..., \"value\": ...}");
      }
      const std::string when_at = absl::StrCat(at, ".when");
      RETURN_IF_ERROR(OnlyMembers(*when, {"claim", "value"}, when_at));
      RETURN_IF_ERROR(
          RequiredStringMember(*when, "claim", when_at, &parsed.claim));
      RETURN_IF_ERROR(
          RequiredStringMember(*when, "value", when_at, &parsed.value));

      std::string role;
      RETURN_IF_ERROR(RequiredStringMember(rule, "role", at, &role));
      absl::StatusOr<v1::Role> parsed_role = ParseExternalRole(role);
      if (!parsed_role.ok()) return Invalid(at, parsed_role.status().message());
      parsed.role = *parsed_role;
      if (!rule.contains("tenant")) {
        return Invalid(at, "\"tenant\" is required");
      }
      RETURN_IF_ERROR(SourceMember(rule, "tenant", at, &parsed.tenant));
      const bool provider = parsed.role == v1::ROLE_PROVIDER;
      if (provider != rule.contains("provider_id")) {
        return Invalid(at, provider ? "role PROVIDER needs \"provider_id\""
                                    : "\"provider_id\" is only for role "
                                      "PROVIDER");
      }
      if (provider) {
        RETURN_IF_ERROR(
            SourceMember(rule, "provider_id", at, &parsed.provider_id));
      }
      // Literals must already make a valid principal; stand-ins for the
      // values that come from the token.
      domain::Principal probe;
      probe.subject = "subject";
      probe.role = parsed.role;
      probe.tenant =
          parsed.tenant.claim.empty() ? parsed.tenant.literal : "0780";
      if (provider) {
        probe.provider_id = parsed.provider_id.claim.empty()
                                ? parsed.provider_id.literal
                                : "provider";
      }
      if (absl::Status s = CheckPrincipal(probe); !s.ok()) {
        return Invalid(at, s.message());
      }
      entry.rules.push_back(std::move(parsed));
    }
    map->by_issuer_.emplace(entry.issuer, map->issuers_.size());
    map->issuers_.push_back(std::move(entry));
  }
  RETURN_IF_ERROR(map->CheckKeyBinding(own_issuer));
  return map;
}

bool ClaimMap::BindsKeys(absl::string_view own_issuer) const {
  const bool own_is_another =
      !own_issuer.empty() && Find(own_issuer) == nullptr;
  return issuers_.size() + (own_is_another ? 1 : 0) > 1;
}

absl::Status ClaimMap::CheckKeyBinding(absl::string_view own_issuer) const {
  if (!BindsKeys(own_issuer)) return absl::OkStatus();
  for (size_t i = 0; i < issuers_.size(); ++i) {
    if (issuers_[i].key_ids.empty()) {
      return Invalid(
          absl::StrCat(source_, ": issuers[", i, "]"),
          absl::StrCat(
              "issuer ", QuoteConfigured(issuers_[i].issuer),
              " must list its signing keys in \"key_ids\": with several "
              "trusted issuers (",
              issuers_.size(), " in the map",
              own_issuer.empty() || Find(own_issuer) != nullptr
                  ? ""
                  : absl::StrCat(" and --jwt_issuer ",
                                 QuoteConfigured(own_issuer)),
              "), a key that is not bound to one issuer could sign tokens "
              "in the name of any"));
    }
  }
  return absl::OkStatus();
}

const ClaimMap::Issuer* ClaimMap::KeyOwner(absl::string_view kid) const {
  const auto it = by_key_id_.find(kid);
  return it == by_key_id_.end() ? nullptr : &issuers_[it->second];
}

const ClaimMap::Issuer* ClaimMap::Find(absl::string_view issuer) const {
  const auto it = by_issuer_.find(issuer);
  return it == by_issuer_.end() ? nullptr : &issuers_[it->second];
}

absl::StatusOr<domain::Principal> ClaimMap::Map(const Issuer& issuer,
                                                const json& claims) const {
  domain::Principal principal;
  const auto subject = claims.find(issuer.subject_claim);
  if (subject == claims.end() || !subject->is_string() ||
      subject->get_ref<const std::string&>().empty()) {
    return absl::UnauthenticatedError(absl::StrCat(
        "token has no string claim ", Quote(issuer.subject_claim),
        ", the subject for issuer ", QuoteConfigured(issuer.issuer)));
  }
  principal.subject = absl::StrCat(issuer.subject_prefix,
                                   subject->get_ref<const std::string&>());

  for (size_t r = 0; r < issuer.rules.size(); ++r) {
    const Rule& rule = issuer.rules[r];
    const auto it = claims.find(rule.claim);
    if (it == claims.end() || !Holds(*it, rule.value)) continue;
    // First match in table order decides; see the header.
    principal.role = rule.role;
    ASSIGN_OR_RETURN(principal.tenant,
                     Resolve(issuer, r, "tenant", rule.tenant, claims));
    if (rule.role == v1::ROLE_PROVIDER) {
      ASSIGN_OR_RETURN(
          principal.provider_id,
          Resolve(issuer, r, "provider id", rule.provider_id, claims));
    }
    if (absl::Status s = CheckPrincipal(principal); !s.ok()) {
      return Refuse(issuer, r,
                    absl::StrCat("gives an invalid principal: ", s.message()));
    }
    return principal;
  }

  std::vector<std::string> looked_at;
  for (const Rule& rule : issuer.rules) {
    if (std::find(looked_at.begin(), looked_at.end(), rule.claim) ==
        looked_at.end()) {
      looked_at.push_back(rule.claim);
    }
  }
  return absl::UnauthenticatedError(absl::StrCat(
      "no claim-map rule of issuer ", QuoteConfigured(issuer.issuer),
      " matches the token's ", absl::StrJoin(looked_at, ", ")));
}

}  // namespace atgard::auth
