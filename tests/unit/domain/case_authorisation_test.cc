// Who may issue case commands: a PROVIDER only for its own provider,
// AUDITOR, SUPERVISOR and OPERATOR never, and nobody in another tenant's
// cases. services/domain/RULES_CASE.md#authorisation and
// services/domain/RULES.md#roles.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "services/domain/dates.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/given_when_then.h"
#include "tests/unit/domain/case_scenarios.h"

namespace atgard::testing {
namespace {

using absl::StatusCode;

class CaseCommandAuthorisationTest
    : public CaseTest,
      public ::testing::WithParamInterface<CaseCommandCase> {
 protected:
  void SetUp() override {
    CaseTest::SetUp();
    situation_ = GetParam().arrange(world_, kCase);
    // The situation is one where the command is accepted, so that every
    // refusal below is due to the principal alone.
    Outcome control = Given(world_)
                          .As(situation_.actor)
                          .On(situation_.day)
                          .When(situation_.command);
    ASSERT_TRUE(control.result().ok()) << control.result().status();
  }
  Outcome As(const domain::Principal& principal,
             const v1::Command& command) const {
    return Given(world_).As(principal).On(situation_.day).When(command);
  }
  Outcome As(const domain::Principal& principal) const {
    return As(principal, situation_.command);
  }
  Situation situation_;
};

// "A PROVIDER acts only for its own provider": another provider's staff is
// refused every case command, and so is a PROVIDER principal that names no
// provider.
TEST_P(CaseCommandAuthorisationTest, AnotherProvidersStaffIsDenied) {
  As(ProviderStaff(kOtherProvider)).ThenFails(StatusCode::kPermissionDenied);
  As(WithRole(v1::ROLE_PROVIDER, "")).ThenFails(StatusCode::kPermissionDenied);
}

// Streams are per tenant: the same principal in another municipality finds
// no such case (nor, for a registration, the provider).
TEST_P(CaseCommandAuthorisationTest, AnotherTenantFindsNoCase) {
  domain::Principal elsewhere = situation_.actor;
  elsewhere.tenant = kOtherTenant;
  As(elsewhere).ThenFails(
      StatusCode::kNotFound,
      GetParam().existing_case ? "case_id" : "deficiency.provider_id");
}

// AUDITOR, SUPERVISOR and OPERATOR never write: they are refused, and the
// refusal is the same whether the case exists or not, so they do not learn
// whether it does.
TEST_P(CaseCommandAuthorisationTest, ReadOnlyRolesAreDeniedBlind) {
  if (!GetParam().existing_case) {
    // A registration: compare an existing case with a missing one.
    world_.MustRun(situation_.actor, situation_.day, situation_.command);
  }
  const v1::Command elsewhere = WithCaseId(situation_.command, "finns-inte");
  for (v1::Role role :
       {v1::ROLE_AUDITOR, v1::ROLE_SUPERVISOR, v1::ROLE_OPERATOR}) {
    SCOPED_TRACE(RoleLabel(role));
    Outcome existing = As(WithRole(role));
    Outcome missing = As(WithRole(role), elsewhere);
    existing.ThenFails(StatusCode::kPermissionDenied);
    missing.ThenFails(StatusCode::kPermissionDenied);
    EXPECT_EQ(existing.result().status(), missing.result().status());
  }
}

INSTANTIATE_TEST_SUITE_P(EveryCaseCommand, CaseCommandAuthorisationTest,
                         ::testing::ValuesIn(EveryCaseCommand()),
                         CaseCommandName());

// The provider's own commands: "submits plans, reports progress and
// implementation" — PROVIDER only, of the case's provider.
class ProviderCommandTest : public CaseTest,
                            public ::testing::WithParamInterface<const char*> {
};

TEST_P(ProviderCommandTest, OnlyTheProviderItself) {
  const Situation s = CaseCommandNamed(GetParam()).arrange(world_, kCase);
  ExpectOnlyRoles(world_, {v1::ROLE_PROVIDER}, kPrivateProvider, s.day,
                  s.command);
}

INSTANTIATE_TEST_SUITE_P(ProviderCommands, ProviderCommandTest,
                         ::testing::Values("SubmitPlan", "ReportActionProgress",
                                           "CompleteAction",
                                           "ReportImplementation"));

// The same for a municipal unit (egen regi): its unit manager is the
// PROVIDER of the municipal provider.
TEST(ProviderCommandMunicipal, TheUnitManagerSubmitsForItsOwnUnit) {
  World world;
  SeedProviders(world);
  CaseDriver driver(world, kCase, false);
  driver.Register().RequestPlan();
  const v1::Command submit = SubmitPlan(
      kCase,
      Plan(domain::DayOf(driver.State().request.request().complete_by())));
  ExpectOnlyRoles(world, {v1::ROLE_PROVIDER}, kMunicipalProvider,
                  driver.today(), submit);
  Given(world)
      .As(ProviderStaff(kPrivateProvider))
      .On(driver.today())
      .When(submit)
      .ThenFails(StatusCode::kPermissionDenied);
}

// A case that does not exist is NOT_FOUND for the roles that may act on
// cases.
TEST(CaseExistence, UnknownCaseIsNotFound) {
  World world;
  SeedProviders(world);
  const absl::CivilDay today = Day(2026, 3, 2);
  for (const domain::Principal& p :
       {FollowUpOfficer(), CareDirector(), AdministrationDirector()}) {
    SCOPED_TRACE(p.subject);
    Given(world)
        .As(p)
        .On(today)
        .When(RequestPlan("finns-inte", Request(today)))
        .ThenFails(StatusCode::kNotFound, "case_id");
  }
  Given(world)
      .As(ProviderStaff(kPrivateProvider))
      .On(today)
      .When(SubmitPlan("finns-inte", Plan(today + 30)))
      .ThenFails(StatusCode::kNotFound, "case_id");
}

}  // namespace
}  // namespace atgard::testing
