#include "services/auth/claim_map.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "services/auth/authenticator.h"
#include "services/auth/jwt_verifier.h"
#include "services/auth/principal_rules.h"
#include "tests/support/auth_tokens.h"
#include "tests/support/temp_dir.h"

namespace atgard::auth {
namespace {

using nlohmann::json;
using ::testing::AllOf;
using testing::EcKey;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::OtherRsaKey;
using testing::RsaKey;
using testing::SignToken;

// 2026-11-23T10:00:00Z
const absl::Time kNow = absl::FromUnixSeconds(1795428000);

constexpr char kEntra[] =
    "https://login.microsoftonline.com/"
    "11111111-2222-3333-4444-555555555555/v2.0";
constexpr char kEntraApp[] = "66666666-7777-8888-9999-000000000000";
constexpr char kOfficers[] = "aaaaaaaa-0000-0000-0000-000000000002";
constexpr char kDirectors[] = "aaaaaaaa-0000-0000-0000-000000000001";
constexpr char kInera[] = "https://idp.inera.se/oidc";

json Map() {
  return json::parse(R"({
    "issuers": [
      {
        "issuer": "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0",
        "audience": "66666666-7777-8888-9999-000000000000",
        "key_ids": ["entra-1"],
        "subject_claim": "oid",
        "rules": [
          {"when": {"claim": "roles", "value": "Atgard.Operator"},
           "role": "OPERATOR", "tenant": "0780"},
          {"when": {"claim": "groups", "value": "aaaaaaaa-0000-0000-0000-000000000001"},
           "role": "CARE_DIRECTOR", "tenant": "0780"},
          {"when": {"claim": "groups", "value": "aaaaaaaa-0000-0000-0000-000000000002"},
           "role": "FOLLOW_UP_OFFICER", "tenant": "0780"}
        ]
      },
      {
        "issuer": "https://idp.inera.se/oidc",
        "key_ids": ["inera-1"],
        "subject_claim": "employeeHsaId",
        "rules": [
          {"when": {"claim": "systemRole", "value": "Atgard;Utforare"},
           "role": "PROVIDER", "tenant": "0780",
           "provider_id": {"claim": "orgAffiliation",
                           "strip_prefix": "SE2321000016-"}},
          {"when": {"claim": "commission", "value": "Uppfoljare"},
           "role": "FOLLOW_UP_OFFICER",
           "tenant": {"claim": "kommunkod"}}
        ]
      }
    ]
  })");
}

// An Entra ID v2 access token's shape: object id, tenant id, upn, groups.
json EntraClaims(json groups, json roles = json::array()) {
  const int64_t t = absl::ToUnixSeconds(kNow);
  json claims = {{"iss", kEntra},
                 {"aud", kEntraApp},
                 {"iat", t},
                 {"nbf", t},
                 {"exp", t + 3600},
                 {"oid", "0f6c0a0e-5a43-4b8e-9d7f-2f4a1c9e8b11"},
                 {"sub", "pairwise-subject-not-used"},
                 {"tid", "11111111-2222-3333-4444-555555555555"},
                 {"upn", "anna.andersson@kommun.example"},
                 {"groups", std::move(groups)}};
  if (!roles.empty()) claims["roles"] = std::move(roles);
  return claims;
}

// An Inera IdP (SITHS) token's shape: HSA ids, organisation affiliation.
json IneraClaims() {
  const int64_t t = absl::ToUnixSeconds(kNow);
  return {{"iss", kInera},
          {"aud", testing::kTestAudience},
          {"iat", t},
          {"exp", t + 3600},
          {"sub", "SE2321000016-abc1"},
          {"employeeHsaId", "SE2321000016-E123"},
          {"orgAffiliation", "SE2321000016-1234"},
          {"systemRole", json::array({"Atgard;Utforare", "Annat;System"})}};
}

class ClaimMapTest : public ::testing::Test {
 protected:
  static std::unique_ptr<ClaimMap> Parse(const json& doc) {
    absl::StatusOr<std::unique_ptr<ClaimMap>> map = ClaimMap::Parse(
        doc.dump(), "--jwt_claim_map map.json", testing::kTestIssuer);
    EXPECT_TRUE(map.ok()) << map.status();
    return map.ok() ? std::move(*map) : nullptr;
  }
  static absl::Status ParseError(const json& doc) {
    return ClaimMap::Parse(doc.dump(), "--jwt_claim_map map.json",
                           testing::kTestIssuer)
        .status();
  }

  // A verifier trusting the map's issuers and kTestIssuer; the RSA key
  // has id "entra-1", the EC key "inera-1" and kTestIssuer's "kommun-1".
  std::unique_ptr<JwtVerifier> Verifier(const json& doc = Map()) {
    JwtVerifierConfig config;
    config.issuer = testing::kTestIssuer;
    config.audience = testing::kTestAudience;
    config.claim_map = Parse(doc);
    config.keys = {RsaKey().public_key("entra-1"),
                   EcKey().public_key("inera-1"),
                   OtherRsaKey().public_key("kommun-1")};
    config.clock = [] { return kNow; };
    absl::StatusOr<std::unique_ptr<JwtVerifier>> v =
        JwtVerifier::Create(std::move(config));
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? std::move(*v) : nullptr;
  }

  static std::string Entra(const json& claims) {
    return SignToken(RsaKey(), claims, "entra-1");
  }
  static std::string Inera(const json& claims) {
    return SignToken(EcKey(), claims, "inera-1");
  }

  static void ExpectRefused(const JwtVerifier& v, const std::string& token,
                            absl::string_view fragment) {
    absl::StatusOr<domain::Principal> p = v.Verify(token);
    EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated)
        << "accepted; expected refusal with " << fragment;
    EXPECT_THAT(p.status().message(), HasSubstr(fragment));
    EXPECT_THAT(p.status().message(),
                Not(HasSubstr(token.substr(token.rfind('.') + 1))));
  }
};

TEST_F(ClaimMapTest, EntraGroupGivesRoleAndTenantWithObjectIdAsSubject) {
  auto v = Verifier();
  absl::StatusOr<domain::Principal> p = v->Verify(
      Entra(EntraClaims({"ffffffff-0000-0000-0000-00000000000f", kOfficers})));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->subject, "0f6c0a0e-5a43-4b8e-9d7f-2f4a1c9e8b11");
  EXPECT_EQ(p->role, v1::ROLE_FOLLOW_UP_OFFICER);
  EXPECT_EQ(p->tenant, "0780");
  EXPECT_EQ(p->provider_id, "");
}

TEST_F(ClaimMapTest, EntraAppRoleMaps) {
  auto v = Verifier();
  absl::StatusOr<domain::Principal> p =
      v->Verify(Entra(EntraClaims(json::array(), {"Atgard.Operator"})));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->role, v1::ROLE_OPERATOR);
}

TEST_F(ClaimMapTest, FirstMatchingRuleInTableOrderWins) {
  auto v = Verifier();
  // Member of both groups: the directors' rule comes first.
  absl::StatusOr<domain::Principal> p =
      v->Verify(Entra(EntraClaims({kOfficers, kDirectors})));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->role, v1::ROLE_CARE_DIRECTOR);
  // And the app role before either group.
  p = v->Verify(
      Entra(EntraClaims({kOfficers, kDirectors}, {"Atgard.Operator"})));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->role, v1::ROLE_OPERATOR);
}

TEST_F(ClaimMapTest, NoMatchingRuleIsRefusedWithTheReason) {
  auto v = Verifier();
  ExpectRefused(*v,
                Entra(EntraClaims({"ffffffff-0000-0000-0000-00000000000f"},
                                  {"Some.Other"})),
                absl::StrCat("no claim-map rule of issuer \"", kEntra,
                             "\" matches the token's roles, groups"));
  // Entra's group overage: no "groups" at all.
  json overage = EntraClaims(json::array());
  overage.erase("groups");
  overage["hasgroups"] = true;
  ExpectRefused(*v, Entra(overage), "matches the token's roles, groups");
}

TEST_F(ClaimMapTest, ProviderIdFromOrgAffiliationWithPrefixStripped) {
  auto v = Verifier();
  absl::StatusOr<domain::Principal> p = v->Verify(Inera(IneraClaims()));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->subject, "SE2321000016-E123");
  EXPECT_EQ(p->role, v1::ROLE_PROVIDER);
  EXPECT_EQ(p->tenant, "0780");
  EXPECT_EQ(p->provider_id, "1234");

  // The deciding rule does not fall through when its claim is unusable.
  json other = IneraClaims();
  other["orgAffiliation"] = "SE5565594230-1234";
  ExpectRefused(*v, Inera(other),
                "takes the provider id from claim \"orgAffiliation\", whose "
                "value \"SE5565594230-1234\" does not start with");
  other.erase("orgAffiliation");
  ExpectRefused(*v, Inera(other),
                "claim-map rules[0] of issuer \"https://idp.inera.se/oidc\" "
                "takes the provider id from the string claim "
                "\"orgAffiliation\", which the token lacks");
}

TEST_F(ClaimMapTest, TenantFromAClaimMustBeAKommunkod) {
  auto v = Verifier();
  json claims = IneraClaims();
  claims.erase("systemRole");
  claims["commission"] = json::array({"Uppfoljare"});
  claims["kommunkod"] = "1480";
  absl::StatusOr<domain::Principal> p = v->Verify(Inera(claims));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->tenant, "1480");
  EXPECT_EQ(p->role, v1::ROLE_FOLLOW_UP_OFFICER);

  claims["kommunkod"] = "Göteborg";
  ExpectRefused(*v, Inera(claims), "gives an invalid principal");
}

TEST_F(ClaimMapTest, SubjectClaimIsRequired) {
  auto v = Verifier();
  json claims = IneraClaims();
  claims.erase("employeeHsaId");
  ExpectRefused(*v, Inera(claims),
                "token has no string claim \"employeeHsaId\"");
}

TEST_F(ClaimMapTest, IssuerNotInTheMapIsRefused) {
  auto v = Verifier();
  json claims = EntraClaims({kOfficers});
  claims["iss"] =
      "https://login.microsoftonline.com/"
      "99999999-2222-3333-4444-555555555555/v2.0";
  ExpectRefused(*v, Entra(claims),
                "is neither the configured issuer nor one of the claim map's");
}

TEST_F(ClaimMapTest, ConfiguredIssuerKeepsAtgardsOwnClaims) {
  auto v = Verifier();
  absl::StatusOr<domain::Principal> p = v->Verify(
      SignToken(OtherRsaKey(), testing::ValidClaims(kNow), "kommun-1"));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->subject, "anna");
}

TEST_F(ClaimMapTest, PerIssuerAudienceAndKeyIds) {
  auto v = Verifier();
  // Entra tokens name the application, not --jwt_audience.
  json claims = EntraClaims({kOfficers});
  claims["aud"] = testing::kTestAudience;
  ExpectRefused(*v, Entra(claims), "audience does not include");
  // Inera's tokens must be signed by Inera's key, even though the Entra
  // key is trusted too.
  ExpectRefused(*v, SignToken(RsaKey(), IneraClaims(), "entra-1"),
                "signed by a key outside its key_ids");
}

TEST_F(ClaimMapTest, MalformedMapsAreRefusedNamingTheEntry) {
  struct Case {
    std::function<void(json&)> edit;
    std::string fragment;
  };
  const std::vector<Case> cases = {
      {[](json& m) { m["issuers"][1]["rules"][1]["role"] = "SYSTEM"; },
       "issuers[1].rules[1]: "},
      {[](json& m) { m["issuers"][0]["rules"][2]["role"] = "CHIEF"; },
       "issuers[0].rules[2]: "},
      {[](json& m) { m["issuers"][0]["rules"][0]["tenant"] = "780"; },
       "issuers[0].rules[0]: tenant"},
      {[](json& m) { m["issuers"][0]["rules"][1]["provider_id"] = "x"; },
       "issuers[0].rules[1]: \"provider_id\" is only for role PROVIDER"},
      {[](json& m) { m["issuers"][1]["rules"][0].erase("provider_id"); },
       "issuers[1].rules[0]: role PROVIDER needs \"provider_id\""},
      {[](json& m) { m["issuers"][0]["rules"][0]["when"]["equals"] = "x"; },
       "issuers[0].rules[0].when: unknown member \"equals\""},
      {[](json& m) { m["issuers"][1]["issuer"] = kEntra; },
       "issuers[1]: issuer"},
      {[](json& m) { m["issuers"][0]["rules"] = json::array(); },
       "issuers[0]: \"rules\" must be a non-empty array"},
      {[](json& m) {
         m["issuers"][1]["rules"][1]["tenant"] = {{"c", "x"}};
       },
       "issuers[1].rules[1].tenant: unknown member \"c\""},
      {[](json& m) { m["issuers"] = json::array(); }, "expected {\"issuers\""},
      {[](json& m) {
         m["issuers"][1]["key_ids"] = {"inera-1", "entra-1"};
       },
       "issuers[1]: key id \"entra-1\" is already listed by issuers[0]"},
      {[](json& m) { m["issuers"][0].erase("key_ids"); }, "issuers[0]: issuer"},
      {[](json& m) { m["issuers"][0]["subject_prefix"] = "entra:\n"; },
       "issuers[0]: \"subject_prefix\": subject must be UTF-8"},
      {[](json& m) {
         m["issuers"][0]["subject_prefix"] =
             std::string(kMaxSubjectPrefixBytes + 1, 'e');
       },
       "issuers[0]: \"subject_prefix\" is longer than 64 bytes"},
      {[](json& m) {
         m["issuers"][0]["subject_prefix"] = "hsa:";
         m["issuers"][1]["subject_prefix"] = "hsa:inera:";
       },
       "issuers[1]: \"subject_prefix\" \"hsa:inera:\" and that of issuers[0]"},
      {[](json& m) { m["issuers"][0]["subject_prefix"] = 7; },
       "issuers[0]: \"subject_prefix\""},
  };
  for (const Case& c : cases) {
    json doc = Map();
    c.edit(doc);
    const absl::Status s = ParseError(doc);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.fragment;
    EXPECT_THAT(s.message(), AllOf(HasSubstr("--jwt_claim_map map.json"),
                                   HasSubstr(c.fragment)));
  }
  EXPECT_THAT(ClaimMap::Parse("{", "src", "").status().message(),
              HasSubstr("not valid JSON"));
}

TEST_F(ClaimMapTest, AuthenticatorLoadsTheMapAndReportsBadFiles) {
  testing::TempDir dir;
  const std::string jwks = dir.Join("jwks.json");
  testing::WriteTestFile(jwks,
                         testing::JwksOf({RsaKey().public_key("entra-1"),
                                          EcKey().public_key("inera-1")}));
  const std::string map_file = dir.Join("claim-map.json");
  testing::WriteTestFile(map_file, Map().dump());
  AuthConfig config;
  config.jwt_jwks_file = jwks;
  config.jwt_claim_map_file = map_file;
  config.clock = [] { return kNow; };
  // The map alone names the trusted issuers: no --jwt_issuer needed.
  absl::StatusOr<std::unique_ptr<Authenticator>> a =
      Authenticator::Create(config);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_THAT((*a)->Describe(), HasSubstr("claim map of 2 issuers"));
  absl::StatusOr<Authentication> r =
      (*a)->Authenticate({.authorization = {absl::StrCat(
                              "Bearer ", Entra(EntraClaims({kOfficers})))}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->principal.role, v1::ROLE_FOLLOW_UP_OFFICER);
  // Without --jwt_issuer, atgard's own claims are not trusted.
  r = (*a)->Authenticate(
      {.authorization = {absl::StrCat(
           "Bearer ",
           SignToken(RsaKey(), testing::ValidClaims(kNow), "entra-1"))}});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnauthenticated);
  // Not even with an empty issuer, which equals the unset --jwt_issuer.
  json no_issuer = testing::ValidClaims(kNow);
  no_issuer["iss"] = "";
  r = (*a)->Authenticate(
      {.authorization = {absl::StrCat(
           "Bearer ", SignToken(RsaKey(), no_issuer, "entra-1"))}});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(r.status().message(), HasSubstr("is neither the configured"));

  json bad = Map();
  bad["issuers"][0]["rules"][2]["tenant"] = "0780x";
  testing::WriteTestFile(map_file, bad.dump());
  a = Authenticator::Create(config);
  EXPECT_EQ(a.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(a.status().message(),
              AllOf(HasSubstr(absl::StrCat("--jwt_claim_map ", map_file)),
                    HasSubstr("issuers[0].rules[2]")));

  config.jwt_claim_map_file = dir.Join("missing.json");
  EXPECT_THAT(Authenticator::Create(config).status().message(),
              HasSubstr("--jwt_claim_map"));
}

// An authenticator trusting `map` and, if not empty, `jwt_issuer`, with a
// JWKS of Entra's key ("entra-1"), Inera's ("inera-1") and the
// --jwt_issuer's own ("kommun-1"); the map is written to `*map_file`.
absl::StatusOr<std::unique_ptr<Authenticator>> AuthenticatorFor(
    const testing::TempDir& dir, const json& map, const std::string& jwt_issuer,
    std::string* map_file) {
  const std::string jwks = dir.Join("jwks.json");
  testing::WriteTestFile(
      jwks, testing::JwksOf({RsaKey().public_key("entra-1"),
                             EcKey().public_key("inera-1"),
                             OtherRsaKey().public_key("kommun-1")}));
  *map_file = dir.Join("claim-map.json");
  testing::WriteTestFile(*map_file, map.dump());
  AuthConfig config;
  config.jwt_issuer = jwt_issuer;
  config.jwt_audience = testing::kTestAudience;
  config.jwt_jwks_file = jwks;
  config.jwt_claim_map_file = *map_file;
  config.clock = [] { return kNow; };
  return Authenticator::Create(config);
}

absl::StatusOr<domain::Principal> Call(const Authenticator& a,
                                       const std::string& token) {
  absl::StatusOr<Authentication> r =
      a.Authenticate({.authorization = {absl::StrCat("Bearer ", token)}});
  if (!r.ok()) return r.status();
  return r->principal;
}

// With more than one trusted issuer, a key that any of them may use could
// vouch for the others' users: the map must bind every key to one issuer.
TEST_F(ClaimMapTest, SeveralTrustedIssuersMustEachNameTheirOwnKeys) {
  testing::TempDir dir;
  std::string file;
  json unpinned = Map();
  unpinned["issuers"][0].erase("key_ids");
  for (const std::string& jwt_issuer :
       {std::string(testing::kTestIssuer), std::string()}) {
    SCOPED_TRACE(jwt_issuer);
    const absl::Status s =
        AuthenticatorFor(dir, unpinned, jwt_issuer, &file).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(s.message(),
                AllOf(HasSubstr(absl::StrCat("--jwt_claim_map ", file)),
                      HasSubstr("issuers[0]"), HasSubstr("\"key_ids\"")));
  }

  json shared = Map();
  shared["issuers"][0]["key_ids"] = {"entra-1", "inera-1"};
  const absl::Status s =
      AuthenticatorFor(dir, shared, testing::kTestIssuer, &file).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(),
              AllOf(HasSubstr(absl::StrCat("--jwt_claim_map ", file)),
                    HasSubstr("issuers[1]"), HasSubstr("\"inera-1\""),
                    HasSubstr("issuers[0]")));

  // One trusted issuer needs no key ids: there is no other to vouch for.
  json alone = Map();
  alone["issuers"].erase(1);
  alone["issuers"][0].erase("key_ids");
  EXPECT_TRUE(AuthenticatorFor(dir, alone, "", &file).ok());
  EXPECT_TRUE(AuthenticatorFor(dir, alone, kEntra, &file).ok());
}

TEST_F(ClaimMapTest, AKeySignsOnlyForTheIssuerItIsBoundTo) {
  testing::TempDir dir;
  std::string file;
  absl::StatusOr<std::unique_ptr<Authenticator>> a =
      AuthenticatorFor(dir, Map(), testing::kTestIssuer, &file);
  ASSERT_TRUE(a.ok()) << a.status();
  const json operator_claims = EntraClaims(json::array(), {"Atgard.Operator"});
  ASSERT_TRUE(Call(**a, Entra(operator_claims)).ok());

  // Inera's key, or the --jwt_issuer's, cannot make an Entra operator.
  for (const std::string& forged :
       {SignToken(EcKey(), operator_claims, "inera-1"),
        SignToken(OtherRsaKey(), operator_claims, "kommun-1")}) {
    absl::StatusOr<domain::Principal> p = Call(**a, forged);
    EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated);
    EXPECT_THAT(p.status().message(),
                HasSubstr("signed by a key outside its key_ids"));
  }
  // Nor can a token without "kid" that Entra's own key signed: its issuer
  // is known only once a key has verified it.
  absl::StatusOr<domain::Principal> p =
      Call(**a, SignToken(RsaKey(), operator_claims));
  EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(p.status().message(), HasSubstr("has no \"kid\""));

  // The --jwt_issuer's tokens need a key no map issuer names, with or
  // without "kid".
  const json own = testing::ValidClaims(kNow);
  EXPECT_TRUE(Call(**a, SignToken(OtherRsaKey(), own, "kommun-1")).ok());
  EXPECT_TRUE(Call(**a, SignToken(OtherRsaKey(), own)).ok());
  for (const std::string& forged :
       {SignToken(RsaKey(), own, "entra-1"), SignToken(RsaKey(), own),
        SignToken(EcKey(), own, "inera-1")}) {
    p = Call(**a, forged);
    EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated);
    EXPECT_THAT(p.status().message(), HasSubstr("key_ids of the claim map"));
  }
}

TEST_F(ClaimMapTest, SubjectPrefixSeparatesTheIssuersSubjects) {
  testing::TempDir dir;
  std::string file;
  json map = Map();
  map["issuers"][0]["subject_prefix"] = "entra:";
  map["issuers"][1]["subject_prefix"] = "inera:";
  absl::StatusOr<std::unique_ptr<Authenticator>> a =
      AuthenticatorFor(dir, map, testing::kTestIssuer, &file);
  ASSERT_TRUE(a.ok()) << a.status();
  absl::StatusOr<domain::Principal> p =
      Call(**a, Entra(EntraClaims({kOfficers})));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->subject, "entra:0f6c0a0e-5a43-4b8e-9d7f-2f4a1c9e8b11");
  p = Call(**a, Inera(IneraClaims()));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->subject, "inera:SE2321000016-E123");
  // The --jwt_issuer's subjects are as its tokens say.
  p = Call(**a,
           SignToken(OtherRsaKey(), testing::ValidClaims(kNow), "kommun-1"));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->subject, "anna");

  // The prefix counts towards kMaxSubjectBytes.
  json claims = EntraClaims({kOfficers});
  claims["oid"] = std::string(kMaxSubjectBytes - 6, 'a');
  EXPECT_TRUE(Call(**a, Entra(claims)).ok());
  claims["oid"] = std::string(kMaxSubjectBytes - 5, 'a');
  p = Call(**a, Entra(claims));
  EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(p.status().message(), HasSubstr("subject is longer than"));
}

TEST_F(ClaimMapTest, ShippedExampleLoads) {
  absl::StatusOr<std::unique_ptr<ClaimMap>> map = ClaimMap::Load(
      absl::StrCat(ATGARD_SOURCE_DIR, "/deploy/claim-map.example.json"),
      "--jwt_claim_map", testing::kTestIssuer);
  ASSERT_TRUE(map.ok()) << map.status();
  EXPECT_EQ((*map)->issuers().size(), 2u);
  // It shows what several issuers need: keys bound, subjects apart.
  for (const ClaimMap::Issuer& issuer : (*map)->issuers()) {
    EXPECT_FALSE(issuer.key_ids.empty()) << issuer.issuer;
    EXPECT_FALSE(issuer.subject_prefix.empty()) << issuer.issuer;
  }
}

}  // namespace
}  // namespace atgard::auth
