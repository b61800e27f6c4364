// Verification of bearer tokens: compact JWS tokens (JWTs) signed with
// RS256 or ES256 by a configured key, carrying the principal's claims.
//
// A token is accepted if and only if all of these hold:
//  * it is at most kMaxTokenBytes of strict base64url "header.payload.sig";
//  * the header's "alg" is RS256 or ES256 ("none", HS256 and everything
//    else are refused) and it has no "crit" extensions;
//  * a configured key of the algorithm's type verifies the signature. If
//    the header has a "kid", the key with that id is used; if no key has
//    that id, the keys without an id are tried (PEM files give keys without
//    ids), and if there are none the token is refused ("unknown key id").
//    A token without "kid" may be verified by any key of the right type.
//    A key's type decides the algorithm: an RS256 token never reaches an EC
//    key or the other way round;
//  * "iss" equals the configured issuer or one of the claim map's issuers;
//    "aud" (a string or an array of strings) contains the configured
//    audience (or the claim map entry's own audience). If the claim map
//    entry lists key ids, the key that verified the signature has one.
//    With more than one trusted issuer, keys are bound to issuers
//    (claim_map.h): a map issuer's token must have a "kid" and be verified
//    by one of its key_ids, and the configured issuer's by a key that no
//    map issuer lists;
//  * "exp" is present and now < exp + leeway; if present, now >= nbf -
//    leeway and iat <= now + leeway (NumericDate: seconds since the epoch,
//    integer or fractional, at most 1e11 in magnitude: larger values are
//    refused, never saturated to "for ever");
//  * "exp" lies at most kMaxTokenLifetime (31 days) after now (plus
//    leeway) and, with "iat", at most kMaxTokenLifetime after iat; with
//    "nbf", nbf < exp;
//  * "sub" is a non-empty string; "tenant" is a kommunkod (four digits);
//    "role" is an atgard.v1.Role name without "ROLE_" other than
//    UNSPECIFIED and SYSTEM; "provider_id" is present (non-empty) if and
//    only if the role is PROVIDER (an empty string counts as absent). See
//    principal_rules.h.
//    For an issuer in the claim map (claim_map.h) instead: the principal
//    the map's rules give; it also passes CheckPrincipal. An issuer both
//    configured and in the map is mapped.
// Other claims are ignored.
//
// Every refusal is UNAUTHENTICATED with a message that names the problem
// (e.g. "token expired at 2026-11-23T10:00:00Z", "audience does not include
// \"atgard\"", "unknown key id \"k2\""). Messages never contain the token;
// values taken from it are quoted, escaped and cut short.
//
// Verified tokens are cached (see token_cache.h), so the cost of a call
// that repeats a token is one SHA-256 and a map lookup.
//
// Thread-safe: Verify() may be called concurrently from any number of
// threads.
#ifndef ATGARD_SERVICES_AUTH_JWT_VERIFIER_H_
#define ATGARD_SERVICES_AUTH_JWT_VERIFIER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/auth/keys.h"
#include "services/auth/token_cache.h"
#include "services/domain/principal.h"

namespace atgard::auth {

// Larger tokens are refused before any decoding.
inline constexpr size_t kMaxTokenBytes = 16 * 1024;

// How far ahead of now (and of "iat") a token's "exp" may lie. Identity
// providers issue tokens for minutes to hours; 31 days leaves room for
// development tokens (dev_tokens.h allows up to 30 days) and refuses
// tokens meant to be valid indefinitely.
inline constexpr absl::Duration kMaxTokenLifetime = absl::Hours(24 * 31);

class ClaimMap;

struct JwtVerifierConfig {
  // Exact value the "iss" claim must have for a token with atgard's own
  // claims. Required unless `claim_map` is given.
  std::string issuer;
  // Issuers whose tokens carry their own claims, and how to map them.
  // Optional.
  std::shared_ptr<const ClaimMap> claim_map;
  // Value the "aud" claim must contain. Required.
  std::string audience;
  // Trusted keys. At least one; key ids, where given, are unique.
  std::vector<PublicKey> keys;
  // Tolerated clock difference with the issuer, applied to exp, nbf and
  // iat. Between 0 and 10 minutes.
  absl::Duration leeway = absl::Seconds(60);
  // Verified tokens kept; 0 disables the cache.
  size_t cache_capacity = 65536;
  // The time; absl::Now if empty. Tests inject their own.
  std::function<absl::Time()> clock;
};

class JwtVerifier {
 public:
  // INVALID_ARGUMENT if neither an issuer nor a claim map is given, the
  // audience is empty, there is no key, two keys share a kid, the leeway
  // is outside [0, 10min], or the claim map does not bind keys to issuers
  // as trusting it together with `issuer` requires
  // (ClaimMap::CheckKeyBinding).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<JwtVerifier>> Create(
      JwtVerifierConfig config);

  JwtVerifier(const JwtVerifier&) = delete;
  JwtVerifier& operator=(const JwtVerifier&) = delete;

  // The principal the token asserts, if it is accepted (see the rules
  // above); UNAUTHENTICATED naming the first rule it breaks otherwise.
  // `token` is the bare token, without "Bearer ".
  [[nodiscard]] absl::StatusOr<domain::Principal> Verify(
      absl::string_view token) const;

  // The issuer with atgard's own claims; empty if only the map's are
  // trusted.
  const std::string& issuer() const { return config_.issuer; }
  // Null if there is none.
  const ClaimMap* claim_map() const { return config_.claim_map.get(); }
  const std::string& audience() const { return config_.audience; }
  const std::vector<PublicKey>& keys() const { return config_.keys; }

  // Cache counters, for metrics and benchmarks.
  uint64_t cache_hits() const { return cache_.hits(); }
  uint64_t cache_misses() const { return cache_.misses(); }
  size_t cache_size() const { return cache_.size(); }

 private:
  explicit JwtVerifier(JwtVerifierConfig config);

  // Verify() without the cache. On success also gives the window in which
  // the token stays acceptable.
  absl::StatusOr<domain::Principal> VerifyUncached(absl::string_view token,
                                                   absl::Time now,
                                                   absl::Time* not_before,
                                                   absl::Time* expires) const;

  const JwtVerifierConfig config_;
  // Whether keys are bound to issuers: the map's issuers and `issuer` are
  // more than one.
  const bool binds_keys_;
  mutable TokenCache cache_;
};

}  // namespace atgard::auth

#endif  // ATGARD_SERVICES_AUTH_JWT_VERIFIER_H_
