#include "services/auth/authenticator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "services/auth/dev_tokens.h"
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
using testing::ValidClaims;

const absl::Time kNow = absl::FromUnixSeconds(1795428000);

class AuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    key_file_ = dir_.Join("idp.pem");
    testing::WriteTestFile(key_file_, RsaKey().public_key().ToPem());
    jwks_file_ = dir_.Join("jwks.json");
    testing::WriteTestFile(jwks_file_,
                           testing::JwksOf({EcKey().public_key("e1")}));
    principals_file_ = dir_.Join("principals.json");
    testing::WriteTestFile(
        principals_file_,
        json{{"principals",
              json::array({{{"match", {{"common_name", "uu-system"}}},
                            {"subject", "system:uu"},
                            {"role", "CARE_DIRECTOR"},
                            {"tenant", "0781"}}})}}
            .dump());
  }

  AuthConfig FullConfig() const {
    AuthConfig c;
    c.jwt_issuer = testing::kTestIssuer;
    c.jwt_public_key_files = {key_file_};
    c.jwt_jwks_file = jwks_file_;
    c.mtls_principals_file = principals_file_;
    c.clock = [] { return kNow; };
    return c;
  }

  std::unique_ptr<Authenticator> Make(const AuthConfig& config) {
    absl::StatusOr<std::unique_ptr<Authenticator>> a =
        Authenticator::Create(config);
    EXPECT_TRUE(a.ok()) << a.status();
    return a.ok() ? std::move(*a) : nullptr;
  }

  static AuthRequest WithToken(const std::string& token) {
    return {.authorization = {absl::StrCat("Bearer ", token)}};
  }
  static AuthRequest WithCertificate(const std::string& cn) {
    return {.client_certificate_verified = true,
            .certificate = {.common_name = cn}};
  }

  testing::TempDir dir_;
  std::string key_file_;
  std::string jwks_file_;
  std::string principals_file_;
};

TEST_F(AuthenticatorTest, TokenDefinesThePrincipal) {
  auto a = Make(FullConfig());
  ASSERT_NE(a, nullptr);
  for (const std::string& token :
       {SignToken(RsaKey(), ValidClaims(kNow)),
        SignToken(EcKey(), ValidClaims(kNow), "e1")}) {
    absl::StatusOr<Authentication> r = a->Authenticate(WithToken(token));
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->credential, CredentialKind::kBearerToken);
    EXPECT_EQ(r->principal.subject, "anna");
    EXPECT_EQ(r->principal.role, v1::ROLE_FOLLOW_UP_OFFICER);
    EXPECT_EQ(r->client_system, "");
  }
}

TEST_F(AuthenticatorTest, MappedCertificateDefinesThePrincipalWithoutToken) {
  auto a = Make(FullConfig());
  absl::StatusOr<Authentication> r =
      a->Authenticate(WithCertificate("uu-system"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->credential, CredentialKind::kClientCertificate);
  EXPECT_EQ(r->principal.subject, "system:uu");
  EXPECT_EQ(r->principal.role, v1::ROLE_CARE_DIRECTOR);
  EXPECT_EQ(r->principal.tenant, "0781");
  EXPECT_EQ(r->client_system, "uu-system");

  absl::StatusOr<Authentication> unmapped =
      a->Authenticate(WithCertificate("stranger"));
  EXPECT_EQ(unmapped.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(unmapped.status().message(), HasSubstr("not mapped"));
}

TEST_F(AuthenticatorTest, TokenTakesPrecedenceOverTheCertificate) {
  auto a = Make(FullConfig());
  AuthRequest request = WithCertificate("uu-system");
  request.authorization = {
      absl::StrCat("Bearer ", SignToken(RsaKey(), ValidClaims(kNow)))};
  absl::StatusOr<Authentication> r = a->Authenticate(request);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->credential, CredentialKind::kBearerToken);
  EXPECT_EQ(r->principal.subject, "anna");
  EXPECT_EQ(r->principal.tenant, "0780");
  // The certificate still names the calling system.
  EXPECT_EQ(r->client_system, "uu-system");
}

TEST_F(AuthenticatorTest, BadTokenIsNotExcusedByAGoodCertificate) {
  auto a = Make(FullConfig());
  json expired = ValidClaims(kNow - absl::Hours(3));
  AuthRequest request = WithCertificate("uu-system");
  request.authorization = {
      absl::StrCat("Bearer ", SignToken(RsaKey(), expired))};
  absl::StatusOr<Authentication> r = a->Authenticate(request);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(r.status().message(), HasSubstr("token expired"));

  request.authorization = {"Basic dXNlcjpwYXNz"};
  EXPECT_EQ(a->Authenticate(request).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(AuthenticatorTest, UnverifiedCertificatesAreIgnored) {
  auto a = Make(FullConfig());
  AuthRequest request = WithCertificate("uu-system");
  request.client_certificate_verified = false;
  absl::StatusOr<Authentication> r = a->Authenticate(request);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(r.status().message(),
              HasSubstr("no credentials: send a bearer token or a client "
                        "certificate"));
}

TEST_F(AuthenticatorTest, NoCredentialsIsUnauthenticated) {
  auto a = Make(FullConfig());
  absl::StatusOr<Authentication> r = a->Authenticate({});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(r.status().message(),
            "no credentials: send a bearer token or a client certificate");
}

TEST_F(AuthenticatorTest, RefusesMalformedAuthorizationWithoutEchoingIt) {
  auto a = Make(FullConfig());
  const std::string token = SignToken(RsaKey(), ValidClaims(kNow));
  for (const std::string& value :
       {std::string("Bearer"), std::string("Bearer "), "Basic " + token, token,
        "Bearer\t" + token, "Bearer " + token + " ",
        "Bearer " + token + " extra", "Bearertoken" + token}) {
    absl::StatusOr<Authentication> r =
        a->Authenticate({.authorization = {value}});
    EXPECT_EQ(r.status().code(), absl::StatusCode::kUnauthenticated) << value;
    EXPECT_THAT(r.status().message(),
                AllOf(HasSubstr("malformed authorization metadata"),
                      Not(HasSubstr(token.substr(token.rfind('.'))))));
  }
  absl::StatusOr<Authentication> two = a->Authenticate(
      {.authorization = {"Bearer " + token, "Bearer " + token}});
  EXPECT_THAT(two.status().message(), HasSubstr("several authorization"));
  // The scheme is case-insensitive (RFC 7235).
  EXPECT_TRUE(a->Authenticate({.authorization = {"bearer " + token}}).ok());
  EXPECT_TRUE(a->Authenticate({.authorization = {"BEARER  " + token}}).ok());
}

TEST_F(AuthenticatorTest, CredentialsOfAnUnconfiguredKindAreRefused) {
  AuthConfig tokens_only = FullConfig();
  tokens_only.mtls_principals_file.clear();
  auto a = Make(tokens_only);
  EXPECT_THAT(a->Authenticate(WithCertificate("uu-system")).status().message(),
              HasSubstr("client certificates are not mapped"));

  AuthConfig certs_only;
  certs_only.mtls_principals_file = principals_file_;
  auto b = Make(certs_only);
  EXPECT_TRUE(b->Authenticate(WithCertificate("uu-system")).ok());
  AuthRequest request = WithCertificate("uu-system");
  request.authorization = {
      absl::StrCat("Bearer ", SignToken(RsaKey(), ValidClaims(kNow)))};
  EXPECT_THAT(b->Authenticate(request).status().message(),
              HasSubstr("bearer tokens are not accepted"));
}

TEST_F(AuthenticatorTest, CreateRefusesInconsistentConfigurations) {
  struct Case {
    AuthConfig config;
    absl::StatusCode code;
    std::vector<std::string> fragments;
  };
  std::vector<Case> cases;
  cases.push_back(
      {AuthConfig{},
       absl::StatusCode::kInvalidArgument,
       {"no authentication configured", "--jwt_issuer", "--mtls_principals"}});
  AuthConfig c = FullConfig();
  c.jwt_issuer.clear();
  cases.push_back({c, absl::StatusCode::kInvalidArgument, {"--jwt_issuer"}});
  c = FullConfig();
  c.jwt_public_key_files.clear();
  c.jwt_jwks_file.clear();
  cases.push_back({c,
                   absl::StatusCode::kInvalidArgument,
                   {"--jwt_issuer needs", "--jwt_public_keys", "--jwt_jwks"}});
  c = FullConfig();
  c.jwt_audience.clear();
  cases.push_back({c, absl::StatusCode::kInvalidArgument, {"--jwt_audience"}});
  c = FullConfig();
  c.jwt_leeway = absl::Minutes(-1);
  cases.push_back({c, absl::StatusCode::kInvalidArgument, {"--jwt_leeway"}});
  c = FullConfig();
  c.jwt_public_key_files = {dir_.Join("absent.pem")};
  cases.push_back({c,
                   absl::StatusCode::kNotFound,
                   {"--jwt_public_keys", dir_.Join("absent.pem")}});
  c = FullConfig();
  c.jwt_jwks_file = key_file_;  // a PEM file is not a JWKS
  cases.push_back(
      {c, absl::StatusCode::kInvalidArgument, {"--jwt_jwks", key_file_}});
  c = FullConfig();
  c.mtls_principals_file = jwks_file_;
  cases.push_back({c,
                   absl::StatusCode::kInvalidArgument,
                   {"--mtls_principals", jwks_file_}});
  c = FullConfig();
  c.dev_auth = true;
  c.data_dir = dir_.Join("data");
  cases.push_back({c,
                   absl::StatusCode::kInvalidArgument,
                   {"--dev_auth cannot be combined"}});
  c = AuthConfig{};
  c.dev_auth = true;
  c.mtls_principals_file = principals_file_;
  c.data_dir = dir_.Join("data");
  cases.push_back({c,
                   absl::StatusCode::kInvalidArgument,
                   {"--dev_auth cannot be combined with --mtls_principals"}});
  c = AuthConfig{};
  c.dev_auth = true;
  cases.push_back(
      {c, absl::StatusCode::kInvalidArgument, {"--dev_auth", "--data_dir"}});
  for (const Case& k : cases) {
    absl::StatusOr<std::unique_ptr<Authenticator>> a =
        Authenticator::Create(k.config);
    EXPECT_EQ(a.status().code(), k.code) << a.status();
    for (const std::string& f : k.fragments) {
      EXPECT_THAT(a.status().message(), HasSubstr(f));
    }
  }
}

TEST_F(AuthenticatorTest, DescribesWhatItAccepts) {
  auto a = Make(FullConfig());
  EXPECT_EQ(a->Describe(),
            "bearer tokens (issuer \"https://idp.kommun.example\", audience "
            "\"atgard\", 2 keys: no kid, \"e1\"); client certificates (1 "
            "principal)");
}

TEST(AuthenticatorDevMode, AcceptsDevelopmentTokens) {
  testing::TempDir dir;
  AuthConfig config;
  config.dev_auth = true;
  // The development key lives next to the data directory: both inside
  // the temporary directory, so that nothing is left behind.
  config.data_dir = dir.Join("data");
  absl::StatusOr<std::unique_ptr<Authenticator>> a =
      Authenticator::Create(config);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_THAT((*a)->Describe(), HasSubstr("NOT FOR PRODUCTION"));
  absl::StatusOr<std::string> token = MintDevToken(
      config.data_dir,
      {.subject = "anna", .role = v1::ROLE_AUDITOR, .tenant = "0780"},
      absl::Now());
  ASSERT_TRUE(token.ok());
  absl::StatusOr<Authentication> r =
      (*a)->Authenticate({.authorization = {"Bearer " + *token}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->principal.subject, "anna");
}

}  // namespace
}  // namespace atgard::auth
