// The register of areas (områden) and the care director's scope: a
// CARE_DIRECTOR acts only on the cases of its areas' units, a token may
// narrow that to one area and never widen it, and until the first area is
// defined the director acts in the whole tenant.
// services/domain/RULES_AGGREGATES.md#organisation and
// RULES_CASE.md#authorisation.
#include <gmock/gmock.h>
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "services/domain/errors.h"
#include "services/domain/organisation_decider.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/given_when_then.h"
#include "tests/unit/domain/case_scenarios.h"

namespace atgard::testing {
namespace {

using absl::StatusCode;
using ::testing::HasSubstr;

constexpr v1::Role kAdminDirector = v1::ROLE_ADMINISTRATION_DIRECTOR;

// A second municipal unit, in another area than kMunicipalUnit.
constexpr char kOtherMunicipalUnit[] = "bjorkbacken";

v1::Command DefineArea(absl::string_view id, std::vector<std::string> unit_ids,
                       std::vector<std::string> directors) {
  v1::Command c;
  v1::OrganisationArea* a = c.mutable_define_area()->mutable_area();
  a->set_area_id(std::string(id));
  a->set_name(absl::StrCat("Område ", id));
  for (const std::string& unit : unit_ids) {
    v1::UnitRef* u = a->add_units();
    u->set_provider_id(kMunicipalProvider);
    u->set_unit_id(unit);
  }
  for (const std::string& d : directors) a->add_care_director_subjects(d);
  return c;
}

domain::Principal Director(absl::string_view subject,
                           absl::string_view area = "") {
  domain::Principal p = CareDirector();
  p.subject = std::string(subject);
  p.area_id = std::string(area);
  return p;
}

class OrganisationTest : public CaseTest {
 protected:
  void SetUp() override {
    CaseTest::SetUp();
    world_.MustRun(FollowUpOfficer(), Day(2026, 2, 1),
                   RegisterUnit(kMunicipalProvider, kOtherMunicipalUnit));
  }
  // A municipal case at kMunicipalUnit, registered 2026-02-10, open.
  CaseDriver OpenCase(const std::string& id = kCase) {
    CaseDriver driver(world_, id, false);
    driver.Register();
    return driver;
  }
  // The two areas: "norra" (ekbacken) for omsorgschef and "sodra"
  // (bjorkbacken) for omsorgschef and annan-chef.
  void DefineBothAreas() {
    world_.MustRun(AdministrationDirector(), Day(2026, 2, 2),
                   DefineArea("norra", {kMunicipalUnit}, {"omsorgschef"}));
    world_.MustRun(AdministrationDirector(), Day(2026, 2, 2),
                   DefineArea("sodra", {kOtherMunicipalUnit},
                              {"omsorgschef", "annan-chef"}));
  }
  Outcome Request(const domain::Principal& who, const CaseDriver& driver) {
    return Given(world_)
        .As(who)
        .On(driver.today())
        .When(RequestPlan(kCase, testing::Request(driver.today())));
  }
};

// ---- The register ----------------------------------------------------------

TEST_F(OrganisationTest, TheAdministrationDirectorDefinesAnArea) {
  v1::Event expected;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        area_defined {
          area {
            area_id: "norra"
            name: "Område norra"
            units { provider_id: "vaxjo-egen-regi" unit_id: "ekbacken" }
            care_director_subjects: "omsorgschef"
          }
          defined_on { year: 2026 month: 2 day: 2 }
        }
      )pb",
      &expected));
  const v1::Command define =
      DefineArea("norra", {kMunicipalUnit}, {"omsorgschef"});
  Given(world_)
      .As(AdministrationDirector())
      .On(Day(2026, 2, 2))
      .When(define)
      .Then({expected});
  ExpectOnlyRoles(world_, {kAdminDirector}, kMunicipalProvider, Day(2026, 2, 2),
                  define);
}

TEST_F(OrganisationTest, ARepeatWritesNothingAndAChangeReplacesTheArea) {
  const v1::Command define =
      DefineArea("norra", {kMunicipalUnit}, {"omsorgschef"});
  world_.MustRun(AdministrationDirector(), Day(2026, 2, 2), define);
  Given(world_)
      .As(AdministrationDirector())
      .On(Day(2026, 2, 3))
      .When(define)
      .ThenNothing();
  world_.MustRun(AdministrationDirector(), Day(2026, 2, 3),
                 DefineArea("norra", {kMunicipalUnit, kOtherMunicipalUnit},
                            {"annan-chef"}));
  const auto state = std::get<domain::OrganisationState>(
      world_.State(kTenant, {.kind = domain::AggregateKind::kOrganisation,
                             .id = domain::kOrganisationId}));
  ASSERT_EQ(state.areas.size(), 1u);
  EXPECT_EQ(state.areas.at("norra").units_size(), 2);
  EXPECT_THAT(state.areas.at("norra").care_director_subjects(),
              ::testing::ElementsAre("annan-chef"));
}

TEST_F(OrganisationTest, RefusesMalformedAreas) {
  struct Bad {
    v1::Command command;
    StatusCode code;
    const char* field;
  };
  v1::Command twice =
      DefineArea("norra", {kMunicipalUnit, kMunicipalUnit}, {"omsorgschef"});
  v1::Command director_twice =
      DefineArea("norra", {kMunicipalUnit}, {"omsorgschef", "omsorgschef"});
  v1::Command no_name = DefineArea("norra", {kMunicipalUnit}, {});
  no_name.mutable_define_area()->mutable_area()->clear_name();
  v1::Command bad_unit = DefineArea("norra", {"har finns/snedstreck"}, {});
  const Bad bad[] = {
      {DefineArea("", {kMunicipalUnit}, {}), StatusCode::kInvalidArgument,
       "area.area_id"},
      {no_name, StatusCode::kInvalidArgument, "area.name"},
      {DefineArea("norra", {}, {"omsorgschef"}), StatusCode::kInvalidArgument,
       "area.units"},
      {twice, StatusCode::kInvalidArgument, "area.units[1]"},
      {bad_unit, StatusCode::kInvalidArgument, "area.units[0].unit_id"},
      {director_twice, StatusCode::kInvalidArgument,
       "area.care_director_subjects[1]"},
  };
  for (const Bad& b : bad) {
    SCOPED_TRACE(b.field);
    Given(world_)
        .As(AdministrationDirector())
        .On(Day(2026, 2, 2))
        .When(b.command)
        .ThenFails(b.code, b.field);
  }
}

// A unit answers to one area.
TEST_F(OrganisationTest, AUnitBelongsToOneArea) {
  world_.MustRun(AdministrationDirector(), Day(2026, 2, 2),
                 DefineArea("norra", {kMunicipalUnit}, {"omsorgschef"}));
  Given(world_)
      .As(AdministrationDirector())
      .On(Day(2026, 2, 2))
      .When(DefineArea("sodra", {kOtherMunicipalUnit, kMunicipalUnit},
                       {"annan-chef"}))
      .ThenFails(StatusCode::kFailedPrecondition, "area.units[1]");
}

// ---- The care director's scope ---------------------------------------------

// Until the municipality defines its first area, a care director acts in
// the whole tenant (as before the register existed).
TEST_F(OrganisationTest, WithoutAreasACareDirectorActsTenantWide) {
  const CaseDriver driver = OpenCase();
  EXPECT_TRUE(Request(Director("vem-som-helst"), driver).result().ok());
}

TEST_F(OrganisationTest, ACareDirectorActsOnlyInItsAreas) {
  DefineBothAreas();
  const CaseDriver driver = OpenCase();
  EXPECT_TRUE(Request(Director("omsorgschef"), driver).result().ok());
  const Outcome outside = Request(Director("annan-chef"), driver);
  outside.ThenFails(StatusCode::kPermissionDenied, "case_id");
  EXPECT_THAT(outside.result().status().message(), HasSubstr("ekbacken"));
  EXPECT_EQ(domain::DetailOf(outside.result().status()).reason,
            "OUTSIDE_CARE_AREA");
  // A director named in no area acts nowhere once areas exist.
  Request(Director("ny-chef"), driver)
      .ThenFails(StatusCode::kPermissionDenied, "case_id");
}

// Every case command of a care director is scoped, not only requests.
TEST_F(OrganisationTest, EveryCaseCommandIsScoped) {
  CaseDriver driver = OpenCase();
  driver.RequestPlan().SubmitPlan();
  DefineBothAreas();
  Given(world_)
      .As(Director("annan-chef"))
      .On(driver.today())
      .When(AssessPlan(kCase, Approval()))
      .ThenFails(StatusCode::kPermissionDenied, "case_id");
  EXPECT_TRUE(Given(world_)
                  .As(Director("omsorgschef"))
                  .On(driver.today())
                  .When(AssessPlan(kCase, Approval()))
                  .result()
                  .ok());
}

// A unit in no area is no care director's.
TEST_F(OrganisationTest, AUnitInNoAreaIsNoCareDirectorsOnceAreasExist) {
  world_.MustRun(AdministrationDirector(), Day(2026, 2, 2),
                 DefineArea("sodra", {kOtherMunicipalUnit}, {"omsorgschef"}));
  const CaseDriver driver = OpenCase();
  Request(Director("omsorgschef"), driver)
      .ThenFails(StatusCode::kPermissionDenied, "case_id");
}

// A token that names an area narrows the director to it.
TEST_F(OrganisationTest, ATokenAreaNarrows) {
  DefineBothAreas();
  const CaseDriver driver = OpenCase();
  EXPECT_TRUE(Request(Director("omsorgschef", "norra"), driver).result().ok());
  // Responsible for both areas, but the token says sodra: not ekbacken.
  Request(Director("omsorgschef", "sodra"), driver)
      .ThenFails(StatusCode::kPermissionDenied, "case_id");
}

// ... and never widens: an area the director is not responsible for, or
// one that does not exist, is refused whatever the unit.
TEST_F(OrganisationTest, ATokenAreaNeverWidens) {
  DefineBothAreas();
  const CaseDriver driver = OpenCase();
  for (const char* area : {"norra", "vastra"}) {
    SCOPED_TRACE(area);
    const Outcome widened = Request(Director("annan-chef", area), driver);
    widened.ThenFails(StatusCode::kPermissionDenied);
    EXPECT_EQ(domain::DetailOf(widened.result().status()).reason,
              "AREA_NOT_RESPONSIBLE");
  }
}

// A token area before any area is defined names an area nobody is
// responsible for.
TEST_F(OrganisationTest, ATokenAreaWithoutARegisterIsRefused) {
  const CaseDriver driver = OpenCase();
  Request(Director("omsorgschef", "norra"), driver)
      .ThenFails(StatusCode::kPermissionDenied);
}

// The areas scope care directors only: the administration director and
// U&U act as before.
TEST_F(OrganisationTest, OtherRolesAreNotScopedByAreas) {
  DefineBothAreas();
  const CaseDriver driver = OpenCase();
  EXPECT_TRUE(Request(AdministrationDirector(), driver).result().ok());
  EXPECT_TRUE(Request(FollowUpOfficer(), driver).result().ok());
}

}  // namespace
}  // namespace atgard::testing
