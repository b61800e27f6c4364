// Who may do what to the aggregates beside the case: the role matrix over
// every command of providers, contracts, measurements and care plans, the
// PROVIDER's scope, tenant isolation, and the personal-identity guard over
// the commands' free text and references. The rules:
// services/domain/RULES_AGGREGATES.md#authorisation.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
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
constexpr char kFailedCase[] = "kontinuitet-underkand";
constexpr char kClient[] = "brukare-0042";
// A client whose care plan is registered, so that it can be ended.
constexpr char kRegisteredClient[] = "brukare-0043";

struct Row {
  std::string name;
  v1::Command command;
  std::set<v1::Role> allowed;
};

// Every command of these aggregates, valid in a world with the seeded
// providers and a failed case of the private provider, with the roles
// services/domain/RULES.md#roles and commands.proto allow.
// An area of the register of areas, with the municipal unit.
v1::Command DefineNorra() {
  v1::Command c;
  v1::OrganisationArea* area = c.mutable_define_area()->mutable_area();
  area->set_area_id("norra");
  area->set_name("Område norra");
  area->add_units()->set_provider_id(kMunicipalProvider);
  area->mutable_units(0)->set_unit_id(kMunicipalUnit);
  return c;
}

std::vector<Row> Matrix() {
  const auto fuo = v1::ROLE_FOLLOW_UP_OFFICER;
  const auto mas = v1::ROLE_MEDICAL_OFFICER;
  const auto fc = v1::ROLE_ADMINISTRATION_DIRECTOR;
  return {
      {"RegisterProvider",
       RegisterProvider("nytt-bolag", "559123-4561", v1::REGIFORM_PRIVATE),
       {fuo}},
      {"RegisterUnit", RegisterUnit(kPrivateProvider, "ny-enhet"), {fuo}},
      {"RecordFollowUpActivity",
       RecordActivity("besok-1", kPrivateProvider, {kPrivateUnit},
                      v1::ACTIVITY_KIND_OBSERVATION_VISIT, kToday),
       {fuo, mas}},
      {"RecordPositiveExample",
       RecordPositiveExample("exempel-1", kPrivateProvider, kPrivateUnit,
                             kToday),
       {fuo, mas}},
      {"RegisterContract",
       RegisterContract("avtal-nytt", Terms(kOtherProvider, Day(2026, 1, 1),
                                            Day(2028, 12, 31))),
       {fc, fuo}},
      {"ExtendContract",
       ExtendContract(kContract, Day(2029, 12, 31), kToday),
       {fc}},
      {"DeclineContractExtension", DeclineExtension(kContract, kToday), {fc}},
      {"ImposeSanction",
       ImposeSanction(kContract, "vite-1", v1::SANCTION_KIND_FINE,
                      {kFailedCase}, kToday, 4000),
       {fc}},
      {"TerminateContract",
       TerminateContract(kContract, {kFailedCase}, kToday),
       {fc}},
      {"RecordMeasurement",
       RecordMeasurement("m-1", kPrivateProvider, kPrivateUnit, "kontinuitet",
                         2025, kToday, true),
       {fuo, mas}},
      {"RecordCarePlanReview",
       RecordCarePlanReview("g-1", kPrivateProvider, kPrivateUnit, kClient,
                            kToday),
       {v1::ROLE_PROVIDER}},
      {"DecideNoSanction",
       DecideNoSanction(kContract, kFailedCase, kToday),
       {fc}},
      {"RegisterCarePlan",
       RegisterCarePlan(kPrivateProvider, kPrivateUnit, kClient, kToday),
       {v1::ROLE_PROVIDER, fuo}},
      {"EndCarePlan",
       EndCarePlan(kPrivateProvider, kPrivateUnit, kRegisteredClient, kToday),
       {v1::ROLE_PROVIDER, fuo}},
      {"SetPolicySettings", SetPolicySettings(2, 0, 0, 0), {fuo, fc}},
      {"NoteUnitResult",
       NoteUnitResult(kPrivateProvider, kPrivateUnit, "m-1", 2025,
                      v1::QUALITY_AREA_SAFETY, true, kToday),
       {v1::ROLE_SYSTEM}},
      {"RecordSelfInspection",
       RecordSelfInspection(kPrivateProvider, kPrivateUnit, 2026, false),
       {fuo, v1::ROLE_PROVIDER}},
      {"RecordComplaintCounts",
       RecordComplaintCounts(kPrivateProvider, kPrivateUnit, "2026-02",
                             v1::COMPLAINT_CATEGORY_LEX_SARAH, 1),
       {fuo, mas, v1::ROLE_PROVIDER}},
      {"DefineArea", DefineNorra(), {fc}},
      // The 2026 plan is adopted in the world; 2027's is not yet.
      {"AdoptFollowUpPlan", AdoptFollowUpPlan(2027, kToday), {fuo, fc}},
      {"AmendFollowUpPlan", AmendFollowUpPlan(2026, kToday, 3), {fuo, fc}},
      {"AddFollowUpPlanSubject",
       AddFollowUpPlanSubject(2026, kPrivateProvider, "ny-enhet", kToday),
       {v1::ROLE_SYSTEM}},
      {"AddTriggeredFollowUp",
       AddHygieneRound(2026, kPrivateProvider, kPrivateUnit, kToday),
       {v1::ROLE_SYSTEM}},
      {"RecordPlannedFollowUpFulfilment",
       RecordPlanFulfilment(2026, "avstamning-1", kPrivateProvider,
                            kPrivateUnit,
                            v1::ACTIVITY_KIND_RECONCILIATION_MEETING, kToday),
       {v1::ROLE_SYSTEM}},
  };
}

class Authorisation : public ::testing::Test {
 protected:
  void SetUp() override {
    SeedProviders(world_);
    FailedCase(world_, kFailedCase, kPrivateProvider, kPrivateUnit,
               /*municipal=*/false);
    world_.MustRun(FollowUpOfficer(), kToday - 30,
                   RegisterCarePlan(kPrivateProvider, kPrivateUnit,
                                    kRegisteredClient, kToday - 30));
    world_.MustRun(FollowUpOfficer(), kToday, AdoptFollowUpPlan(2026, kToday));
  }
  World world_;
};

// The matrix covers every command that is not a case command.
TEST_F(Authorisation, MatrixCoversEveryCommandOfTheseAggregates) {
  std::set<int> covered;
  for (const Row& row : Matrix()) covered.insert(row.command.command_case());
  std::set<int> expected;
  const google::protobuf::Descriptor* d = v1::Command::descriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    if (d->field(i)->message_type()->FindFieldByName("case_id") == nullptr) {
      expected.insert(d->field(i)->number());
    }
  }
  EXPECT_EQ(covered, expected);
}

// "Every command and query is authorised by role and scope": each role ×
// each command is either accepted (with events) or PERMISSION_DENIED.
// AUDITOR and SUPERVISOR read only; OPERATOR makes no domain writes;
// SYSTEM writes only through policies and deadlines.
TEST_F(Authorisation, EachRoleIsAllowedExactlyItsCommands) {
  for (const Row& row : Matrix()) {
    for (const domain::Principal& principal : EveryRole()) {
      SCOPED_TRACE(
          absl::StrCat(row.name, " as ", domain::RoleName(principal.role)));
      const Outcome outcome =
          Given(world_).As(principal).On(kToday).When(row.command);
      if (row.allowed.contains(principal.role)) {
        ASSERT_TRUE(outcome.result().ok()) << outcome.result().status();
        EXPECT_FALSE(outcome.result()->empty());
      } else {
        outcome.ThenFails(Code::kPermissionDenied);
        EXPECT_THAT(std::string(outcome.result().status().message()),
                    HasSubstr(std::string(domain::RoleName(principal.role))));
      }
    }
  }
}

// A role that may not issue a command learns nothing from it: it is
// denied before the aggregate's existence is looked at.
TEST_F(Authorisation, DeniedRoleLearnsNothingAboutExistence) {
  const std::vector<v1::Command> unknown = {
      RegisterUnit("okant-bolag", "ny-enhet"),
      ExtendContract("okant-avtal", Day(2029, 12, 31), kToday),
      ImposeSanction("okant-avtal", "vite-1", v1::SANCTION_KIND_FINE,
                     {"okant-arende"}, kToday, 4000),
      RecordMeasurement("m-1", "okant-bolag", "okand-enhet", "kontinuitet",
                        2025, kToday, true),
  };
  for (const v1::Command& command : unknown) {
    for (const domain::Principal& principal :
         {Auditor(), Supervisor(), Operator(), System(),
          ProviderStaff(kPrivateProvider)}) {
      SCOPED_TRACE(absl::StrCat(command.ShortDebugString(), " as ",
                                domain::RoleName(principal.role)));
      Given(world_).As(principal).On(kToday).When(command).ThenFails(
          Code::kPermissionDenied);
    }
  }
}

// "PROVIDER ...: acts only for its own provider and units ... Must never
// see another provider's data": another provider's staff, or staff
// without a provider, are denied; a unit outside its own provider is not
// found among its units.
TEST_F(Authorisation, ProviderActsOnlyForItsOwnProvider) {
  const v1::Command review = RecordCarePlanReview(
      "g-1", kPrivateProvider, kPrivateUnit, kClient, kToday);
  Given(world_)
      .As(ProviderStaff(kOtherProvider))
      .On(kToday)
      .When(review)
      .ThenFails(Code::kPermissionDenied);
  domain::Principal no_provider = ProviderStaff(kPrivateProvider);
  no_provider.provider_id.clear();
  Given(world_)
      .As(no_provider)
      .On(kToday)
      .When(review)
      .ThenFails(Code::kPermissionDenied);
  Given(world_)
      .As(ProviderStaff(kPrivateProvider))
      .On(kToday)
      .When(RecordCarePlanReview("g-1", kPrivateProvider, kOtherUnit, kClient,
                                 kToday))
      .ThenFails(Code::kNotFound, "review.unit_id");
  // Its own provider's records are not its to write either.
  for (const v1::Command& command :
       {RegisterUnit(kPrivateProvider, "ny-enhet"),
        RecordPositiveExample("exempel-1", kPrivateProvider, kPrivateUnit,
                              kToday),
        RecordMeasurement("m-1", kPrivateProvider, kPrivateUnit, "kontinuitet",
                          2025, kToday, false)}) {
    Given(world_)
        .As(ProviderStaff(kPrivateProvider))
        .On(kToday)
        .When(command)
        .ThenFails(Code::kPermissionDenied);
  }
}

// "Every tenant is isolated: no role of tenant A reads or writes tenant
// B": a principal of another municipality finds none of this one's
// providers, contracts or units.
TEST_F(Authorisation, AnotherTenantSeesNoneOfThisTenantsAggregates) {
  struct Isolated {
    std::string name;
    domain::Principal principal;
    v1::Command command;
    std::string field;
  };
  const domain::Principal officer = FollowUpOfficer(kOtherTenant);
  const domain::Principal director = AdministrationDirector(kOtherTenant);
  const std::vector<Isolated> cases = {
      {"RegisterUnit", officer, RegisterUnit(kPrivateProvider, "ny-enhet"),
       "provider_id"},
      {"RecordFollowUpActivity", officer,
       RecordActivity("besok-1", kPrivateProvider, {kPrivateUnit},
                      v1::ACTIVITY_KIND_OBSERVATION_VISIT, kToday),
       "provider_id"},
      {"RecordPositiveExample", officer,
       RecordPositiveExample("exempel-1", kPrivateProvider, kPrivateUnit,
                             kToday),
       "provider_id"},
      {"RegisterContract", director,
       RegisterContract("avtal-nytt", Terms(kOtherProvider, Day(2026, 1, 1),
                                            Day(2028, 12, 31))),
       "terms.provider_id"},
      {"ExtendContract", director,
       ExtendContract(kContract, Day(2029, 12, 31), kToday), "contract_id"},
      {"DeclineContractExtension", director,
       DeclineExtension(kContract, kToday), "contract_id"},
      {"ImposeSanction", director,
       ImposeSanction(kContract, "vite-1", v1::SANCTION_KIND_FINE,
                      {kFailedCase}, kToday, 4000),
       "contract_id"},
      {"TerminateContract", director,
       TerminateContract(kContract, {kFailedCase}, kToday), "contract_id"},
      {"RecordMeasurement", officer,
       RecordMeasurement("m-1", kPrivateProvider, kPrivateUnit, "kontinuitet",
                         2025, kToday, true),
       "measurement.provider_id"},
      {"RecordCarePlanReview", ProviderStaff(kPrivateProvider, kOtherTenant),
       RecordCarePlanReview("g-1", kPrivateProvider, kPrivateUnit, kClient,
                            kToday),
       "review.provider_id"},
  };
  for (const Isolated& c : cases) {
    SCOPED_TRACE(c.name);
    Given(world_)
        .As(c.principal)
        .On(kToday)
        .When(c.command)
        .ThenFails(Code::kNotFound, c.field);
  }
}

// ... the same ids in another tenant are other aggregates: they neither
// collide with nor reach this tenant's.
TEST_F(Authorisation, SameIdsInAnotherTenantAreOtherAggregates) {
  const v1::Command other = RegisterProvider(kPrivateProvider, kOtherOrgNumber,
                                             v1::REGIFORM_MUNICIPAL);
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(other)
      .ThenFails(Code::kAlreadyExists, "provider_id");
  const Outcome there =
      Given(world_).As(FollowUpOfficer(kOtherTenant)).On(kToday).When(other);
  ASSERT_TRUE(there.result().ok()) << there.result().status();
  EXPECT_EQ(there.result()->size(), 1u);

  SeedProviders(world_, kOtherTenant);
  // A sanction there cannot rest on a case of this tenant.
  Given(world_)
      .As(AdministrationDirector(kOtherTenant))
      .On(kToday)
      .When(ImposeSanction(kContract, "vite-1", v1::SANCTION_KIND_FINE,
                           {kFailedCase}, kToday, 4000))
      .ThenFails(Code::kNotFound, "case_ids[0]");
  // A case opened there is not one here.
  world_.MustRun(
      FollowUpOfficer(kOtherTenant), kToday,
      RegisterCase("arende-b", kPrivateProvider, kPrivateUnit, kToday));
  EXPECT_TRUE(world_.Case(kOtherTenant, "arende-b").exists());
  EXPECT_FALSE(world_.Case(kTenant, "arende-b").exists());
}

// ---- The personal-identity guard --------------------------------------------

struct Guarded {
  std::string name;
  v1::Command command;
  std::function<void(v1::Command&, const std::string&)> put;
  std::string field;
  domain::Principal principal;
};

std::vector<Guarded> GuardedFields() {
  using C = v1::Command;
  using S = const std::string&;
  const domain::Principal fuo = FollowUpOfficer();
  const domain::Principal fc = AdministrationDirector();
  const domain::Principal staff = ProviderStaff(kPrivateProvider);
  const v1::Command provider =
      RegisterProvider("nytt-bolag", "559123-4561", v1::REGIFORM_PRIVATE);
  const v1::Command unit = RegisterUnit(kPrivateProvider, "ny-enhet");
  const v1::Command activity =
      RecordActivity("besok-1", kPrivateProvider, {kPrivateUnit},
                     v1::ACTIVITY_KIND_RECORD_REVIEW, kToday);
  const v1::Command example = RecordPositiveExample(
      "exempel-1", kPrivateProvider, kPrivateUnit, kToday);
  const v1::Command contract = RegisterContract(
      "avtal-nytt", Terms(kOtherProvider, Day(2026, 1, 1), Day(2028, 12, 31)));
  const v1::Command extend =
      ExtendContract(kContract, Day(2029, 12, 31), kToday);
  const v1::Command decline = DeclineExtension(kContract, kToday);
  const v1::Command sanction = ImposeSanction(
      kContract, "vite-1", v1::SANCTION_KIND_FINE, {kFailedCase}, kToday, 4000);
  const v1::Command terminate =
      TerminateContract(kContract, {kFailedCase}, kToday);
  const v1::Command measurement = RecordMeasurement(
      "m-1", kPrivateProvider, kPrivateUnit, "kontinuitet", 2025, kToday, true);
  const v1::Command review = RecordCarePlanReview(
      "g-1", kPrivateProvider, kPrivateUnit, kClient, kToday, false);
  const v1::Command no_sanction =
      DecideNoSanction(kContract, kFailedCase, kToday);
  const v1::Command register_plan =
      RegisterCarePlan(kPrivateProvider, kPrivateUnit, kClient, kToday);
  const v1::Command end_plan =
      EndCarePlan(kPrivateProvider, kPrivateUnit, kRegisteredClient, kToday);
  auto m = [](C& c) {
    return c.mutable_record_measurement()->mutable_measurement();
  };
  auto r = [](C& c) {
    return c.mutable_record_care_plan_review()->mutable_review();
  };
  return {
      {"RegisterProvider", provider,
       [](C& c, S v) { c.mutable_register_provider()->set_provider_id(v); },
       "provider_id", fuo},
      {"RegisterProvider", provider,
       [](C& c, S v) { c.mutable_register_provider()->set_name(v); }, "name",
       fuo},
      {"RegisterUnit", unit,
       [](C& c, S v) { c.mutable_register_unit()->set_unit_id(v); }, "unit_id",
       fuo},
      {"RegisterUnit", unit,
       [](C& c, S v) { c.mutable_register_unit()->set_name(v); }, "name", fuo},
      {"RegisterUnit", unit,
       [](C& c, S v) { c.mutable_register_unit()->set_hsa_id(v); }, "hsa_id",
       fuo},
      {"RecordFollowUpActivity", activity,
       [](C& c, S v) {
         c.mutable_record_follow_up_activity()->set_activity_id(v);
       },
       "activity_id", fuo},
      {"RecordFollowUpActivity", activity,
       [](C& c, S v) {
         c.mutable_record_follow_up_activity()->set_unit_ids(0, v);
       },
       "unit_ids[0]", fuo},
      {"RecordFollowUpActivity", activity,
       [](C& c, S v) { c.mutable_record_follow_up_activity()->set_summary(v); },
       "summary", fuo},
      {"RecordPositiveExample", example,
       [](C& c, S v) {
         c.mutable_record_positive_example()->set_example_id(v);
       },
       "example_id", fuo},
      {"RecordPositiveExample", example,
       [](C& c, S v) { c.mutable_record_positive_example()->set_unit_id(v); },
       "unit_id", fuo},
      {"RecordPositiveExample", example,
       [](C& c, S v) {
         c.mutable_record_positive_example()->set_description(v);
       },
       "description", fuo},
      {"RegisterContract", contract,
       [](C& c, S v) { c.mutable_register_contract()->set_contract_id(v); },
       "contract_id", fc},
      {"RegisterContract", contract,
       [](C& c, S v) {
         c.mutable_register_contract()->mutable_terms()->set_provider_id(v);
       },
       "terms.provider_id", fc},
      {"RegisterContract", contract,
       [](C& c, S v) {
         c.mutable_register_contract()->mutable_terms()->set_reference(v);
       },
       "terms.reference", fc},
      {"RegisterContract", contract,
       [](C& c, S v) {
         c.mutable_register_contract()
             ->mutable_terms()
             ->mutable_ladder(0)
             ->set_description(v);
       },
       "terms.ladder[0].description", fc},
      {"ExtendContract", extend,
       [](C& c, S v) {
         c.mutable_extend_contract()->mutable_decision()->set_decision_maker(v);
       },
       "decision.decision_maker", fc},
      {"ExtendContract", extend,
       [](C& c, S v) {
         c.mutable_extend_contract()->mutable_decision()->set_delegation_basis(
             v);
       },
       "decision.delegation_basis", fc},
      {"ExtendContract", extend,
       [](C& c, S v) {
         c.mutable_extend_contract()->mutable_decision()->set_reference_number(
             v);
       },
       "decision.reference_number", fc},
      {"DeclineContractExtension", decline,
       [](C& c, S v) { c.mutable_decline_contract_extension()->set_reason(v); },
       "reason", fc},
      {"DeclineContractExtension", decline,
       [](C& c, S v) {
         c.mutable_decline_contract_extension()
             ->mutable_decision()
             ->set_reference_number(v);
       },
       "decision.reference_number", fc},
      {"ImposeSanction", sanction,
       [](C& c, S v) { c.mutable_impose_sanction()->set_sanction_id(v); },
       "sanction_id", fc},
      {"ImposeSanction", sanction,
       [](C& c, S v) { c.mutable_impose_sanction()->set_case_ids(0, v); },
       "case_ids[0]", fc},
      {"ImposeSanction", sanction,
       [](C& c, S v) { c.mutable_impose_sanction()->set_description(v); },
       "description", fc},
      {"ImposeSanction", sanction,
       [](C& c, S v) {
         c.mutable_impose_sanction()->mutable_decision()->set_decision_maker(v);
       },
       "decision.decision_maker", fc},
      {"TerminateContract", terminate,
       [](C& c, S v) { c.mutable_terminate_contract()->set_case_ids(0, v); },
       "case_ids[0]", fc},
      {"TerminateContract", terminate,
       [](C& c, S v) { c.mutable_terminate_contract()->set_grounds(v); },
       "grounds", fc},
      {"TerminateContract", terminate,
       [](C& c, S v) {
         c.mutable_terminate_contract()
             ->mutable_decision()
             ->set_delegation_basis(v);
       },
       "decision.delegation_basis", fc},
      {"RecordMeasurement", measurement,
       [](C& c, S v) { c.mutable_record_measurement()->set_measurement_id(v); },
       "measurement_id", fuo},
      {"RecordMeasurement", measurement,
       [m](C& c, S v) { m(c)->set_provider_id(v); }, "measurement.provider_id",
       fuo},
      {"RecordMeasurement", measurement,
       [m](C& c, S v) { m(c)->set_unit_id(v); }, "measurement.unit_id", fuo},
      {"RecordMeasurement", measurement,
       [m](C& c, S v) { m(c)->set_indicator_id(v); },
       "measurement.indicator_id", fuo},
      {"RecordMeasurement", measurement,
       [m](C& c, S v) { m(c)->set_indicator_name(v); },
       "measurement.indicator_name", fuo},
      {"RecordCarePlanReview", review,
       [](C& c, S v) { c.mutable_record_care_plan_review()->set_review_id(v); },
       "review_id", staff},
      {"RecordCarePlanReview", review,
       [r](C& c, S v) { r(c)->set_provider_id(v); }, "review.provider_id",
       staff},
      {"RecordCarePlanReview", review, [r](C& c, S v) { r(c)->set_unit_id(v); },
       "review.unit_id", staff},
      {"RecordCarePlanReview", review,
       [r](C& c, S v) { r(c)->set_client_reference(v); },
       "review.client_reference", staff},
      {"RecordCarePlanReview", review,
       [r](C& c, S v) { r(c)->set_action_taken(v); }, "review.action_taken",
       staff},
      {"ImposeSanction", sanction,
       [](C& c, S v) {
         c.mutable_impose_sanction()->set_rung_skip_justification(v);
       },
       "rung_skip_justification", fc},
      {"DecideNoSanction", no_sanction,
       [](C& c, S v) { c.mutable_decide_no_sanction()->set_failed_case_id(v); },
       "failed_case_id", fc},
      {"DecideNoSanction", no_sanction,
       [](C& c, S v) { c.mutable_decide_no_sanction()->set_reason(v); },
       "reason", fc},
      {"RegisterCarePlan", register_plan,
       [](C& c, S v) { c.mutable_register_care_plan()->set_unit_id(v); },
       "unit_id", staff},
      {"RegisterCarePlan", register_plan,
       [](C& c, S v) {
         c.mutable_register_care_plan()->set_client_reference(v);
       },
       "client_reference", staff},
      {"EndCarePlan", end_plan,
       [](C& c, S v) { c.mutable_end_care_plan()->set_client_reference(v); },
       "client_reference", staff},
  };
}

// How a number is embedded in a field: as an id, a reference or free text.
std::string Embed(absl::string_view field, absl::string_view number) {
  if (field == "hsa_id") return absl::StrCat("SE", number, "-1");
  return absl::StrCat("x-", number);
}

// "Individuals are never identified: free text and references that
// contain a Luhn-valid personnummer or samordningsnummer (10 or 12 digits,
// valid date, or day + 60) are rejected with a clear error", in every
// free-text, reference and id field of these commands, and the error
// never repeats the number.
TEST_F(Authorisation, PersonalIdentityNumbersAreRefusedInEveryTextField) {
  for (const Guarded& g : GuardedFields()) {
    // The unchanged command is accepted, so the refusal is the number's.
    {
      SCOPED_TRACE(absl::StrCat(g.name, " as given"));
      const Outcome outcome =
          Given(world_).As(g.principal).On(kToday).When(g.command);
      ASSERT_TRUE(outcome.result().ok()) << outcome.result().status();
    }
    for (const std::string& number : PersonalIdentityNumbers()) {
      const std::string value = Embed(g.field, number);
      SCOPED_TRACE(absl::StrCat(g.name, ".", g.field, " = \"", value, "\""));
      v1::Command command = g.command;
      g.put(command, value);
      const Outcome outcome =
          Given(world_).As(g.principal).On(kToday).When(command);
      outcome.ThenFails(Code::kInvalidArgument, g.field);
      const std::string message(outcome.result().status().message());
      EXPECT_THAT(message, Not(HasSubstr("811218")));
      EXPECT_THAT(message, Not(HasSubstr("811278")));
    }
  }
}

}  // namespace
}  // namespace atgard::testing
