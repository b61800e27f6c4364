// The tenant rule, the one every layer applies (the domain's CheckTenant;
// auth's CheckPrincipal uses it for every principal it accepts), as
// specifications:
//
//   GivenTenant("0780").WhenChecked().ThenAccepted();
//   GivenTenant("0280").WhenChecked().ThenRefused("county (län) code");
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/domain/errors.h"
#include "services/domain/validation.h"

namespace atgard::domain {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class TenantOutcome {
 public:
  TenantOutcome(std::string tenant, absl::Status status)
      : tenant_(std::move(tenant)), status_(std::move(status)) {}

  void ThenAccepted() const {
    EXPECT_TRUE(status_.ok()) << tenant_ << ": " << status_;
  }

  // Refused as INVALID_ARGUMENT naming the field "tenant", with `rule` in
  // the message.
  void ThenRefused(absl::string_view rule) const {
    EXPECT_EQ(status_.code(), absl::StatusCode::kInvalidArgument) << tenant_;
    EXPECT_EQ(FieldOf(status_), "tenant") << tenant_;
    EXPECT_THAT(std::string(status_.message()), HasSubstr(rule)) << tenant_;
  }

  const absl::Status& status() const { return status_; }

 private:
  std::string tenant_;
  absl::Status status_;
};

class TenantScenario {
 public:
  explicit TenantScenario(std::string tenant) : tenant_(std::move(tenant)) {}
  TenantOutcome WhenChecked() const {
    return TenantOutcome(tenant_, CheckTenant("tenant", tenant_));
  }

 private:
  std::string tenant_;
};

TenantScenario GivenTenant(absl::string_view tenant) {
  return TenantScenario(std::string(tenant));
}

TEST(TenantRule, MunicipalitiesOfEveryKindOfCountyAreTenants) {
  GivenTenant("0180").WhenChecked().ThenAccepted();  // Stockholm
  GivenTenant("0780").WhenChecked().ThenAccepted();  // Växjö
  GivenTenant("1480").WhenChecked().ThenAccepted();  // Göteborg
  GivenTenant("2584").WhenChecked().ThenAccepted();  // Kiruna
  GivenTenant("0114").WhenChecked().ThenAccepted();  // Upplands Väsby
}

TEST(TenantRule, TheFirstAndLastCountyCodesBoundTheRange) {
  GivenTenant("0101").WhenChecked().ThenAccepted();
  GivenTenant("2599").WhenChecked().ThenAccepted();
  GivenTenant("0099").WhenChecked().ThenRefused("county (län) code");
  GivenTenant("2600").WhenChecked().ThenRefused("county (län) code");
}

TEST(TenantRule, CountiesMergedAwayAreNoTenants) {
  // 02, 11, 15 and 16 were merged into other counties.
  for (absl::string_view code : {"0280", "1180", "1580", "1680"}) {
    GivenTenant(code).WhenChecked().ThenRefused(
        "first two digits must be an existing county (län) code: 01, 03-10, "
        "12-14 or 17-25");
  }
}

TEST(TenantRule, OnlyFourAsciiDigitsAreAKommunkod) {
  for (absl::string_view text :
       {"", "780", "07800", "07 0", "078a", "-780", " 0780", "0780\n"}) {
    GivenTenant(text).WhenChecked().ThenRefused("exactly 4 digits");
  }
  // Fullwidth digits look like a kommunkod but are not ASCII.
  GivenTenant("\xef\xbc\x90\xef\xbc\x97\xef\xbc\x98\xef\xbc\x90")
      .WhenChecked()
      .ThenRefused("exactly 4 digits");
}

TEST(TenantRule, TheRefusalNeverRepeatsTheValue) {
  const TenantOutcome outcome = GivenTenant("9999").WhenChecked();
  outcome.ThenRefused("county (län) code");
  EXPECT_THAT(std::string(outcome.status().message()), Not(HasSubstr("9999")));
}

}  // namespace
}  // namespace atgard::domain
