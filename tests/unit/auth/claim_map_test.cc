#include "services/auth/claim_map.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "services/auth/authenticator.h"
#include "services/auth/jwt_verifier.h"
#include "tests/support/auth_tokens.h"
#include "tests/support/temp_dir.h"

namespace atgard::auth {
namespace {

using nlohmann::json;
using ::testing::AllOf;
using testing::EcKey;
using ::testing::HasSubstr;
using ::testing::Not;
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
    absl::StatusOr<std::unique_ptr<ClaimMap>> map =
        ClaimMap::Parse(doc.dump(), "--jwt_claim_map map.json");
    EXPECT_TRUE(map.ok()) << map.status();
    return map.ok() ? std::move(*map) : nullptr;
  }
  static absl::Status ParseError(const json& doc) {
    return ClaimMap::Parse(doc.dump(), "--jwt_claim_map map.json").status();
  }

  // A verifier trusting the map's issuers and kTestIssuer; the RSA key
  // has id "entra-1", the EC key "inera-1".
  std::unique_ptr<JwtVerifier> Verifier(const json& doc = Map()) {
    JwtVerifierConfig config;
    config.issuer = testing::kTestIssuer;
    config.audience = testing::kTestAudience;
    config.claim_map = Parse(doc);
    config.keys = {RsaKey().public_key("entra-1"),
                   EcKey().public_key("inera-1")};
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
  absl::StatusOr<domain::Principal> p =
      v->Verify(SignToken(RsaKey(), testing::ValidClaims(kNow), "entra-1"));
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
  };
  for (const Case& c : cases) {
    json doc = Map();
    c.edit(doc);
    const absl::Status s = ParseError(doc);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.fragment;
    EXPECT_THAT(s.message(), AllOf(HasSubstr("--jwt_claim_map map.json"),
                                   HasSubstr(c.fragment)));
  }
  EXPECT_THAT(ClaimMap::Parse("{", "src").status().message(),
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

TEST_F(ClaimMapTest, ShippedExampleLoads) {
  absl::StatusOr<std::unique_ptr<ClaimMap>> map = ClaimMap::Load(
      absl::StrCat(ATGARD_SOURCE_DIR, "/deploy/claim-map.example.json"),
      "--jwt_claim_map");
  ASSERT_TRUE(map.ok()) << map.status();
  EXPECT_EQ((*map)->issuers().size(), 2u);
}

}  // namespace
}  // namespace atgard::auth
