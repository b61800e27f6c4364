// The automatic policies: PolicyCommandsFor on single events, and
// World::RunPolicies end to end as the process manager runs them. One
// TEST per rule of services/domain/RULES_AGGREGATES.md#policies, which
// names them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/domain/checks.h"
#include "services/domain/decider.h"
#include "services/domain/policies.h"
#include "tests/support/aggregate_fixtures.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/given_when_then.h"

namespace atgard::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::SizeIs;
using Code = absl::StatusCode;

constexpr char kIndicator[] = "kontinuitet";
constexpr char kIndicatorName[] = "Antal personal per brukare och 14 dagar";

v1::Event RedTwoYears() {
  v1::Event event;
  v1::IndicatorRedTwoYearsRunning* e =
      event.mutable_indicator_red_two_years_running();
  e->set_provider_id(kPrivateProvider);
  e->set_unit_id(kPrivateUnit);
  e->set_indicator_id(kIndicator);
  e->set_indicator_name(kIndicatorName);
  e->add_years(2024);
  e->add_years(2025);
  e->add_measurement_ids("m-2024");
  e->add_measurement_ids("m-2025");
  e->set_quality_area(v1::QUALITY_AREA_INDIVIDUAL_ADAPTATION);
  e->set_kind(v1::INDICATOR_KIND_RESULT);
  *e->mutable_detected_on() = D(Day(2026, 1, 20));
  return event;
}

v1::Event BaseRequirementMissed() {
  v1::Event event;
  v1::BaseRequirementNotMet* e = event.mutable_base_requirement_not_met();
  e->set_provider_id(kMunicipalProvider);
  e->set_unit_id(kMunicipalUnit);
  e->set_indicator_id("grundkrav-delaktighet");
  e->set_indicator_name("Brukarens delaktighet i genomförandeplanen");
  e->set_measurement_id("g-1");
  e->set_quality_area(v1::QUALITY_AREA_SAFETY);
  e->set_kind(v1::INDICATOR_KIND_PROCESS);
  *e->mutable_measured_on() = D(Day(2026, 2, 27));
  return event;
}

v1::Event Terminated(
    std::vector<std::string> case_ids,
    v1::SanctionKind kind = v1::SANCTION_KIND_IMMEDIATE_TERMINATION) {
  v1::Event event;
  v1::ContractTerminated* e = event.mutable_contract_terminated();
  e->set_contract_id(kContract);
  e->set_kind(kind);
  *e->mutable_effective_on() = D(Day(2027, 3, 15));
  for (std::string& id : case_ids) e->add_case_ids(std::move(id));
  *e->mutable_decision() = DecisionOn(Day(2027, 3, 15), "Omsorgsnämnden");
  e->set_grounds("Väsentligt avtalsbrott.");
  return event;
}

const std::string kSeriesStream =
    absl::StrCat(kTenant, "/indicator/", kPrivateProvider, "/", kPrivateUnit,
                 "/", kIndicator);

// ---- PolicyCommandsFor
// ------------------------------------------------------------

// "The same indicator red for the same unit two years in a row ... opens a
// deficiency case automatically": RegisterCase as SYSTEM with source
// MEASUREMENT, at the measurement's provider and unit.
TEST(Policies, RedTwoYearsRunningOpensAMeasurementCase) {
  const std::vector<domain::PolicyCommand> commands =
      domain::PolicyCommandsFor(kSeriesStream, 7, RedTwoYears());
  ASSERT_THAT(commands, SizeIs(1));
  const std::string trigger = absl::StrCat(kSeriesStream, "@7");
  EXPECT_EQ(commands[0].command_id,
            absl::StrCat("policy:red-two-years:", trigger));
  ASSERT_TRUE(commands[0].command.has_register_case());
  const v1::RegisterCase& c = commands[0].command.register_case();
  EXPECT_EQ(c.case_id(), domain::DerivedId(trigger));
  EXPECT_EQ(c.triggered_by(), trigger);
  EXPECT_FALSE(c.system_level());
  const v1::Deficiency& d = c.deficiency();
  EXPECT_EQ(d.provider_id(), kPrivateProvider);
  EXPECT_EQ(d.unit_id(), kPrivateUnit);
  EXPECT_EQ(d.source(), v1::DEFICIENCY_SOURCE_MEASUREMENT);
  EXPECT_EQ(d.quality_area(), v1::QUALITY_AREA_INDIVIDUAL_ADAPTATION);
  EXPECT_EQ(d.indicator_kind(), v1::INDICATOR_KIND_RESULT);
  // The policy sets the severity
  // (services/domain/RULES_AGGREGATES.md#policies).
  EXPECT_EQ(d.severity(), v1::SEVERITY_MEDIUM);
  EXPECT_THAT(d.detected_on(), EqualsProto(D(Day(2026, 1, 20))));
  // "Users want these in Swedish": the description says what happened.
  EXPECT_THAT(d.description(), HasSubstr(kIndicatorName));
  EXPECT_THAT(d.description(), HasSubstr("röd två år i rad"));
  EXPECT_THAT(d.description(), HasSubstr("2024 och 2025"));
}

// "... or a base requirement (grundkrav) not met, opens a deficiency case
// automatically": source BASE_REQUIREMENT.
TEST(Policies, BaseRequirementNotMetOpensABaseRequirementCase) {
  const std::string stream =
      absl::StrCat(kTenant, "/indicator/", kMunicipalProvider, "/",
                   kMunicipalUnit, "/grundkrav-delaktighet");
  const std::vector<domain::PolicyCommand> commands =
      domain::PolicyCommandsFor(stream, 1, BaseRequirementMissed());
  ASSERT_THAT(commands, SizeIs(1));
  const std::string trigger = absl::StrCat(stream, "@1");
  EXPECT_EQ(commands[0].command_id,
            absl::StrCat("policy:base-requirement:", trigger));
  const v1::RegisterCase& c = commands[0].command.register_case();
  EXPECT_EQ(c.case_id(), domain::DerivedId(trigger));
  EXPECT_EQ(c.triggered_by(), trigger);
  const v1::Deficiency& d = c.deficiency();
  EXPECT_EQ(d.provider_id(), kMunicipalProvider);
  EXPECT_EQ(d.unit_id(), kMunicipalUnit);
  EXPECT_EQ(d.source(), v1::DEFICIENCY_SOURCE_BASE_REQUIREMENT);
  EXPECT_EQ(d.quality_area(), v1::QUALITY_AREA_SAFETY);
  EXPECT_EQ(d.indicator_kind(), v1::INDICATOR_KIND_PROCESS);
  EXPECT_EQ(d.severity(), v1::SEVERITY_HIGH);
  EXPECT_THAT(d.detected_on(), EqualsProto(D(Day(2026, 2, 27))));
  EXPECT_THAT(d.description(),
              HasSubstr("Brukarens delaktighet i genomförandeplanen"));
  EXPECT_THAT(d.description(), HasSubstr("inte uppfyllt"));
}

// "the process manager ... issues each command ... with the command id
// given here, derived from the triggering event": the same event gives the
// same command; another event (another version) gives another case.
TEST(Policies, CommandAndCaseIdsAreDerivedFromTheTriggeringEvent) {
  const auto first = domain::PolicyCommandsFor(kSeriesStream, 7, RedTwoYears());
  const auto again = domain::PolicyCommandsFor(kSeriesStream, 7, RedTwoYears());
  const auto other = domain::PolicyCommandsFor(kSeriesStream, 8, RedTwoYears());
  ASSERT_THAT(first, SizeIs(1));
  ASSERT_THAT(again, SizeIs(1));
  ASSERT_THAT(other, SizeIs(1));
  EXPECT_EQ(first[0].command_id, again[0].command_id);
  EXPECT_THAT(again[0].command, EqualsProto(first[0].command));
  EXPECT_NE(first[0].command_id, other[0].command_id);
  EXPECT_NE(first[0].command.register_case().case_id(),
            other[0].command.register_case().case_id());
}

// Derived ids are stable and valid aggregate ids.
TEST(Policies, DerivedIdIsStableAndValid) {
  EXPECT_EQ(domain::DerivedId("0780/indicator/a/b/c@1"),
            domain::DerivedId("0780/indicator/a/b/c@1"));
  EXPECT_NE(domain::DerivedId("0780/indicator/a/b/c@1"),
            domain::DerivedId("0780/indicator/a/b/c@2"));
  // FNV-1a of the empty string is its offset basis.
  EXPECT_EQ(domain::DerivedId(""), "auto-cbf29ce484222325");
  EXPECT_THAT(domain::DerivedId("x"), MatchesRegex("auto-[0-9a-f]{16}"));
  EXPECT_TRUE(domain::CheckId("case_id", domain::DerivedId("x")).ok());
}

// "ContractTerminated -> CloseCase (CONTRACT_TERMINATED) for each
// referenced case" (step 4, private provider: the contract terminated).
TEST(Policies, ContractTerminatedClosesEachReferencedCase) {
  const std::string stream = absl::StrCat(kTenant, "/contract/", kContract);
  const std::vector<domain::PolicyCommand> commands = domain::PolicyCommandsFor(
      stream, 4, Terminated({"arende-1", "arende-2"}));
  ASSERT_THAT(commands, SizeIs(2));
  for (int i = 0; i < 2; ++i) {
    const std::string case_id = absl::StrCat("arende-", i + 1);
    SCOPED_TRACE(case_id);
    EXPECT_EQ(
        commands[i].command_id,
        absl::StrCat("policy:contract-terminated:", stream, "@4:", case_id));
    ASSERT_TRUE(commands[i].command.has_close_case());
    const v1::CloseCase& c = commands[i].command.close_case();
    EXPECT_EQ(c.case_id(), case_id);
    EXPECT_EQ(c.closure(), v1::CASE_CLOSURE_CONTRACT_TERMINATED);
    EXPECT_EQ(c.contract_id(), kContract);
    EXPECT_THAT(c.note(), HasSubstr("hävdes"));
    EXPECT_THAT(c.note(), HasSubstr("ON 2027-00083"));
  }
  const auto with_notice = domain::PolicyCommandsFor(
      stream, 4,
      Terminated({"arende-1"}, v1::SANCTION_KIND_TERMINATION_WITH_NOTICE));
  ASSERT_THAT(with_notice, SizeIs(1));
  EXPECT_THAT(with_notice[0].command.close_case().note(),
              HasSubstr("sades upp"));
}

// No other event calls for a command. (MeasurementRecorded calls for
// noting the unit's result: trigger_policies_test.cc.)
TEST(Policies, OtherEventsCallForNothing) {
  v1::Event required;
  required.mutable_extra_measurement_required()->set_measurement_id("m-1");
  v1::Event sanction;
  sanction.mutable_sanction_imposed()->add_case_ids("arende-1");
  v1::Event expired;
  expired.mutable_contract_expired()->set_contract_id(kContract);
  v1::Event closed;
  closed.mutable_case_closed()->set_case_id("arende-1");
  for (const v1::Event& event :
       {required, sanction, expired, closed, v1::Event()}) {
    SCOPED_TRACE(domain::EventType(event));
    EXPECT_THAT(domain::PolicyCommandsFor(kSeriesStream, 1, event), IsEmpty());
  }
}

// ---- End to end through the world
// -----------------------------------------------

class PolicyWorld : public ::testing::Test {
 protected:
  void SetUp() override { SeedProviders(world_); }
  World world_;
};

// Two red years at Hemtjänst Norr: the policy opens a case as SYSTEM, with
// the measurement's provider and unit and the triggering event named.
TEST_F(PolicyWorld, RedTwoYearsRunningOpensACaseEndToEnd) {
  world_.MustRun(FollowUpOfficer(), Day(2025, 1, 20),
                 RecordMeasurement("m-2024", kPrivateProvider, kPrivateUnit,
                                   kIndicator, 2024, Day(2025, 1, 20), true));
  // The policies note the unit's result (trigger_policies_test.cc); no case.
  EXPECT_THAT(
      OfType(world_.RunPolicies(kTenant, Day(2025, 1, 20)), "CaseRegistered"),
      IsEmpty());
  world_.MustRun(FollowUpOfficer(), Day(2026, 1, 20),
                 RecordMeasurement("m-2025", kPrivateProvider, kPrivateUnit,
                                   kIndicator, 2025, Day(2026, 1, 20), true));
  const std::vector<v1::Event> opened =
      OfType(world_.RunPolicies(kTenant, Day(2026, 1, 20)), "CaseRegistered");
  ASSERT_THAT(opened, SizeIs(1));
  ASSERT_TRUE(opened[0].has_case_registered());
  const v1::CaseRegistered& e = opened[0].case_registered();
  EXPECT_EQ(e.deficiency().provider_id(), kPrivateProvider);
  EXPECT_EQ(e.deficiency().unit_id(), kPrivateUnit);
  EXPECT_EQ(e.deficiency().source(), v1::DEFICIENCY_SOURCE_MEASUREMENT);
  EXPECT_EQ(e.regiform(), v1::REGIFORM_PRIVATE);
  EXPECT_THAT(e.registered_on(), EqualsProto(D(Day(2026, 1, 20))));
  EXPECT_THAT(e.triggered_by(), ::testing::StartsWith(kSeriesStream + "@"));
  EXPECT_EQ(e.case_id(), domain::DerivedId(e.triggered_by()));
  EXPECT_TRUE(world_.Case(kTenant, e.case_id()).exists());
  // Nothing new: running the policies again opens nothing.
  EXPECT_THAT(world_.RunPolicies(kTenant, Day(2026, 1, 21)), IsEmpty());
}

// "running a policy twice on the same event is harmless (...; the decider
// sees a repeat)": no second case.
TEST_F(PolicyWorld, RerunningThePolicyOnTheSameEventOpensNoSecondCase) {
  world_.MustRun(FollowUpOfficer(), Day(2025, 1, 20),
                 RecordMeasurement("m-2024", kPrivateProvider, kPrivateUnit,
                                   kIndicator, 2024, Day(2025, 1, 20), true));
  world_.MustRun(FollowUpOfficer(), Day(2026, 1, 20),
                 RecordMeasurement("m-2025", kPrivateProvider, kPrivateUnit,
                                   kIndicator, 2025, Day(2026, 1, 20), true));
  ASSERT_THAT(
      OfType(world_.RunPolicies(kTenant, Day(2026, 1, 20)), "CaseRegistered"),
      SizeIs(1));
  const WorldEvent* trigger = nullptr;
  for (const WorldEvent& w : world_.Log()) {
    if (w.event.has_indicator_red_two_years_running()) trigger = &w;
  }
  ASSERT_NE(trigger, nullptr);
  const std::vector<domain::PolicyCommand> again = domain::PolicyCommandsFor(
      trigger->stream_id, trigger->stream_version, trigger->event);
  ASSERT_THAT(again, SizeIs(1));
  Given(world_)
      .As(System())
      .On(Day(2026, 1, 25))
      .When(again[0].command)
      .ThenNothing();
  size_t cases = 0;
  for (const WorldEvent& w : world_.Log())
    cases += w.event.has_case_registered();
  EXPECT_EQ(cases, 1u);
}

// A base requirement not met at a municipal unit opens a case there (egen
// regi is followed up too).
TEST_F(PolicyWorld, BaseRequirementNotMetOpensACaseEndToEnd) {
  world_.MustRun(FollowUpOfficer(), Day(2026, 2, 27),
                 RecordMeasurement("g-1", kMunicipalProvider, kMunicipalUnit,
                                   "grundkrav", 2025, Day(2026, 2, 27), true,
                                   /*base_requirement=*/true));
  const std::vector<v1::Event> opened =
      OfType(world_.RunPolicies(kTenant, Day(2026, 2, 28)), "CaseRegistered");
  ASSERT_THAT(opened, SizeIs(1));
  const v1::CaseRegistered& e = opened[0].case_registered();
  EXPECT_EQ(e.deficiency().provider_id(), kMunicipalProvider);
  EXPECT_EQ(e.deficiency().unit_id(), kMunicipalUnit);
  EXPECT_EQ(e.deficiency().source(), v1::DEFICIENCY_SOURCE_BASE_REQUIREMENT);
  EXPECT_THAT(e.deficiency().detected_on(), EqualsProto(D(Day(2026, 2, 27))));
  EXPECT_EQ(e.regiform(), v1::REGIFORM_MUNICIPAL);
  EXPECT_FALSE(e.triggered_by().empty());
}

// Only a policy names a trigger: a person cannot open a case claiming one.
TEST_F(PolicyWorld, OnlySystemRegistersCasesWithATrigger) {
  const auto commands =
      domain::PolicyCommandsFor(kSeriesStream, 7, RedTwoYears());
  ASSERT_THAT(commands, SizeIs(1));
  Given(world_)
      .As(FollowUpOfficer())
      .On(Day(2026, 3, 2))
      .When(commands[0].command)
      .ThenFails(Code::kInvalidArgument, "triggered_by");
}

// "2027-03-15 the board decides to terminate the contract ... referencing
// the case": the policy closes every referenced case with
// CONTRACT_TERMINATED; a case already closed is left alone (its closing
// command is refused and skipped), and a rerun changes nothing.
TEST_F(PolicyWorld, TerminationClosesOpenCasesAndLeavesClosedOnesAlone) {
  FailedCase(world_, "arende-oppet", kPrivateProvider, kPrivateUnit,
             /*municipal=*/false);
  // A case whose step failed once and which was then resolved.
  CaseDriver resolved(world_, "arende-atgardat", /*private_provider=*/true);
  resolved.Register().RequestPlan().SubmitPlan().Reject();
  resolved.RequestPlan().SubmitPlan().Approve().CompleteAllActions();
  resolved.ReportImplementation().FollowUp(v1::FOLLOW_UP_RESULT_RESOLVED);
  ASSERT_EQ(world_.Case(kTenant, "arende-atgardat").closed->closure(),
            v1::CASE_CLOSURE_RESOLVED);
  world_.RunPolicies(kTenant, Day(2026, 3, 1));

  world_.MustRun(
      AdministrationDirector(), Day(2026, 6, 1),
      TerminateContract(kContract, {"arende-oppet", "arende-atgardat"},
                        Day(2026, 6, 1)));
  const std::vector<v1::Event> closed =
      world_.RunPolicies(kTenant, Day(2026, 6, 1));
  ASSERT_THAT(closed, SizeIs(1));
  EXPECT_EQ(closed[0].case_closed().case_id(), "arende-oppet");
  EXPECT_EQ(closed[0].case_closed().closure(),
            v1::CASE_CLOSURE_CONTRACT_TERMINATED);
  EXPECT_EQ(closed[0].case_closed().contract_id(), kContract);
  EXPECT_EQ(world_.Case(kTenant, "arende-atgardat").closed->closure(),
            v1::CASE_CLOSURE_RESOLVED);

  // Rerunning the policy on the termination: a repeat for the case it
  // closed, a refusal for the other; no events either way.
  const WorldEvent* trigger = nullptr;
  for (const WorldEvent& w : world_.Log()) {
    if (w.event.has_contract_terminated()) trigger = &w;
  }
  ASSERT_NE(trigger, nullptr);
  const auto again = domain::PolicyCommandsFor(
      trigger->stream_id, trigger->stream_version, trigger->event);
  ASSERT_THAT(again, SizeIs(2));
  Given(world_)
      .As(System())
      .On(Day(2026, 6, 2))
      .When(again[0].command)
      .ThenNothing();
  Given(world_)
      .As(System())
      .On(Day(2026, 6, 2))
      .When(again[1].command)
      .ThenFails(Code::kFailedPrecondition);
}

}  // namespace
}  // namespace atgard::testing
