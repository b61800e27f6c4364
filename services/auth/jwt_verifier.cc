#include "services/auth/jwt_verifier.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "eventstore/base/status_macros.h"
#include "services/auth/claim_map.h"
#include "services/auth/jws.h"
#include "services/auth/principal_rules.h"

namespace atgard::auth {
namespace {

using nlohmann::json;

absl::Status Refuse(absl::string_view message) {
  return absl::UnauthenticatedError(message);
}

std::string FormatInstant(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

// Decodes a base64url JSON object; null if it is not one.
json DecodeObject(absl::string_view part) {
  std::string text;
  if (!Base64UrlDecode(part, &text)) return json(json::value_t::discarded);
  json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!value.is_object()) return json(json::value_t::discarded);
  return value;
}

// A NumericDate (RFC 7519): seconds since the epoch, integer or not.
// Values outside [-kMaxNumericDate, kMaxNumericDate] are refused rather
// than saturated: absl::Seconds(1e300) is an infinite duration, and a
// token whose "exp" is infinite would never expire.
constexpr double kMaxNumericDate = 1e11;  // about the year 5138

bool ToTime(const json& value, absl::Time* t) {
  if (value.is_number_unsigned()) {
    const uint64_t s = value.get<uint64_t>();
    if (s > static_cast<uint64_t>(kMaxNumericDate)) return false;
    *t = absl::FromUnixSeconds(static_cast<int64_t>(s));
    return true;
  }
  if (value.is_number_integer()) {
    const int64_t s = value.get<int64_t>();
    if (s < -static_cast<int64_t>(kMaxNumericDate) ||
        s > static_cast<int64_t>(kMaxNumericDate)) {
      return false;
    }
    *t = absl::FromUnixSeconds(s);
    return true;
  }
  if (value.is_number_float()) {
    const double seconds = value.get<double>();
    // NaN fails both comparisons.
    if (!(seconds >= -kMaxNumericDate && seconds <= kMaxNumericDate)) {
      return false;
    }
    *t = absl::UnixEpoch() + absl::Seconds(seconds);
    return true;
  }
  return false;
}

// The time claim `name` into *t; *present says whether it was there.
absl::Status TimeClaim(const json& claims, const char* name, absl::Time* t,
                       bool* present) {
  const auto it = claims.find(name);
  *present = it != claims.end();
  if (*present && !ToTime(*it, t)) {
    return Refuse(absl::StrCat("token claim \"", name,
                               "\" must be a number (seconds since 1970) "
                               "of at most 1e11, the year 5138"));
  }
  return absl::OkStatus();
}

// A string claim; "" if absent. Present but not a string is an error.
absl::Status StringClaim(const json& claims, const char* name,
                         std::string* out) {
  const auto it = claims.find(name);
  if (it == claims.end()) {
    out->clear();
    return absl::OkStatus();
  }
  if (!it->is_string()) {
    return Refuse(absl::StrCat("token claim \"", name, "\" must be a string"));
  }
  *out = it->get<std::string>();
  return absl::OkStatus();
}

absl::Status RequiredStringClaim(const json& claims, const char* name,
                                 std::string* out) {
  if (!claims.contains(name)) {
    return Refuse(absl::StrCat("token has no \"", name, "\" claim"));
  }
  return StringClaim(claims, name, out);
}

absl::Status CheckAudience(const json& claims, const std::string& audience) {
  const auto it = claims.find("aud");
  if (it == claims.end()) return Refuse("token has no \"aud\" claim");
  bool found = false;
  if (it->is_string()) {
    found = it->get_ref<const std::string&>() == audience;
  } else if (it->is_array()) {
    for (const json& a : *it) {
      if (!a.is_string()) {
        return Refuse("token claim \"aud\" must be a string or strings");
      }
      found = found || a.get_ref<const std::string&>() == audience;
    }
  } else {
    return Refuse("token claim \"aud\" must be a string or strings");
  }
  if (!found) {
    return Refuse(absl::StrCat("audience does not include ", Quote(audience)));
  }
  return absl::OkStatus();
}

// The principal of a token with atgard's own claim names.
absl::Status OwnClaims(const json& claims, domain::Principal* principal) {
  std::string role;
  for (absl::Status s :
       {RequiredStringClaim(claims, "sub", &principal->subject),
        RequiredStringClaim(claims, "tenant", &principal->tenant),
        RequiredStringClaim(claims, "role", &role),
        StringClaim(claims, "provider_id", &principal->provider_id),
        StringClaim(claims, "area", &principal->area_id)}) {
    if (!s.ok()) return s;
  }
  absl::StatusOr<v1::Role> parsed = ParseExternalRole(role);
  if (!parsed.ok()) {
    return Refuse(absl::StrCat("token claims: ", parsed.status().message()));
  }
  principal->role = *parsed;
  if (absl::Status s = CheckPrincipal(*principal); !s.ok()) {
    return Refuse(absl::StrCat("token claims: ", s.message()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<JwtVerifier>> JwtVerifier::Create(
    JwtVerifierConfig config) {
  if (config.issuer.empty() && config.claim_map == nullptr) {
    return absl::InvalidArgumentError("the token issuer must not be empty");
  }
  if (config.audience.empty()) {
    return absl::InvalidArgumentError("the token audience must not be empty");
  }
  if (config.keys.empty()) {
    return absl::InvalidArgumentError("no token verification key is given");
  }
  absl::flat_hash_set<std::string> kids;
  for (const PublicKey& key : config.keys) {
    if (!key.kid().empty() && !kids.insert(key.kid()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("two verification keys have kid ", Quote(key.kid())));
    }
  }
  if (config.leeway < absl::ZeroDuration() ||
      config.leeway > absl::Minutes(10)) {
    return absl::InvalidArgumentError(
        "the token leeway must be between 0 and 10 minutes");
  }
  if (config.claim_map != nullptr) {
    RETURN_IF_ERROR(config.claim_map->CheckKeyBinding(config.issuer));
  }
  if (!config.clock) config.clock = [] { return absl::Now(); };
  return std::unique_ptr<JwtVerifier>(new JwtVerifier(std::move(config)));
}

JwtVerifier::JwtVerifier(JwtVerifierConfig config)
    : config_(std::move(config)),
      binds_keys_(config_.claim_map != nullptr &&
                  config_.claim_map->BindsKeys(config_.issuer)),
      cache_(config_.cache_capacity) {}

absl::StatusOr<domain::Principal> JwtVerifier::Verify(
    absl::string_view token) const {
  if (token.empty()) return Refuse("empty bearer token");
  if (token.size() > kMaxTokenBytes) {
    return Refuse(
        absl::StrCat("token is longer than ", kMaxTokenBytes, " bytes"));
  }
  const absl::Time now = config_.clock();
  const Sha256Digest digest = Sha256(token);
  domain::Principal principal;
  if (cache_.Lookup(digest, now, &principal)) return principal;
  absl::Time not_before;
  absl::Time expires;
  absl::StatusOr<domain::Principal> verified =
      VerifyUncached(token, now, &not_before, &expires);
  if (verified.ok()) cache_.Insert(digest, *verified, not_before, expires);
  return verified;
}

absl::StatusOr<domain::Principal> JwtVerifier::VerifyUncached(
    absl::string_view token, absl::Time now, absl::Time* not_before,
    absl::Time* expires) const {
  const std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) {
    return Refuse("token is not a compact JWS (header.payload.signature)");
  }

  // Header: which algorithm and which key.
  const json header = DecodeObject(parts[0]);
  if (header.is_discarded()) {
    return Refuse("token header is not a base64url JSON object");
  }
  const auto alg_it = header.find("alg");
  if (alg_it == header.end() || !alg_it->is_string()) {
    return Refuse("token header has no \"alg\"");
  }
  const std::string& alg = alg_it->get_ref<const std::string&>();
  KeyType type;
  if (alg == "RS256") {
    type = KeyType::kRsa;
  } else if (alg == "ES256") {
    type = KeyType::kEcP256;
  } else if (alg == "none") {
    return Refuse(
        "token is unsigned (alg \"none\"); only RS256 and ES256 are accepted");
  } else {
    return Refuse(absl::StrCat("token alg ", Quote(alg),
                               " is not accepted; only RS256 and ES256"));
  }
  // RFC 7515 4.1.11: extensions we do not understand make the token
  // unacceptable.
  if (header.contains("crit")) {
    return Refuse(
        "token header lists critical extensions (\"crit\"), which "
        "this server does not support");
  }
  std::string kid;
  if (const auto it = header.find("kid"); it != header.end()) {
    if (!it->is_string())
      return Refuse("token header \"kid\" must be a string");
    kid = it->get<std::string>();
  }

  std::vector<const PublicKey*> candidates;
  if (!kid.empty()) {
    for (const PublicKey& key : config_.keys) {
      if (key.kid() == kid) candidates.push_back(&key);
    }
    if (candidates.size() == 1 && candidates[0]->type() != type) {
      return Refuse(absl::StrCat("key ", Quote(kid), " is an ",
                                 KeyTypeName(candidates[0]->type()),
                                 " key and cannot verify ", alg));
    }
    if (candidates.empty()) {
      for (const PublicKey& key : config_.keys) {
        if (key.kid().empty() && key.type() == type) {
          candidates.push_back(&key);
        }
      }
      if (candidates.empty()) {
        return Refuse(absl::StrCat("unknown key id ", Quote(kid)));
      }
    }
  } else {
    for (const PublicKey& key : config_.keys) {
      if (key.type() == type) candidates.push_back(&key);
    }
    if (candidates.empty()) {
      return Refuse(absl::StrCat("no ", KeyTypeName(type),
                                 " key is trusted for ", alg, " tokens"));
    }
  }

  std::string signature;
  if (!Base64UrlDecode(parts[2], &signature)) {
    return Refuse("token signature is not base64url");
  }
  if (type == KeyType::kEcP256 && signature.size() != 64) {
    return Refuse(absl::StrCat("ES256 signature must be 64 bytes (r||s), not ",
                               signature.size()));
  }
  const absl::string_view signing_input =
      token.substr(0, parts[0].size() + 1 + parts[1].size());
  const auto verified_by = std::find_if(
      candidates.begin(), candidates.end(), [&](const PublicKey* k) {
        return VerifySignature(*k, signing_input, signature);
      });
  if (verified_by == candidates.end()) {
    return Refuse(kid.empty() ? std::string("token signature does not verify")
                              : absl::StrCat("token signature does not verify "
                                             "with key ",
                                             Quote(kid)));
  }

  // Claims: only now, with the signature known good, are they read.
  const json claims = DecodeObject(parts[1]);
  if (claims.is_discarded()) {
    return Refuse("token payload is not a base64url JSON object");
  }
  std::string issuer;
  if (absl::Status s = RequiredStringClaim(claims, "iss", &issuer); !s.ok()) {
    return s;
  }
  // A mapped issuer's tokens carry its own claims (claim_map.h).
  const ClaimMap::Issuer* mapped =
      config_.claim_map == nullptr ? nullptr : config_.claim_map->Find(issuer);
  // Without --jwt_issuer no token has atgard's own claims, not even one
  // with an empty "iss".
  if (mapped == nullptr &&
      (config_.issuer.empty() || issuer != config_.issuer)) {
    if (config_.claim_map == nullptr) {
      return Refuse(absl::StrCat("issuer ", Quote(issuer),
                                 " is not the trusted issuer ",
                                 Quote(config_.issuer)));
    }
    return Refuse(absl::StrCat("issuer ", Quote(issuer),
                               " is neither the configured issuer nor one "
                               "of the claim map's"));
  }
  // Keys are bound to issuers (claim_map.h): the key that verified the
  // signature must be one of this issuer's.
  const std::string& key_id = (*verified_by)->kid();
  if (mapped != nullptr) {
    if (binds_keys_ && kid.empty()) {
      return Refuse(absl::StrCat(
          "token of issuer ", Quote(issuer),
          " has no \"kid\": with several trusted issuers, its tokens must "
          "name one of its key_ids"));
    }
    if (!mapped->key_ids.empty() &&
        std::find(mapped->key_ids.begin(), mapped->key_ids.end(), key_id) ==
            mapped->key_ids.end()) {
      return Refuse(absl::StrCat("token of issuer ", Quote(issuer),
                                 " is signed by a key outside its key_ids"));
    }
  } else if (binds_keys_) {
    if (const ClaimMap::Issuer* owner = config_.claim_map->KeyOwner(key_id);
        owner != nullptr) {
      return Refuse(absl::StrCat("token of issuer ", Quote(issuer),
                                 " is signed by key ", Quote(key_id),
                                 ", which is in the key_ids of the claim "
                                 "map's issuer ",
                                 Quote(owner->issuer)));
    }
  }
  const std::string& audience = mapped != nullptr && !mapped->audience.empty()
                                    ? mapped->audience
                                    : config_.audience;
  if (absl::Status s = CheckAudience(claims, audience); !s.ok()) {
    return s;
  }

  absl::Time exp;
  absl::Time nbf;
  absl::Time iat;
  bool has_exp = false;
  bool has_nbf = false;
  bool has_iat = false;
  for (absl::Status s : {TimeClaim(claims, "exp", &exp, &has_exp),
                         TimeClaim(claims, "nbf", &nbf, &has_nbf),
                         TimeClaim(claims, "iat", &iat, &has_iat)}) {
    if (!s.ok()) return s;
  }
  const absl::Duration leeway = config_.leeway;
  if (!has_exp) return Refuse("token has no \"exp\" claim");
  if (now >= exp + leeway) {
    return Refuse(absl::StrCat("token expired at ", FormatInstant(exp)));
  }
  if (has_nbf && now < nbf - leeway) {
    return Refuse(
        absl::StrCat("token is not valid before ", FormatInstant(nbf)));
  }
  if (has_iat && iat > now + leeway) {
    return Refuse(absl::StrCat("token was issued in the future, at ",
                               FormatInstant(iat)));
  }
  if (has_nbf && nbf >= exp) {
    return Refuse(absl::StrCat("token is not valid before ", FormatInstant(nbf),
                               ", which is not before it expires at ",
                               FormatInstant(exp)));
  }
  // A token that stays valid for months is a standing credential, not a
  // session: cap how far ahead "exp" may lie, from now and from "iat".
  if (exp > now + kMaxTokenLifetime + leeway ||
      (has_iat && exp - iat > kMaxTokenLifetime)) {
    return Refuse(absl::StrCat("token expires at ", FormatInstant(exp),
                               ", too far ahead: tokens may live at most "
                               "31 days"));
  }

  domain::Principal principal;
  if (mapped != nullptr) {
    ASSIGN_OR_RETURN(principal, config_.claim_map->Map(*mapped, claims));
  } else {
    RETURN_IF_ERROR(OwnClaims(claims, &principal));
  }

  *not_before = absl::InfinitePast();
  if (has_nbf) *not_before = nbf - leeway;
  if (has_iat) *not_before = std::max(*not_before, iat - leeway);
  *expires = exp + leeway;
  return principal;
}

}  // namespace atgard::auth
