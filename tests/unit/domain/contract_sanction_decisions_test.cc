// What a contract's sanctions rest on and how they are decided: the
// contract's requirements (krav), the ladder climbed in order, and the
// decision not to sanction a failed case. One TEST per rule of
// services/domain/RULES_AGGREGATES.md#contracts-and-sanctions, which names
// them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"
#include "services/domain/contract_decider.h"
#include "services/domain/decider.h"
#include "tests/support/aggregate_fixtures.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/given_when_then.h"

namespace atgard::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using Code = absl::StatusCode;

const absl::CivilDay kToday = Day(2026, 3, 2);
constexpr char kFailedCase[] = "kontinuitet-underkand";
constexpr char kSecondFailedCase[] = "larm-underkand";
constexpr char kOpenCase[] = "kontinuitet-pagar";
constexpr char kOtherProvidersCase[] = "annat-bolag-underkand";
// A contract of the other private provider that lists its requirements.
constexpr char kListingContract[] = "avtal-med-krav";

// An event written as text (the decision it records is set by the caller).
v1::Event EventText(absl::string_view text) {
  v1::Event event;
  EXPECT_TRUE(
      google::protobuf::TextFormat::ParseFromString(std::string(text), &event))
      << text;
  return event;
}

// Every decision here is the director's of kToday (DecisionOn).
v1::Event SanctionImposedText(absl::string_view text) {
  v1::Event event = EventText(text);
  *event.mutable_sanction_imposed()->mutable_decision() = DecisionOn(kToday);
  return event;
}

v1::Event NoSanctionDecidedText(absl::string_view text) {
  v1::Event event = EventText(text);
  *event.mutable_no_sanction_decided()->mutable_decision() = DecisionOn(kToday);
  return event;
}

// A decision of kToday not to sanction a case, with a reason.
v1::Command NoSanction(
    absl::string_view contract_id, absl::string_view case_id,
    absl::string_view reason = "Bristen var ringa och rättades genast.") {
  v1::Command command = DecideNoSanction(contract_id, case_id, kToday);
  command.mutable_decide_no_sanction()->set_reason(std::string(reason));
  return command;
}

v1::ContractTerms ListingTerms() {
  v1::ContractTerms terms =
      Terms(kOtherProvider, Day(2026, 1, 1), Day(2027, 12, 31));
  v1::ContractRequirement* continuity = terms.add_requirements();
  continuity->set_requirement_id("4.2");
  continuity->set_text("Brukaren ska möta högst tolv personal per månad.");
  v1::ContractRequirement* alarm = terms.add_requirements();
  alarm->set_requirement_id("5.1");
  alarm->set_text("Trygghetslarm ska besvaras inom 30 minuter.");
  return terms;
}

// The seeded contract (correction → fine → termination with notice →
// immediate termination, no requirements), a contract of the other
// provider that lists requirements, and cases: two failed and one open
// case of the seeded contract's provider, one failed case of the other.
class ContractSanctionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SeedProviders(world_);
    FailedCase(world_, kFailedCase, kPrivateProvider, kPrivateUnit,
               /*municipal=*/false);
    FailedCase(world_, kSecondFailedCase, kPrivateProvider, kPrivateUnit,
               /*municipal=*/false);
    OpenCase(world_, kOpenCase, kPrivateProvider, kPrivateUnit);
    FailedCase(world_, kOtherProvidersCase, kOtherProvider, kOtherUnit,
               /*municipal=*/false);
    world_.MustRun(AdministrationDirector(), Day(2026, 1, 20),
                   RegisterContract(kListingContract, ListingTerms()));
  }

  Scenario Director() {
    return Given(world_).As(AdministrationDirector()).On(kToday);
  }

  // A correction on the seeded contract, the ladder's first rung.
  v1::Command Correction(absl::string_view sanction_id,
                         std::vector<std::string> cases = {kFailedCase}) {
    return ImposeSanction(kContract, sanction_id, v1::SANCTION_KIND_CORRECTION,
                          std::move(cases), kToday);
  }

  World world_;
};
class ContractRequirements : public ContractSanctionTest {};
class SanctionLadderOrder : public ContractSanctionTest {};
class NoSanctionDecisions : public ContractSanctionTest {};

// ---- Requirements (krav) ----------------------------------------------------

// "A contract lists its specific requirements (krav, each with an id and a
// text)": they are registered with the terms.
TEST_F(ContractRequirements, RequirementsAreRegisteredWithTheTerms) {
  EXPECT_THAT(world_.Contract(kTenant, kListingContract).terms.requirements(),
              ElementsAre(EqualsProto(ListingTerms().requirements(0)),
                          EqualsProto(ListingTerms().requirements(1))));
}

// Each requirement has an id of its own in the contract and a text.
TEST_F(ContractRequirements, EachRequirementHasAnIdOnceAndAText) {
  v1::ContractTerms twice = ListingTerms();
  twice.mutable_requirements(1)->set_requirement_id("4.2");
  Director()
      .When(RegisterContract("avtal-2", twice))
      .ThenFails(Code::kInvalidArgument,
                 "terms.requirements[1].requirement_id");
  v1::ContractTerms no_id = ListingTerms();
  no_id.mutable_requirements(0)->clear_requirement_id();
  Director()
      .When(RegisterContract("avtal-2", no_id))
      .ThenFails(Code::kInvalidArgument,
                 "terms.requirements[0].requirement_id");
  v1::ContractTerms no_text = ListingTerms();
  no_text.mutable_requirements(1)->set_text(" ");
  Director()
      .When(RegisterContract("avtal-2", no_text))
      .ThenFails(Code::kInvalidArgument, "terms.requirements[1].text");
}

// "a sanction names the requirement(s) breached as well as the failed
// case(s)", and SanctionImposed records them.
TEST_F(ContractRequirements, SanctionNamesTheRequirementsBreached) {
  v1::Command correction = ImposeSanction(kListingContract, "anmarkning-1",
                                          v1::SANCTION_KIND_CORRECTION,
                                          {kOtherProvidersCase}, kToday);
  correction.mutable_impose_sanction()->add_requirement_ids("5.1");
  correction.mutable_impose_sanction()->add_requirement_ids("4.2");
  Director().When(correction).Then({SanctionImposedText(R"pb(
    sanction_imposed {
      contract_id: "avtal-med-krav"
      sanction_id: "anmarkning-1"
      kind: SANCTION_KIND_CORRECTION
      ladder_index: 0
      case_ids: "annat-bolag-underkand"
      description: "Vite enligt avtalets sanktionstrappa."
      requirement_ids: "5.1"
      requirement_ids: "4.2"
    }
  )pb")});
}

// When the contract lists requirements, a sanction names at least one of
// them, each once, and only ones the contract lists.
TEST_F(ContractRequirements, RequirementsNamedMustBeTheContracts) {
  v1::Command none = ImposeSanction(kListingContract, "anmarkning-1",
                                    v1::SANCTION_KIND_CORRECTION,
                                    {kOtherProvidersCase}, kToday);
  Director().When(none).ThenFails(Code::kInvalidArgument, "requirement_ids");
  v1::Command unknown = none;
  unknown.mutable_impose_sanction()->add_requirement_ids("9.9");
  Director().When(unknown).ThenFails(Code::kNotFound, "requirement_ids[0]");
  v1::Command twice = none;
  twice.mutable_impose_sanction()->add_requirement_ids("4.2");
  twice.mutable_impose_sanction()->add_requirement_ids("4.2");
  Director().When(twice).ThenFails(Code::kInvalidArgument,
                                   "requirement_ids[1]");
}

// A contract registered before requirements were listed has none: its
// sanctions rest on the cases alone, and name no requirement.
TEST_F(ContractRequirements, ContractWithoutRequirementsNamesNone) {
  const v1::Command correction = Correction("anmarkning-1");
  Director().When(correction).Then({SanctionImposedText(R"pb(
    sanction_imposed {
      contract_id: "avtal-hemtjanst-2025"
      sanction_id: "anmarkning-1"
      kind: SANCTION_KIND_CORRECTION
      ladder_index: 0
      case_ids: "kontinuitet-underkand"
      description: "Vite enligt avtalets sanktionstrappa."
    }
  )pb")});
  v1::Command naming = Correction("anmarkning-1");
  naming.mutable_impose_sanction()->add_requirement_ids("4.2");
  Director().When(naming).ThenFails(Code::kFailedPrecondition,
                                    "requirement_ids");
}

// ---- The ladder in order ----------------------------------------------------

// "The ladder is climbed in order: a sanction that skips a rung (a fine
// before any correction ...) needs a written justification".
TEST_F(SanctionLadderOrder, SkippingARungWithoutJustificationIsRefused) {
  v1::Command fine = ImposeSanction(kContract, "vite-1", v1::SANCTION_KIND_FINE,
                                    {kFailedCase}, kToday, 4000);
  fine.mutable_impose_sanction()->clear_rung_skip_justification();
  Director().When(fine).ThenFails(Code::kFailedPrecondition,
                                  "rung_skip_justification");
  fine.mutable_impose_sanction()->set_rung_skip_justification(" \n ");
  Director().When(fine).ThenFails(Code::kInvalidArgument,
                                  "rung_skip_justification");
}

// "... recorded with the decision (a grave breach may warrant it)".
TEST_F(SanctionLadderOrder, JustifiedSkipIsRecordedWithTheSanction) {
  v1::Command fine = ImposeSanction(kContract, "vite-1", v1::SANCTION_KIND_FINE,
                                    {kFailedCase}, kToday, 4000);
  fine.mutable_impose_sanction()->set_rung_skip_justification(
      "Allvarligt brott: larm obesvarade i flera timmar.");
  Director().When(fine).Then({SanctionImposedText(R"pb(
    sanction_imposed {
      contract_id: "avtal-hemtjanst-2025"
      sanction_id: "vite-1"
      kind: SANCTION_KIND_FINE
      ladder_index: 1
      case_ids: "kontinuitet-underkand"
      description: "Vite enligt avtalets sanktionstrappa."
      amount_sek: 4000
      rung_skip_justification: "Allvarligt brott: larm obesvarade i flera timmar."
    }
  )pb")});
}

// A fine after a correction on the contract climbs the ladder in order and
// needs no justification; the first rung never does.
TEST_F(SanctionLadderOrder, ClimbingInOrderNeedsNoJustification) {
  world_.MustRun(AdministrationDirector(), kToday, Correction("anmarkning-1"));
  v1::Command fine = ImposeSanction(kContract, "vite-1", v1::SANCTION_KIND_FINE,
                                    {kSecondFailedCase}, kToday, 4000);
  fine.mutable_impose_sanction()->clear_rung_skip_justification();
  Director().When(fine).Then({SanctionImposedText(R"pb(
    sanction_imposed {
      contract_id: "avtal-hemtjanst-2025"
      sanction_id: "vite-1"
      kind: SANCTION_KIND_FINE
      ladder_index: 1
      case_ids: "larm-underkand"
      description: "Vite enligt avtalets sanktionstrappa."
      amount_sek: 4000
    }
  )pb")});
}

// A repeat with another justification is another sanction under the same
// id.
TEST_F(SanctionLadderOrder, JustificationIsPartOfTheSanction) {
  v1::Command fine = ImposeSanction(kContract, "vite-1", v1::SANCTION_KIND_FINE,
                                    {kFailedCase}, kToday, 4000);
  world_.MustRun(AdministrationDirector(), kToday, fine);
  Director().When(fine).ThenNothing();
  fine.mutable_impose_sanction()->set_rung_skip_justification(
      "En annan motivering.");
  Director().When(fine).ThenFails(Code::kAlreadyExists, "sanction_id");
}

// ---- Deciding not to sanction -----------------------------------------------

// "the views show, per contract, the failed cases for which no sanction
// under the ladder was decided (and why not, if recorded)": the decision
// not to sanction a failed case is recorded with its reason.
TEST_F(NoSanctionDecisions, DecisionNotToSanctionIsRecorded) {
  Director()
      .When(NoSanction(kContract, kFailedCase))
      .Then({NoSanctionDecidedText(R"pb(
        no_sanction_decided {
          contract_id: "avtal-hemtjanst-2025"
          case_id: "kontinuitet-underkand"
          reason: "Bristen var ringa och rättades genast."
        }
      )pb")});
}

// The contract's state tells, per failed case, which sanctions rest on it
// and whether a sanction was explicitly not decided.
TEST_F(NoSanctionDecisions, StateRecordsTheDecisionPerCase) {
  world_.MustRun(AdministrationDirector(), kToday,
                 Correction("anmarkning-1", {kFailedCase}));
  world_.MustRun(AdministrationDirector(), kToday,
                 NoSanction(kContract, kSecondFailedCase));
  const domain::ContractState contract = world_.Contract(kTenant, kContract);
  ASSERT_EQ(contract.case_decisions.size(), 2u);
  const domain::CaseSanctionDecisions& sanctioned =
      contract.case_decisions.at(kFailedCase);
  EXPECT_THAT(sanctioned.sanction_ids, ElementsAre("anmarkning-1"));
  EXPECT_FALSE(sanctioned.no_sanction.has_value());
  const domain::CaseSanctionDecisions& spared =
      contract.case_decisions.at(kSecondFailedCase);
  EXPECT_THAT(spared.sanction_ids, IsEmpty());
  ASSERT_TRUE(spared.no_sanction.has_value());
  EXPECT_EQ(spared.no_sanction->reason(),
            "Bristen var ringa och rättades genast.");
  EXPECT_FALSE(contract.case_decisions.contains(kOpenCase));
}

// Only the administration director decides on sanctions.
TEST_F(NoSanctionDecisions, OnlyTheAdministrationDirectorDecides) {
  for (const domain::Principal& principal : EveryRole()) {
    SCOPED_TRACE(domain::RoleName(principal.role));
    const Outcome outcome = Given(world_).As(principal).On(kToday).When(
        NoSanction(kContract, kFailedCase));
    if (principal.role == v1::ROLE_ADMINISTRATION_DIRECTOR) {
      EXPECT_TRUE(outcome.result().ok()) << outcome.result().status();
    } else {
      outcome.ThenFails(Code::kPermissionDenied);
    }
  }
}

// The case must exist, be the contract's provider's and have failed, as
// for a sanction.
TEST_F(NoSanctionDecisions, CaseMustBeAFailedCaseOfTheProvider) {
  Director()
      .When(NoSanction(kContract, "okant-arende"))
      .ThenFails(Code::kNotFound, "failed_case_id");
  Director()
      .When(NoSanction(kContract, kOtherProvidersCase))
      .ThenFails(Code::kFailedPrecondition, "failed_case_id");
  Director()
      .When(NoSanction(kContract, kOpenCase))
      .ThenFails(Code::kFailedPrecondition, "failed_case_id");
  Director()
      .When(NoSanction(kContract, ""))
      .ThenFails(Code::kInvalidArgument, "failed_case_id");
}

// A case a sanction already rests on was not left unsanctioned.
TEST_F(NoSanctionDecisions, SanctionedCaseIsRefused) {
  world_.MustRun(AdministrationDirector(), kToday, Correction("anmarkning-1"));
  Director()
      .When(NoSanction(kContract, kFailedCase))
      .ThenFails(Code::kFailedPrecondition, "failed_case_id");
}

// The decision states why, and who decided under which delegation.
TEST_F(NoSanctionDecisions, ReasonAndDecisionAreRequired) {
  Director()
      .When(NoSanction(kContract, kFailedCase, ""))
      .ThenFails(Code::kInvalidArgument, "reason");
  for (absl::string_view field : {"decision_maker", "delegation_basis",
                                  "reference_number", "decided_on"}) {
    SCOPED_TRACE(field);
    v1::Command undecided = NoSanction(kContract, kFailedCase);
    v1::Decision* d =
        undecided.mutable_decide_no_sanction()->mutable_decision();
    d->GetReflection()->ClearField(
        d, d->GetDescriptor()->FindFieldByName(std::string(field)));
    Director().When(undecided).ThenFails(Code::kInvalidArgument,
                                         absl::StrCat("decision.", field));
  }
}

// A repeat yields nothing; another decision on the same case is
// ALREADY_EXISTS.
TEST_F(NoSanctionDecisions, RepeatYieldsNothingAndAnotherAlreadyExists) {
  world_.MustRun(AdministrationDirector(), kToday,
                 NoSanction(kContract, kFailedCase));
  Director().When(NoSanction(kContract, kFailedCase)).ThenNothing();
  Director()
      .When(NoSanction(kContract, kFailedCase, "Ett annat skäl."))
      .ThenFails(Code::kAlreadyExists, "failed_case_id");
}

// A contract that no longer takes commands takes no such decision; an
// unknown contract is not found.
TEST_F(NoSanctionDecisions, EndedOrUnknownContractIsRefused) {
  Director()
      .When(NoSanction("okant-avtal", kFailedCase))
      .ThenFails(Code::kNotFound, "contract_id");
  Given(world_)
      .As(AdministrationDirector())
      .On(Day(2028, 1, 1))
      .When(NoSanction(kContract, kFailedCase))
      .ThenFails(Code::kFailedPrecondition, "contract_id");
}

}  // namespace
}  // namespace atgard::testing
