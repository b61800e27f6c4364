#include "services/auth/dev_tokens.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "absl/strings/str_cat.h"
#include "services/auth/jwt_verifier.h"
#include "tests/support/temp_dir.h"

namespace atgard::auth {
namespace {

using ::testing::HasSubstr;

mode_t Mode(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

DevTokenRequest Officer() {
  DevTokenRequest r;
  r.subject = "anna";
  r.role = v1::ROLE_FOLLOW_UP_OFFICER;
  r.tenant = "0780";
  return r;
}

std::unique_ptr<JwtVerifier> DevVerifier(const std::string& data_dir) {
  absl::StatusOr<JwtVerifierConfig> config = DevVerifierConfig(data_dir);
  EXPECT_TRUE(config.ok()) << config.status();
  absl::StatusOr<std::unique_ptr<JwtVerifier>> v =
      JwtVerifier::Create(*std::move(config));
  EXPECT_TRUE(v.ok()) << v.status();
  return std::move(v).value();
}

TEST(DevTokens, RoundTripThroughTheDevVerifier) {
  testing::TempDir dir;
  const std::string data_dir = dir.Join("data");
  absl::StatusOr<std::string> token =
      MintDevToken(data_dir, Officer(), absl::Now());
  ASSERT_TRUE(token.ok()) << token.status();
  absl::StatusOr<domain::Principal> p = DevVerifier(data_dir)->Verify(*token);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->subject, "anna");
  EXPECT_EQ(p->role, v1::ROLE_FOLLOW_UP_OFFICER);
  EXPECT_EQ(p->tenant, "0780");

  DevTokenRequest provider = Officer();
  provider.role = v1::ROLE_PROVIDER;
  provider.provider_id = "omsorg-ab";
  token = MintDevToken(data_dir, provider, absl::Now());
  ASSERT_TRUE(token.ok()) << token.status();
  p = DevVerifier(data_dir)->Verify(*token);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->provider_id, "omsorg-ab");

  DevTokenRequest director = Officer();
  director.role = v1::ROLE_CARE_DIRECTOR;
  director.area_id = "norra";
  token = MintDevToken(data_dir, director, absl::Now());
  ASSERT_TRUE(token.ok()) << token.status();
  p = DevVerifier(data_dir)->Verify(*token);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->area_id, "norra");

  // An area is minted for no other role.
  DevTokenRequest officer_with_area = Officer();
  officer_with_area.area_id = "norra";
  EXPECT_EQ(
      MintDevToken(data_dir, officer_with_area, absl::Now()).status().code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(DevTokens, KeyIsCreatedPrivateAndReused) {
  testing::TempDir dir;
  const std::string data_dir = dir.Join("data");
  absl::StatusOr<PrivateKey> first = LoadOrCreateDevKey(data_dir);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(Mode(DevAuthDir(data_dir)), 0700u);
  EXPECT_EQ(Mode(DevAuthDir(data_dir) + "/signing-key.pem"), 0600u);
  EXPECT_EQ(first->type(), KeyType::kEcP256);

  absl::StatusOr<PrivateKey> second = LoadOrCreateDevKey(data_dir);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->Thumbprint(), first->Thumbprint());

  // A token minted before is accepted by a verifier set up after.
  absl::StatusOr<std::string> token =
      MintDevToken(data_dir, Officer(), absl::Now());
  ASSERT_TRUE(token.ok());
  EXPECT_TRUE(DevVerifier(data_dir)->Verify(*token).ok());

  // Another data directory has another key: its tokens do not pass.
  const std::string other_dir = dir.Join("other");
  absl::StatusOr<std::string> foreign =
      MintDevToken(other_dir, Officer(), absl::Now());
  ASSERT_TRUE(foreign.ok());
  absl::StatusOr<domain::Principal> refused =
      DevVerifier(data_dir)->Verify(*foreign);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(refused.status().message(), HasSubstr("unknown key id"));
}

TEST(DevTokens, RefusesAKeyOthersCanRead) {
  testing::TempDir dir;
  const std::string data_dir = dir.Join("data");
  ASSERT_TRUE(LoadOrCreateDevKey(data_dir).ok());
  const std::string key = DevAuthDir(data_dir) + "/signing-key.pem";
  ASSERT_EQ(chmod(key.c_str(), 0644), 0);
  absl::StatusOr<PrivateKey> loaded = LoadOrCreateDevKey(data_dir);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(loaded.status().message(), HasSubstr("chmod 600 " + key));

  ASSERT_EQ(chmod(key.c_str(), 0600), 0);
  ASSERT_EQ(chmod(DevAuthDir(data_dir).c_str(), 0755), 0);
  loaded = LoadOrCreateDevKey(data_dir);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(loaded.status().message(), HasSubstr("chmod 700"));
}

TEST(DevTokens, RefusesRequestsTheVerifierWouldRefuse) {
  testing::TempDir dir;
  DevTokenRequest r = Officer();
  r.role = v1::ROLE_SYSTEM;
  EXPECT_THAT(MintDevToken(dir.path(), r, absl::Now()).status().message(),
              HasSubstr("SYSTEM"));
  r = Officer();
  r.role = v1::ROLE_PROVIDER;
  EXPECT_THAT(MintDevToken(dir.path(), r, absl::Now()).status().message(),
              HasSubstr("provider_id is required"));
  r = Officer();
  r.tenant = "78";
  EXPECT_EQ(MintDevToken(dir.path(), r, absl::Now()).status().code(),
            absl::StatusCode::kInvalidArgument);
  r = Officer();
  r.ttl = absl::ZeroDuration();
  EXPECT_THAT(MintDevToken(dir.path(), r, absl::Now()).status().message(),
              HasSubstr("ttl"));
  r.ttl = kMaxDevTokenTtl + absl::Seconds(1);
  EXPECT_THAT(MintDevToken(dir.path(), r, absl::Now()).status().message(),
              HasSubstr("ttl"));
}

TEST(DevTokens, TokensExpireAfterTheirTtl) {
  testing::TempDir dir;
  const absl::Time minted = absl::FromUnixSeconds(1795428000);
  DevTokenRequest r = Officer();
  r.ttl = absl::Minutes(30);
  absl::StatusOr<std::string> token = MintDevToken(dir.path(), r, minted);
  ASSERT_TRUE(token.ok());
  absl::StatusOr<JwtVerifierConfig> config = DevVerifierConfig(dir.path());
  ASSERT_TRUE(config.ok());
  config->leeway = absl::ZeroDuration();
  config->clock = [minted] { return minted + absl::Minutes(30); };
  absl::StatusOr<std::unique_ptr<JwtVerifier>> v =
      JwtVerifier::Create(*std::move(config));
  ASSERT_TRUE(v.ok());
  EXPECT_THAT((*v)->Verify(*token).status().message(),
              HasSubstr("token expired at 2026-11-23T10:30:00Z"));
}

}  // namespace
}  // namespace atgard::auth
