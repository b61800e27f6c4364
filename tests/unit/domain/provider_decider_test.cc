// Providers (utförare), their units, the follow-up activities carried out
// there and the positive examples found: one TEST per rule of
// services/domain/RULES_AGGREGATES.md#providers-and-units and
// #follow-up-activities-and-positive-examples, which name them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/domain/dates.h"
#include "services/domain/decider.h"
#include "tests/support/aggregate_fixtures.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/given_when_then.h"

namespace atgard::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Code = absl::StatusCode;

const absl::CivilDay kToday = Day(2026, 3, 2);

v1::Event ProviderRegisteredEvent(absl::string_view id,
                                  absl::string_view org_number,
                                  v1::Regiform regiform,
                                  bool holds_personal_data = false) {
  const v1::Command command = RegisterProvider(id, org_number, regiform);
  v1::Event event;
  v1::ProviderRegistered* e = event.mutable_provider_registered();
  e->set_provider_id(std::string(id));
  e->set_name(command.register_provider().name());
  e->set_organisation_number(std::string(org_number));
  e->set_regiform(regiform);
  e->set_holds_personal_data(holds_personal_data);
  // The day it was registered, for the follow-up plan.
  *e->mutable_registered_on() = domain::ToDate(kToday);
  return event;
}

v1::Event UnitRegisteredEvent(const v1::Command& register_unit) {
  const v1::RegisterUnit& c = register_unit.register_unit();
  v1::Event event;
  v1::UnitRegistered* e = event.mutable_unit_registered();
  e->set_provider_id(c.provider_id());
  e->set_unit_id(c.unit_id());
  e->set_name(c.name());
  e->set_hsa_id(c.hsa_id());
  e->set_care_area(c.care_area());
  *e->mutable_registered_on() = domain::ToDate(kToday);
  return event;
}

v1::Event ActivityRecordedEvent(const v1::Command& record_activity) {
  const v1::RecordFollowUpActivity& c =
      record_activity.record_follow_up_activity();
  v1::Event event;
  v1::FollowUpActivityRecorded* e = event.mutable_follow_up_activity_recorded();
  e->set_activity_id(c.activity_id());
  e->set_provider_id(c.provider_id());
  *e->mutable_unit_ids() = c.unit_ids();
  e->set_kind(c.kind());
  *e->mutable_performed_on() = c.performed_on();
  e->set_announced(c.announced());
  e->set_summary(c.summary());
  return event;
}

v1::Event ExampleRecordedEvent(const v1::Command& record_example) {
  const v1::RecordPositiveExample& c = record_example.record_positive_example();
  v1::Event event;
  v1::PositiveExampleRecorded* e = event.mutable_positive_example_recorded();
  e->set_example_id(c.example_id());
  e->set_provider_id(c.provider_id());
  e->set_unit_id(c.unit_id());
  e->set_quality_area(c.quality_area());
  e->set_description(c.description());
  *e->mutable_found_on() = c.found_on();
  return event;
}

v1::Command WithOrganisationNumber(absl::string_view number) {
  return RegisterProvider("nytt-bolag", number, v1::REGIFORM_PRIVATE);
}

// A world with the seeded providers (each with its units).
class ProviderTest : public ::testing::Test {
 protected:
  void SetUp() override { SeedProviders(world_); }
  World world_;
};
class Providers : public ProviderTest {};
class Units : public ProviderTest {};
class FollowUpActivities : public ProviderTest {};
class PositiveExamples : public ProviderTest {};

// ---- Organisation numbers ---------------------------------------------------

// "Organisation number: 10 digits (an optional hyphen after six)": both
// forms are accepted and stored as NNNNNN-NNNN.
TEST_F(Providers, OrganisationNumberWithOrWithoutHyphenIsStoredNormalised) {
  for (absl::string_view form : {"5566778899", "556677-8899"}) {
    Given(NoHistory())
        .As(FollowUpOfficer())
        .On(kToday)
        .When(RegisterProvider("omsorgsbolaget", form, v1::REGIFORM_PRIVATE))
        .Then({ProviderRegisteredEvent("omsorgsbolaget", "556677-8899",
                                       v1::REGIFORM_PRIVATE)});
  }
}

// "Real municipal numbers pass: 212000-0142, 212000-1355, 212000-0167."
TEST_F(Providers, RealMunicipalOrganisationNumbersPass) {
  for (absl::string_view number :
       {"212000-0142", "212000-1355", "212000-0167"}) {
    SCOPED_TRACE(number);
    Given(NoHistory())
        .As(FollowUpOfficer())
        .On(kToday)
        .When(RegisterProvider("kommunen", number, v1::REGIFORM_MUNICIPAL))
        .Then({ProviderRegisteredEvent("kommunen", number,
                                       v1::REGIFORM_MUNICIPAL)});
  }
}

// "10 digits (an optional hyphen after six)": any other shape is refused.
TEST_F(Providers, OrganisationNumberOfAnotherShapeIsRefused) {
  for (absl::string_view number :
       {"", "556677889", "55667788990", "5566-778899", "55667-78899",
        "556677 8899", "556677_8899", "556677-889", "55667A-8899",
        " 556677-8899"}) {
    SCOPED_TRACE(number);
    Given(NoHistory())
        .As(FollowUpOfficer())
        .On(kToday)
        .When(WithOrganisationNumber(number))
        .ThenFails(Code::kInvalidArgument, "organisation_number");
  }
}

// "Luhn check digit": a number whose last digit does not match is refused.
TEST_F(Providers, OrganisationNumberWithWrongCheckDigitIsRefused) {
  for (absl::string_view number :
       {"556677-8898", "212000-0143", "212000-1350", "5566778890"}) {
    SCOPED_TRACE(number);
    Given(NoHistory())
        .As(FollowUpOfficer())
        .On(kToday)
        .When(WithOrganisationNumber(number))
        .ThenFails(Code::kInvalidArgument, "organisation_number");
  }
}

// "third digit at least 2": a number with 0 or 1 there that is not a sole
// trader's personnummer (no valid date) is refused.
TEST_F(Providers, ThirdDigitBelowTwoWithoutAValidDateIsRefused) {
  // Luhn-valid; "month" 13 is no date.
  Given(NoHistory())
      .As(FollowUpOfficer())
      .On(kToday)
      .When(WithOrganisationNumber("101399-1235"))
      .ThenFails(Code::kInvalidArgument, "organisation_number");
}

// "a sole trader uses the owner's personnummer instead: allowed, but the
// provider is then marked as holding personal data."
TEST_F(Providers, SoleTraderIsMarkedAsHoldingPersonalData) {
  for (absl::string_view number :
       {kPersonnummer, kPersonnummerCompact, kPersonnummerTwelve}) {
    SCOPED_TRACE(number);
    Given(NoHistory())
        .As(FollowUpOfficer())
        .On(kToday)
        .When(RegisterProvider("enskild-firma", number, v1::REGIFORM_PRIVATE))
        .Then({ProviderRegisteredEvent("enskild-firma", kPersonnummer,
                                       v1::REGIFORM_PRIVATE,
                                       /*holds_personal_data=*/true)});
  }
  // A samordningsnummer is a personal identity number too.
  Given(NoHistory())
      .As(FollowUpOfficer())
      .On(kToday)
      .When(RegisterProvider("enskild-firma", kSamordningsnummer,
                             v1::REGIFORM_PRIVATE))
      .Then({ProviderRegisteredEvent("enskild-firma", kSamordningsnummer,
                                     v1::REGIFORM_PRIVATE,
                                     /*holds_personal_data=*/true)});
}

// "Individuals are never identified": a refused organisation number is not
// repeated in the error (it may be a personnummer with a typo).
TEST_F(Providers, RefusedOrganisationNumberIsNotEchoed) {
  const Outcome outcome = Given(NoHistory())
                              .As(FollowUpOfficer())
                              .On(kToday)
                              .When(WithOrganisationNumber("811218-9875"));
  outcome.ThenFails(Code::kInvalidArgument, "organisation_number");
  EXPECT_THAT(std::string(outcome.result().status().message()),
              Not(HasSubstr("811218")));
}

// "The one exception is the organisation-number field of a sole trader":
// the personnummer is accepted there, and nowhere else in the command.
TEST_F(Providers, PersonnummerInTheNameIsRefusedEvenForASoleTrader) {
  v1::Command command =
      RegisterProvider("enskild-firma", kPersonnummer, v1::REGIFORM_PRIVATE);
  command.mutable_register_provider()->set_name(
      absl::StrCat("Firma ", kPersonnummer));
  Given(NoHistory())
      .As(FollowUpOfficer())
      .On(kToday)
      .When(command)
      .ThenFails(Code::kInvalidArgument, "name");
}

// ---- Regiform, names, repeats, roles
// ------------------------------------------

// "utförare: regiform egen regi (municipal) or privat": the regiform is
// required and kept in the provider's state.
TEST_F(Providers, RegiformIsRequiredAndKept) {
  Given(NoHistory())
      .As(FollowUpOfficer())
      .On(kToday)
      .When(RegisterProvider("nytt-bolag", kOtherOrgNumber,
                             v1::REGIFORM_UNSPECIFIED))
      .ThenFails(Code::kInvalidArgument, "regiform");
  v1::Command unknown =
      RegisterProvider("nytt-bolag", kOtherOrgNumber, v1::REGIFORM_PRIVATE);
  unknown.mutable_register_provider()->set_regiform(
      static_cast<v1::Regiform>(99));
  Given(NoHistory())
      .As(FollowUpOfficer())
      .On(kToday)
      .When(unknown)
      .ThenFails(Code::kInvalidArgument, "regiform");
  EXPECT_EQ(world_.Provider(kTenant, kMunicipalProvider).regiform(),
            v1::REGIFORM_MUNICIPAL);
  EXPECT_EQ(world_.Provider(kTenant, kPrivateProvider).regiform(),
            v1::REGIFORM_PRIVATE);
}

// A provider has a name.
TEST_F(Providers, NameIsRequired) {
  v1::Command command =
      RegisterProvider("nytt-bolag", kOtherOrgNumber, v1::REGIFORM_PRIVATE);
  command.mutable_register_provider()->clear_name();
  Given(NoHistory())
      .As(FollowUpOfficer())
      .On(kToday)
      .When(command)
      .ThenFails(Code::kInvalidArgument, "name");
}

// Repeats yield nothing, also when the number is written in its other form.
TEST_F(Providers, RepeatedRegistrationYieldsNothing) {
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(RegisterProvider(kPrivateProvider, kPrivateOrgNumber,
                             v1::REGIFORM_PRIVATE))
      .ThenNothing();
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(RegisterProvider(kPrivateProvider, "5566778899",
                             v1::REGIFORM_PRIVATE))
      .ThenNothing();
}

// The same id with other content is ALREADY_EXISTS.
TEST_F(Providers, SameIdWithOtherContentAlreadyExists) {
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(RegisterProvider(kPrivateProvider, kOtherOrgNumber,
                             v1::REGIFORM_PRIVATE))
      .ThenFails(Code::kAlreadyExists, "provider_id");
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(RegisterProvider(kPrivateProvider, kPrivateOrgNumber,
                             v1::REGIFORM_MUNICIPAL))
      .ThenFails(Code::kAlreadyExists, "provider_id");
}

// "FOLLOW_UP_OFFICER (U&U): registers ...": only U&U registers providers
// and units.
TEST_F(Providers, OnlyTheFollowUpOfficerRegistersProvidersAndUnits) {
  for (const domain::Principal& principal : EveryRole()) {
    SCOPED_TRACE(domain::RoleName(principal.role));
    const Outcome provider = Given(world_).As(principal).On(kToday).When(
        RegisterProvider("nytt-bolag", kOtherOrgNumber, v1::REGIFORM_PRIVATE));
    const Outcome unit = Given(world_).As(principal).On(kToday).When(
        RegisterUnit(kPrivateProvider, "ny-enhet"));
    if (principal.role == v1::ROLE_FOLLOW_UP_OFFICER) {
      EXPECT_TRUE(provider.result().ok()) << provider.result().status();
      EXPECT_TRUE(unit.result().ok()) << unit.result().status();
    } else {
      provider.ThenFails(Code::kPermissionDenied);
      unit.ThenFails(Code::kPermissionDenied);
    }
  }
}

// ---- Units
// ---------------------------------------------------------------------

// "HSA-id of a unit (optional)": a unit is registered with or without one,
// with its care area.
TEST_F(Units, UnitIsRegisteredWithOrWithoutHsaId) {
  const v1::Command without =
      RegisterUnit(kPrivateProvider, "ny-enhet", v1::CARE_AREA_DISABILITY_CARE);
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(without)
      .Then({UnitRegisteredEvent(without)});
  v1::Command with = without;
  with.mutable_register_unit()->set_hsa_id("SE2321000016-15G0");
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(with)
      .Then({UnitRegisteredEvent(with)});
}

// "`SE` + 10 digits + `-` + letters/digits, at most 31 characters."
TEST_F(Units, HsaIdOfAnotherShapeIsRefused) {
  for (absl::string_view hsa_id :
       {"SE2321000016", "SE2321000016-", "SE232100001-15G0",
        "SE23210000166-15G0", "se2321000016-15G0", "SE2321000016_15G0",
        "SE2321000016-15G0!", "SE2321000016-15 G0", "2321000016-15G0",
        "SE2321000016-1234567890123456789"}) {
    SCOPED_TRACE(hsa_id);
    v1::Command command = RegisterUnit(kPrivateProvider, "ny-enhet");
    command.mutable_register_unit()->set_hsa_id(std::string(hsa_id));
    Given(world_)
        .As(FollowUpOfficer())
        .On(kToday)
        .When(command)
        .ThenFails(Code::kInvalidArgument, "hsa_id");
  }
}

// "at most 31 characters": 31 pass, 32 do not.
TEST_F(Units, HsaIdOfThirtyOneCharactersIsTheLongest) {
  v1::Command command = RegisterUnit(kPrivateProvider, "ny-enhet");
  command.mutable_register_unit()->set_hsa_id(
      "SE2321000016-123456789012345678");
  ASSERT_EQ(command.register_unit().hsa_id().size(), 31u);
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(command)
      .Then({UnitRegisteredEvent(command)});
  command.mutable_register_unit()->set_hsa_id(
      "SE2321000016-1234567890123456789");
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(command)
      .ThenFails(Code::kInvalidArgument, "hsa_id");
}

// "Individuals are never identified": an HSA-id whose ten digits form a
// personnummer is refused.
TEST_F(Units, HsaIdHoldingAPersonnummerIsRefused) {
  v1::Command command = RegisterUnit(kPrivateProvider, "ny-enhet");
  command.mutable_register_unit()->set_hsa_id(
      absl::StrCat("SE", kPersonnummerCompact, "-1"));
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(command)
      .ThenFails(Code::kInvalidArgument, "hsa_id");
}

// Units give elderly care or disability care (the care area decides how
// observation visits are made): required.
TEST_F(Units, UnitCareAreaIsRequired) {
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(
          RegisterUnit(kPrivateProvider, "ny-enhet", v1::CARE_AREA_UNSPECIFIED))
      .ThenFails(Code::kInvalidArgument, "care_area");
}

// A unit belongs to a registered provider.
TEST_F(Units, UnitOfAnUnknownProviderIsNotFound) {
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(RegisterUnit("okant-bolag", "ny-enhet"))
      .ThenFails(Code::kNotFound, "provider_id");
}

// Repeats yield nothing; the same unit id with other content is
// ALREADY_EXISTS.
TEST_F(Units, RepeatedUnitYieldsNothingAndOtherContentAlreadyExists) {
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(RegisterUnit(kPrivateProvider, kPrivateUnit))
      .ThenNothing();
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(RegisterUnit(kPrivateProvider, kPrivateUnit,
                         v1::CARE_AREA_DISABILITY_CARE))
      .ThenFails(Code::kAlreadyExists, "unit_id");
}

// ---- Follow-up activities -------------------------------------------------

// "Recorded follow-up activities (observation visit, contract follow-up,
// in-depth follow-up, focus investigation, analysis team, record review)
// feed the reports": each kind is recorded.
TEST_F(FollowUpActivities, EveryActivityKindIsRecorded) {
  for (v1::ActivityKind kind :
       {v1::ACTIVITY_KIND_OBSERVATION_VISIT,
        v1::ACTIVITY_KIND_CONTRACT_FOLLOW_UP,
        v1::ACTIVITY_KIND_IN_DEPTH_FOLLOW_UP,
        v1::ACTIVITY_KIND_FOCUS_INVESTIGATION, v1::ACTIVITY_KIND_ANALYSIS_TEAM,
        v1::ACTIVITY_KIND_RECORD_REVIEW}) {
    SCOPED_TRACE(v1::ActivityKind_Name(kind));
    const v1::Command command = RecordActivity(
        "aktivitet-1", kPrivateProvider, {kPrivateUnit}, kind, kToday - 1);
    Given(world_)
        .As(FollowUpOfficer())
        .On(kToday)
        .When(command)
        .Then({ActivityRecordedEvent(command)});
  }
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(RecordActivity("aktivitet-1", kPrivateProvider, {kPrivateUnit},
                           v1::ACTIVITY_KIND_UNSPECIFIED, kToday - 1))
      .ThenFails(Code::kInvalidArgument, "kind");
}

// "observation visit — unannounced in elderly care".
TEST_F(FollowUpActivities, ObservationVisitInElderlyCareIsUnannounced) {
  const v1::Command unannounced = RecordActivity(
      "besok-1", kPrivateProvider, {kPrivateUnit},
      v1::ACTIVITY_KIND_OBSERVATION_VISIT, kToday, /*announced=*/false);
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(unannounced)
      .Then({ActivityRecordedEvent(unannounced)});
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(RecordActivity("besok-1", kPrivateProvider, {kPrivateUnit},
                           v1::ACTIVITY_KIND_OBSERVATION_VISIT, kToday,
                           /*announced=*/true))
      .ThenFails(Code::kInvalidArgument, "announced");
}

// "— announced in disability care —".
TEST_F(FollowUpActivities, ObservationVisitInDisabilityCareIsAnnounced) {
  const v1::Command announced = RecordActivity(
      "besok-1", kPrivateProvider, {kDisabilityUnit},
      v1::ACTIVITY_KIND_OBSERVATION_VISIT, kToday, /*announced=*/true);
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(announced)
      .Then({ActivityRecordedEvent(announced)});
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(RecordActivity("besok-1", kPrivateProvider, {kDisabilityUnit},
                           v1::ACTIVITY_KIND_OBSERVATION_VISIT, kToday,
                           /*announced=*/false))
      .ThenFails(Code::kInvalidArgument, "announced");
}

// Interpretation: one observation visit cannot be both unannounced and
// announced, so units of both care areas are recorded as separate visits.
TEST_F(FollowUpActivities, ObservationVisitAcrossCareAreasIsRefused) {
  for (bool announced : {false, true}) {
    Given(world_)
        .As(FollowUpOfficer())
        .On(kToday)
        .When(RecordActivity(
            "besok-1", kPrivateProvider, {kPrivateUnit, kDisabilityUnit},
            v1::ACTIVITY_KIND_OBSERVATION_VISIT, kToday, announced))
        .ThenFails(Code::kInvalidArgument, "announced");
  }
}

// Interpretation: the announcement rule concerns observation visits only;
// other activities may be announced anywhere.
TEST_F(FollowUpActivities, AnnouncementRuleConcernsObservationVisitsOnly) {
  const v1::Command command = RecordActivity(
      "fokus-1", kPrivateProvider, {kPrivateUnit},
      v1::ACTIVITY_KIND_FOCUS_INVESTIGATION, kToday, /*announced=*/true);
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(command)
      .Then({ActivityRecordedEvent(command)});
}

// An observation visit is made at units; other activities may concern the
// provider as a whole (no units).
TEST_F(FollowUpActivities, ObservationVisitNamesItsUnits) {
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(RecordActivity("besok-1", kPrivateProvider, {},
                           v1::ACTIVITY_KIND_OBSERVATION_VISIT, kToday))
      .ThenFails(Code::kInvalidArgument, "unit_ids");
  const v1::Command whole =
      RecordActivity("avtalsuppfoljning-1", kPrivateProvider, {},
                     v1::ACTIVITY_KIND_CONTRACT_FOLLOW_UP, kToday);
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(whole)
      .Then({ActivityRecordedEvent(whole)});
}

// The units of an activity must belong to its provider.
TEST_F(FollowUpActivities, ActivityUnitsMustBelongToTheProvider) {
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(RecordActivity("besok-1", kPrivateProvider,
                           {kPrivateUnit, kOtherUnit},
                           v1::ACTIVITY_KIND_RECORD_REVIEW, kToday))
      .ThenFails(Code::kNotFound, "unit_ids[1]");
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(RecordActivity("besok-1", "okant-bolag", {kPrivateUnit},
                           v1::ACTIVITY_KIND_RECORD_REVIEW, kToday))
      .ThenFails(Code::kNotFound, "provider_id");
}

// "every private provider gets an in-depth quality follow-up every second
// year — the views must show providers that are overdue": the provider's
// state keeps the latest in-depth follow-up, whatever order they arrive in.
TEST_F(FollowUpActivities, InDepthFollowUpIsKeptAsTheLatest) {
  EXPECT_FALSE(
      world_.Provider(kTenant, kPrivateProvider).last_in_depth_follow_up);
  world_.MustRun(
      FollowUpOfficer(), kToday,
      RecordActivity("fordjupad-2026", kPrivateProvider, {},
                     v1::ACTIVITY_KIND_IN_DEPTH_FOLLOW_UP, Day(2026, 2, 20)));
  EXPECT_EQ(world_.Provider(kTenant, kPrivateProvider).last_in_depth_follow_up,
            Day(2026, 2, 20));
  // An earlier one recorded afterwards does not move it back.
  world_.MustRun(
      FollowUpOfficer(), kToday,
      RecordActivity("fordjupad-2024", kPrivateProvider, {},
                     v1::ACTIVITY_KIND_IN_DEPTH_FOLLOW_UP, Day(2024, 3, 1)));
  EXPECT_EQ(world_.Provider(kTenant, kPrivateProvider).last_in_depth_follow_up,
            Day(2026, 2, 20));
  // Other kinds do not count.
  world_.MustRun(FollowUpOfficer(), kToday,
                 RecordActivity("avtal-2026", kPrivateProvider, {},
                                v1::ACTIVITY_KIND_CONTRACT_FOLLOW_UP, kToday));
  EXPECT_EQ(world_.Provider(kTenant, kPrivateProvider).last_in_depth_follow_up,
            Day(2026, 2, 20));
}

// Activities record what was done: not in the future.
TEST_F(FollowUpActivities, ActivityDateIsNotInTheFuture) {
  const v1::Command today =
      RecordActivity("besok-1", kPrivateProvider, {kPrivateUnit},
                     v1::ACTIVITY_KIND_RECORD_REVIEW, kToday);
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(today)
      .Then({ActivityRecordedEvent(today)});
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(RecordActivity("besok-1", kPrivateProvider, {kPrivateUnit},
                           v1::ACTIVITY_KIND_RECORD_REVIEW, kToday + 1))
      .ThenFails(Code::kInvalidArgument, "performed_on");
  v1::Command unset = today;
  unset.mutable_record_follow_up_activity()->clear_performed_on();
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(unset)
      .ThenFails(Code::kInvalidArgument, "performed_on");
}

// An activity says what was found.
TEST_F(FollowUpActivities, ActivitySummaryIsRequired) {
  v1::Command command =
      RecordActivity("besok-1", kPrivateProvider, {kPrivateUnit},
                     v1::ACTIVITY_KIND_RECORD_REVIEW, kToday);
  command.mutable_record_follow_up_activity()->set_summary("  \n ");
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(command)
      .ThenFails(Code::kInvalidArgument, "summary");
}

// "MEDICAL_OFFICER (MAS/MAR): ... takes part in follow-up": it records
// activities as U&U does.
TEST_F(FollowUpActivities, MedicalOfficerRecordsActivities) {
  const v1::Command command =
      RecordActivity("journalgranskning-1", kPrivateProvider, {kPrivateUnit},
                     v1::ACTIVITY_KIND_RECORD_REVIEW, kToday);
  Given(world_)
      .As(MedicalOfficer())
      .On(kToday)
      .When(command)
      .Then({ActivityRecordedEvent(command)});
}

// Repeats yield nothing; the same id with other content is ALREADY_EXISTS.
TEST_F(FollowUpActivities, RepeatedActivityYieldsNothingAndOtherContentExists) {
  const v1::Command command =
      RecordActivity("besok-1", kPrivateProvider, {kPrivateUnit},
                     v1::ACTIVITY_KIND_OBSERVATION_VISIT, kToday);
  world_.MustRun(FollowUpOfficer(), kToday, command);
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday + 3)
      .When(command)
      .ThenNothing();
  v1::Command other = command;
  other.mutable_record_follow_up_activity()->set_summary("Ett annat besök.");
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(other)
      .ThenFails(Code::kAlreadyExists, "activity_id");
}

// ---- Positive examples
// ---------------------------------------------------------

// "Positive examples found in follow-up are recorded too".
TEST_F(PositiveExamples, PositiveExampleIsRecorded) {
  const v1::Command command = RecordPositiveExample(
      "exempel-1", kPrivateProvider, kPrivateUnit, kToday);
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(command)
      .Then({ExampleRecordedEvent(command)});
  // For the provider as a whole, without a unit.
  const v1::Command whole =
      RecordPositiveExample("exempel-2", kPrivateProvider, "", kToday);
  Given(world_)
      .As(MedicalOfficer())
      .On(kToday)
      .When(whole)
      .Then({ExampleRecordedEvent(whole)});
}

// A positive example's unit belongs to its provider; it has a description,
// a quality area and a date that has been.
TEST_F(PositiveExamples, PositiveExampleFieldsAreChecked) {
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(RecordPositiveExample("exempel-1", kPrivateProvider, kOtherUnit,
                                  kToday))
      .ThenFails(Code::kNotFound, "unit_id");
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(RecordPositiveExample("exempel-1", "okant-bolag", "", kToday))
      .ThenFails(Code::kNotFound, "provider_id");
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(RecordPositiveExample("exempel-1", kPrivateProvider, kPrivateUnit,
                                  kToday + 1))
      .ThenFails(Code::kInvalidArgument, "found_on");
  v1::Command no_description = RecordPositiveExample(
      "exempel-1", kPrivateProvider, kPrivateUnit, kToday);
  no_description.mutable_record_positive_example()->clear_description();
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(no_description)
      .ThenFails(Code::kInvalidArgument, "description");
  v1::Command no_area = RecordPositiveExample("exempel-1", kPrivateProvider,
                                              kPrivateUnit, kToday);
  no_area.mutable_record_positive_example()->clear_quality_area();
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(no_area)
      .ThenFails(Code::kInvalidArgument, "quality_area");
}

// Repeats yield nothing; the same id with other content is ALREADY_EXISTS.
TEST_F(PositiveExamples, RepeatedExampleYieldsNothingAndOtherContentExists) {
  const v1::Command command = RecordPositiveExample(
      "exempel-1", kPrivateProvider, kPrivateUnit, kToday);
  world_.MustRun(FollowUpOfficer(), kToday, command);
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday + 1)
      .When(command)
      .ThenNothing();
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(RecordPositiveExample("exempel-1", kPrivateProvider,
                                  kDisabilityUnit, kToday))
      .ThenFails(Code::kAlreadyExists, "example_id");
}

}  // namespace
}  // namespace atgard::testing
