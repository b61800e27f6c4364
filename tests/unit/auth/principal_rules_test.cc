#include "services/auth/principal_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/domain/validation.h"

namespace atgard::auth {
namespace {

using ::testing::HasSubstr;

domain::Principal Officer() {
  return {
      .subject = "anna", .role = v1::ROLE_FOLLOW_UP_OFFICER, .tenant = "0780"};
}

TEST(ParseExternalRole, TakesEveryRoleAClientMayHold) {
  const google::protobuf::EnumDescriptor* d = v1::Role_descriptor();
  int accepted = 0;
  for (int i = 0; i < d->value_count(); ++i) {
    const auto role = static_cast<v1::Role>(d->value(i)->number());
    absl::StatusOr<v1::Role> parsed = ParseExternalRole(ExternalRoleName(role));
    if (role == v1::ROLE_UNSPECIFIED || role == v1::ROLE_SYSTEM) {
      EXPECT_FALSE(parsed.ok()) << ExternalRoleName(role);
    } else {
      ASSERT_TRUE(parsed.ok()) << parsed.status();
      EXPECT_EQ(*parsed, role);
      ++accepted;
    }
  }
  EXPECT_EQ(accepted, 8);
  EXPECT_EQ(ExternalRoleName(v1::ROLE_CARE_DIRECTOR), "CARE_DIRECTOR");
}

TEST(ParseExternalRole, ListsTheAcceptedNamesAndRefusesSystem) {
  absl::StatusOr<v1::Role> bad = ParseExternalRole("boss");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(),
              HasSubstr("role \"boss\" is not one of FOLLOW_UP_OFFICER, "
                        "CARE_DIRECTOR, ADMINISTRATION_DIRECTOR, PROVIDER, "
                        "MEDICAL_OFFICER, AUDITOR, SUPERVISOR, OPERATOR"));
  EXPECT_THAT(ParseExternalRole("SYSTEM").status().message(),
              HasSubstr("reserved for the server itself"));
}

// The tenant rule itself is the domain's (tests/unit/domain/tenant_test.cc);
// a principal obeys it and is told which value broke it.
TEST(CheckPrincipal, TenantIsAKommunkodOfAnExistingCounty) {
  domain::Principal p = Officer();
  for (const char* good : {"0780", "2480", "0180", "1480"}) {
    p.tenant = good;
    EXPECT_TRUE(CheckPrincipal(p).ok()) << good;
  }
  for (const char* bad : {"", "780", "07800", "07 0", "078a", "-780"}) {
    p.tenant = bad;
    const absl::Status s = CheckPrincipal(p);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(s.message(), HasSubstr("exactly 4 digits")) << bad;
  }
  p.tenant = "0280";
  EXPECT_THAT(CheckPrincipal(p).message(),
              HasSubstr("tenant \"0280\" is not a kommunkod: first two digits "
                        "must be an existing county (län) code"));
}

TEST(CheckPrincipal, SubjectAndProviderIdAreCleanText) {
  domain::Principal p = Officer();
  EXPECT_TRUE(CheckPrincipal(p).ok());
  p.subject = "Åsa Öberg ✓";
  EXPECT_TRUE(CheckPrincipal(p).ok());
  for (const char* bad :
       {"anna\nroot", "tab\there", "del\x7f", "\xc2\x85", "\xc3", "\xc0\xaf",
        "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xff"}) {
    p.subject = bad;
    EXPECT_THAT(CheckPrincipal(p).message(), HasSubstr("subject must be UTF-8"))
        << absl::CEscape(bad);
  }
  p = Officer();
  p.role = v1::ROLE_PROVIDER;
  p.provider_id = "omsorg\r\nab";
  EXPECT_THAT(CheckPrincipal(p).message(), HasSubstr("provider_id must be"));
  p.provider_id = std::string(domain::kMaxIdBytes, 'p');
  EXPECT_TRUE(CheckPrincipal(p).ok());
  p.provider_id = std::string(domain::kMaxIdBytes + 1, 'p');
  EXPECT_THAT(CheckPrincipal(p).message(),
              HasSubstr(absl::StrCat("longer than ", domain::kMaxIdBytes)));
}

TEST(CheckPrincipal, AreaOnlyForCareDirectorsAsCleanText) {
  domain::Principal p = Officer();
  p.area_id = "norra";
  EXPECT_THAT(CheckPrincipal(p).message(),
              HasSubstr("area is only for role CARE_DIRECTOR"));
  p.role = v1::ROLE_CARE_DIRECTOR;
  EXPECT_TRUE(CheckPrincipal(p).ok());
  p.area_id = "nor\nra";
  EXPECT_THAT(CheckPrincipal(p).message(), HasSubstr("area must be UTF-8"));
  p.area_id = std::string(domain::kMaxIdBytes + 1, 'a');
  EXPECT_THAT(CheckPrincipal(p).message(),
              HasSubstr(absl::StrCat("longer than ", domain::kMaxIdBytes)));
}

TEST(CheckPrincipal, RefusesRolesFromInside) {
  domain::Principal p = Officer();
  p.role = v1::ROLE_SYSTEM;
  EXPECT_EQ(CheckPrincipal(p).code(), absl::StatusCode::kInvalidArgument);
  p.role = v1::ROLE_UNSPECIFIED;
  EXPECT_EQ(CheckPrincipal(p).code(), absl::StatusCode::kInvalidArgument);
}

TEST(Quote, EscapesAndCutsWhatClientsSend) {
  EXPECT_EQ(Quote("k2"), "\"k2\"");
  EXPECT_EQ(Quote("a\"b\n"), "\"a\\\"b\\n\"");
  EXPECT_EQ(Quote(std::string(100, 'x')),
            "\"" + std::string(64, 'x') + "...\"");
}

}  // namespace
}  // namespace atgard::auth
