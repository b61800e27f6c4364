#include "services/auth/jwt_verifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <limits>
#include <nlohmann/json.hpp>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/auth/jws.h"
#include "tests/support/auth_tokens.h"

namespace atgard::auth {
namespace {

using nlohmann::json;
using testing::EcKey;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::OtherEcKey;
using testing::OtherRsaKey;
using testing::RsaKey;
using testing::SignToken;
using testing::SignTokenWithHeader;
using testing::ValidClaims;

// 2026-11-23T10:00:00Z
const absl::Time kNow = absl::FromUnixSeconds(1795428000);

class JwtVerifierTest : public ::testing::Test {
 protected:
  std::unique_ptr<JwtVerifier> Make(std::vector<PublicKey> keys,
                                    absl::Duration leeway = absl::Seconds(60),
                                    size_t cache_capacity = 1000) {
    JwtVerifierConfig config;
    config.issuer = testing::kTestIssuer;
    config.audience = testing::kTestAudience;
    config.keys = std::move(keys);
    config.leeway = leeway;
    config.cache_capacity = cache_capacity;
    config.clock = [this] { return now_; };
    absl::StatusOr<std::unique_ptr<JwtVerifier>> v =
        JwtVerifier::Create(std::move(config));
    EXPECT_TRUE(v.ok()) << v.status();
    return std::move(v).value();
  }
  // Both kinds of key, without ids.
  std::unique_ptr<JwtVerifier> MakeDefault() {
    return Make({RsaKey().public_key(), EcKey().public_key()});
  }

  // The verifier refuses `token` with UNAUTHENTICATED and a message
  // containing `fragment` (and never the token's signature).
  static void ExpectRefused(const JwtVerifier& v, const std::string& token,
                            absl::string_view fragment) {
    absl::StatusOr<domain::Principal> p = v.Verify(token);
    EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated)
        << "accepted; expected refusal with " << fragment;
    EXPECT_THAT(p.status().message(), HasSubstr(fragment));
    const size_t dot = token.rfind('.');
    if (dot != std::string::npos && token.size() - dot > 8) {
      EXPECT_THAT(p.status().message(), Not(HasSubstr(token.substr(dot + 1))));
    }
  }

  // Written only while no other thread verifies.
  absl::Time now_ = kNow;
};

TEST_F(JwtVerifierTest, AcceptsValidRs256AndEs256Tokens) {
  auto v = MakeDefault();
  for (const PrivateKey* key : {&RsaKey(), &EcKey()}) {
    absl::StatusOr<domain::Principal> p =
        v->Verify(SignToken(*key, ValidClaims(kNow)));
    ASSERT_TRUE(p.ok()) << p.status();
    EXPECT_EQ(p->subject, "anna");
    EXPECT_EQ(p->role, v1::ROLE_FOLLOW_UP_OFFICER);
    EXPECT_EQ(p->tenant, "0780");
    EXPECT_EQ(p->provider_id, "");
  }
}

TEST_F(JwtVerifierTest, AcceptsAProviderWithItsProviderId) {
  auto v = MakeDefault();
  json claims = ValidClaims(kNow);
  claims["role"] = "PROVIDER";
  claims["provider_id"] = "omsorg-ab";
  absl::StatusOr<domain::Principal> p = v->Verify(SignToken(EcKey(), claims));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->role, v1::ROLE_PROVIDER);
  EXPECT_EQ(p->provider_id, "omsorg-ab");
}

// The "area" claim narrows a care director to one of its areas.
TEST_F(JwtVerifierTest, AcceptsACareDirectorWithItsArea) {
  auto v = MakeDefault();
  json claims = ValidClaims(kNow);
  claims["role"] = "CARE_DIRECTOR";
  claims["area"] = "norra";
  absl::StatusOr<domain::Principal> p = v->Verify(SignToken(EcKey(), claims));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->role, v1::ROLE_CARE_DIRECTOR);
  EXPECT_EQ(p->area_id, "norra");
}

TEST_F(JwtVerifierTest, AreaOnlyForCareDirectors) {
  auto v = MakeDefault();
  json claims = ValidClaims(kNow);
  claims["area"] = "norra";
  ExpectRefused(*v, SignToken(RsaKey(), claims),
                "area is only for role CARE_DIRECTOR, not FOLLOW_UP_OFFICER");
  claims["role"] = "CARE_DIRECTOR";
  claims["area"] = json::array({"norra"});
  ExpectRefused(*v, SignToken(RsaKey(), claims), "\"area\" must be a string");
  claims["area"] = "";  // "" is absent
  absl::StatusOr<domain::Principal> p = v->Verify(SignToken(RsaKey(), claims));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->area_id, "");
}

TEST_F(JwtVerifierTest, IssuerMustBeTheConfiguredOne) {
  auto v = MakeDefault();
  json claims = ValidClaims(kNow);
  claims["iss"] = "https://evil.example";
  ExpectRefused(*v, SignToken(RsaKey(), claims),
                "issuer \"https://evil.example\" is not the trusted issuer "
                "\"https://idp.kommun.example\"");
  claims.erase("iss");
  ExpectRefused(*v, SignToken(RsaKey(), claims), "token has no \"iss\" claim");
  claims["iss"] = 5;
  ExpectRefused(*v, SignToken(RsaKey(), claims), "\"iss\" must be a string");
}

TEST_F(JwtVerifierTest, AudienceIsAStringOrAnArrayThatContainsOurs) {
  auto v = MakeDefault();
  json claims = ValidClaims(kNow);
  claims["aud"] = json::array({"other", "atgard"});
  EXPECT_TRUE(v->Verify(SignToken(RsaKey(), claims)).ok());
  claims["aud"] = json::array({"other", "atgard-test"});
  ExpectRefused(*v, SignToken(RsaKey(), claims),
                "audience does not include \"atgard\"");
  claims["aud"] = "other";
  ExpectRefused(*v, SignToken(RsaKey(), claims),
                "audience does not include \"atgard\"");
  claims["aud"] = json::array({"atgard", 1});
  ExpectRefused(*v, SignToken(RsaKey(), claims), "\"aud\" must be a string");
  claims.erase("aud");
  ExpectRefused(*v, SignToken(RsaKey(), claims), "token has no \"aud\" claim");
}

TEST_F(JwtVerifierTest, ExpiryIsRequiredAndEnforcedWithLeeway) {
  auto v = MakeDefault();  // 60 s leeway
  json claims = ValidClaims(kNow - absl::Hours(2));
  claims["exp"] = absl::ToUnixSeconds(kNow);  // expires exactly now
  const std::string token = SignToken(RsaKey(), claims);
  EXPECT_TRUE(v->Verify(token).ok());
  now_ = kNow + absl::Seconds(59);
  EXPECT_TRUE(v->Verify(SignToken(EcKey(), claims)).ok());
  now_ = kNow + absl::Seconds(60);
  ExpectRefused(*v, SignToken(RsaKey(), claims),
                "token expired at 2026-11-23T10:00:00Z");

  claims.erase("exp");
  ExpectRefused(*v, SignToken(RsaKey(), claims), "token has no \"exp\" claim");
  claims["exp"] = "tomorrow";
  ExpectRefused(*v, SignToken(RsaKey(), claims),
                "\"exp\" must be a number (seconds since 1970)");
}

TEST_F(JwtVerifierTest, WithoutLeewayATokenExpiresAtExp) {
  auto v = Make({RsaKey().public_key()}, absl::ZeroDuration());
  json claims = ValidClaims(kNow - absl::Hours(1));
  claims["exp"] = absl::ToUnixSeconds(kNow) + 1;
  EXPECT_TRUE(v->Verify(SignToken(RsaKey(), claims)).ok());
  claims["exp"] = absl::ToUnixSeconds(kNow);
  ExpectRefused(*v, SignToken(RsaKey(), claims), "token expired at");
}

TEST_F(JwtVerifierTest, AcceptsFractionalNumericDates) {
  auto v = MakeDefault();
  json claims = ValidClaims(kNow);
  claims["exp"] = absl::ToUnixSeconds(kNow) + 10.5;
  EXPECT_TRUE(v->Verify(SignToken(RsaKey(), claims)).ok());
}

// absl::Seconds(1e300) saturates to an infinite duration: such a token
// would never expire. Absurd dates are refused instead.
TEST_F(JwtVerifierTest, RefusesHugeNumericDates) {
  auto v = MakeDefault();
  json claims = ValidClaims(kNow);
  claims["exp"] = 1e300;
  ExpectRefused(*v, SignToken(RsaKey(), claims),
                "\"exp\" must be a number (seconds since 1970)");
  claims["exp"] = 18446744073709551615u;
  ExpectRefused(*v, SignToken(RsaKey(), claims),
                "\"exp\" must be a number (seconds since 1970)");
  claims["exp"] = std::numeric_limits<int64_t>::max();
  ExpectRefused(*v, SignToken(RsaKey(), claims),
                "\"exp\" must be a number (seconds since 1970)");
  claims["exp"] = absl::ToUnixSeconds(kNow) + 3600;
  claims["iat"] = -1e300;
  ExpectRefused(*v, SignToken(RsaKey(), claims),
                "\"iat\" must be a number (seconds since 1970)");
}

TEST_F(JwtVerifierTest, ExpiryMayLieAtMost31DaysAhead) {
  auto v = MakeDefault();
  json claims = ValidClaims(kNow);
  claims.erase("iat");
  claims["exp"] = absl::ToUnixSeconds(kNow + kMaxTokenLifetime);
  EXPECT_TRUE(v->Verify(SignToken(RsaKey(), claims)).ok());
  claims["exp"] = absl::ToUnixSeconds(kNow + kMaxTokenLifetime) + 61;
  ExpectRefused(*v, SignToken(RsaKey(), claims),
                "tokens may live at most 31 days");
  claims["exp"] = absl::ToUnixSeconds(kNow + absl::Hours(24 * 365 * 100));
  ExpectRefused(*v, SignToken(RsaKey(), claims),
                "tokens may live at most 31 days");
  // Measured from "iat" too: an old token issued for a year stays refused
  // even though little of its year remains.
  claims["iat"] = absl::ToUnixSeconds(kNow - absl::Hours(24 * 360));
  claims["exp"] = absl::ToUnixSeconds(kNow + absl::Hours(24));
  ExpectRefused(*v, SignToken(RsaKey(), claims),
                "tokens may live at most 31 days");
}

TEST_F(JwtVerifierTest, RefusesNotBeforeAfterExpiry) {
  auto v = MakeDefault();
  json claims = ValidClaims(kNow);
  // nbf within leeway of now, so only the order of nbf and exp is wrong.
  claims["nbf"] = absl::ToUnixSeconds(kNow) + 30;
  claims["exp"] = absl::ToUnixSeconds(kNow) + 20;
  ExpectRefused(*v, SignToken(RsaKey(), claims), "which is not before it");
}

TEST_F(JwtVerifierTest, RefusesIssuedAtBeyondTheSkew) {
  auto v = MakeDefault();
  json claims = ValidClaims(kNow);
  claims["iat"] = absl::ToUnixSeconds(kNow) + 61;
  ExpectRefused(*v, SignToken(RsaKey(), claims),
                "token was issued in the future");
  claims["iat"] = 1e300;
  ExpectRefused(*v, SignToken(RsaKey(), claims),
                "\"iat\" must be a number (seconds since 1970)");
}

TEST_F(JwtVerifierTest, NotBeforeAndIssuedAtAreRespectedWithLeeway) {
  auto v = MakeDefault();
  json claims = ValidClaims(kNow);
  claims["nbf"] = absl::ToUnixSeconds(kNow) + 60;  // within leeway
  EXPECT_TRUE(v->Verify(SignToken(RsaKey(), claims)).ok());
  claims["nbf"] = absl::ToUnixSeconds(kNow) + 61;
  ExpectRefused(*v, SignToken(RsaKey(), claims),
                "token is not valid before 2026-11-23T10:01:01Z");
  claims.erase("nbf");
  claims["iat"] = absl::ToUnixSeconds(kNow) + 3600;
  ExpectRefused(*v, SignToken(RsaKey(), claims),
                "token was issued in the future, at 2026-11-23T11:00:00Z");
  claims["iat"] = absl::ToUnixSeconds(kNow) + 30;
  EXPECT_TRUE(v->Verify(SignToken(RsaKey(), claims)).ok());
  claims["nbf"] = "soon";
  ExpectRefused(*v, SignToken(RsaKey(), claims), "\"nbf\" must be a number");
}

TEST_F(JwtVerifierTest, SubjectAndTenantAreRequired) {
  auto v = MakeDefault();
  json claims = ValidClaims(kNow);
  claims.erase("sub");
  ExpectRefused(*v, SignToken(RsaKey(), claims), "token has no \"sub\" claim");
  claims["sub"] = "";
  ExpectRefused(*v, SignToken(RsaKey(), claims), "subject is empty");
  claims["sub"] = std::string(300, 'a');
  ExpectRefused(*v, SignToken(RsaKey(), claims), "subject is longer than 256");

  claims = ValidClaims(kNow);
  claims.erase("tenant");
  ExpectRefused(*v, SignToken(RsaKey(), claims),
                "token has no \"tenant\" claim");
  for (const char* bad : {"780", "07800", "07a0", "", "０７８０"}) {
    claims["tenant"] = bad;
    ExpectRefused(*v, SignToken(RsaKey(), claims), "is not a kommunkod");
  }
  claims["tenant"] = 780;
  ExpectRefused(*v, SignToken(RsaKey(), claims), "\"tenant\" must be a string");
}

TEST_F(JwtVerifierTest, RoleMustBeAnExternalRoleName) {
  auto v = MakeDefault();
  json claims = ValidClaims(kNow);
  for (const char* role :
       {"CARE_DIRECTOR", "ADMINISTRATION_DIRECTOR", "MEDICAL_OFFICER",
        "AUDITOR", "SUPERVISOR", "OPERATOR"}) {
    claims["role"] = role;
    absl::StatusOr<domain::Principal> p =
        v->Verify(SignToken(RsaKey(), claims));
    ASSERT_TRUE(p.ok()) << role << ": " << p.status();
    EXPECT_EQ(absl::StrCat("ROLE_", role), v1::Role_Name(p->role));
  }
  claims["role"] = "SYSTEM";
  ExpectRefused(*v, SignToken(RsaKey(), claims),
                "role \"SYSTEM\" is reserved for the server itself");
  for (const char* bad : {"UNSPECIFIED", "ROLE_FOLLOW_UP_OFFICER",
                          "follow_up_officer", "ADMIN", "", "9"}) {
    claims["role"] = bad;
    ExpectRefused(*v, SignToken(RsaKey(), claims),
                  "is not one of FOLLOW_UP_OFFICER, CARE_DIRECTOR");
  }
  claims.erase("role");
  ExpectRefused(*v, SignToken(RsaKey(), claims), "token has no \"role\" claim");
}

TEST_F(JwtVerifierTest, ProviderIdIfAndOnlyIfProvider) {
  auto v = MakeDefault();
  json claims = ValidClaims(kNow);
  claims["role"] = "PROVIDER";
  ExpectRefused(*v, SignToken(RsaKey(), claims),
                "provider_id is required for role PROVIDER");
  claims["provider_id"] = "";
  ExpectRefused(*v, SignToken(RsaKey(), claims),
                "provider_id is required for role PROVIDER");
  claims["role"] = "FOLLOW_UP_OFFICER";
  EXPECT_TRUE(v->Verify(SignToken(RsaKey(), claims)).ok());  // "" is absent
  claims["provider_id"] = "omsorg-ab";
  ExpectRefused(*v, SignToken(RsaKey(), claims),
                "provider_id is only for role PROVIDER, not FOLLOW_UP_OFFICER");
  claims["provider_id"] = json::array({"omsorg-ab"});
  ExpectRefused(*v, SignToken(RsaKey(), claims),
                "\"provider_id\" must be a string");
}

TEST_F(JwtVerifierTest, RefusesTamperedTokens) {
  auto v = MakeDefault();
  for (const PrivateKey* key : {&RsaKey(), &EcKey()}) {
    const std::string token = SignToken(*key, ValidClaims(kNow));
    std::vector<std::string> parts = absl::StrSplit(token, '.');
    // A payload that raises the role, with the original signature.
    json raised = ValidClaims(kNow);
    raised["role"] = "ADMINISTRATION_DIRECTOR";
    ExpectRefused(*v,
                  absl::StrCat(parts[0], ".", Base64UrlEncode(raised.dump()),
                               ".", parts[2]),
                  "token signature does not verify");
    // One signature bit flipped.
    std::string signature;
    ASSERT_TRUE(Base64UrlDecode(parts[2], &signature));
    signature[10] ^= 1;
    ExpectRefused(
        *v,
        absl::StrCat(parts[0], ".", parts[1], ".", Base64UrlEncode(signature)),
        "token signature does not verify");
    // Signed by a key nobody trusts.
    const PrivateKey& other =
        key->type() == KeyType::kRsa ? OtherRsaKey() : OtherEcKey();
    ExpectRefused(*v, SignToken(other, ValidClaims(kNow)),
                  "token signature does not verify");
  }
}

TEST_F(JwtVerifierTest, RefusesUnsignedAndHmacTokens) {
  auto v = MakeDefault();
  ExpectRefused(*v, testing::UnsignedToken(ValidClaims(kNow)),
                "token is unsigned (alg \"none\")");
  // The classic confusion: HMAC keyed with the server's public key.
  ExpectRefused(
      *v, testing::Hs256Token(RsaKey().public_key().ToPem(), ValidClaims(kNow)),
      "token alg \"HS256\" is not accepted; only RS256 and ES256");
  for (const char* alg : {"RS512", "PS256", "ES384", "EdDSA", "rs256"}) {
    ExpectRefused(
        *v, SignTokenWithHeader(RsaKey(), {{"alg", alg}}, ValidClaims(kNow)),
        absl::StrCat("token alg \"", alg, "\" is not accepted"));
  }
  ExpectRefused(
      *v, SignTokenWithHeader(RsaKey(), {{"typ", "JWT"}}, ValidClaims(kNow)),
      "token header has no \"alg\"");
  ExpectRefused(
      *v, SignTokenWithHeader(RsaKey(), {{"alg", 256}}, ValidClaims(kNow)),
      "token header has no \"alg\"");
}

TEST_F(JwtVerifierTest, TheAlgorithmMustMatchTheKeyType) {
  // Only an EC key is trusted: an RS256 token has no key to go to.
  auto ec_only = Make({EcKey().public_key()});
  ExpectRefused(*ec_only, SignToken(RsaKey(), ValidClaims(kNow)),
                "no RSA key is trusted for RS256 tokens");
  // A header that claims ES256 over an RSA signature.
  auto both = MakeDefault();
  ExpectRefused(
      *both,
      SignTokenWithHeader(RsaKey(), {{"alg", "ES256"}}, ValidClaims(kNow)),
      "ES256 signature must be 64 bytes (r||s), not 256");
  // A header that claims RS256 over an EC signature.
  ExpectRefused(
      *both,
      SignTokenWithHeader(EcKey(), {{"alg", "RS256"}}, ValidClaims(kNow)),
      "token signature does not verify");
  // A kid that names a key of the other type.
  auto with_ids = Make({RsaKey().public_key("r1"), EcKey().public_key("e1")});
  ExpectRefused(*with_ids,
                SignTokenWithHeader(EcKey(), {{"alg", "RS256"}, {"kid", "e1"}},
                                    ValidClaims(kNow)),
                "key \"e1\" is an EC P-256 key and cannot verify RS256");
}

TEST_F(JwtVerifierTest, KeyIdSelectsTheKey) {
  auto v = Make({RsaKey().public_key("r1"), OtherRsaKey().public_key("r2"),
                 EcKey().public_key("e1")});
  EXPECT_TRUE(v->Verify(SignToken(RsaKey(), ValidClaims(kNow), "r1")).ok());
  EXPECT_TRUE(
      v->Verify(SignToken(OtherRsaKey(), ValidClaims(kNow), "r2")).ok());
  EXPECT_TRUE(v->Verify(SignToken(EcKey(), ValidClaims(kNow), "e1")).ok());
  // The kid decides: the right key under the wrong id does not pass.
  ExpectRefused(*v, SignToken(OtherRsaKey(), ValidClaims(kNow), "r1"),
                "token signature does not verify with key \"r1\"");
  ExpectRefused(*v, SignToken(RsaKey(), ValidClaims(kNow), "k2"),
                "unknown key id \"k2\"");
  ExpectRefused(*v,
                SignTokenWithHeader(RsaKey(), {{"alg", "RS256"}, {"kid", 1}},
                                    ValidClaims(kNow)),
                "\"kid\" must be a string");
  // Without a kid, every key of the type is tried.
  EXPECT_TRUE(v->Verify(SignToken(OtherRsaKey(), ValidClaims(kNow))).ok());
}

TEST_F(JwtVerifierTest, KeysWithoutIdsServeTokensWithAnyKid) {
  // PEM keys have no ids; identity providers put a kid in every token.
  auto v = Make({RsaKey().public_key(), EcKey().public_key("e1")});
  EXPECT_TRUE(
      v->Verify(SignToken(RsaKey(), ValidClaims(kNow), "idp-2026")).ok());
  ExpectRefused(*v, SignToken(EcKey(), ValidClaims(kNow), "e2"),
                "unknown key id \"e2\"");
}

TEST_F(JwtVerifierTest, VerifiesWithKeysFromAJwks) {
  absl::StatusOr<std::vector<PublicKey>> keys = ParseJwks(
      testing::JwksOf({RsaKey().public_key("r1"), EcKey().public_key("e1")}),
      "jwks");
  ASSERT_TRUE(keys.ok()) << keys.status();
  auto v = Make(*keys);
  EXPECT_TRUE(v->Verify(SignToken(RsaKey(), ValidClaims(kNow), "r1")).ok());
  EXPECT_TRUE(v->Verify(SignToken(EcKey(), ValidClaims(kNow), "e1")).ok());
}

TEST_F(JwtVerifierTest, RefusesMalformedTokens) {
  auto v = MakeDefault();
  const std::string good = SignToken(RsaKey(), ValidClaims(kNow));
  const std::vector<std::string> parts = absl::StrSplit(good, '.');
  ExpectRefused(*v, "", "empty bearer token");
  ExpectRefused(*v, std::string(kMaxTokenBytes + 1, 'a'),
                "token is longer than 16384 bytes");
  for (const std::string& bad : {std::string("abc"), parts[0] + "." + parts[1],
                                 good + ".x", good + "."}) {
    ExpectRefused(*v, bad, "not a compact JWS");
  }
  ExpectRefused(*v, parts[0] + "=." + parts[1] + "." + parts[2],
                "token header is not a base64url JSON object");
  ExpectRefused(
      *v, Base64UrlEncode("[\"RS256\"]") + "." + parts[1] + "." + parts[2],
      "token header is not a base64url JSON object");
  ExpectRefused(*v, parts[0] + "." + parts[1] + "." + parts[2] + "=",
                "token signature is not base64url");
  // A good signature over a payload that is not JSON.
  const std::string not_json =
      *SignCompactJws(RsaKey(), R"({"alg":"RS256"})", "not json");
  ExpectRefused(*v, not_json, "token payload is not a base64url JSON object");
}

TEST_F(JwtVerifierTest, RefusesCriticalHeaderExtensions) {
  auto v = MakeDefault();
  ExpectRefused(
      *v,
      SignTokenWithHeader(
          RsaKey(),
          {{"alg", "RS256"}, {"crit", json::array({"exp"})}, {"exp", 1}},
          ValidClaims(kNow)),
      "critical extensions");
}

TEST_F(JwtVerifierTest, MessagesQuoteClaimsSafely) {
  auto v = MakeDefault();
  json claims = ValidClaims(kNow);
  claims["iss"] = "evil\n{\"level\":\"info\"}" + std::string(100, 'x');
  absl::StatusOr<domain::Principal> p = v->Verify(SignToken(RsaKey(), claims));
  EXPECT_THAT(p.status().message(), HasSubstr("\"evil\\n{\\\"level"));
  EXPECT_THAT(p.status().message(), HasSubstr("...\""));
  EXPECT_THAT(p.status().message(), Not(HasSubstr("\n")));
}

TEST_F(JwtVerifierTest, CacheAnswersRepeatsWithTheSamePrincipal) {
  auto v = MakeDefault();
  json claims = ValidClaims(kNow);
  claims["role"] = "PROVIDER";
  claims["provider_id"] = "omsorg-ab";
  const std::string token = SignToken(EcKey(), claims);
  absl::StatusOr<domain::Principal> first = v->Verify(token);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(v->cache_hits(), 0u);
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<domain::Principal> again = v->Verify(token);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->subject, first->subject);
    EXPECT_EQ(again->role, first->role);
    EXPECT_EQ(again->tenant, first->tenant);
    EXPECT_EQ(again->provider_id, first->provider_id);
  }
  EXPECT_EQ(v->cache_hits(), 3u);
  EXPECT_EQ(v->cache_size(), 1u);
}

TEST_F(JwtVerifierTest, CacheDoesNotOutliveTheToken) {
  auto v = Make({RsaKey().public_key()}, absl::ZeroDuration());
  const std::string token = SignToken(RsaKey(), ValidClaims(kNow));  // 1 h
  ASSERT_TRUE(v->Verify(token).ok());
  now_ = kNow + absl::Minutes(59);
  ASSERT_TRUE(v->Verify(token).ok());
  EXPECT_EQ(v->cache_hits(), 1u);
  now_ = kNow + absl::Hours(1);
  ExpectRefused(*v, token, "token expired at 2026-11-23T11:00:00Z");
  EXPECT_EQ(v->cache_hits(), 1u);
  EXPECT_EQ(v->cache_size(), 0u);
  // Refusals are not cached either: the next try is checked again.
  ExpectRefused(*v, token, "token expired");
  EXPECT_EQ(v->cache_size(), 0u);
}

TEST_F(JwtVerifierTest, CacheDoesNotAcceptBeforeNotBefore) {
  auto v = Make({RsaKey().public_key()}, absl::ZeroDuration());
  json claims = ValidClaims(kNow);
  claims["nbf"] = absl::ToUnixSeconds(kNow);
  const std::string token = SignToken(RsaKey(), claims);
  ASSERT_TRUE(v->Verify(token).ok());
  now_ = kNow - absl::Seconds(1);  // the clock stepped back
  ExpectRefused(*v, token, "token is not valid before");
}

TEST_F(JwtVerifierTest, CacheIsBounded) {
  auto v = Make({EcKey().public_key()}, absl::Seconds(60), 2);
  std::vector<std::string> tokens;
  for (const char* sub : {"a", "b", "c"}) {
    json claims = ValidClaims(kNow);
    claims["sub"] = sub;
    tokens.push_back(SignToken(EcKey(), claims));
    ASSERT_TRUE(v->Verify(tokens.back()).ok());
  }
  EXPECT_EQ(v->cache_size(), 2u);
  // "a" was the least recently used and made room for "c".
  ASSERT_TRUE(v->Verify(tokens[2]).ok());
  ASSERT_TRUE(v->Verify(tokens[1]).ok());
  EXPECT_EQ(v->cache_hits(), 2u);
  ASSERT_TRUE(v->Verify(tokens[0]).ok());
  EXPECT_EQ(v->cache_hits(), 2u);

  auto uncached = Make({EcKey().public_key()}, absl::Seconds(60), 0);
  ASSERT_TRUE(uncached->Verify(tokens[0]).ok());
  ASSERT_TRUE(uncached->Verify(tokens[0]).ok());
  EXPECT_EQ(uncached->cache_hits(), 0u);
  EXPECT_EQ(uncached->cache_size(), 0u);
}

TEST_F(JwtVerifierTest, VerifiesConcurrently) {
  auto v =
      Make({RsaKey().public_key(), EcKey().public_key()}, absl::Seconds(60), 4);
  std::vector<std::string> tokens;
  for (const char* sub : {"a", "b", "c", "d", "e", "f"}) {
    json claims = ValidClaims(kNow);
    claims["sub"] = sub;
    tokens.push_back(SignToken(tokens.size() % 2 ? EcKey() : RsaKey(), claims));
  }
  tokens.push_back(SignToken(OtherEcKey(), ValidClaims(kNow)));  // refused
  std::atomic<int> accepted{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 70; ++i) {
        const std::string& token = tokens[(i + t) % tokens.size()];
        (v->Verify(token).ok() ? accepted : refused).fetch_add(1);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 240);
  EXPECT_EQ(refused.load(), 40);
}

TEST(JwtVerifierCreate, RefusesIncompleteConfigurations) {
  JwtVerifierConfig good;
  good.issuer = "iss";
  good.audience = "aud";
  good.keys = {RsaKey().public_key("k")};
  ASSERT_TRUE(JwtVerifier::Create(good).ok());

  JwtVerifierConfig c = good;
  c.issuer.clear();
  EXPECT_THAT(JwtVerifier::Create(c).status().message(), HasSubstr("issuer"));
  c = good;
  c.audience.clear();
  EXPECT_THAT(JwtVerifier::Create(c).status().message(), HasSubstr("audience"));
  c = good;
  c.keys.clear();
  EXPECT_THAT(JwtVerifier::Create(c).status().message(), HasSubstr("no token"));
  c = good;
  c.keys.push_back(EcKey().public_key("k"));
  EXPECT_THAT(JwtVerifier::Create(c).status().message(),
              HasSubstr("two verification keys have kid \"k\""));
  c = good;
  c.leeway = absl::Seconds(-1);
  EXPECT_EQ(JwtVerifier::Create(c).status().code(),
            absl::StatusCode::kInvalidArgument);
  c.leeway = absl::Minutes(11);
  EXPECT_EQ(JwtVerifier::Create(c).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace atgard::auth
