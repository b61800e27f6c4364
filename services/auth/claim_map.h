// Claim mapping: principals from the tokens of the identity providers that
// municipalities sign in with (Microsoft Entra ID, Inera IdP / SITHS), which
// carry their own claims rather than atgard's "sub", "tenant", "role" and
// "provider_id".
//
// The map is a JSON file (the server's --jwt_claim_map), one entry per
// trusted issuer:
//
//   {
//     "issuers": [
//       {
//         "issuer": "https://login.microsoftonline.com/<tenant id>/v2.0",
//         "audience": "api://atgard",
//         "key_ids": ["<Entra signing key id>"],
//         "subject_prefix": "entra:",
//         "subject_claim": "oid",
//         "rules": [
//           {"when": {"claim": "groups", "value": "<group object id>"},
//            "role": "FOLLOW_UP_OFFICER", "tenant": "0780"},
//           {"when": {"claim": "roles", "value": "Atgard.CareDirector"},
//            "role": "CARE_DIRECTOR", "tenant": "0780"}
//         ]
//       },
//       {
//         "issuer": "https://idp.inera.se/oidc",
//         "key_ids": ["inera-2026"],
//         "subject_prefix": "inera:",
//         "subject_claim": "employeeHsaId",
//         "rules": [
//           {"when": {"claim": "systemRole", "value": "Atgard;Utforare"},
//            "role": "PROVIDER", "tenant": "0780",
//            "provider_id": {"claim": "orgAffiliation",
//                            "strip_prefix": "SE2321000016-"}},
//           {"when": {"claim": "commission", "value": "Uppfoljare"},
//            "role": "FOLLOW_UP_OFFICER",
//            "tenant": {"claim": "kommunkod"}}
//         ]
//       }
//     ]
//   }
//
// Per issuer ("issuer" is the token's exact "iss"; each at most once):
//  * "audience": the "aud" its tokens must contain; default --jwt_audience.
//  * "key_ids": the ids of the keys (from --jwt_jwks) that may sign its
//    tokens. Keys verify signatures before the token's issuer is known, so
//    without this binding any trusted key could sign tokens in any
//    trusted issuer's name. Hence, when more than one issuer is trusted
//    (the map's issuers, plus --jwt_issuer if given and not in the map):
//      - every map issuer must list its "key_ids", and no key id may be
//        listed by two issuers;
//      - a map issuer's token must name one of its keys in its header's
//        "kid" and be signed by that key; a token without "kid" is refused;
//      - the keys that no map issuer lists are --jwt_issuer's, and only
//        they verify its tokens.
//    A map that breaks the first rule is refused at load. With a single
//    trusted issuer "key_ids" is optional and, if given, still restricts
//    its tokens to those keys. Keys from PEM files (--jwt_public_keys)
//    have no id and can therefore only be --jwt_issuer's.
//  * "subject_prefix": prepended to the subject (e.g. "entra:"), so that
//    the principals of different identity providers cannot share a
//    subject in the audit trail; optional, at most kMaxSubjectPrefixBytes
//    of UTF-8 without control characters, and no issuer's prefix may begin
//    with another's. Operators should give each issuer one whenever
//    several issuers are trusted, chosen so that no --jwt_issuer "sub"
//    begins with it (--jwt_issuer's subjects are not prefixed). The
//    prefixed subject must still fit kMaxSubjectBytes (principal_rules.h).
//    Changing a prefix changes who the audit trail says acted: set it
//    before the first token is accepted.
//  * "subject_claim": the claim that names the person; default "sub".
//    It must be a non-empty string in the token.
//  * "rules": in order; the first rule whose condition holds decides the
//    principal, and later rules are not consulted. A condition
//    {"claim": C, "value": V} holds if claim C is the string V or an array
//    that contains the string V (other types never match). A token that no
//    rule matches is refused.
// Per rule: "role" is an atgard.v1.Role name without "ROLE_" (SYSTEM and
// UNSPECIFIED are refused); "tenant" and "provider_id" are either a literal
// string or {"claim": C, "strip_prefix": P} for the value of string claim C
// without the prefix P (then required). "provider_id" is required for
// PROVIDER and refused for every other role. A literal tenant must be a
// kommunkod. If the deciding rule takes a value from a claim that the token
// lacks, or whose value lacks the prefix, the token is refused: it does not
// fall through to a later rule, which might grant something else.
// The principal a rule gives must pass CheckPrincipal (principal_rules.h).
// Unknown members are errors, so that a misspelt condition cannot silently
// change a match.
//
// Entra ID sends at most 200 groups in a token and then "hasgroups" instead:
// assign the groups to the application (or use app roles, "roles") so that
// the ones the rules name are always sent.
//
// Thread-safe: immutable after Load/Parse.
#ifndef ATGARD_SERVICES_AUTH_CLAIM_MAP_H_
#define ATGARD_SERVICES_AUTH_CLAIM_MAP_H_

#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "atgard/v1/types.pb.h"
#include "services/domain/principal.h"

namespace atgard::auth {

// Leaves at least kMaxSubjectBytes - 64 bytes for the subject itself.
inline constexpr size_t kMaxSubjectPrefixBytes = 64;

class ClaimMap {
 public:
  // A literal value, or one taken from a claim.
  struct Source {
    std::string literal;       // used if `claim` is empty
    std::string claim;         // the claim to read
    std::string strip_prefix;  // required prefix of the claim's value
  };
  struct Rule {
    std::string claim;  // the condition: claim `claim` is or contains
    std::string value;  // `value`
    v1::Role role = v1::ROLE_UNSPECIFIED;
    Source tenant;
    Source provider_id;  // only for PROVIDER
  };
  struct Issuer {
    std::string issuer;
    std::string audience;              // empty: the verifier's audience
    std::vector<std::string> key_ids;  // empty: any key (one issuer only)
    std::string subject_prefix;
    std::string subject_claim = "sub";
    std::vector<Rule> rules;
  };

  // Reads and checks the file. `own_issuer` is --jwt_issuer, trusted
  // besides the map's issuers for tokens with atgard's own claims (empty if
  // not given); it decides whether keys must be bound to issuers. NOT_FOUND
  // / PERMISSION_DENIED naming `flag` and `path` if it cannot be read;
  // INVALID_ARGUMENT as for Parse.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<ClaimMap>> Load(
      absl::string_view path, absl::string_view flag,
      absl::string_view own_issuer);

  // As Load, from text; `source` (e.g. "--jwt_claim_map /etc/x.json")
  // starts every error. INVALID_ARGUMENT naming the entry at fault (e.g.
  // "issuers[1].rules[0]") for anything the format above does not allow:
  // not JSON, no issuers, an issuer twice, an entry without rules, an
  // unknown member, an unknown or SYSTEM role, a literal tenant that is not
  // a kommunkod, a provider id on a role other than PROVIDER or none on
  // PROVIDER, an invalid literal, an invalid subject prefix or one that
  // begins with another issuer's, and, with several trusted issuers, an
  // issuer without "key_ids" or a key id listed by two issuers (see
  // CheckKeyBinding).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<ClaimMap>> Parse(
      absl::string_view text, absl::string_view source,
      absl::string_view own_issuer);

  ClaimMap(const ClaimMap&) = delete;
  ClaimMap& operator=(const ClaimMap&) = delete;

  // The entry of `issuer`; null if the map has none.
  const Issuer* Find(absl::string_view issuer) const;

  // True if the map's issuers and `own_issuer` (--jwt_issuer, empty if
  // none) are more than one issuer, so that keys are bound to issuers.
  bool BindsKeys(absl::string_view own_issuer) const;

  // OK if the map may be trusted together with `own_issuer`: unless only
  // one issuer is trusted, every map issuer lists "key_ids" (no key id is
  // ever listed by two; Parse refuses that). INVALID_ARGUMENT naming the
  // source and "issuers[i]" otherwise. Parse checks this for the issuer
  // it is given; a JwtVerifier checks it again for its own.
  [[nodiscard]] absl::Status CheckKeyBinding(
      absl::string_view own_issuer) const;

  // The map issuer whose "key_ids" list `kid`; null if none does (then,
  // with keys bound, the key is --jwt_issuer's).
  const Issuer* KeyOwner(absl::string_view kid) const;

  // The principal that `claims` (a verified token's payload, a JSON
  // object) of a token from `issuer` stand for, per the first matching
  // rule; its subject is the issuer's subject prefix followed by the
  // subject claim's value. UNAUTHENTICATED naming the issuer and why otherwise:
  // no subject claim, no rule matches (naming the claims the rules look at),
  // the deciding rule's tenant or provider claim missing or without its prefix,
  // or a principal CheckPrincipal refuses. Values from the token are quoted
  // with Quote(); the token itself is never part of a message.
  [[nodiscard]] absl::StatusOr<domain::Principal> Map(
      const Issuer& issuer, const nlohmann::json& claims) const;

  // The issuers, in file order.
  const std::vector<Issuer>& issuers() const { return issuers_; }

 private:
  ClaimMap() = default;

  std::string source_;  // for errors found after Parse
  std::vector<Issuer> issuers_;
  absl::flat_hash_map<std::string, size_t> by_issuer_;
  absl::flat_hash_map<std::string, size_t> by_key_id_;
};

}  // namespace atgard::auth

#endif  // ATGARD_SERVICES_AUTH_CLAIM_MAP_H_
