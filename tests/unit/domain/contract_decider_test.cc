// Contracts (avtal) and sanctions of private providers: one TEST per rule
// of services/domain/RULES_AGGREGATES.md#contracts-and-sanctions, which
// names them.
#include "services/domain/contract_decider.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/domain/decider.h"
#include "tests/support/aggregate_fixtures.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/given_when_then.h"

namespace atgard::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using Code = absl::StatusCode;
using Status = domain::ContractState::Status;

const absl::CivilDay kToday = Day(2026, 3, 2);
// The seeded contract runs 2025-01-01 to 2027-12-31.
const absl::CivilDay kEndsOn = Day(2027, 12, 31);

constexpr char kFailedCase[] = "kontinuitet-underkand";
constexpr char kOpenCase[] = "kontinuitet-pagar";
constexpr char kOtherProvidersCase[] = "annat-bolag-underkand";
constexpr char kMunicipalCase[] = "ekbacken-underkand";

v1::Event ContractRegisteredEvent(absl::string_view id,
                                  const v1::ContractTerms& terms) {
  v1::Event event;
  event.mutable_contract_registered()->set_contract_id(std::string(id));
  *event.mutable_contract_registered()->mutable_terms() = terms;
  return event;
}

v1::Event ContractExtendedEvent(const v1::Command& extend,
                                absl::CivilDay previous) {
  v1::Event event;
  v1::ContractExtended* e = event.mutable_contract_extended();
  e->set_contract_id(extend.extend_contract().contract_id());
  *e->mutable_previous_ends_on() = D(previous);
  *e->mutable_ends_on() = extend.extend_contract().ends_on();
  *e->mutable_decision() = extend.extend_contract().decision();
  return event;
}

v1::Event ContractNotExtendedEvent(const v1::Command& decline,
                                   absl::CivilDay ends_on) {
  const v1::DeclineContractExtension& c = decline.decline_contract_extension();
  v1::Event event;
  v1::ContractNotExtended* e = event.mutable_contract_not_extended();
  e->set_contract_id(c.contract_id());
  *e->mutable_ends_on() = D(ends_on);
  *e->mutable_decision() = c.decision();
  e->set_reason(c.reason());
  return event;
}

v1::Event SanctionImposedEvent(const v1::Command& impose, int ladder_index) {
  const v1::ImposeSanction& c = impose.impose_sanction();
  v1::Event event;
  v1::SanctionImposed* e = event.mutable_sanction_imposed();
  e->set_contract_id(c.contract_id());
  e->set_sanction_id(c.sanction_id());
  e->set_kind(c.kind());
  e->set_ladder_index(ladder_index);
  *e->mutable_case_ids() = c.case_ids();
  *e->mutable_decision() = c.decision();
  e->set_description(c.description());
  e->set_amount_sek(c.amount_sek());
  *e->mutable_requirement_ids() = c.requirement_ids();
  e->set_rung_skip_justification(c.rung_skip_justification());
  return event;
}

v1::Event ContractTerminatedEvent(const v1::Command& terminate) {
  const v1::TerminateContract& c = terminate.terminate_contract();
  v1::Event event;
  v1::ContractTerminated* e = event.mutable_contract_terminated();
  e->set_contract_id(c.contract_id());
  e->set_kind(c.kind());
  *e->mutable_effective_on() = c.effective_on();
  *e->mutable_case_ids() = c.case_ids();
  *e->mutable_decision() = c.decision();
  e->set_grounds(c.grounds());
  return event;
}

v1::Event ContractExpiredEvent(absl::string_view id, absl::CivilDay ended_on) {
  v1::Event event;
  event.mutable_contract_expired()->set_contract_id(std::string(id));
  *event.mutable_contract_expired()->mutable_ended_on() = D(ended_on);
  return event;
}

v1::Command Fine(absl::string_view sanction_id, int64_t amount_sek,
                 absl::CivilDay day = kToday,
                 std::vector<std::string> cases = {kFailedCase}) {
  return ImposeSanction(kContract, sanction_id, v1::SANCTION_KIND_FINE,
                        std::move(cases), day, amount_sek);
}

// The seeded providers and contract, a case of the private provider whose
// plan was rejected (its step failed), one that has not failed, a failed
// case of another private provider and one of a municipal unit.
class ContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SeedProviders(world_);
    FailedCase(world_, kFailedCase, kPrivateProvider, kPrivateUnit,
               /*municipal=*/false);
    OpenCase(world_, kOpenCase, kPrivateProvider, kPrivateUnit);
    FailedCase(world_, kOtherProvidersCase, kOtherProvider, kOtherUnit,
               /*municipal=*/false);
    FailedCase(world_, kMunicipalCase, kMunicipalProvider, kMunicipalUnit,
               /*municipal=*/true);
  }

  Scenario Director(absl::CivilDay day = kToday) {
    return Given(world_).As(AdministrationDirector()).On(day);
  }

  World world_;
};
class RegisterContracts : public ContractTest {};
class ExtendContracts : public ContractTest {};
class ImposeSanctions : public ContractTest {};
class TerminateContracts : public ContractTest {};
class FinalContracts : public ContractTest {};

// ---- RegisterContract
// ------------------------------------------------------------

// "Sanction ladders differ between contracts, so each contract carries its
// own ordered ladder".
TEST_F(RegisterContracts, ContractIsRegisteredWithItsOwnLadder) {
  v1::ContractTerms terms =
      Terms(kOtherProvider, Day(2026, 1, 1), Day(2029, 12, 31));
  terms.clear_ladder();
  terms.add_ladder()->set_kind(v1::SANCTION_KIND_PRICE_REDUCTION);
  terms.add_ladder()->set_kind(v1::SANCTION_KIND_DAMAGES);
  terms.add_ladder()->set_kind(v1::SANCTION_KIND_WITHDRAWAL_OF_AUTHORISATION);
  Director()
      .When(RegisterContract("avtal-annat-bolag", terms))
      .Then({ContractRegisteredEvent("avtal-annat-bolag", terms)});
}

// "Egen regi units have no contract and get no contract sanctions."
TEST_F(RegisterContracts, MunicipalProviderGetsNoContract) {
  Director()
      .When(RegisterContract(
          "avtal-kommunen",
          Terms(kMunicipalProvider, Day(2026, 1, 1), Day(2027, 12, 31))))
      .ThenFails(Code::kFailedPrecondition, "terms.provider_id");
}

// A contract is with a registered provider.
TEST_F(RegisterContracts, ContractWithAnUnknownProviderIsNotFound) {
  Director()
      .When(RegisterContract("avtal-okant",
                             Terms("okant-bolag", Day(2026, 1, 1), kEndsOn)))
      .ThenFails(Code::kNotFound, "terms.provider_id");
}

// "each contract carries its own ordered ladder": at least one step, each
// with a kind.
TEST_F(RegisterContracts, LadderHasAtLeastOneStepEachWithAKind) {
  v1::ContractTerms empty = Terms(kOtherProvider, Day(2026, 1, 1), kEndsOn);
  empty.clear_ladder();
  Director()
      .When(RegisterContract("avtal-2", empty))
      .ThenFails(Code::kInvalidArgument, "terms.ladder");
  v1::ContractTerms no_kind = Terms(kOtherProvider, Day(2026, 1, 1), kEndsOn);
  no_kind.mutable_ladder(2)->clear_kind();
  Director()
      .When(RegisterContract("avtal-2", no_kind))
      .ThenFails(Code::kInvalidArgument, "terms.ladder[2].kind");
}

// "fine (vite, in SEK, e.g. per started week up to a maximum)": a fine on
// the ladder states its amount per started week and a maximum at least
// that large.
TEST_F(RegisterContracts, FineOnTheLadderStatesItsAmounts) {
  v1::ContractTerms no_weekly = Terms(kOtherProvider, Day(2026, 1, 1), kEndsOn);
  no_weekly.mutable_ladder(1)->set_fine_per_started_week_sek(0);
  Director()
      .When(RegisterContract("avtal-2", no_weekly))
      .ThenFails(Code::kInvalidArgument,
                 "terms.ladder[1].fine_per_started_week_sek");
  v1::ContractTerms negative = Terms(kOtherProvider, Day(2026, 1, 1), kEndsOn);
  negative.mutable_ladder(1)->set_fine_per_started_week_sek(-500);
  Director()
      .When(RegisterContract("avtal-2", negative))
      .ThenFails(Code::kInvalidArgument,
                 "terms.ladder[1].fine_per_started_week_sek");
  v1::ContractTerms low_max = Terms(kOtherProvider, Day(2026, 1, 1), kEndsOn);
  low_max.mutable_ladder(1)->set_fine_max_sek(499);
  Director()
      .When(RegisterContract("avtal-2", low_max))
      .ThenFails(Code::kInvalidArgument, "terms.ladder[1].fine_max_sek");
  v1::ContractTerms equal = Terms(kOtherProvider, Day(2026, 1, 1), kEndsOn);
  equal.mutable_ladder(1)->set_fine_max_sek(500);
  Director()
      .When(RegisterContract("avtal-2", equal))
      .Then({ContractRegisteredEvent("avtal-2", equal)});
}

// Only a fine has amounts on the ladder; the error names the amount given.
TEST_F(RegisterContracts, OnlyAFineHasAmountsOnTheLadder) {
  v1::ContractTerms weekly = Terms(kOtherProvider, Day(2026, 1, 1), kEndsOn);
  weekly.mutable_ladder(0)->set_fine_per_started_week_sek(500);
  Director()
      .When(RegisterContract("avtal-2", weekly))
      .ThenFails(Code::kInvalidArgument,
                 "terms.ladder[0].fine_per_started_week_sek");
  v1::ContractTerms max = Terms(kOtherProvider, Day(2026, 1, 1), kEndsOn);
  max.mutable_ladder(0)->set_fine_max_sek(20000);
  Director()
      .When(RegisterContract("avtal-2", max))
      .ThenFails(Code::kInvalidArgument, "terms.ladder[0].fine_max_sek");
}

// A contract has a reference, a procurement form (LOV or LOU) and ends
// after it starts.
TEST_F(RegisterContracts, TermsAreChecked) {
  v1::ContractTerms no_reference =
      Terms(kOtherProvider, Day(2026, 1, 1), kEndsOn);
  no_reference.clear_reference();
  Director()
      .When(RegisterContract("avtal-2", no_reference))
      .ThenFails(Code::kInvalidArgument, "terms.reference");
  v1::ContractTerms no_form = Terms(kOtherProvider, Day(2026, 1, 1), kEndsOn);
  no_form.clear_procurement_form();
  Director()
      .When(RegisterContract("avtal-2", no_form))
      .ThenFails(Code::kInvalidArgument, "terms.procurement_form");
  Director()
      .When(RegisterContract(
          "avtal-2", Terms(kOtherProvider, Day(2026, 1, 1), Day(2026, 1, 1))))
      .ThenFails(Code::kInvalidArgument, "terms.ends_on");
  v1::ContractTerms no_start = Terms(kOtherProvider, Day(2026, 1, 1), kEndsOn);
  no_start.clear_starts_on();
  Director()
      .When(RegisterContract("avtal-2", no_start))
      .ThenFails(Code::kInvalidArgument, "terms.starts_on");
}

// Nothing is decided on a contract after its end date, so a contract that
// has already ended is not registered; one ending today still is.
TEST_F(RegisterContracts, ContractThatHasEndedIsNotRegistered) {
  const v1::Command ends_yesterday = RegisterContract(
      "avtal-2", Terms(kOtherProvider, Day(2025, 1, 1), kToday - 1));
  const Outcome ended = Director().When(ends_yesterday);
  ended.ThenFails(Code::kInvalidArgument, "terms.ends_on");
  EXPECT_THAT(ended.result().status().message(), HasSubstr("has passed"));
  const Outcome ends_today = Director().When(RegisterContract(
      "avtal-2", Terms(kOtherProvider, Day(2025, 1, 1), kToday)));
  ASSERT_TRUE(ends_today.result().ok()) << ends_today.result().status();
  EXPECT_THAT(*ends_today.result(), SizeIs(1));
}

// Repeats yield nothing; the same id with other terms is ALREADY_EXISTS.
TEST_F(RegisterContracts, RepeatYieldsNothingAndOtherTermsAlreadyExist) {
  Director()
      .When(RegisterContract(kContract,
                             Terms(kPrivateProvider, Day(2025, 1, 1), kEndsOn)))
      .ThenNothing();
  Director()
      .When(RegisterContract(
          kContract, Terms(kPrivateProvider, Day(2025, 1, 1), Day(2028, 1, 1))))
      .ThenFails(Code::kAlreadyExists, "contract_id");
}

// ---- Extension
// -------------------------------------------------------------------

// "Contract events: registered, extended, ...": an extension moves the end
// date and keeps the decision.
TEST_F(ExtendContracts, ContractIsExtendedToALaterEndDate) {
  const v1::Command extend =
      ExtendContract(kContract, Day(2029, 12, 31), kToday);
  Director().When(extend).Then({ContractExtendedEvent(extend, kEndsOn)});
  world_.MustRun(AdministrationDirector(), kToday, extend);
  EXPECT_EQ(world_.Contract(kTenant, kContract).ends_on, Day(2029, 12, 31));
  // A second extension starts from the new end date.
  const v1::Command again =
      ExtendContract(kContract, Day(2030, 12, 31), kToday + 1);
  Director(kToday + 1)
      .When(again)
      .Then({ContractExtendedEvent(again, Day(2029, 12, 31))});
}

// "extended (later end date only)".
TEST_F(ExtendContracts, ExtensionMustEndAfterTheCurrentEndDate) {
  Director()
      .When(ExtendContract(kContract, kEndsOn, kToday))
      .ThenFails(Code::kInvalidArgument, "ends_on");
  Director()
      .When(ExtendContract(kContract, Day(2027, 6, 30), kToday))
      .ThenFails(Code::kInvalidArgument, "ends_on");
}

// "not extended (option not used)": then no extension.
TEST_F(ExtendContracts, DeclinedOptionIsRecordedAndThenNoExtension) {
  const v1::Command decline = DeclineExtension(kContract, kToday);
  Director().When(decline).Then({ContractNotExtendedEvent(decline, kEndsOn)});
  world_.MustRun(AdministrationDirector(), kToday, decline);
  Director(kToday + 1)
      .When(ExtendContract(kContract, Day(2029, 12, 31), kToday + 1))
      .ThenFails(Code::kFailedPrecondition, "contract_id");
  // Declining twice with another decision is refused; a repeat is nothing.
  Director(kToday + 1)
      .When(DeclineExtension(kContract, kToday + 1))
      .ThenFails(Code::kFailedPrecondition, "contract_id");
  Director(kToday + 1).When(decline).ThenNothing();
}

// A decision not to extend says why.
TEST_F(ExtendContracts, DeclineNeedsAReason) {
  v1::Command decline = DeclineExtension(kContract, kToday);
  decline.mutable_decline_contract_extension()->clear_reason();
  Director().When(decline).ThenFails(Code::kInvalidArgument, "reason");
}

// A repeated extension yields nothing.
TEST_F(ExtendContracts, RepeatedExtensionYieldsNothing) {
  const v1::Command extend =
      ExtendContract(kContract, Day(2029, 12, 31), kToday);
  world_.MustRun(AdministrationDirector(), kToday, extend);
  Director(kToday + 2).When(extend).ThenNothing();
}

// Extending or declining needs a registered contract.
TEST_F(ExtendContracts, UnknownContractIsNotFound) {
  Director()
      .When(ExtendContract("okant-avtal", Day(2029, 12, 31), kToday))
      .ThenFails(Code::kNotFound, "contract_id");
  Director()
      .When(DeclineExtension("okant-avtal", kToday))
      .ThenFails(Code::kNotFound, "contract_id");
}

// "Every such decision records the decision maker and its delegation
// basis (..., with the decision's reference number, diarienummer)": the
// same holds for extensions and declines.
TEST_F(ExtendContracts, ExtensionDecisionIsComplete) {
  for (absl::string_view field :
       {"decision_maker", "delegation_basis", "reference_number"}) {
    SCOPED_TRACE(field);
    v1::Command extend = ExtendContract(kContract, Day(2029, 12, 31), kToday);
    v1::Command decline = DeclineExtension(kContract, kToday);
    for (v1::Command* c : {&extend, &decline}) {
      v1::Decision* d =
          c->has_extend_contract()
              ? c->mutable_extend_contract()->mutable_decision()
              : c->mutable_decline_contract_extension()->mutable_decision();
      d->GetReflection()->ClearField(
          d, d->GetDescriptor()->FindFieldByName(std::string(field)));
      Director().When(*c).ThenFails(Code::kInvalidArgument,
                                    absl::StrCat("decision.", field));
    }
  }
}

// ---- Sanctions
// ---------------------------------------------------------------------

// "sanction imposed ... under the contract's ladder": a fine of the ladder,
// resting on a case whose plan failed, records its place on the ladder.
TEST_F(ImposeSanctions, FineOnTheLadderRestingOnAFailedCaseIsImposed) {
  const v1::Command fine = Fine("vite-1", 4000);
  Director().When(fine).Then({SanctionImposedEvent(fine, 1)});
  const v1::Command correction =
      ImposeSanction(kContract, "anmarkning-1", v1::SANCTION_KIND_CORRECTION,
                     {kFailedCase}, kToday);
  Director().When(correction).Then({SanctionImposedEvent(correction, 0)});
}

// "each contract carries its own ordered ladder, chosen from ...": only a
// sanction on this contract's ladder may be imposed.
TEST_F(ImposeSanctions, SanctionMustBeOnTheContractsLadder) {
  Director()
      .When(ImposeSanction(kContract, "prisavdrag-1",
                           v1::SANCTION_KIND_PRICE_REDUCTION, {kFailedCase},
                           kToday, 10000))
      .ThenFails(Code::kFailedPrecondition, "kind");
  Director()
      .When(ImposeSanction(kContract, "x-1", v1::SANCTION_KIND_UNSPECIFIED,
                           {kFailedCase}, kToday))
      .ThenFails(Code::kInvalidArgument, "kind");
}

// Termination is its own decision (TerminateContract), not a sanction.
TEST_F(ImposeSanctions, TerminationIsNotImposedAsASanction) {
  Director()
      .When(ImposeSanction(kContract, "havning-1",
                           v1::SANCTION_KIND_IMMEDIATE_TERMINATION,
                           {kFailedCase}, kToday))
      .ThenFails(Code::kInvalidArgument, "kind");
}

// "A sanction ... is only valid with documentation of what was done
// against the provider before: it must reference the case(s) whose plans
// failed": at least one.
TEST_F(ImposeSanctions, SanctionReferencesAtLeastOneCase) {
  Director()
      .When(Fine("vite-1", 4000, kToday, {}))
      .ThenFails(Code::kInvalidArgument, "case_ids");
}

// ... a case whose step never failed is no documentation.
TEST_F(ImposeSanctions, CaseThatNeverFailedIsRefused) {
  Director()
      .When(Fine("vite-1", 4000, kToday, {kFailedCase, kOpenCase}))
      .ThenFails(Code::kFailedPrecondition, "case_ids[1]");
}

// ... a case of another provider documents nothing against this one.
TEST_F(ImposeSanctions, AnotherProvidersCaseIsRefused) {
  Director()
      .When(Fine("vite-1", 4000, kToday, {kOtherProvidersCase}))
      .ThenFails(Code::kFailedPrecondition, "case_ids[0]");
}

// ... an unknown case is NOT_FOUND; a case named twice is malformed.
TEST_F(ImposeSanctions, UnknownOrRepeatedCaseIsRefused) {
  Director()
      .When(Fine("vite-1", 4000, kToday, {"okant-arende"}))
      .ThenFails(Code::kNotFound, "case_ids[0]");
  Director()
      .When(Fine("vite-1", 4000, kToday, {kFailedCase, kFailedCase}))
      .ThenFails(Code::kInvalidArgument, "case_ids[1]");
  Director()
      .When(Fine("vite-1", 4000, kToday, {"inte ett id"}))
      .ThenFails(Code::kInvalidArgument, "case_ids[0]");
}

// "Egen regi units ... get no contract sanctions": a failed case of a
// municipal unit cannot carry a sanction on any contract.
TEST_F(ImposeSanctions, MunicipalUnitsCaseGetsNoContractSanction) {
  Director()
      .When(Fine("vite-1", 4000, kToday, {kMunicipalCase}))
      .ThenFails(Code::kFailedPrecondition, "case_ids[0]");
}

// "Every such decision records the decision maker and its delegation basis
// (..., with the decision's reference number, diarienummer)".
TEST_F(ImposeSanctions, DecisionMakerDelegationAndReferenceAreRequired) {
  for (absl::string_view field :
       {"decision_maker", "delegation_basis", "reference_number"}) {
    SCOPED_TRACE(field);
    v1::Command fine = Fine("vite-1", 4000);
    v1::Decision* d = fine.mutable_impose_sanction()->mutable_decision();
    d->GetReflection()->ClearField(
        d, d->GetDescriptor()->FindFieldByName(std::string(field)));
    Director().When(fine).ThenFails(Code::kInvalidArgument,
                                    absl::StrCat("decision.", field));
  }
  v1::Command no_date = Fine("vite-1", 4000);
  no_date.mutable_impose_sanction()->mutable_decision()->clear_decided_on();
  Director().When(no_date).ThenFails(Code::kInvalidArgument,
                                     "decision.decided_on");
  Director()
      .When(Fine("vite-1", 4000, kToday + 1))
      .ThenFails(Code::kInvalidArgument, "decision.decided_on");
}

// "fine (vite, in SEK, e.g. per started week up to a maximum)": a fine
// states its amount, at most the ladder's maximum.
TEST_F(ImposeSanctions, FineIsAtMostTheLaddersMaximum) {
  const v1::Command at_max = Fine("vite-1", 20000);
  Director().When(at_max).Then({SanctionImposedEvent(at_max, 1)});
  Director()
      .When(Fine("vite-1", 20001))
      .ThenFails(Code::kInvalidArgument, "amount_sek");
  Director()
      .When(Fine("vite-1", 0))
      .ThenFails(Code::kInvalidArgument, "amount_sek");
  Director()
      .When(Fine("vite-1", -500))
      .ThenFails(Code::kInvalidArgument, "amount_sek");
}

// A sanction without an amount (a correction) states none.
TEST_F(ImposeSanctions, CorrectionHasNoAmount) {
  Director()
      .When(ImposeSanction(kContract, "anmarkning-1",
                           v1::SANCTION_KIND_CORRECTION, {kFailedCase}, kToday,
                           500))
      .ThenFails(Code::kInvalidArgument, "amount_sek");
}

// A sanction describes what is imposed.
TEST_F(ImposeSanctions, SanctionNeedsADescription) {
  v1::Command fine = Fine("vite-1", 4000);
  fine.mutable_impose_sanction()->clear_description();
  Director().When(fine).ThenFails(Code::kInvalidArgument, "description");
}

// Repeats yield nothing; the same sanction id with other content is
// ALREADY_EXISTS.
TEST_F(ImposeSanctions, RepeatYieldsNothingAndOtherContentAlreadyExists) {
  const v1::Command fine = Fine("vite-1", 4000);
  world_.MustRun(AdministrationDirector(), kToday, fine);
  Director(kToday + 1).When(fine).ThenNothing();
  Director(kToday + 1)
      .When(Fine("vite-1", 5000))
      .ThenFails(Code::kAlreadyExists, "sanction_id");
}

// Sanctions need a registered contract.
TEST_F(ImposeSanctions, UnknownContractIsNotFound) {
  Director()
      .When(ImposeSanction("okant-avtal", "vite-1", v1::SANCTION_KIND_FINE,
                           {kFailedCase}, kToday, 4000))
      .ThenFails(Code::kNotFound, "contract_id");
}

// ---- Termination
// -------------------------------------------------------------------

// "terminated": with notice or immediately, resting on failed cases, with
// the decision and its grounds.
TEST_F(TerminateContracts, ContractIsTerminated) {
  for (v1::SanctionKind kind : {v1::SANCTION_KIND_TERMINATION_WITH_NOTICE,
                                v1::SANCTION_KIND_IMMEDIATE_TERMINATION}) {
    SCOPED_TRACE(v1::SanctionKind_Name(kind));
    const v1::Command terminate =
        TerminateContract(kContract, {kFailedCase}, kToday, kind);
    Director().When(terminate).Then({ContractTerminatedEvent(terminate)});
  }
}

// "A sanction or termination is only valid with documentation ...: it
// must reference the case(s) whose plans failed."
TEST_F(TerminateContracts, TerminationMustReferenceFailedCasesOfTheProvider) {
  Director()
      .When(TerminateContract(kContract, {}, kToday))
      .ThenFails(Code::kInvalidArgument, "case_ids");
  Director()
      .When(TerminateContract(kContract, {kOpenCase}, kToday))
      .ThenFails(Code::kFailedPrecondition, "case_ids[0]");
  Director()
      .When(TerminateContract(kContract, {kFailedCase, kOtherProvidersCase},
                              kToday))
      .ThenFails(Code::kFailedPrecondition, "case_ids[1]");
  Director()
      .When(TerminateContract(kContract, {"okant-arende"}, kToday))
      .ThenFails(Code::kNotFound, "case_ids[0]");
}

// The kind is a termination (uppsägning or hävning) ...
TEST_F(TerminateContracts, KindMustBeATermination) {
  Director()
      .When(TerminateContract(kContract, {kFailedCase}, kToday,
                              v1::SANCTION_KIND_FINE))
      .ThenFails(Code::kInvalidArgument, "kind");
}

// ... that is on this contract's ladder.
TEST_F(TerminateContracts, TerminationMustBeOnTheLadder) {
  v1::ContractTerms terms =
      Terms(kPrivateProvider, Day(2026, 1, 1), Day(2028, 12, 31));
  terms.mutable_ladder()->RemoveLast();  // no immediate termination
  world_.MustRun(AdministrationDirector(), kToday,
                 RegisterContract("avtal-lss", terms));
  Director()
      .When(TerminateContract("avtal-lss", {kFailedCase}, kToday,
                              v1::SANCTION_KIND_IMMEDIATE_TERMINATION))
      .ThenFails(Code::kFailedPrecondition, "kind");
  const v1::Command with_notice =
      TerminateContract("avtal-lss", {kFailedCase}, kToday,
                        v1::SANCTION_KIND_TERMINATION_WITH_NOTICE);
  Director().When(with_notice).Then({ContractTerminatedEvent(with_notice)});
}

// "Every such decision records the decision maker and its delegation basis
// ... with the decision's reference number"; it takes effect on or after
// the decision, and states its grounds.
TEST_F(TerminateContracts, TerminationDecisionIsComplete) {
  for (absl::string_view field :
       {"decision_maker", "delegation_basis", "reference_number"}) {
    SCOPED_TRACE(field);
    v1::Command terminate = TerminateContract(kContract, {kFailedCase}, kToday);
    v1::Decision* d =
        terminate.mutable_terminate_contract()->mutable_decision();
    d->GetReflection()->ClearField(
        d, d->GetDescriptor()->FindFieldByName(std::string(field)));
    Director().When(terminate).ThenFails(Code::kInvalidArgument,
                                         absl::StrCat("decision.", field));
  }
  v1::Command early = TerminateContract(kContract, {kFailedCase}, kToday);
  *early.mutable_terminate_contract()->mutable_effective_on() = D(kToday - 1);
  Director().When(early).ThenFails(Code::kInvalidArgument, "effective_on");
  v1::Command no_grounds = TerminateContract(kContract, {kFailedCase}, kToday);
  no_grounds.mutable_terminate_contract()->clear_grounds();
  Director().When(no_grounds).ThenFails(Code::kInvalidArgument, "grounds");
}

// A repeated termination yields nothing.
TEST_F(TerminateContracts, RepeatedTerminationYieldsNothing) {
  const v1::Command terminate =
      TerminateContract(kContract, {kFailedCase}, kToday);
  world_.MustRun(AdministrationDirector(), kToday, terminate);
  Director(kToday + 5).When(terminate).ThenNothing();
}

// ---- Expiry
// ------------------------------------------------------------------------

// "expired": the day after the end date, once (deadlines are events; a
// deadline is overdue from the next day).
TEST_F(FinalContracts, ContractExpiresTheDayAfterItsEndDateOnce) {
  EXPECT_THAT(world_.RunDeadlines(kTenant, kEndsOn), IsEmpty());
  EXPECT_THAT(
      OfType(world_.RunDeadlines(kTenant, kEndsOn + 1), "ContractExpired"),
      ElementsAre(EqualsProto(ContractExpiredEvent(kContract, kEndsOn))));
  EXPECT_EQ(world_.Contract(kTenant, kContract).status, Status::kExpired);
  EXPECT_THAT(
      OfType(world_.RunDeadlines(kTenant, kEndsOn + 2), "ContractExpired"),
      IsEmpty());
  EXPECT_THAT(
      OfType(world_.RunDeadlines(kTenant, kEndsOn + 400), "ContractExpired"),
      IsEmpty());
}

// An extended contract expires after its new end date; a declined option
// leaves the end date as it was.
TEST_F(FinalContracts, ExtensionMovesTheExpiry) {
  world_.MustRun(AdministrationDirector(), kToday,
                 ExtendContract(kContract, Day(2028, 6, 30), kToday));
  world_.MustRun(AdministrationDirector(), kToday,
                 DeclineExtension(kContract, kToday));
  domain::ContractState state = world_.Contract(kTenant, kContract);
  EXPECT_THAT(domain::DueContractDeadlines(state, kEndsOn + 1), IsEmpty());
  EXPECT_THAT(domain::DueContractDeadlines(state, Day(2028, 6, 30)), IsEmpty());
  EXPECT_THAT(domain::DueContractDeadlines(state, Day(2028, 7, 1)),
              ElementsAre(EqualsProto(
                  ContractExpiredEvent(kContract, Day(2028, 6, 30)))));
}

// "Final": a terminated contract does not expire afterwards.
TEST_F(FinalContracts, TerminatedContractDoesNotExpire) {
  world_.MustRun(AdministrationDirector(), kToday,
                 TerminateContract(kContract, {kFailedCase}, kToday));
  EXPECT_THAT(domain::DueContractDeadlines(world_.Contract(kTenant, kContract),
                                           kEndsOn + 1),
              IsEmpty());
}

// ---- Final contracts accept nothing more ------------------------------------

// Every contract command, each a valid one before the contract ended.
std::vector<std::pair<std::string, v1::Command>> EveryContractCommand(
    absl::CivilDay day) {
  v1::ContractTerms other = Terms(kPrivateProvider, Day(2025, 1, 1), kEndsOn);
  other.set_reference("ON 2024-00999");
  return {
      {"RegisterContract (same terms)",
       RegisterContract(kContract,
                        Terms(kPrivateProvider, Day(2025, 1, 1), kEndsOn))},
      {"RegisterContract (other terms)", RegisterContract(kContract, other)},
      {"ExtendContract", ExtendContract(kContract, Day(2030, 12, 31), day)},
      {"ExtendContract (repeat of an earlier one)",
       ExtendContract(kContract, Day(2028, 3, 31), kToday)},
      {"DeclineContractExtension", DeclineExtension(kContract, day)},
      {"ImposeSanction", Fine("vite-2", 2000, day)},
      {"ImposeSanction (repeat of an earlier one)", Fine("vite-1", 4000)},
      {"TerminateContract (with notice)",
       TerminateContract(kContract, {kFailedCase}, day,
                         v1::SANCTION_KIND_TERMINATION_WITH_NOTICE)},
  };
}

// "a terminated contract accepts no further commands": every contract
// command is FAILED_PRECONDITION naming contract_id, also a repeat of a
// command it accepted before; only the termination itself repeats.
TEST_F(FinalContracts, TerminatedContractAcceptsNothingMore) {
  world_.MustRun(AdministrationDirector(), kToday,
                 ExtendContract(kContract, Day(2028, 3, 31), kToday));
  world_.MustRun(AdministrationDirector(), kToday, Fine("vite-1", 4000));
  const v1::Command terminate =
      TerminateContract(kContract, {kFailedCase}, kToday);
  world_.MustRun(AdministrationDirector(), kToday, terminate);
  const absl::CivilDay later = kToday + 10;
  for (const auto& [name, command] : EveryContractCommand(later)) {
    SCOPED_TRACE(name);
    Director(later).When(command).ThenFails(Code::kFailedPrecondition,
                                            "contract_id");
  }
  Director(later).When(terminate).ThenNothing();
}

// "Contract events: ... expired": an expired contract accepts nothing
// either, not even a termination.
TEST_F(FinalContracts, ExpiredContractAcceptsNothingMore) {
  world_.MustRun(AdministrationDirector(), kToday,
                 ExtendContract(kContract, Day(2028, 3, 31), kToday));
  world_.MustRun(AdministrationDirector(), kToday, Fine("vite-1", 4000));
  world_.RunDeadlines(kTenant, Day(2028, 4, 1));
  ASSERT_EQ(world_.Contract(kTenant, kContract).status, Status::kExpired);
  const absl::CivilDay later = Day(2028, 4, 2);
  for (const auto& [name, command] : EveryContractCommand(later)) {
    SCOPED_TRACE(name);
    Director(later).When(command).ThenFails(Code::kFailedPrecondition,
                                            "contract_id");
  }
  Director(later)
      .When(TerminateContract(kContract, {kFailedCase}, later))
      .ThenFails(Code::kFailedPrecondition, "contract_id");
}

// The end date, not the recorded expiry, ends the contract: on the day
// after it nothing is decided, even before the deadline scheduler has
// recorded ContractExpired; on the end date itself everything still is.
TEST_F(FinalContracts, ContractPastItsEndDateAcceptsNothingBeforeTheExpiry) {
  world_.MustRun(AdministrationDirector(), kToday,
                 ExtendContract(kContract, Day(2028, 3, 31), kToday));
  world_.MustRun(AdministrationDirector(), kToday, Fine("vite-1", 4000));
  ASSERT_EQ(world_.Contract(kTenant, kContract).status, Status::kActive);
  const absl::CivilDay last_day = Day(2028, 3, 31);
  const Outcome on_last_day =
      Director(last_day).When(Fine("vite-2", 2000, last_day));
  ASSERT_TRUE(on_last_day.result().ok()) << on_last_day.result().status();
  EXPECT_THAT(OfType(*on_last_day.result(), "SanctionImposed"), SizeIs(1));
  const absl::CivilDay after = last_day + 1;
  for (const auto& [name, command] : EveryContractCommand(after)) {
    SCOPED_TRACE(name);
    const Outcome outcome = Director(after).When(command);
    outcome.ThenFails(Code::kFailedPrecondition, "contract_id");
    EXPECT_THAT(outcome.result().status().message(),
                HasSubstr("ended on 2028-03-31"));
  }
  Director(after)
      .When(TerminateContract(kContract, {kFailedCase}, after))
      .ThenFails(Code::kFailedPrecondition, "contract_id");
}

}  // namespace
}  // namespace atgard::testing
