// The façade's routing (decider.h): every command goes to the aggregate
// it concerns, malformed routing ids are refused before any stream is
// read, and stored event types are the events' message names. The rules:
// services/domain/RULES_AGGREGATES.md#routing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/domain/decider.h"
#include "services/domain/errors.h"
#include "services/domain/streams.h"
#include "tests/support/aggregate_fixtures.h"
#include "tests/support/domain_fixtures.h"

namespace atgard::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using Kind = domain::AggregateKind;

struct Routed {
  std::string name;
  v1::Command command;
  Kind kind;
  std::string id;
};

// The register of areas has one aggregate per tenant, whatever the area.
v1::Command DefineAreaCommand() {
  v1::Command c;
  c.mutable_define_area()->mutable_area()->set_area_id("norra");
  return c;
}

// Every command that is not a case command, with where it must go.
std::vector<Routed> NonCaseCommands() {
  const absl::CivilDay day = Day(2026, 3, 2);
  return {
      {"RegisterProvider",
       RegisterProvider(kPrivateProvider, kPrivateOrgNumber,
                        v1::REGIFORM_PRIVATE),
       Kind::kProvider, kPrivateProvider},
      {"RegisterUnit", RegisterUnit(kPrivateProvider, kPrivateUnit),
       Kind::kProvider, kPrivateProvider},
      {"RecordFollowUpActivity",
       RecordActivity("besok-1", kOtherProvider, {kOtherUnit},
                      v1::ACTIVITY_KIND_OBSERVATION_VISIT, day),
       Kind::kProvider, kOtherProvider},
      {"RecordPositiveExample",
       RecordPositiveExample("exempel-1", kMunicipalProvider, kMunicipalUnit,
                             day),
       Kind::kProvider, kMunicipalProvider},
      {"RegisterContract",
       RegisterContract(kContract,
                        Terms(kPrivateProvider, day, Day(2028, 1, 1))),
       Kind::kContract, kContract},
      {"ExtendContract", ExtendContract("avtal-2", Day(2029, 1, 1), day),
       Kind::kContract, "avtal-2"},
      {"DeclineContractExtension", DeclineExtension("avtal-3", day),
       Kind::kContract, "avtal-3"},
      {"ImposeSanction",
       ImposeSanction("avtal-4", "vite-1", v1::SANCTION_KIND_FINE, {"a-1"}, day,
                      500),
       Kind::kContract, "avtal-4"},
      {"TerminateContract", TerminateContract("avtal-5", {"a-1"}, day),
       Kind::kContract, "avtal-5"},
      {"RecordMeasurement",
       RecordMeasurement("m-1", kPrivateProvider, kPrivateUnit, "kontinuitet",
                         2025, day, true),
       Kind::kIndicatorSeries,
       absl::StrCat(kPrivateProvider, "/", kPrivateUnit, "/kontinuitet")},
      {"RecordCarePlanReview",
       RecordCarePlanReview("g-1", kPrivateProvider, kPrivateUnit,
                            "brukare 42/a", day),
       Kind::kCarePlan,
       absl::StrCat(kPrivateProvider, "/", kPrivateUnit, "/brukare 42/a")},
      {"DecideNoSanction", DecideNoSanction("avtal-6", "a-1", day),
       Kind::kContract, "avtal-6"},
      {"RegisterCarePlan",
       RegisterCarePlan(kPrivateProvider, kPrivateUnit, "brukare 42/a", day),
       Kind::kCarePlan,
       absl::StrCat(kPrivateProvider, "/", kPrivateUnit, "/brukare 42/a")},
      {"EndCarePlan",
       EndCarePlan(kPrivateProvider, kPrivateUnit, "brukare 42/a", day),
       Kind::kCarePlan,
       absl::StrCat(kPrivateProvider, "/", kPrivateUnit, "/brukare 42/a")},
      {"SetPolicySettings", SetPolicySettings(3, 2, 3, 6),
       Kind::kPolicySettings, "policies"},
      {"NoteUnitResult",
       NoteUnitResult(kPrivateProvider, kPrivateUnit, "m-1", 2025,
                      v1::QUALITY_AREA_SAFETY, true, day),
       Kind::kUnitResults, absl::StrCat(kPrivateProvider, "/", kPrivateUnit)},
      {"RecordSelfInspection",
       RecordSelfInspection(kPrivateProvider, kPrivateUnit, 2026, false),
       Kind::kSelfInspection,
       absl::StrCat(kPrivateProvider, "/", kPrivateUnit, "/2026")},
      {"RecordComplaintCounts",
       RecordComplaintCounts(kPrivateProvider, kPrivateUnit, "2026-02",
                             v1::COMPLAINT_CATEGORY_LEX_MARIA, 1),
       Kind::kComplaints, absl::StrCat(kPrivateProvider, "/", kPrivateUnit)},
      {"DefineArea", DefineAreaCommand(), Kind::kOrganisation, "areas"},
      {"AdoptFollowUpPlan", AdoptFollowUpPlan(2026, day), Kind::kFollowUpPlan,
       "2026"},
      {"AmendFollowUpPlan", AmendFollowUpPlan(2026, day, 3),
       Kind::kFollowUpPlan, "2026"},
      {"AddFollowUpPlanSubject",
       AddFollowUpPlanSubject(2026, kPrivateProvider, "ny-enhet", day),
       Kind::kFollowUpPlan, "2026"},
      {"AddTriggeredFollowUp",
       AddHygieneRound(2026, kPrivateProvider, kPrivateUnit, day),
       Kind::kFollowUpPlan, "2026"},
      {"RecordPlannedFollowUpFulfilment",
       RecordPlanFulfilment(2027, "avstamning-1", kPrivateProvider,
                            kPrivateUnit,
                            v1::ACTIVITY_KIND_RECONCILIATION_MEETING, day),
       Kind::kFollowUpPlan, "2027"},
  };
}

// The Command field of each set command (its oneof case).
int CaseOf(const v1::Command& command) { return command.command_case(); }

// The Command's oneof fields whose message names a case_id.
std::vector<const google::protobuf::FieldDescriptor*> CaseCommandFields() {
  std::vector<const google::protobuf::FieldDescriptor*> out;
  const google::protobuf::Descriptor* d = v1::Command::descriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    if (d->field(i)->message_type()->FindFieldByName("case_id") != nullptr) {
      out.push_back(d->field(i));
    }
  }
  return out;
}

v1::Command CaseCommand(const google::protobuf::FieldDescriptor* field,
                        absl::string_view case_id) {
  v1::Command command;
  google::protobuf::Message* inner =
      command.GetReflection()->MutableMessage(&command, field);
  inner->GetReflection()->SetString(
      inner, inner->GetDescriptor()->FindFieldByName("case_id"),
      std::string(case_id));
  return command;
}

// Route: "The aggregate a command targets": each command of the provider,
// contract, measurement and care-plan aggregates goes to its stream.
TEST(Route, EveryNonCaseCommandRoutesToItsAggregate) {
  for (const Routed& r : NonCaseCommands()) {
    SCOPED_TRACE(r.name);
    absl::StatusOr<domain::AggregateRef> ref = domain::Route(r.command);
    ASSERT_TRUE(ref.ok()) << ref.status();
    EXPECT_EQ(ref->kind, r.kind);
    EXPECT_EQ(ref->id, r.id);
  }
}

// ... and every case command goes to its case.
TEST(Route, EveryCaseCommandRoutesToItsCase) {
  const auto fields = CaseCommandFields();
  // RegisterCase, the 17 case commands and SubmitOwnPlan.
  EXPECT_EQ(fields.size(), 19u);
  for (const auto* field : fields) {
    SCOPED_TRACE(field->name());
    absl::StatusOr<domain::AggregateRef> ref =
        domain::Route(CaseCommand(field, "arende-7"));
    ASSERT_TRUE(ref.ok()) << ref.status();
    EXPECT_EQ(ref->kind, Kind::kCase);
    EXPECT_EQ(ref->id, "arende-7");
  }
}

// The two tables above cover every command there is.
TEST(Route, TablesCoverEveryCommand) {
  std::set<int> covered;
  for (const Routed& r : NonCaseCommands()) covered.insert(CaseOf(r.command));
  for (const auto* field : CaseCommandFields()) covered.insert(field->number());
  std::set<int> all;
  const google::protobuf::Descriptor* d = v1::Command::descriptor();
  for (int i = 0; i < d->field_count(); ++i) all.insert(d->field(i)->number());
  EXPECT_EQ(covered, all);
}

// Stream ids are "<tenant>/<kind>/<id>".
TEST(Route, StreamIdsNameTenantKindAndId) {
  std::vector<std::pair<Kind, std::string>> expected = {
      {Kind::kProvider, "0780/provider/"},
      {Kind::kContract, "0780/contract/"},
      {Kind::kCase, "0780/case/"},
      {Kind::kIndicatorSeries, "0780/indicator/"},
      {Kind::kCarePlan, "0780/careplan/"},
      {Kind::kPolicySettings, "0780/settings/"},
      {Kind::kUnitResults, "0780/unitresults/"},
      {Kind::kSelfInspection, "0780/selfinspection/"},
      {Kind::kComplaints, "0780/complaints/"},
      {Kind::kOrganisation, "0780/organisation/"},
  };
  for (const auto& [kind, prefix] : expected) {
    EXPECT_EQ(domain::StreamPrefix(kTenant, kind), prefix);
    EXPECT_EQ(domain::StreamId(kTenant, {.kind = kind, .id = "x/y"}),
              absl::StrCat(prefix, "x/y"));
  }
  EXPECT_EQ(domain::TenantPrefix(kTenant), "0780/");
}

struct Malformed {
  std::string name;
  std::function<void(v1::Command&, const std::string&)> set;
  v1::Command command;
  std::string field;
};

std::vector<Malformed> RoutingFields() {
  const absl::CivilDay day = Day(2026, 3, 2);
  using C = v1::Command;
  using S = const std::string&;
  const v1::Command measurement = RecordMeasurement(
      "m-1", kPrivateProvider, kPrivateUnit, "kontinuitet", 2025, day, true);
  const v1::Command review = RecordCarePlanReview(
      "g-1", kPrivateProvider, kPrivateUnit, "brukare-42", day);
  std::vector<Malformed> out = {
      {"RegisterProvider",
       [](C& c, S v) { c.mutable_register_provider()->set_provider_id(v); },
       RegisterProvider(kPrivateProvider, kPrivateOrgNumber,
                        v1::REGIFORM_PRIVATE),
       "provider_id"},
      {"RegisterUnit",
       [](C& c, S v) { c.mutable_register_unit()->set_provider_id(v); },
       RegisterUnit(kPrivateProvider, kPrivateUnit), "provider_id"},
      {"RecordFollowUpActivity",
       [](C& c, S v) {
         c.mutable_record_follow_up_activity()->set_provider_id(v);
       },
       RecordActivity("b-1", kPrivateProvider, {kPrivateUnit},
                      v1::ACTIVITY_KIND_RECORD_REVIEW, day),
       "provider_id"},
      {"RecordPositiveExample",
       [](C& c, S v) {
         c.mutable_record_positive_example()->set_provider_id(v);
       },
       RecordPositiveExample("e-1", kPrivateProvider, kPrivateUnit, day),
       "provider_id"},
      {"RegisterContract",
       [](C& c, S v) { c.mutable_register_contract()->set_contract_id(v); },
       RegisterContract(kContract, Terms(kPrivateProvider, day, day + 400)),
       "contract_id"},
      {"ExtendContract",
       [](C& c, S v) { c.mutable_extend_contract()->set_contract_id(v); },
       ExtendContract(kContract, day + 400, day), "contract_id"},
      {"DeclineContractExtension",
       [](C& c, S v) {
         c.mutable_decline_contract_extension()->set_contract_id(v);
       },
       DeclineExtension(kContract, day), "contract_id"},
      {"ImposeSanction",
       [](C& c, S v) { c.mutable_impose_sanction()->set_contract_id(v); },
       ImposeSanction(kContract, "v-1", v1::SANCTION_KIND_FINE, {"a-1"}, day,
                      500),
       "contract_id"},
      {"TerminateContract",
       [](C& c, S v) { c.mutable_terminate_contract()->set_contract_id(v); },
       TerminateContract(kContract, {"a-1"}, day), "contract_id"},
      {"RecordMeasurement (provider)",
       [](C& c, S v) {
         c.mutable_record_measurement()->mutable_measurement()->set_provider_id(
             v);
       },
       measurement, "measurement.provider_id"},
      {"RecordMeasurement (unit)",
       [](C& c, S v) {
         c.mutable_record_measurement()->mutable_measurement()->set_unit_id(v);
       },
       measurement, "measurement.unit_id"},
      {"RecordMeasurement (indicator)",
       [](C& c, S v) {
         c.mutable_record_measurement()
             ->mutable_measurement()
             ->set_indicator_id(v);
       },
       measurement, "measurement.indicator_id"},
      {"RecordCarePlanReview (provider)",
       [](C& c, S v) {
         c.mutable_record_care_plan_review()->mutable_review()->set_provider_id(
             v);
       },
       review, "review.provider_id"},
      {"RecordCarePlanReview (unit)",
       [](C& c, S v) {
         c.mutable_record_care_plan_review()->mutable_review()->set_unit_id(v);
       },
       review, "review.unit_id"},
      {"DecideNoSanction",
       [](C& c, S v) { c.mutable_decide_no_sanction()->set_contract_id(v); },
       DecideNoSanction(kContract, "a-1", day), "contract_id"},
      {"RegisterCarePlan (provider)",
       [](C& c, S v) { c.mutable_register_care_plan()->set_provider_id(v); },
       RegisterCarePlan(kPrivateProvider, kPrivateUnit, "brukare-42", day),
       "provider_id"},
      {"RegisterCarePlan (unit)",
       [](C& c, S v) { c.mutable_register_care_plan()->set_unit_id(v); },
       RegisterCarePlan(kPrivateProvider, kPrivateUnit, "brukare-42", day),
       "unit_id"},
      {"EndCarePlan (provider)",
       [](C& c, S v) { c.mutable_end_care_plan()->set_provider_id(v); },
       EndCarePlan(kPrivateProvider, kPrivateUnit, "brukare-42", day),
       "provider_id"},
      {"EndCarePlan (unit)",
       [](C& c, S v) { c.mutable_end_care_plan()->set_unit_id(v); },
       EndCarePlan(kPrivateProvider, kPrivateUnit, "brukare-42", day),
       "unit_id"},
  };
  for (const auto* field : CaseCommandFields()) {
    out.push_back({field->name(),
                   [field](C& c, S v) {
                     google::protobuf::Message* inner =
                         c.GetReflection()->MutableMessage(&c, field);
                     inner->GetReflection()->SetString(
                         inner,
                         inner->GetDescriptor()->FindFieldByName("case_id"), v);
                   },
                   CaseCommand(field, "arende-1"), "case_id"});
  }
  return out;
}

// "INVALID_ARGUMENT naming the field if the ids it is routed by are missing
// or malformed (they become part of a stream id, so they are checked
// before anything is read)".
TEST(Route, MalformedRoutingIdIsRefusedNamingTheField) {
  const std::vector<std::string> malformed = {
      "",
      "a/b",
      "-leading-hyphen",
      std::string(65, 'a'),
      "mellan rum",
      "åäö",
      absl::StrCat("id-", kPersonnummer),
      "a\nb"};
  for (const Malformed& m : RoutingFields()) {
    for (const std::string& value : malformed) {
      SCOPED_TRACE(absl::StrCat(m.name, " with \"", value, "\""));
      v1::Command command = m.command;
      m.set(command, value);
      absl::StatusOr<domain::AggregateRef> ref = domain::Route(command);
      ASSERT_FALSE(ref.ok());
      EXPECT_EQ(ref.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_EQ(domain::FieldOf(ref.status()), m.field);
    }
  }
}

// The client reference is part of the care plan's stream id: a reference
// that is malformed or holds a personnummer is refused by the routing,
// without echoing it.
TEST(Route, ClientReferenceIsCheckedBeforeItBecomesAStreamId) {
  for (const std::string& value :
       {std::string(), std::string(" brukare"), std::string("brukare\t1"),
        std::string(101, 'x'), absl::StrCat("brukare ", kPersonnummer)}) {
    SCOPED_TRACE(value);
    v1::Command command = RecordCarePlanReview(
        "g-1", kPrivateProvider, kPrivateUnit, value, Day(2026, 3, 2));
    absl::StatusOr<domain::AggregateRef> ref = domain::Route(command);
    ASSERT_FALSE(ref.ok());
    EXPECT_EQ(ref.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(domain::FieldOf(ref.status()), "review.client_reference");
    EXPECT_THAT(std::string(ref.status().message()), Not(HasSubstr("811218")));
  }
}

// A command with nothing set is malformed.
TEST(Route, CommandWithNothingSetIsRefused) {
  absl::StatusOr<domain::AggregateRef> ref = domain::Route(v1::Command());
  ASSERT_FALSE(ref.ok());
  EXPECT_EQ(ref.status().code(), absl::StatusCode::kInvalidArgument);
}

// "checked before anything is read": even a principal that may not issue
// the command gets the routing error, and nothing is appended. (A role
// that issues no commands at all is refused before routing, by the
// command handler: see CommandHandler::Handle.)
TEST(Route, RoutingErrorComesBeforeTheDecider) {
  World world;
  SeedProviders(world);
  const size_t before = world.Log().size();
  v1::Command command = ExtendContract("", Day(2029, 1, 1), Day(2026, 3, 2));
  absl::StatusOr<std::vector<v1::Event>> result =
      world.Run(ProviderStaff(kPrivateProvider), Day(2026, 3, 2), command);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(domain::FieldOf(result.status()), "contract_id");
  EXPECT_EQ(world.Log().size(), before);
}

// "The envelope's `event_type` is the name of the message in the oneof
// (e.g. "CaseRegistered")": every event's type, derived here from the
// oneof field's name.
TEST(EventType, EveryEventIsNamedAfterItsMessage) {
  const google::protobuf::Descriptor* d = v1::Event::descriptor();
  ASSERT_GE(d->field_count(), 38);  // as many as events.proto has
  for (int i = 0; i < d->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = d->field(i);
    SCOPED_TRACE(field->name());
    std::string camel;
    bool upper = true;
    for (char c : field->name()) {
      if (c == '_') {
        upper = true;
        continue;
      }
      camel.push_back(upper ? static_cast<char>(std::toupper(c)) : c);
      upper = false;
    }
    v1::Event event;
    event.GetReflection()->MutableMessage(&event, field);
    EXPECT_EQ(domain::EventType(event), camel);
  }
}

// Some names spelled out, and none for an empty event.
TEST(EventType, NamesAreTheStoredNames) {
  v1::Event event;
  EXPECT_THAT(domain::EventType(event), IsEmpty());
  event.mutable_case_registered();
  EXPECT_EQ(domain::EventType(event), "CaseRegistered");
  event.mutable_contract_terminated();
  EXPECT_EQ(domain::EventType(event), "ContractTerminated");
  event.mutable_indicator_red_two_years_running();
  EXPECT_EQ(domain::EventType(event), "IndicatorRedTwoYearsRunning");
  event.mutable_care_plan_review_overdue();
  EXPECT_EQ(domain::EventType(event), "CarePlanReviewOverdue");
  event.mutable_extra_measurement_fulfilled();
  EXPECT_EQ(domain::EventType(event), "ExtraMeasurementFulfilled");
}

}  // namespace
}  // namespace atgard::testing
