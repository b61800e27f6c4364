#include "services/auth/principal_map.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/auth_tokens.h"
#include "tests/support/temp_dir.h"

namespace atgard::auth {
namespace {

using nlohmann::json;
using ::testing::AllOf;
using ::testing::HasSubstr;

json Entry(json match, const char* subject, const char* role,
           const char* tenant = "0780") {
  return {{"match", std::move(match)},
          {"subject", subject},
          {"role", role},
          {"tenant", tenant}};
}

std::unique_ptr<PrincipalMap> MustParse(const json& doc) {
  absl::StatusOr<std::unique_ptr<PrincipalMap>> map =
      PrincipalMap::Parse(doc.dump(), "principals.json");
  EXPECT_TRUE(map.ok()) << map.status();
  return map.ok() ? std::move(*map) : nullptr;
}

absl::Status ParseError(const json& doc) {
  return PrincipalMap::Parse(doc.dump(), "--mtls_principals principals.json")
      .status();
}

class PrincipalMapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    json provider = Entry({{"san_uri", "spiffe://kommun.example/omsorg-ab"}},
                          "system:omsorg-ab", "PROVIDER");
    provider["provider_id"] = "omsorg-ab";
    map_ = MustParse({{"principals",
                       json::array({Entry({{"common_name", "uu-system"}},
                                          "system:uu", "FOLLOW_UP_OFFICER"),
                                    provider,
                                    Entry({{"san_dns", "Ops.Kommun.Example"}},
                                          "system:ops", "OPERATOR", "0781"),
                                    Entry({{"common_name", "audit"},
                                           {"san_dns", "audit.kommun.example"}},
                                          "system:audit", "AUDITOR")})}});
    ASSERT_NE(map_, nullptr);
  }

  std::unique_ptr<PrincipalMap> map_;
};

TEST_F(PrincipalMapTest, MatchesOnCommonName) {
  absl::StatusOr<domain::Principal> p =
      map_->Lookup({.common_name = "uu-system"});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->subject, "system:uu");
  EXPECT_EQ(p->role, v1::ROLE_FOLLOW_UP_OFFICER);
  EXPECT_EQ(p->tenant, "0780");
  EXPECT_EQ(p->provider_id, "");
}

TEST_F(PrincipalMapTest, MatchesOnSanUriAndSanDns) {
  absl::StatusOr<domain::Principal> provider = map_->Lookup(
      {.common_name = "whatever",
       .dns_names = {"x.example"},
       .uris = {"urn:other", "spiffe://kommun.example/omsorg-ab"}});
  ASSERT_TRUE(provider.ok()) << provider.status();
  EXPECT_EQ(provider->role, v1::ROLE_PROVIDER);
  EXPECT_EQ(provider->provider_id, "omsorg-ab");

  // DNS names compare without regard to case; URIs and CNs exactly.
  absl::StatusOr<domain::Principal> ops =
      map_->Lookup({.dns_names = {"ops.kommun.EXAMPLE"}});
  ASSERT_TRUE(ops.ok()) << ops.status();
  EXPECT_EQ(ops->subject, "system:ops");
  EXPECT_EQ(ops->tenant, "0781");
  EXPECT_EQ(map_->Lookup({.uris = {"SPIFFE://kommun.example/omsorg-ab"}})
                .status()
                .code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(map_->Lookup({.common_name = "UU-SYSTEM"}).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(PrincipalMapTest, AllConditionsOfAnEntryMustHold) {
  EXPECT_TRUE(map_->Lookup({.common_name = "audit",
                            .dns_names = {"audit.kommun.example"}})
                  .ok());
  EXPECT_EQ(map_->Lookup({.common_name = "audit"}).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(
      map_->Lookup({.dns_names = {"audit.kommun.example"}}).status().code(),
      absl::StatusCode::kUnauthenticated);
}

TEST_F(PrincipalMapTest, UnmappedCertificateIsUnauthenticated) {
  absl::StatusOr<domain::Principal> p =
      map_->Lookup({.common_name = "stranger"});
  EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(p.status().message(),
              HasSubstr("client certificate CN=\"stranger\" is not mapped"));
  EXPECT_EQ(map_->Lookup({}).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(PrincipalMap, AmbiguousMatchIsRefusedNotGuessed) {
  auto map = MustParse(
      {{"principals",
        json::array({Entry({{"common_name", "shared"}}, "a", "AUDITOR"),
                     Entry({{"san_uri", "urn:shared"}}, "b", "OPERATOR")})}});
  ASSERT_NE(map, nullptr);
  absl::StatusOr<domain::Principal> p =
      map->Lookup({.common_name = "shared", .uris = {"urn:shared"}});
  EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(p.status().message(),
              HasSubstr("matches several principals (principals[0], "
                        "principals[1])"));
}

TEST(PrincipalMap, RefusesInvalidEntriesNamingThem) {
  json provider_without_id = Entry({{"common_name", "p"}}, "p", "PROVIDER");
  json officer_with_id =
      Entry({{"common_name", "o"}}, "o", "FOLLOW_UP_OFFICER");
  officer_with_id["provider_id"] = "omsorg-ab";
  json misspelt = Entry({{"common_nam", "x"}}, "x", "AUDITOR");
  json extra = Entry({{"common_name", "x"}}, "x", "AUDITOR");
  extra["admin"] = true;
  json no_subject = Entry({{"common_name", "x"}}, "x", "AUDITOR");
  no_subject.erase("subject");
  const std::pair<json, const char*> cases[] = {
      {Entry({{"common_name", "s"}}, "s", "SYSTEM"),
       "principals[0]: role \"SYSTEM\" is reserved"},
      {Entry({{"common_name", "s"}}, "s", "ROLE_AUDITOR"), "is not one of"},
      {Entry({{"common_name", "t"}}, "t", "AUDITOR", "780"),
       "principals[0]: tenant \"780\" is not a kommunkod"},
      {provider_without_id, "provider_id is required for role PROVIDER"},
      {officer_with_id, "provider_id is only for role PROVIDER"},
      {misspelt, "principals[0].match: unknown member \"common_nam\""},
      {extra, "principals[0]: unknown member \"admin\""},
      {Entry(json::object(), "x", "AUDITOR"), "needs at least one of"},
      {Entry({{"san_dns", ""}}, "x", "AUDITOR"), "must be a non-empty string"},
      {no_subject, "\"subject\" is required"},
  };
  for (const auto& [entry, fragment] : cases) {
    const absl::Status s = ParseError({{"principals", json::array({entry})}});
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << fragment;
    EXPECT_THAT(s.message(),
                AllOf(HasSubstr("--mtls_principals principals.json"),
                      HasSubstr(fragment)));
  }
}

TEST(PrincipalMap, RefusesDuplicateConditionsAndBadDocuments) {
  const absl::Status dup = ParseError(
      {{"principals",
        json::array({Entry({{"common_name", "x"}}, "a", "AUDITOR"),
                     Entry({{"common_name", "x"}}, "b", "OPERATOR")})}});
  EXPECT_THAT(dup.message(),
              AllOf(HasSubstr("principals[1].match"),
                    HasSubstr("same conditions as an earlier entry")));
  for (const char* text :
       {"", "[]", "{\"principals\": {}}", "{\"principals\": [], \"extra\": 1}",
        "{\"principals\": [1]}"}) {
    EXPECT_EQ(PrincipalMap::Parse(text, "p.json").status().code(),
              absl::StatusCode::kInvalidArgument)
        << text;
  }
}

TEST(PrincipalMap, LoadNamesFlagAndFile) {
  testing::TempDir dir;
  const std::string path = dir.Join("principals.json");
  absl::StatusOr<std::unique_ptr<PrincipalMap>> missing =
      PrincipalMap::Load(path, "--mtls_principals");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(),
              AllOf(HasSubstr("--mtls_principals"), HasSubstr(path)));
  testing::WriteTestFile(path, "{not json");
  absl::StatusOr<std::unique_ptr<PrincipalMap>> garbage =
      PrincipalMap::Load(path, "--mtls_principals");
  EXPECT_THAT(garbage.status().message(),
              AllOf(HasSubstr("--mtls_principals"), HasSubstr(path),
                    HasSubstr("not valid JSON")));
  testing::WriteTestFile(
      path, json{{"principals",
                  json::array({Entry({{"common_name", "c"}}, "s", "AUDITOR")})}}
                .dump());
  absl::StatusOr<std::unique_ptr<PrincipalMap>> map =
      PrincipalMap::Load(path, "--mtls_principals");
  ASSERT_TRUE(map.ok()) << map.status();
  EXPECT_EQ((*map)->size(), 1u);
}

}  // namespace
}  // namespace atgard::auth
